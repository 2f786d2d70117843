"""Shared maths (``computestrata.maths``): one tie rule, one power mean, one pair of moments.

The index build and the uncertainty run used to rank tied units differently (min vs
first-come); these tests pin the one rule (COINr's ``min``) in both.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.maths import means, moments, ranking
from computestrata.measure.index import engine, synthetic
from computestrata.measure.index import uncertainty as ua

TIED = np.array([[9.0, 7.0, 7.0, 5.0, math.nan, 7.0]])


def test_rank_rows_ties_share_the_min_rank() -> None:
    assert ranking.rank_rows(TIED).tolist() == [[1, 2, 2, 5, 0, 2]]
    assert ranking.rank_desc(TIED[0]).tolist()[:4] == [1.0, 2.0, 2.0, 5.0]
    assert math.isnan(ranking.rank_desc(TIED[0])[4])


def test_near_ties_are_judged_on_the_exact_scores() -> None:
    """Scores equal in float32 but not in float64 keep distinct ranks, in the exact order."""
    x = np.array([[21.447905, 21.447905 * (1 + 1e-9), 21.447905 * (1 - 1e-9), 3.0]])
    assert ranking.rank_rows(x).tolist() == [[2, 1, 3, 4]]


def test_build_and_replications_rank_ties_alike() -> None:
    """The old replication ranks gave tied units 2, 3, 4; the build gives 2, 2, 2."""
    assert ua._rank_rows(TIED).tolist()[0] == [0 if math.isnan(r) else int(r) for r in engine.ranks(TIED[0])]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 1.0, 2.5, 3.0, math.nan]), min_size=6, max_size=6), min_size=1))
def test_rank_rows_is_rank_desc_row_by_row(rows: list[list[float]]) -> None:
    x = np.array(rows)
    got = ranking.rank_rows(x)
    for r in range(len(x)):
        want = np.nan_to_num(ranking.rank_desc(x[r]), nan=0.0).astype(int)
        assert got[r].tolist() == want.tolist()


def test_tied_units_keep_one_rank_in_every_replication() -> None:
    """Two units with the same data: tied in the nominal build and in every replication."""
    import pandas as pd

    fw = synthetic.framework(
        n_ind=6,
        pillars=2,
        subindices=0,
        uncertainty={"n": 64, "seed": 1, "factors": {"normalise": ["minmax", "rank"], "weights": {"sets": 4}}},
    )
    p = synthetic.panel(units=12, n_ind=6, missing=0.0, seed=2)
    twin = p.data[p.data["unit"] == "U003"].assign(unit="U999")
    panel = engine.Panel(pd.concat([p.data, twin], ignore_index=True), groups={**p.groups, "U999": "high"})
    plan = ua.make_plan(fw, panel, 2023)
    units = list(plan.prep.units)
    a, b = units.index("U003"), units.index("U999")
    nominal = plan.nominal.ranks[fw.root.id]
    assert nominal["U003"] == nominal["U999"]
    res = ua.run_ua(fw, panel, 2023, n=64, plan=plan)
    assert (res.ranks[:, a] == res.ranks[:, b]).all()
    better = (res.scores > res.scores[:, [a]]).sum(axis=1) + 1
    assert (res.ranks[:, a] == better).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.5, 100.0), min_size=3, max_size=3),
    st.lists(st.floats(0.1, 5.0), min_size=3, max_size=3),
    st.sampled_from(["arithmetic", "geometric", "harmonic", "generalised"]),
)
def test_power_mean_equals_the_transformed_arithmetic_mean(x: list[float], w: list[float], method: str) -> None:
    """What the uncertainty run does (map, weighted sum, map back) is what the build does."""
    xa, wa = np.array([x]), np.array(w)
    p = means.exponent(method, 2.0)
    via = means.from_mean_space(means.to_mean_space(xa, p) @ (wa / wa.sum()), p)
    assert means.power_mean(xa, wa, method, power=2.0)[0] == pytest.approx(via[0], rel=1e-9)


def test_power_means_known_values() -> None:
    x, w = np.array([[1.0, 4.0]]), np.array([1.0, 1.0])
    assert means.power_mean(x, w, "arithmetic")[0] == pytest.approx(2.5)
    assert means.power_mean(x, w, "geometric")[0] == pytest.approx(2.0)
    assert means.power_mean(x, w, "harmonic")[0] == pytest.approx(1.6)
    assert means.power_mean(x, w, "generalised", power=2.0)[0] == pytest.approx(math.sqrt(8.5))
    assert means.power_mean(np.array([[1.0, math.nan]]), w, "arithmetic", min_coverage=0.6)[0] != 1.0


def test_coverage_counts_weight_unless_told_to_count_children() -> None:
    """Weight share 3/4 passes a 0.7 threshold; child share 2/3 (COINr dat_thresh) does not."""
    x, w = np.array([[1.0, math.nan, 3.0]]), np.array([2.0, 1.0, 1.0])
    assert means.power_mean(x, w, min_coverage=0.7)[0] == pytest.approx((2 * 1.0 + 3.0) / 3)
    assert math.isnan(means.power_mean(x, w, min_coverage=0.7, by_count=True)[0])


def test_moments_match_the_textbook_g1_g2() -> None:
    """Bias-corrected G1/G2 (Excel SKEW/KURT, pandas .skew()/.kurt()) of a small sample."""
    import pandas as pd

    v = np.array([1.0, 2.0, 2.0, 3.0, 9.0, 4.0, math.nan])
    s, k = moments.skew_kurt(v)
    ser = pd.Series(v)
    assert s == pytest.approx(ser.skew(), rel=1e-12) and k == pytest.approx(ser.kurt(), rel=1e-12)
    cols_s, cols_k = moments.skew_kurt_cols(np.column_stack([v, v * 2 + 1]))
    assert cols_s.tolist() == pytest.approx([s, s]) and cols_k.tolist() == pytest.approx([k, k])
    assert moments.skew_kurt(np.array([1.0, 2.0, 3.0])) != moments.skew_kurt(np.array([1.0, 2.0, 3.0, 4.0]))
    assert all(math.isnan(z) for z in moments.skew_kurt(np.array([1.0, 2.0, 3.0])))
    assert moments.skew_kurt(np.array([5.0] * 6)) == (0.0, 0.0)
