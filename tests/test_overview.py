"""The main job (`strata overview`): each section comes from its own command's function,
and the numbers in it are the data's, not the paper's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from computestrata import overview as ov


@pytest.mark.integration
def test_top500_section_matches_the_list(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.top500_section(atlas, "2024-11")
    by = {r["country_iso3"]: r for r in sec.rows}
    assert by["USA"]["systems"] == 173 and by["CHN"]["systems"] == 63
    assert sec.source_ids == {"top500_2024_11"}
    assert any("2019" in n for n in sec.notes)  # China's non-submission is said


@pytest.mark.integration
def test_chokepoints_section_names_euv_and_advanced_fabs(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.chokepoints_section(atlas)
    segs = {r["segment"] for r in sec.rows}
    assert {"euv_lithography", "advanced_logic_fab"} <= segs
    assert all(r["n90"] <= 3 for r in sec.rows)
    assert sec.source_ids and all(s.startswith("cset_") for s in sec.source_ids)


@pytest.mark.integration
def test_controls_section_counts_every_chip_each_date(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.controls_section(atlas, "CHN", ("2022-06-01", "2023-12-01"))
    totals = {r["date"]: sum(v for k, v in r.items() if k != "date") for r in sec.rows}
    assert len(set(totals.values())) == 1 and next(iter(totals.values())) > 100
    before, after = sec.rows
    assert before.get("denial", 0) == 0  # no advanced-computing rule before 2022-10-07
    assert after["denial"] > 0 and after["free"] < before["free"]


@pytest.mark.integration
def test_overview_json_cites_every_source(built_atlas: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "overview", "--atlas", str(built_atlas), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert [s["key"] for s in data["sections"]] == ["top500", "chokepoints", "controls", "table1", "stratification"]
    cited = {s for sec in data["sections"] for s in sec["source_ids"]}
    listed = {s["source_id"] for s in data["sources"]}
    assert cited == listed
    strat = next(s for s in data["sections"] if s["key"] == "stratification")
    assert {r["outcome"] for r in strat["rows"]} <= {"holds", "partly", "fails", "no_data"}
