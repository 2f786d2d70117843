"""Every atlas table a command reads is cited in its JSON (issue 8 item 13).

The atlas records the tables each query names (``Atlas.touched``); the test runs every
command with ``--json`` and checks that, for each data table read, at least one of that
table's source ids is among the sources the output cites.  Lookup tables that only turn
codes into names (``countries``, ``country_aliases``) and the ``sources`` table itself are
exempt.  Commands about the atlas itself (build, add, diff, query, tables, sources) are out
of scope: they show no figures; ``controls rules`` and ``controls eccns`` read no atlas table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata.atlas import store
from computestrata.cli import app

pytestmark = pytest.mark.integration

EXEMPT = {"sources", "countries", "country_aliases"}
COMMANDS: list[Any] = [
    ["overview"],
    ["top500", "countries", "--list", "2024-11"],
    ["top500", "systems", "--list", "2024-11", "--top", "5"],
    ["top500", "history", "--country", "KOR"],
    ["stack", "show"],
    ["stack", "controls", "--date", "2024-06-01"],
    ["stack", "shares"],
    ["stack", "concentration"],
    ["stack", "chokepoints"],
    ["stack", "exposure", "KOR", "--cut", "hbm,euv_lithography"],
    ["controls", "classify", "--chip", "H100", "--dest", "CHN", "--date", "2024-06-01"],
    ["controls", "matrix", "--dest", "CHN", "--dates", "2023-01-01"],
    ["controls", "timeline", "--chip", "A100", "--dest", "CHN"],
    ["measure", "compute", "--kind", "intelligent", "--year", "2024", "--draws", "200"],
    ["measure", "compute", "--kind", "super", "--year", "2024"],
    ["measure", "table1", "--draws", "200"],
    ["measure", "concentration"],
    ["measure", "stratification"],
    ["measure", "coreperiphery"],
    ["trends"],
    ["controls", "screen", "Huawei"],
    ["index", "build", "-f", "gci"],
    ["network", "params"],
    ["coop", "pair", "KOR", "CHN"],
    # found by this test, outside the stack/measure/controls-catalogue area: reported, to be fixed
    # by their owners (strict: the mark must go when they are fixed)
    ["network", "cases"],
    pytest.param(
        ["coop", "third-markets", "KOR", "CHN"],
        marks=pytest.mark.xfail(
            strict=True, reason="reads ai_models, cloud_market_share, trade_semis_bilateral without citing them"
        ),
    ),
]


def _cited(out: Any) -> set[str]:
    return {s["source_id"] for s in out.get("sources", []) if isinstance(s, dict) and s.get("source_id")}


@pytest.fixture(scope="module")
def table_sources(built_atlas: Path) -> dict[str, set[str]]:
    a = store.open(built_atlas)
    out = {}
    for t in a.tables:
        if t not in EXEMPT and "source_id" in a.manifest["tables"][t].get("columns", []):
            out[t] = {r["source_id"] for r in a.rows(f'SELECT DISTINCT source_id FROM "{t}"') if r["source_id"]}
    return out


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_every_table_read_is_cited(
    args: list[str], built_atlas: Path, table_sources: dict[str, set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    read: set[str] = set()
    original = store.Atlas._touch

    def spy(self: store.Atlas, sql: str) -> None:
        original(self, sql)
        read.update(self.touched)

    monkeypatch.setattr(store.Atlas, "_touch", spy)
    res = CliRunner().invoke(app, [*args, "--json", "--atlas", str(built_atlas)])
    assert res.exit_code == 0, res.output
    cited = _cited(json.loads(res.output))
    uncited = sorted(t for t in read & set(table_sources) if not table_sources[t] & cited)
    assert not uncited, f"{' '.join(args)} reads {uncited} but cites none of their sources"


def test_the_spy_sees_reads() -> None:
    """The check is only as good as the recording: a query naming a table records it."""
    a = store.open()
    a.rows("SELECT count(*) AS n FROM gpu_clusters")
    assert "gpu_clusters" in a.touched and "chips" not in a.touched
