"""Unit tests for the trend statistics' building blocks (slopes, bootstrap, combine rule),
against hand-worked numbers and independent implementations (np.polyfit, scipy)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.trends import stats


def test_slope_hand_worked() -> None:
    # x̄ = 1.5, ȳ = 2.75: Σ(x−x̄)(y−ȳ) = 5.5, Σ(x−x̄)² = 5 → 1.1
    assert stats.slope(np.array([0.0, 1, 2, 3]), np.array([1.0, 3, 2, 5])) == pytest.approx(1.1, abs=1e-12)


def test_slope_of_off_origin_x_matches_polyfit() -> None:
    x = np.array([2020.0, 2021, 2022, 2024])
    y = np.array([3.0, 1, 4, 1])
    assert stats.slope(x, y) == pytest.approx(float(np.polyfit(x, y, 1)[0]), rel=1e-9)


def test_slope_two_points_and_degenerate_inputs() -> None:
    assert stats.slope(np.array([1.0, 3.0]), np.array([2.0, 6.0])) == pytest.approx(2.0)
    assert math.isnan(stats.slope(np.array([1.0]), np.array([2.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # constant x: NaN without a 0/0 division
        assert math.isnan(stats.slope(np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 3.0])))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=8),
    st.floats(-5, 5),
    st.floats(-100, 100),
)
def test_slope_recovers_an_exact_line(xs: list[float], b: float, a: float) -> None:
    x = np.array(xs)
    if np.ptp(x) < 1.0:
        return
    assert stats.slope(x, a + b * x) == pytest.approx(b, abs=1e-6)


def test_slopes_by_pattern_equals_slope_row_by_row() -> None:
    x = np.array([0.0, 1.0, 2.0, 4.0])
    num = np.array([[1.0, 2, 4, 8], [2.0, 2, 3, 9], [5.0, 1, 1, 1], [1.0, 1, 1, 1]])
    den = np.array([[1.0, 1, 1, 1], [1.0, 2, 1, 3], [1.0, 1, 1, 1], [1.0, 1, 1, 1]])
    use = np.array(
        [[True, True, True, True], [True, False, True, True], [True, True, True, True], [True, True, False, False]]
    )
    got = stats.slopes_by_pattern(x, num, den, use)
    for r in range(3):
        c = use[r]
        assert got[r] == pytest.approx(stats.slope(x[c], num[r, c] / den[r, c]), rel=1e-12)
    assert math.isnan(got[3])  # two points < min_points = 3
    assert len(stats.slopes_by_pattern(x, num[:0], den[:0], use[:0])) == 0


def test_slopes_by_pattern_point_thresholds() -> None:
    x = np.array([0.0, 1.0, 2.0])
    num = np.array([[1.0, 3.0, 9.0], [1.0, 5.0, 9.0], [4.0, 4.0, 4.0]])
    den = np.ones_like(num)
    use = np.array([[True, True, False], [True, False, False], [True, True, True]])
    got = stats.slopes_by_pattern(x, num, den, use, min_points=2)
    assert got[0] == pytest.approx(2.0)  # exactly min_points columns: fitted
    assert math.isnan(got[1])
    assert got[2] == pytest.approx(0.0)
    one = stats.slopes_by_pattern(x, num, den, use, min_points=1)
    assert math.isnan(one[1])  # one point has no slope whatever min_points says
    assert one[0] == pytest.approx(2.0)
    xs = np.array([1.0, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flat = stats.slopes_by_pattern(xs, num, den, np.array([[True, True, False]] * 3), min_points=2)
    assert np.isnan(flat).all()  # equal x: no slope, and no 0/0


def test_ols_slope_matches_polyfit_and_linregress() -> None:
    from scipy import stats as sps

    x = [0.0, 1.0, 2.0, 3.0, 5.0]
    y = [1.0, 2.5, 2.0, 4.5, 6.0]
    s, lo, hi = stats.ols_slope(x, y)
    ref = sps.linregress(x, y)
    q = float(sps.t.ppf(0.95, len(x) - 2))
    assert s == pytest.approx(ref.slope, rel=1e-12)
    assert lo == pytest.approx(ref.slope - q * ref.stderr, rel=1e-9)
    assert hi == pytest.approx(ref.slope + q * ref.stderr, rel=1e-9)


def test_ols_slope_small_and_degenerate() -> None:
    s, lo, hi = stats.ols_slope([0, 1], [1, 3])
    assert s == pytest.approx(2.0) and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in stats.ols_slope([0], [1]))
    assert all(math.isnan(v) for v in stats.ols_slope([1, 1, 1], [1, 2, 3]))
    s3, lo3, hi3 = stats.ols_slope([0, 1, 2, 9], [0, 1, 2, float("nan")])
    assert (s3, lo3, hi3) == pytest.approx((1.0, 1.0, 1.0))


def test_bootstrap_weights_resample_whole_units() -> None:
    seen: list[np.ndarray] = []

    def batch(w: np.ndarray) -> np.ndarray:
        seen.append(w)
        return w[:, 0]

    point, lo, hi = stats.bootstrap(4, lambda w: float(w[0]), draws=50, seed=3, batch=batch)
    w = seen[0]
    assert point == 1.0
    assert w.shape == (50, 4)
    assert (w >= 0).all() and (w == np.round(w)).all()
    assert (w.sum(axis=1) == 4).all()  # each draw picks n units
    assert len({tuple(r) for r in w}) > 5  # the draws differ
    by_call = stats.bootstrap(4, lambda v: float(v[0]), draws=50, seed=3)
    assert by_call == (point, lo, hi)


def test_bootstrap_percentile_interval_of_known_draws() -> None:
    # draw values 0..99: the 5 % and 95 % quantiles are 4.95 and 94.05
    _, lo, hi = stats.bootstrap(3, lambda w: 7.0, draws=100, batch=lambda w: np.arange(100.0))
    assert (lo, hi) == pytest.approx((4.95, 94.05))


def test_bootstrap_needs_half_the_draws_and_two_units() -> None:
    def half(k: int):  # type: ignore[no-untyped-def]
        return lambda w: np.array([1.0 * i if i < k else math.nan for i in range(len(w))])

    _, lo, hi = stats.bootstrap(3, lambda w: 0.0, draws=10, batch=half(5))
    assert not math.isnan(lo) and not math.isnan(hi)  # exactly half the draws: kept
    assert all(math.isnan(v) for v in stats.bootstrap(3, lambda w: 0.0, draws=10, batch=half(4))[1:])
    p, lo1, hi1 = stats.bootstrap(1, lambda w: 2.0, draws=10)
    assert p == 2.0 and math.isnan(lo1) and math.isnan(hi1)
    _, lo2, hi2 = stats.bootstrap(2, lambda w: float(w[0]), draws=40)
    assert lo2 <= hi2 and not math.isnan(lo2)


def test_jackknife_boundaries() -> None:
    assert all(math.isnan(lo) for _, lo, _ in stats.jackknife(2, lambda w: np.array([w.sum()])))
    (p, lo, hi), (q, qlo, qhi) = stats.jackknife(
        3, lambda w: np.array([float((w * np.array([1.0, 2, 6])).sum() / w.sum()), math.nan])
    )
    # leave-one-out means 4, 3.5, 1.5 (mean 3): se = sqrt(2/3 · 3.5) = sqrt(7/3)
    z = 1.6448536269514722
    assert p == pytest.approx(3.0)
    assert (lo, hi) == pytest.approx((3 - z * math.sqrt(7 / 3), 3 + z * math.sqrt(7 / 3)))
    assert math.isnan(q) and math.isnan(qlo) and math.isnan(qhi)


def test_jackknife_needs_three_replicates_with_data() -> None:
    # the second statistic is missing whenever unit 0 or 1 is left out: one replicate left
    def stat(w: np.ndarray) -> np.ndarray:
        return np.array([w.sum(), 1.0 if w[0] and w[1] else math.nan])

    (_, lo, _), (p2, lo2, hi2) = stats.jackknife(3, stat)
    assert not math.isnan(lo)
    assert p2 == 1.0 and math.isnan(lo2) and math.isnan(hi2)


def test_direction_at_zero_is_unclear() -> None:
    assert stats.direction(0.0, 1.0, 1) == "unclear"
    assert stats.direction(-1.0, 0.0, -1) == "unclear"
    assert stats.direction(1e-12, 1.0, -1) == "contradicts"


@pytest.mark.parametrize(
    ("dirs", "want"),
    [
        (["supports", "unclear"], "holds"),  # exactly half support
        (["supports", "supports", "unclear", "unclear"], "holds"),
        (["supports", "unclear", "unclear"], "partly"),  # a third
        (["supports", "unclear", "unclear", "unclear"], "no_clear_trend"),
        (["contradicts", "unclear"], "does_not_hold"),
        (["contradicts", "contradicts", "unclear", "unclear"], "does_not_hold"),
        (["supports", "supports", "contradicts", "contradicts"], "partly"),
        (["supports", "contradicts", "unclear"], "partly"),
        (["supports", "contradicts", "unclear", "unclear"], "no_clear_trend"),
        (["contradicts", "unclear", "unclear", "unclear"], "no_clear_trend"),
        (["no_data", "no_data"], "no_clear_trend"),
        (["unclear", "no_data"], "no_clear_trend"),
    ],
)
def test_combine_boundaries(dirs: list[str], want: str) -> None:
    assert stats.combine(dirs) == want


def test_agreement_counts_matching_variants() -> None:
    assert stats.agreement("holds", ["holds", "partly", "holds"]) == (2, 3)
    assert stats.agreement("partly", []) == (0, 0)
