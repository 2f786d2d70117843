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
    assert 0.50 < usa["share_median"] < 0.60
    assert chn["share_median"] < 0.05


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


def test_stratification_verdicts_are_computed(atlas: Any) -> None:
    for ds in st.DATASETS:
        rows = st.series(st.frames_from_atlas(atlas, ds))
        v = st.verdict(ds, rows)
        assert v.outcome in {"holds", "partly", "fails"}
        assert v.numbers["periods"] >= 3
