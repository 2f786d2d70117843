"""Every figure a command prints cites its sources (issue 8 item 13, issue 9 item 3).

The test runs EVERY ``strata`` command that has ``--json`` — the list is read from the typer
app, so a new command is covered the day it is added — and checks two things:

1. each table read is cited: the atlas records the tables each query names
   (``Atlas.touched``); for each data table read, at least one of that table's source ids must
   be among the sources the output cites;
2. each cited id exists: every id a result hands to ``emit`` is in the atlas ``sources``
   table (a misspelt id would otherwise vanish from the output without a word).

Lookup tables that only turn codes into names (``countries``, ``country_aliases``) and the
``sources`` table itself are exempt (:data:`computestrata.provenance.LOOKUP_TABLES`).
A command that needs arguments takes them from :data:`SAMPLES`; one missing there fails with a
message saying to add it.  Commands about the atlas itself or that convert files show no
figures of their own: :data:`NO_FIGURES` says why each is left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from computestrata import cli_common
from computestrata.atlas import store
from computestrata.cli import app
from computestrata.provenance import LOOKUP_TABLES

pytestmark = pytest.mark.integration

EXEMPT = set(LOOKUP_TABLES)

#: sample arguments per command (several runs where one is not enough); ``{tmp}`` is a fresh folder
SAMPLES: dict[str, list[list[str]]] = {
    "chart": [["--list"]],
    "controls classify": [["--chip", "H100", "--dest", "CHN", "--date", "2024-06-01"]],
    "controls matrix": [["--dest", "CHN", "--dates", "2023-01-01"]],
    "controls screen": [["Huawei"]],
    "controls timeline": [
        ["--chip", "A100", "--dest", "CHN"],
        ["--item", "equipment", "--eccn", "3B001.f.1.a", "--dest", "CHN"],
    ],
    "coop matrix": [["--countries", "KOR,CHN,USA,JPN", "--date", "2025-06-01"]],
    "coop pair": [["KOR", "CHN"]],
    "coop third-markets": [["KOR", "CHN"]],
    "coop timeline": [["KOR", "CHN", "--from", "2024", "--to", "2025"]],
    "index analyse": [["-f", "gci"]],
    "index build": [["-f", "gci"], ["-f", "caict5"]],
    "index compare": [["-f", "gci", "--other", "caict5"]],
    "index export": [["-f", "gci", "--out", "{tmp}/gci.xlsx"]],
    "index sensitivity": [["-f", "gci", "--n", "16"]],
    "index trends": [["-f", "gci"]],
    "index uncertainty": [["-f", "gci", "--n", "64"]],
    "index weights": [["-f", "gci"]],
    "measure compute": [
        ["--kind", "intelligent", "--year", "2024", "--draws", "200"],
        ["--kind", "intelligent", "--year", "2021", "--draws", "200", "--allow-thin"],
        ["--kind", "super", "--year", "2024"],
    ],
    "measure concentration": [[], ["--dataset", "clusters"], ["--dataset", "chips"]],
    "measure coreperiphery": [[], ["--by", "type"]],
    "measure table1": [["--draws", "200"]],
    "network frontier": [["--prices", "0,100"]],
    "report": [["--out", "{tmp}/report"]],
    "scenario hindcast": [[], ["--cutoff", "2022"]],
    "scenario run": [
        ["baseline", "--to", "2027"],
        ["no_yard", "big_yard_high_fence", "--pair", "JPN", "CHN", "--to", "2028"],
    ],
    "scenario show": [["baseline"]],
    "scenario sweep": [["baseline", "--n", "8", "--workers", "1", "--to", "2026"]],
    "stack controls": [["--date", "2024-06-01"]],
    "stack exposure": [["KOR", "--cut", "hbm,euv_lithography"]],
    "top500 countries": [["--list", "2024-11"]],
    "top500 history": [["--country", "KOR"]],
    "top500 systems": [["--list", "2024-11", "--top", "5"]],
}

#: commands that show no figure from the atlas of their own, and why
NO_FIGURES: dict[str, str] = {
    "atlas add top500": "adds a user's file to an atlas (writes, shows what was added)",
    "atlas build": "builds the atlas itself",
    "atlas diff": "compares two atlases table by table (counts, no sourced figures)",
    "atlas query": "the user's own SQL over the atlas: the user chooses what to cite",
    "atlas sources": "lists the sources table itself",
    "atlas tables": "lists the tables of the atlas and their licences",
    "index import-coin-tool": "converts a COIN Tool workbook into YAML and CSV files (no atlas)",
}

#: (command, first args) known to read without citing: strict xfail, so the mark must go when fixed
KNOWN_UNCITED: dict[str, str] = {}


def _walk(cmd: Any, path: list[str]) -> Any:
    subs = getattr(cmd, "commands", None)
    if subs:
        for name, sub in sorted(subs.items()):
            yield from _walk(sub, [*path, name])
    else:
        yield " ".join(path), cmd


def json_commands() -> dict[str, Any]:
    """Every leaf command of ``strata`` that has a ``--json`` option: name → click command."""
    root = typer.main.get_command(app)
    return {name: cmd for name, cmd in _walk(root, []) if any("--json" in p.opts for p in cmd.params)}


def _cases() -> list[Any]:
    out: list[Any] = []
    for name, cmd in json_commands().items():
        if name in NO_FIGURES:
            continue
        needs = [p.name for p in cmd.params if p.required]
        runs = SAMPLES.get(name) or ([[]] if not needs else [None])
        for args in runs:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_UNCITED[name])] if name in KNOWN_UNCITED else []
            label = " ".join([name, *(args or [])])[:60]
            out.append(pytest.param(name, args, "--atlas" in _opts(cmd), id=label, marks=marks))
    return out


def _opts(cmd: Any) -> set[str]:
    return {o for p in cmd.params for o in p.opts}


def _cited(out: Any) -> set[str]:
    """Ids in the envelope's ``sources`` (or, for a command that writes files, ``source_ids``)."""
    ids = {s["source_id"] for s in out.get("sources", []) if isinstance(s, dict) and s.get("source_id")}
    return ids | {i for i in out.get("source_ids", []) if isinstance(i, str)}


@pytest.fixture(scope="module")
def table_sources(built_atlas: Path) -> dict[str, set[str]]:
    a = store.open(built_atlas)
    out = {}
    for t in a.tables:
        if t not in EXEMPT and "source_id" in a.manifest["tables"][t].get("columns", []):
            out[t] = {r["source_id"] for r in a.rows(f'SELECT DISTINCT source_id FROM "{t}"') if r["source_id"]}
    return out


@pytest.fixture(scope="module")
def known_ids(built_atlas: Path) -> set[str]:
    return {r["source_id"] for r in store.open(built_atlas).rows("SELECT source_id FROM sources")}


@pytest.mark.parametrize(("name", "args", "takes_atlas"), _cases())
def test_every_table_read_is_cited(
    name: str,
    args: list[str] | None,
    takes_atlas: bool,
    built_atlas: Path,
    table_sources: dict[str, set[str]],
    known_ids: set[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if args is None:
        pytest.fail(
            f"`strata {name}` needs arguments: add sample arguments for it to SAMPLES in "
            "tests/test_trust_cited_tables.py (or, if it shows no sourced figure, a reason to NO_FIGURES)"
        )
    read: set[str] = set()
    asked: set[str] = set()
    original_touch, original_sources = store.Atlas._touch, store.Atlas.sources

    def spy(self: store.Atlas, sql: str) -> None:
        original_touch(self, sql)
        read.update(self.touched)

    def spy_sources(self: store.Atlas, ids: Any = None) -> list[dict[str, Any]]:
        # only the ids a result cites (emit's look-up); other callers may probe words for ids
        if ids is not None and sys._getframe(1).f_code is cli_common.emit.__code__:
            ids = list(ids)
            asked.update(i for i in ids if i)
        return original_sources(self, ids)

    monkeypatch.setattr(store.Atlas, "_touch", spy)
    monkeypatch.setattr(store.Atlas, "sources", spy_sources)
    argv = [*name.split(), *(a.replace("{tmp}", str(tmp_path)) for a in args), "--json"]
    if takes_atlas:
        argv += ["--atlas", str(built_atlas)]
    monkeypatch.chdir(tmp_path)  # a command that writes by default writes here
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    if isinstance(payload, dict):  # the envelope names what it holds (a bare array is a data dump)
        assert isinstance(payload.get("title"), str) and payload["title"].strip(), f"strata {name} --json has no title"
    cited = _cited(payload)
    uncited = sorted(t for t in read & set(table_sources) if not table_sources[t] & cited)
    assert not uncited, f"strata {' '.join(argv[:-2])} reads {uncited} but cites none of their sources"
    unknown = sorted(asked - known_ids)
    assert not unknown, f"strata {name} cites source ids not in the atlas: {unknown}"


def test_every_json_command_is_covered() -> None:
    """The enumeration sees the commands (a broken walk would make the test above vacuous)."""
    names = json_commands()
    assert {"measure compute", "index build", "overview", "trends", "coop pair"} <= set(names)
    assert not set(NO_FIGURES) - set(names), "NO_FIGURES names a command that no longer exists"
    assert not set(SAMPLES) - set(names), "SAMPLES names a command that no longer exists"


def test_commands_that_need_arguments_have_samples() -> None:
    """Named here too, so a missing sample is one clear failure, not a parametrised one."""
    missing = [
        name
        for name, cmd in json_commands().items()
        if any(p.required for p in cmd.params) and name not in SAMPLES and name not in NO_FIGURES
    ]
    assert not missing, f"add sample arguments to SAMPLES in tests/test_trust_cited_tables.py for: {missing}"


def test_the_spy_sees_reads() -> None:
    """The check is only as good as the recording: a query naming a table records it."""
    a = store.open()
    a.rows("SELECT count(*) AS n FROM gpu_clusters")
    assert "gpu_clusters" in a.touched and "chips" not in a.touched
