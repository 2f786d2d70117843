"""Measure on the full atlas built from the shared raw data (integration)."""

from __future__ import annotations

from typing import Any

import pytest

from computestrata.measure import estimates as es
from computestrata.measure import stratification as st
from computestrata.measure import table1 as t1

pytestmark = pytest.mark.integration


def test_super_compute_2024_matches_the_published_list(atlas: Any) -> None:
    est = es.from_atlas(atlas, "super", 2024)
    usa = next(r for r in est.rows if r["country"] == "USA")
    chn = next(r for r in est.rows if r["country"] == "CHN")
    assert usa["systems"] == 173 and chn["systems"] == 63  # the paper's TOP500 counts
    # a census, not a sample: the share is the list's own Rmax sum, computed here independently
    sums = {
        r["c"]: r["s"]
        for r in atlas.rows(
            "SELECT coalesce(country_iso3, 'UNK') AS c, sum(rmax_tflops) AS s FROM top500_systems "
            "WHERE list_id = '2024-11' GROUP BY 1"
        )
    }
    world = sum(sums.values())
    assert usa["value_median"] == pytest.approx(sums["USA"])
    assert usa["share_median"] == pytest.approx(sums["USA"] / world)
    assert chn["share_median"] == pytest.approx(sums["CHN"] / world)
    assert usa["share_p5"] == usa["share_median"] == usa["share_p95"]
    assert [r["country"] for r in est.rows[:3]] == ["USA", "JPN", "ITA"]


def test_table1_has_every_caict_cell_and_honest_gaps(atlas: Any) -> None:
    tab = t1.build_table1(atlas, draws=1000)
    assert len(tab.rows) == 40
    by = {(r["year"], r["kind"], r["country"]): r for r in tab.rows}
    assert by[(2024, "intelligent", "CHN")]["caict_share_pct"] == 21
    assert by[(2024, "super", "USA")]["caict_share_pct"] == 52
    for year in t1.YEARS:
        for c in t1.COUNTRIES:
            assert by[(year, "basic", c)]["open_share_pct"] is None
            assert by[(year, "total", c)]["open_share_pct"] is None
            assert by[(year, "super", c)]["gap_pp"] is not None
            r = by[(year, "intelligent", c)]
            assert r["open_p5_pct"] <= r["open_share_pct"] <= r["open_p95_pct"]
    # China's TOP500 share falls as it stops submitting new systems
    assert by[(2024, "super", "CHN")]["open_share_pct"] < by[(2020, "super", "CHN")]["open_share_pct"]
    assert "0 of them installed in 2024" in by[(2024, "super", "CHN")]["explanation"]


def test_stratification_verdicts_follow_the_data(atlas: Any) -> None:
    got = {ds: st.verdict(ds, st.series(st.frames_from_atlas(atlas, ds))) for ds in st.DATASETS}
    top = got["top500"]
    # November lists 2015–2024: the frontier's HHI rises, the rest's falls → the claim holds
    assert top.numbers["periods"] == 10
    assert top.numbers["frontier_hhi_first"] == pytest.approx(3254, abs=1)
    assert top.numbers["frontier_hhi_last"] == pytest.approx(5287, abs=1)
    assert top.numbers["rest_hhi_first"] == pytest.approx(2044, abs=1)
    assert top.numbers["rest_hhi_last"] == pytest.approx(1413, abs=1)
    assert top.numbers["frontier_slope"] > 0 > top.numbers["rest_slope"]
    # the rest clearly diffuses (interval below 0); the frontier's rise is not clear at 95 %
    assert top.numbers["rest_slope_hi"] < 0 < top.numbers["frontier_slope_hi"]
    assert top.numbers["frontier_slope_lo"] < 0
    assert top.outcome == "partly"
    # chips: the frontier's HHI falls from 9421 to 7013, so the claim cannot hold in full
    chips = got["chips"]
    assert chips.numbers["frontier_hhi_first"] == pytest.approx(9421, abs=1)
    assert chips.numbers["frontier_hhi_last"] == pytest.approx(7013, abs=1)
    assert chips.numbers["frontier_slope"] < 0
    # 8 quarters, noisy: neither trend's 95 % interval excludes 0 (a sign-of-slope rule said "partly")
    assert chips.outcome == "no_clear_trend"
    assert any("no clear frontier trend" in r for r in chips.reasons)
