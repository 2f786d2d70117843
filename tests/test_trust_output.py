"""Reading the output (issue 8, item 15): tables never cut an id or a number, the chip matrix
is compact by default, long source lists collapse per publisher, and flags show no type tag."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from computestrata import render
from computestrata.cli import app

runner = CliRunner()
BORDER_END = "│┃┓┫┩┤┘"
ATOM = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.,-", min_size=1, max_size=22)
WORDS = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=9), min_size=3, max_size=12).map(" ".join)


def rendered(headers: list[str], cells: list[list[str]], width: int) -> tuple[str, list[str]]:
    table, dropped = render.render_table("t", headers, cells, width)
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None).print(table)
    return buf.getvalue(), dropped


@settings(max_examples=80)
@given(
    n_atoms=st.integers(1, 6),
    rows=st.integers(1, 4),
    width=st.integers(40, 120),
    data=st.data(),
)
def test_no_atomic_cell_is_ever_cut(n_atoms: int, rows: int, width: int, data: st.DataObject) -> None:
    headers = [f"h{j}" for j in range(n_atoms)] + ["note"]
    cells = [[data.draw(ATOM) for _ in range(n_atoms)] + [data.draw(WORDS)] for _ in range(rows)]
    text, dropped = rendered(headers, cells, width)
    lines = text.splitlines()
    assert all(len(ln) <= width for ln in lines)
    assert all(ln.rstrip()[-1] in BORDER_END for ln in lines[1:] if ln.strip()), text  # nothing cropped
    assert "…" not in text
    shown = [j for j, h in enumerate(headers) if h not in dropped]
    assert 0 in shown  # the first column (usually the id) is never dropped
    for row in cells:
        for j in shown[:-1] if headers[shown[-1]] == "note" else shown:
            # every id/number shown appears whole on one line
            assert any(row[j] in ln for ln in lines), (row[j], text)
    if "note" in headers and "note" not in dropped:
        for row in cells:
            assert all(w in text for w in row[-1].split())  # prose wraps, words stay whole


def test_columns_that_do_not_fit_are_named_not_cut() -> None:
    headers = ["segment", "value", "owner"]
    cells = [["euv_lithography", "4,977,700", "ASML_Holding_NV_Veldhoven"]]
    text, dropped = rendered(headers, cells, 40)
    assert dropped == ["owner"]
    assert "euv_lithography" in text and "4,977,700" in text


CMDS = [
    ["stack", "chokepoints"],
    ["stack", "concentration"],
    ["measure", "compute", "--kind", "intelligent", "--year", "2024"],
    ["measure", "stratification"],
    ["controls", "classify", "--chip", "H100", "--dest", "CHN", "--date", "2024-06-01"],
    ["controls", "matrix", "--dest", "CHN", "--dates", "2022-06-01,2023-12-01"],
    ["controls", "rules"],
    ["overview"],
    ["top500", "history", "--country", "CHN"],
]


@pytest.mark.integration
@pytest.mark.parametrize("args", CMDS, ids=lambda a: " ".join(a[:2]))
def test_tables_at_100_columns_cut_nothing(args: list[str], built_atlas) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, args, env={"COLUMNS": "100", "STRATA_ATLAS": str(built_atlas)})
    assert res.exit_code == 0, res.output
    table_lines = [ln for ln in res.output.splitlines() if ln.startswith(("│", "┃"))]
    assert table_lines
    assert all(len(ln) <= 100 for ln in table_lines)
    assert all(ln.rstrip()[-1] in BORDER_END for ln in table_lines), "a table was cropped at the right"
    assert not any("…" in ln for ln in table_lines), [ln for ln in table_lines if "…" in ln]


@pytest.mark.integration
def test_chokepoint_shares_and_hhi_are_whole(built_atlas) -> None:  # type: ignore[no-untyped-def]
    """The numbers of the JSON appear whole in the 100-column table."""
    full = json.loads(runner.invoke(app, ["stack", "chokepoints", "--atlas", str(built_atlas), "--json"]).output)
    res = runner.invoke(app, ["stack", "chokepoints", "--atlas", str(built_atlas)], env={"COLUMNS": "100"})
    for r in full["rows"]:
        hhi = r.get("hhi")
        if isinstance(hhi, int | float):
            assert f"{round(hhi):,}" in res.output


def test_matrix_is_compact_by_default_and_lists_chips_on_request() -> None:
    args = ["controls", "matrix", "--dest", "CHN", "--dates", "2022-06-01,2023-12-01", "--origin", "reference"]
    compact = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert compact.exit_code == 0, compact.output
    full = runner.invoke(app, [*args, "--chips"], env={"COLUMNS": "100"})
    rows = json.loads(runner.invoke(app, [*args, "--json"]).output)["rows"]
    chips = {r["chip"] for r in rows}
    body = [ln for ln in compact.output.splitlines() if ln.startswith("│")]
    assert [ln.split("│")[1].strip() for ln in body] == ["2022-06-01", "2023-12-01"]  # one line per date
    for ln in body:
        cells = [c.strip() for c in ln.strip().strip("│").split("│")]
        shown = sorted(int(c) for c in cells[1:] if int(c) > 0)
        expected: dict[str, int] = {}
        for r in rows:
            if r["date"] == cells[0]:
                expected[r["status"]] = expected.get(r["status"], 0) + 1
        assert shown == sorted(expected.values())
        assert sum(shown) == len(chips)
    assert "presumption" in compact.output and "denial" in compact.output  # labels, not codes
    assert "NVIDIA A100" in full.output and "NVIDIA A100" not in compact.output
    assert len(full.output.splitlines()) > len(compact.output.splitlines()) + len(chips)


def test_status_counts_per_date() -> None:
    from computestrata.controls.batch import status_counts

    rows = [
        {"chip": "a", "date": "d1", "status": "free"},
        {"chip": "b", "date": "d1", "status": "free"},
        {"chip": "a", "date": "d2", "status": "denial"},
        {"chip": "b", "date": "d2", "status": "free"},
    ]
    assert status_counts(rows, ["d1", "d2"]) == [
        {"date": "d1", "free": 2, "denial": 0},
        {"date": "d2", "free": 1, "denial": 1},
    ]


def sources(n: int, publisher: str = "TOP500.org") -> list[dict[str, str]]:
    return [
        {
            "source_id": f"top500_{2000 + i}_11",
            "citation": f"TOP500 list {2000 + i}",
            "license": "L",
            "publisher": publisher,
        }
        for i in range(n)
    ]


def test_long_source_lists_collapse_per_publisher() -> None:
    many = [*sources(12), *sources(1, "Epoch AI")]
    lines = render.source_lines(many, "licence")
    assert lines == [
        "TOP500.org: 12 sources (top500_2000_11 … top500_2011_11); licence: L",
        "[top500_2000_11] TOP500 list 2000 (licence: L)",
    ]
    render.set_sources_mode("full")
    try:
        assert len(render.source_lines(many, "licence")) == 13
    finally:
        render.set_sources_mode(None)
    assert len(render.source_lines(sources(5), "licence")) == 5  # a short list stays whole


def test_sources_option_anywhere_on_the_line() -> None:
    assert render.pop_sources_option(["top500", "history", "--sources=full"]) == ["top500", "history"]
    assert render.sources_mode() == "full"
    render.set_sources_mode(None)
    from computestrata.errors import InputError

    with pytest.raises(InputError, match="--sources"):
        render.pop_sources_option(["--sources", "everything"])


@pytest.mark.integration
def test_top500_history_sources_collapse_and_expand(built_atlas) -> None:  # type: ignore[no-untyped-def]
    args = ["top500", "history", "--country", "CHN", "--atlas", str(built_atlas)]
    short = runner.invoke(app, args, env={"COLUMNS": "100"}).output
    full = runner.invoke(app, ["--sources", "full", *args], env={"COLUMNS": "100"}).output
    n_full = len(re.findall(r"\[top500_\d{4}_\d{2}\]", full))
    assert n_full > 50
    assert len(re.findall(r"\[top500_\d{4}_\d{2}\]", short)) == 0
    assert re.search(r"TOP500[^\n]*: \d+ sources \(top500_1993_06 … top500_", short)
    assert len(full.splitlines()) > len(short.splitlines()) + 40


@pytest.mark.parametrize("cmd", [["controls", "matrix"], ["top500", "history"], ["overview"], ["atlas", "query"]])
def test_help_shows_no_bool_tags(cmd: list[str]) -> None:
    out = runner.invoke(app, [*cmd, "--help"], env={"COLUMNS": "120"}).output
    assert "--json" in out or "--help" in out
    assert "<bool>" not in out
