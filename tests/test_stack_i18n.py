"""`strata stack` in Korean and Chinese: labels in tables, stable codes in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from loaders_support import build_cset_mock_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def mock_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cset_mock_atlas(tmp_path_factory.mktemp("stack_i18n_mock"))


def _out(*args: str) -> str:
    res = runner.invoke(app, ["stack", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def test_controls_table_translates_layer_status_and_confidence() -> None:
    out = _out("controls", "--date", "2025-06-01", "--lang", "ko")
    assert "L1 하드웨어" in out and "통제 밖" in out and "통제 대상" in out and "높음" in out
    assert "uncontrolled" not in out and "ai_accelerators" not in out  # names, not ids
    rows = json.loads(_out("controls", "--date", "2025-06-01", "--lang", "ko", "--json"))["rows"]
    assert {r["status"] for r in rows} >= {"controlled", "uncontrolled"} and {r["layer"] for r in rows} >= {"L1"}


def test_show_translates_tiers_and_share_basis() -> None:
    out = _out("show", "--lang", "zh")
    assert "前沿" in out and "L5 应用" in out and "CSET Chip Explorer" in out and "frontier " not in out
    rows = json.loads(_out("show", "--lang", "zh", "--json"))["rows"]
    assert "frontier" in {r["sensitivity"] for r in rows} and "cset" in {r["share_basis"] for r in rows}


def test_graph_dot_layer_labels() -> None:
    assert 'label="L1 하드웨어"' in _out("graph", "--lang", "ko")
    assert 'label="L4 core capability"' in _out("graph", "--lang", "en")


def test_concentration_and_exposure_on_mock(mock_atlas: Path) -> None:
    atlas = ["--atlas", str(mock_atlas)]
    out = _out("chokepoints", *atlas, "--lang", "ko")
    assert "EUV 노광" in out and "│ euv_lithography" not in out
    out = _out("exposure", "CHN", "--cut", "euv_lithography", "--from", "NLD", *atlas, "--lang", "ko")
    assert "EUV 노광 → " in out and "│ 예 " in out.replace("  ", " ")
    d = json.loads(_out("exposure", "CHN", "--cut", "euv_lithography", "--from", "NLD", *atlas, "--json"))
    rows = {r["segment"]: r for r in d["rows"]}
    assert rows["euv_lithography"]["cut"] is True and rows["frontier_training"]["path"].startswith("euv_lithography")


def test_share_notes_are_translated_with_segment_names() -> None:
    """QA #10: curated notes ('Micron (USA headquarters)') and the segment id stayed English."""
    for lang, want, name in (("ko", "마이크론", "고대역폭 메모리(HBM)"), ("zh", "美光", "高带宽内存(HBM)")):
        notes = json.loads(_out("shares", "hbm", "--lang", lang, "--json"))["notes"]
        assert any(want in n and n.startswith(name) for n in notes), notes
        assert not any("Micron (USA headquarters)" in n or "rolled up to headquarters" in n for n in notes)
        assert not any(n.startswith("hbm:") for n in notes)


def test_no_data_note_names_segments_in_the_readers_language(mock_atlas: Path) -> None:
    notes = json.loads(_out("concentration", "--atlas", str(mock_atlas), "--lang", "ko", "--json"))["notes"]
    no_data = next(n for n in notes if n.startswith("점유율 자료 없음"))
    assert "AI 가속기(GPU·AI ASIC)" in no_data and "ai_accelerators" not in no_data and "cpus" not in no_data
    notes = json.loads(_out("concentration", "--atlas", str(mock_atlas), "--lang", "zh", "--json"))["notes"]
    assert any(n.startswith("无份额数据") and "AI加速器(GPU、AI ASIC)" in n for n in notes)


def test_exposure_notes_name_segments(mock_atlas: Path) -> None:
    d = json.loads(_out("exposure", "CHN", "--cut", "ai_servers", "--atlas", str(mock_atlas), "--lang", "ko", "--json"))
    note = next(n for n in d["notes"] if "--assume" in n)
    assert note.startswith("AI 서버:") and "--assume ai_servers=" in note  # the name, and the id to type
