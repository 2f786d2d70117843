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
    assert sec.source_ids and {"cset_chip_explorer_provision", "cset_chip_explorer_providers"} <= sec.source_ids
    # every segment tested is cited, chokepoint or not (issue 8 item 13), and the note says so
    assert "epoch_gpu_clusters" in sec.source_ids and any("tested" in n for n in sec.notes)


@pytest.mark.integration
def test_controls_section_counts_every_chip_each_date(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.controls_section(atlas, "CHN", ("2022-06-01", "2023-12-01"))
    chips = [{k: v for k, v in r.items() if k != "date" and not k.startswith("equipment_")} for r in sec.rows]
    totals = {r["date"]: sum(c.values()) for r, c in zip(sec.rows, chips, strict=True)}
    assert len(set(totals.values())) == 1 and next(iter(totals.values())) > 100
    before, after = sec.rows
    assert before.get("denial", 0) == 0  # no advanced-computing rule before 2022-10-07
    assert after["denial"] > 0 and after["free"] < before["free"]
    # equipment counts too: only the Wassenaar baseline (EUV, substrates) before 2022-10-07, the SME paragraphs after
    assert 0 < before["equipment_licence"] < after["equipment_licence"] <= after["equipment_modelled"]


@pytest.mark.integration
def test_overview_json_cites_every_source(built_atlas: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "overview", "--atlas", str(built_atlas), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert [s["key"] for s in data["sections"]] == [
        "top500",
        "chokepoints",
        "controls",
        "table1",
        "stratification",
        "trends",
    ]
    cited = {s for sec in data["sections"] for s in sec["source_ids"]}
    listed = {s["source_id"] for s in data["sources"]}
    assert cited == listed
    strat = next(s for s in data["sections"] if s["key"] == "stratification")
    by = {r["dataset"]: r for r in strat["rows"]}
    assert set(by) == {"top500", "clusters", "chips"}
    # frontier HHI 3254 → 5287, rest 2044 → 1413; but the frontier trend's 95 % interval spans 0
    assert by["top500"]["outcome"] == "partly" and "no clear frontier trend" in by["top500"]["verdict"]
    assert "3254" in by["top500"]["verdict"] and "5287" in by["top500"]["verdict"]
    assert by["chips"]["outcome"] not in {"holds", "no_data"}  # the chip frontier's HHI falls
