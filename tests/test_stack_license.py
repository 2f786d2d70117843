"""`--exclude-license` in `strata stack`: accepted everywhere, honoured, and said out loud (QA #9).

The mock atlas holds only CSET data (CC-BY-NC-4.0), so excluding that licence hides every
CSET segment; the curated shares (HBM, <10 nm logic) stay, as they carry another licence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.atlas import store
from computestrata.cli import app
from computestrata.errors import InputError
from loaders_support import build_cset_mock_atlas

NC = "CC-BY-NC-4.0"
runner = CliRunner()


@pytest.fixture(scope="module")
def mock_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cset_mock_atlas(tmp_path_factory.mktemp("stack_license_mock"))


def _run(args: list[str], atlas: Path, *extra: str) -> str:
    res = runner.invoke(app, ["stack", *args, "--atlas", str(atlas), *extra])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def test_chokepoints_name_the_segments_the_filter_hides(mock_atlas: Path) -> None:
    d = json.loads(_run(["chokepoints", "--exclude-license", NC, "--json"], mock_atlas))
    assert {r["segment"] for r in d["rows"]} <= {"advanced_logic_fab", "hbm"}  # curated, not CSET
    assert d["hidden_by_license"]["euv_lithography"] == [NC]
    hidden = [n for n in d["notes"] if "--exclude-license" in n]
    assert len(hidden) == 1 and NC in hidden[0] and "EUV lithography" in hidden[0]
    assert not any("CSET years" in n for n in d["notes"])  # no note about data that is not shown
    assert not any(s["license"] == NC for s in d["sources"])
    full = json.loads(_run(["chokepoints", "--json"], mock_atlas))
    assert "hidden_by_license" not in full and "euv_lithography" in {r["segment"] for r in full["rows"]}


def test_concentration_does_not_call_hidden_data_missing(mock_atlas: Path) -> None:
    d = json.loads(_run(["concentration", "--exclude-license", NC, "--json"], mock_atlas))
    no_data = next(n for n in d["notes"] if n.startswith("No share data"))
    assert "EUV lithography" not in no_data and "AI accelerators (GPUs, AI ASICs)" in no_data
    assert "euv_lithography" in d["missing"]  # JSON key kept: segments without rows


def test_exposure_fails_clearly_when_the_cut_needs_excluded_shares(mock_atlas: Path) -> None:
    args = ["stack", "exposure", "CHN", "--cut", "euv_lithography,hbm", "--from", "USA,NLD,JPN,KOR,TWN"]
    res = runner.invoke(app, [*args, "--atlas", str(mock_atlas), "--exclude-license", NC])
    assert isinstance(res.exception, InputError), res.output
    assert f"the shares for euv_lithography come only from {NC} data (CSET" in str(res.exception)
    assert "--assume euv_lithography=" in str(res.exception.hint) and "drop --exclude-license" in str(
        res.exception.hint
    )
    # an assumed supply replaces the excluded shares; the curated HBM shares are still used
    d = json.loads(_run([*args[1:], "--assume", "euv_lithography=0", "--json"], mock_atlas, "--exclude-license", NC))
    rows = {r["segment"]: r for r in d["rows"]}
    assert rows["euv_lithography"]["available"] == 0.0 and rows["hbm"]["available"] == pytest.approx(0.0)
    assert d["supply"]["hbm"]["lost_from"] == {"KOR": pytest.approx(0.9), "USA": pytest.approx(0.1)}


@pytest.mark.parametrize("command", [["show"], ["controls", "--date", "2025-06-01"], ["graph", "--format", "json"]])
def test_every_stack_command_accepts_the_option(mock_atlas: Path, command: list[str]) -> None:
    _run(command, mock_atlas, "--exclude-license", NC)
    res = runner.invoke(app, ["stack", *command, "--atlas", str(mock_atlas), "--exclude-license", "NOPE-1.0"])
    assert isinstance(res.exception, InputError) and "matches no source" in str(res.exception)


def test_show_marks_share_bases_the_filter_hides(mock_atlas: Path) -> None:
    d = json.loads(_run(["show", "--json"], mock_atlas, "--exclude-license", NC))
    assert d["hidden_by_license"]["eda"] == [NC] and "hbm" not in d["hidden_by_license"]
    assert any("Hidden by --exclude-license" in n and "EDA software" in n for n in d["notes"])
    out = _run(["show", "--layer", "L1"], mock_atlas, "--exclude-license", NC)
    assert "CSET Chip Explorer" in out and "(hidden" in out  # the basis cell is marked (it may wrap after "hidden")
    assert "hidden_by_license" not in json.loads(_run(["show", "--json"], mock_atlas))


def test_controls_say_the_filter_hides_nothing_there(mock_atlas: Path) -> None:
    d = json.loads(_run(["controls", "--date", "2025-06-01", "--json"], mock_atlas, "--exclude-license", NC))
    assert any(NC in n and "hides nothing" in n for n in d["notes"])


def test_graph_edges_lose_cset_confirmation(mock_atlas: Path) -> None:
    full = json.loads(_run(["graph", "--format", "json"], mock_atlas))
    cut = json.loads(_run(["graph", "--format", "json"], mock_atlas, "--exclude-license", NC))
    assert any(e["cset_confirmed"] for e in full["edges"]) and not any(e["cset_confirmed"] for e in cut["edges"])


def test_shares_note_hidden_segments(mock_atlas: Path) -> None:
    d = json.loads(_run(["shares", "--json"], mock_atlas, "--exclude-license", NC))
    assert "euv_lithography" in d["hidden_by_license"] and {r["segment"] for r in d["rows"]} <= {
        "advanced_logic_fab",
        "hbm",
    }
    assert not any(n.startswith("No share data") and "EUV lithography" in n for n in d["notes"])


def test_curated_shares_follow_the_licence_filter(mock_atlas: Path) -> None:
    """Curated figures carry LicenseRef-compiled-facts: excluding it hides them, and says so."""
    from computestrata.stack.shares import CURATED_LICENSE, ShareBook, load_curated

    assert {r["license"] for r in load_curated()} == {CURATED_LICENSE}
    opened = store.open(mock_atlas)
    try:
        cut = store.Atlas(opened.path, opened.manifest, exclude_licenses=(CURATED_LICENSE,))
        book = ShareBook(cut)
        assert book.for_segment("hbm") is None and book.for_segment("euv_lithography") is not None
        assert book.hidden_by_license() == {"advanced_logic_fab": [CURATED_LICENSE], "hbm": [CURATED_LICENSE]}
        assert ShareBook(opened).hidden_by_license() == {}
    finally:
        opened.close()
