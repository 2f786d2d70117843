"""Trend statistics: slopes with intervals, the bootstrap, the jackknife and the verdict rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.trends import stats
from computestrata.trends.stratification import combine_outcomes

DIRS = st.sampled_from(["supports", "contradicts", "unclear", "no_data"])


def test_ols_slope_exact_line_has_zero_width_interval() -> None:
    s, lo, hi = stats.ols_slope([2019, 2020, 2021, 2022], [0.1, 0.2, 0.3, 0.4])
    assert s == pytest.approx(0.1) and lo == pytest.approx(0.1) and hi == pytest.approx(0.1)


def test_ols_slope_hand_worked_interval() -> None:
    # y = 0, 2, 1, 3 on x = 0..3: slope 0.8, residuals -0.2, 1.0, -0.8, 0.4 → s² = 1.8/2,
    # se = sqrt(0.9/5); t(0.95, 2) = 2.919986
    s, lo, hi = stats.ols_slope([0, 1, 2, 3], [0, 2, 1, 3])
    se = math.sqrt(0.9 / 5)
    assert s == pytest.approx(0.8)
    assert lo == pytest.approx(0.8 - 2.919986 * se, abs=1e-5) and hi == pytest.approx(0.8 + 2.919986 * se, abs=1e-5)


def test_ols_slope_missing_points_are_dropped_not_zero() -> None:
    s, _, _ = stats.ols_slope([1, 2, 3, 4], [1.0, float("nan"), 3.0, 4.0])
    assert s == pytest.approx(stats.ols_slope([1, 3, 4], [1.0, 3.0, 4.0])[0])
    assert math.isnan(stats.ols_slope([1, 2], [1.0, 2.0])[1])  # two points: no interval


def test_bootstrap_is_reproducible_and_brackets_a_mean() -> None:
    vals = np.array([1.0, 2.0, 3.0, 4.0, 10.0])

    def mean(w: np.ndarray) -> float:
        return float((w * vals).sum() / w.sum())

    a = stats.bootstrap(5, mean)
    assert a == stats.bootstrap(5, mean)
    assert a[0] == pytest.approx(4.0) and a[1] < 4.0 < a[2]


def test_bootstrap_interval_is_the_90_percent_percentile_interval() -> None:
    """Resampled count of one unit among 20 is Binomial(20, 1/20): P(X ≤ 2) = 0.92, P(X ≤ 3) = 0.98,
    so the 5 % and 95 % percentiles are 0 and 3 (a 50 % interval would end at 1)."""
    point, lo, hi = stats.bootstrap(20, lambda w: float(w[0]))
    assert (point, lo, hi) == (1.0, 0.0, 3.0)


def test_jackknife_of_a_mean_matches_the_textbook_standard_error() -> None:
    vals = np.array([1.0, 2.0, 4.0, 8.0])

    def mean(w: np.ndarray) -> np.ndarray:
        return np.array([float((w * vals).sum() / w.sum())])

    ((p, lo, hi),) = stats.jackknife(4, mean)
    se = vals.std(ddof=1) / 2  # jackknife SE of a mean = sample SE
    assert p == pytest.approx(3.75) and (hi - lo) / 2 == pytest.approx(1.644854 * se, rel=1e-5)


@pytest.mark.parametrize(
    ("lo", "hi", "sign", "want"),
    [
        (0.1, 0.2, 1, "supports"),
        (0.1, 0.2, -1, "contradicts"),
        (-0.2, -0.1, -1, "supports"),
        (-0.2, -0.1, 1, "contradicts"),  # a fall when the claim says rise
        (-0.1, 0.1, 1, "unclear"),
        (-0.1, 0.1, -1, "unclear"),
    ],
)
def test_direction(lo: float, hi: float, sign: int, want: str) -> None:
    assert stats.direction(lo, hi, sign) == want
    assert stats.direction(float("nan"), hi, sign) == "no_data"


@pytest.mark.parametrize(
    ("dirs", "want"),
    [
        (["supports", "supports", "unclear"], "holds"),
        (["supports", "unclear"], "holds"),  # exactly half support: "at least half"
        (["supports", "unclear", "no_data", "no_data"], "holds"),  # no-data indicators are not counted
        (["supports", "unclear", "unclear"], "partly"),
        (["supports", "unclear", "unclear", "unclear", "unclear", "unclear"], "no_clear_trend"),  # 1 of 6: chance
        (["supports", "contradicts", "unclear"], "partly"),
        (["contradicts", "contradicts", "unclear"], "does_not_hold"),
        (["contradicts", "unclear", "unclear"], "does_not_hold"),
        (["unclear", "unclear"], "no_clear_trend"),
        (["no_data"], "no_clear_trend"),
        ([], "no_clear_trend"),
    ],
)
def test_combine_rule(dirs: list[str], want: str) -> None:
    assert stats.combine(dirs) == want


@given(st.lists(DIRS, max_size=8))
def test_combine_one_more_supporting_indicator_never_weakens_the_verdict(dirs: list[str]) -> None:
    rank = {"does_not_hold": 0, "no_clear_trend": 1, "partly": 2, "holds": 3}
    before = stats.combine(dirs)
    for i, d in enumerate(dirs):
        if d == "unclear":
            after = stats.combine([*dirs[:i], "supports", *dirs[i + 1 :]])
            assert rank[after] >= rank[before], (dirs, i)


@given(st.lists(DIRS, max_size=8))
def test_combine_is_symmetric_between_support_and_contradiction(dirs: list[str]) -> None:
    swap = {"supports": "contradicts", "contradicts": "supports"}
    mirrored = stats.combine([swap.get(d, d) for d in dirs])
    out = stats.combine(dirs)
    if out == "holds":
        assert mirrored == "does_not_hold"
    if out == "no_clear_trend":
        assert mirrored == "no_clear_trend"


def test_combine_outcomes_of_stratification_datasets() -> None:
    assert combine_outcomes(["holds", "holds"]) == "holds"
    assert combine_outcomes(["holds", "partly", "does_not_hold"]) == "partly"
    assert combine_outcomes(["does_not_hold", "no_clear_trend"]) == "does_not_hold"
    assert combine_outcomes(["", ""]) == "no_clear_trend"


OUTS = st.sampled_from(["holds", "partly", "does_not_hold", "no_clear_trend", ""])


@given(st.lists(OUTS, max_size=5), st.randoms())
def test_combine_outcomes_ignores_dataset_order_and_respects_unanimity(outs: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(outs)
    rnd.shuffle(shuffled)
    assert combine_outcomes(outs) == combine_outcomes(shuffled)
    tested = [o for o in outs if o]
    if tested and len(set(tested)) == 1:
        assert combine_outcomes(outs) == tested[0]
