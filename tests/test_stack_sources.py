"""QA2 N6/#19/#10/N11 in `strata stack`: curated shares and rule texts are cited as source
records, the future-date note, translated citations in notes, and the --assume range message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.stack import api
from computestrata.stack.shares import CLOUD_HQ_CITATION, SegmentShares, curated_records, load_curated

runner = CliRunner()
NO_ATLAS = ["--atlas", str(Path(__file__).parent / "fixtures" / "controls" / "atlas_reference_only")]


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, ["stack", *args, "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    return json.loads(res.output)


def _text(*args: str) -> str:
    res = runner.invoke(app, ["stack", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def test_every_curated_citation_has_one_record_with_its_licence() -> None:
    rows = load_curated()
    recs = curated_records(rows)
    ids = [r["source_id"] for r in recs.values()]
    assert len(ids) == len(set(ids))  # one id per record
    hbm = next(r for r in rows if r["segment_id"] == "hbm")
    rec = next(v for k, v in recs.items() if k.startswith(hbm["citation"]))
    assert rec["source_id"] == "stack_curated_shares_hbm_2022" and rec["publisher"] == "TrendForce"
    assert rec["license"] == hbm["license"] and rec["url"] == hbm["url"]
    assert rec["raw_file"] == "computestrata/stack/curated_shares.csv" and rec["locator"] == "hbm 2022"


def test_curated_sources_follow_the_citations_of_the_results() -> None:
    hbm = next(r for r in load_curated() if r["segment_id"] == "hbm")
    cite = next(k for k in curated_records() if k.startswith(hbm["citation"]))
    sh = SegmentShares("hbm", 2022, {"KOR": 0.9, "USA": 0.1}, "curated", citations=[cite])
    cloud = SegmentShares("cloud", 2024, {"USA": 0.6}, "cloud", citations=[CLOUD_HQ_CITATION])
    plain = SegmentShares("eda", 2022, {"USA": 1.0}, "cset", source_ids=["cset"])
    got = api.curated_sources([sh, sh, plain, None, cloud])
    assert [r["source_id"] for r in got] == ["stack_curated_shares_hbm_2022", "stack_curated_shares_cloud_hq"]
    assert api.curated_sources([plain]) == []


def test_shares_hbm_lists_the_curated_source() -> None:
    d = _json("shares", "hbm")
    src = {s["source_id"]: s for s in d["sources"]}
    assert "stack_curated_shares_hbm_2022" in src and src["stack_curated_shares_hbm_2022"]["citation"].startswith(
        "TrendForce"
    )
    assert "[stack_curated_shares_hbm_2022] TrendForce" in _text("shares", "hbm")


def test_chokepoints_cite_the_curated_fab_shares() -> None:
    d = _json("chokepoints")
    assert "advanced_logic_fab" in {r["segment"] for r in d["rows"]}
    assert "stack_curated_shares_advanced_logic_fab_2019" in {s["source_id"] for s in d["sources"]}


def test_stack_controls_cites_the_rules_in_force() -> None:
    d = _json("controls", "--date", "2023-06-01", *NO_ATLAS)
    ids = {s["source_id"] for s in d["sources"]}
    assert "controls_rule_oct2022_ac" in ids and "controls_rule_oct2023_acs" not in ids  # not yet in force
    assert all(s["license"] == "LicenseRef-US-government-work" for s in d["sources"])
    assert d.get("citations")  # kept


def test_stack_controls_past_the_rule_data_says_so() -> None:
    d = _json("controls", "--date", "2099-01-01", *NO_ATLAS)
    assert any("the rule data ends at" in n for n in d["notes"])
    assert not any("the rule data ends at" in n for n in _json("controls", "--date", "2025-06-01", *NO_ATLAS)["notes"])


def test_posture_citations_are_translated() -> None:
    args = ["controls", "--date", "2025-06-01", "--posture", "big_yard_high_fence", *NO_ATLAS]
    zh = _text(*args, "--lang", "zh")
    assert "as modified by" not in zh and "hypothetical (" not in zh and "（经 posture:" in zh
    assert "as modified by posture:" in _text(*args, "--lang", "en")
    # JSON keeps the citations as the rule data gives them
    assert any("as modified by" in c for c in _json(*args)["citations"])


def test_cloud_headquarters_citation_is_translated() -> None:
    res = runner.invoke(app, ["stack", "concentration", "--lang", "ko"])
    assert res.exit_code == 0, res.output
    notes = res.output.split("\n참고\n")[1]  # the source record keeps its citation as published
    assert "provider headquarters per company annual reports" not in notes and "연차보고서" in notes


@pytest.mark.parametrize("value", ["1.5", "150%", "-0.1"])
def test_assume_out_of_range_says_the_range(value: str) -> None:
    res = runner.invoke(app, ["stack", "exposure", "CHN", "--cut", "hbm", "--from", "USA", "--assume", f"hbm={value}"])
    assert isinstance(res.exception, InputError)
    assert "within 0–1" in str(res.exception) and "is not SEG=FRACTION" not in str(res.exception)


@pytest.mark.parametrize("item", ["hbm", "hbm=", "=0.2", "hbm=abc"])
def test_assume_malformed_says_the_form(item: str) -> None:
    res = runner.invoke(app, ["stack", "exposure", "CHN", "--cut", "hbm", "--assume", item])
    assert isinstance(res.exception, InputError) and "is not SEG=FRACTION" in str(res.exception)
