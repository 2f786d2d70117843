"""Step functions of the index engine against hand-computed results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from computestrata.errors import InputError
from computestrata.measure.index import aggregate, impute, normalise, outliers, weights

NAN = float("nan")
X = np.array([[1.0], [2.0], [4.0], [NAN]])
UP = np.array([1.0])


def norm(x: np.ndarray, method: str, d: np.ndarray = UP, rng=(0.0, 1.0), **kw) -> list[float]:
    return normalise.normalise(x, method, d, out_range=rng, **kw)[:, 0].tolist()


def close(a: list[float], b: list[float]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, abs=1e-9)


def test_minmax_both_directions_and_range() -> None:
    close(norm(X, "minmax"), [0, 1 / 3, 1, NAN])
    close(norm(X, "minmax", np.array([-1.0])), [1, 2 / 3, 0, NAN])
    close(norm(X, "minmax", rng=(1, 100)), [1, 34, 100, NAN])


def test_zscore_uses_sample_sd_and_centre_spread() -> None:
    sd = math.sqrt(7 / 3)
    close(norm(X, "zscore"), [(1 - 7 / 3) / sd, (2 - 7 / 3) / sd, (4 - 7 / 3) / sd, NAN])
    out = normalise.normalise(X, "zscore", UP, centre=50, spread=10)[:, 0]
    assert out[2] == pytest.approx(50 + 10 * (4 - 7 / 3) / sd)


def test_rank_percentile_borda() -> None:
    close(norm(X, "rank"), [0, 0.5, 1, NAN])
    close(norm(X, "percentile"), [1 / 3, 2 / 3, 1, NAN])
    ties = np.array([[1.0], [2.0], [2.0], [4.0]])
    close(norm(ties, "borda"), [0, 1 / 3, 1 / 3, 1])
    close(norm(ties, "rank"), [0, 0.5, 0.5, 1])
    close(norm(X, "rank", np.array([-1.0])), [1, 0.5, 0, NAN])


def test_distance_to_target_frontier_goalposts_ratio() -> None:
    close(norm(X, "dist_target", target=np.array([3.0])), [0, 0.5, 1, NAN])
    close(norm(X, "dist_frontier"), [0.25, 0.5, 1, NAN])
    close(norm(X, "dist_frontier", np.array([-1.0])), [1, 0.5, 0.25, NAN])
    gp = np.array([[0.0, 5.0]])
    close(norm(np.array([[1.0], [2.0], [6.0]]), "goalposts", goalposts=gp), [0.2, 0.4, 1.0])
    close(norm(X, "ratio_ref", rng=(0, 100), ref_index=1), [50, 100, 200, NAN])


def test_normalise_errors_are_loud() -> None:
    with pytest.raises(InputError, match="constant"):
        normalise.normalise(np.ones((3, 1)), "minmax", UP, names=["flat"])
    with pytest.raises(InputError, match="target"):
        normalise.normalise(X, "dist_target", UP)
    with pytest.raises(InputError, match="no values"):
        normalise.normalise(np.full((3, 1), NAN), "minmax", UP, names=["empty"])


def test_normalise_is_vectorised_over_leading_axes() -> None:
    stack = np.stack([X, 2 * X + 1])
    out = normalise.normalise(stack, "minmax", UP, out_range=(0, 1))
    close(out[0, :, 0].tolist(), out[1, :, 0].tolist())


def test_cross_sectional_imputation() -> None:
    x = np.array([[1.0, NAN], [3.0, 4.0], [5.0, 5.0], [NAN, 12.0]])
    mean, mask, _ = impute.impute_cross(x, "mean")
    assert mean[3, 0] == 3.0 and mean[0, 1] == 7.0
    assert mask.sum() == 2 and mask[3, 0] and mask[0, 1]
    median, _, _ = impute.impute_cross(x, "median")
    assert median[0, 1] == 5.0
    grp, _, _notes = impute.impute_cross(x, "group_mean", ["a", "a", "b", "b"])
    assert grp[3, 0] == 5.0  # group b has only 5
    assert grp[0, 1] == 4.0  # group a has only 4
    none, mask, _ = impute.impute_cross(x, "none")
    assert np.isnan(none[3, 0]) and not mask.any()


def test_group_imputation_falls_back_and_says_so() -> None:
    x = np.array([[1.0], [NAN], [5.0]])
    out, _, notes = impute.impute_cross(x, "group_median", ["a", "b", "c"])
    assert out[1, 0] == 3.0
    assert any("group b" in n for n in notes)


def test_panel_imputation_linear_locf_single_value_and_max_age() -> None:
    years = [2000, 2001, 2002, 2003]
    p = np.array([NAN, 2.0, NAN, 6.0]).reshape(4, 1, 1)
    lin, mask = impute.impute_panel(p, years, "panel_linear")
    assert lin[:, 0, 0].tolist() == [2.0, 2.0, 4.0, 6.0]
    assert mask[:, 0, 0].tolist() == [True, False, True, False]
    locf, _ = impute.impute_panel(p, years, "panel_locf")
    assert locf[:, 0, 0].tolist() == [2.0, 2.0, 2.0, 6.0]
    single = np.array([NAN, 3.0, NAN, NAN]).reshape(4, 1, 1)
    assert impute.impute_panel(single, years, "panel_linear")[0][:, 0, 0].tolist() == [3.0] * 4
    aged, _ = impute.impute_panel(single, years, "panel_locf", max_age=1)
    close(aged[:, 0, 0].tolist(), [3.0, 3.0, 3.0, NAN])


def test_skew_kurt_matches_scipy() -> None:
    from scipy import stats

    v = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    s, k = outliers.skew_kurt(v)
    assert s == pytest.approx(stats.skew(v, bias=False))
    assert k == pytest.approx(stats.kurtosis(v, bias=False))
    sc, kc = outliers.skew_kurt_cols(np.column_stack([v, v[::-1] * 2]))
    assert sc.tolist() == pytest.approx([s, s]) and kc.tolist() == pytest.approx([k, k])


def test_winsorising_replaces_the_extreme_point() -> None:
    v = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    out, log = outliers.treat(v[:, None], "winsorise", names=["x"])
    assert out[:, 0].max() == 9.0 and out[:, 0].tolist()[:9] == v[:9].tolist()
    assert log[0]["action"] == "winsorised" and log[0]["points"] == 1


def test_log_fallback_and_untouched_columns() -> None:
    v = np.array([1.0] * 16 + [2, 3, 500, 1000])  # still flagged after 1-point winsorising
    normal = np.arange(20.0)
    out, log = outliers.treat(np.column_stack([v, normal]), "winsorise", max_points=1)
    assert out[:, 0] == pytest.approx(np.log1p(v - 1))
    assert out[:, 1].tolist() == normal.tolist()
    assert [entry["action"] for entry in log] == ["log"]


def test_weights_equal_manual_entropy() -> None:
    assert weights.equal(4).tolist() == [0.25] * 4
    assert weights.manual([1, 3]).tolist() == [0.25, 0.75]
    with pytest.raises(InputError):
        weights.manual([0, 0])
    w = weights.entropy(np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 1.0]]))
    assert w.tolist() == pytest.approx([0.0, 1.0])


def test_pca_weights_of_equally_correlated_children() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=50)
    x = np.column_stack([base, base * 2 + 1])
    w, info = weights.pca(x)
    assert w.tolist() == pytest.approx([0.5, 0.5])
    assert info["pc1_share"] == pytest.approx(1.0)


def test_benefit_of_the_doubt_on_3x2() -> None:
    x = np.array([[1.0, 0.2], [0.5, 0.5], [0.2, 1.0]])
    w, score = weights.bod(x)
    assert score.tolist() == pytest.approx([1.0, 1 / 1.2, 1.0], abs=1e-7)
    assert w[1].tolist() == pytest.approx([1 / 1.2, 1 / 1.2], abs=1e-7)
    assert (x @ w.T <= 1 + 1e-9).all()  # every unit's weights keep all units <= 1


def test_power_means_and_zero_rules() -> None:
    x = np.array([[4.0, 1.0], [0.0, 9.0]])
    w = np.array([0.5, 0.5])
    assert aggregate.power_mean(x, w).tolist() == [2.5, 4.5]
    with pytest.raises(InputError, match="zero"):
        aggregate.power_mean(x, w, "geometric", units=["A", "B"])
    assert aggregate.power_mean(x, w, "geometric", zeros="zero").tolist() == pytest.approx([2, 0])
    eps = aggregate.power_mean(x, w, "geometric", zeros="epsilon", epsilon=1e-6)
    assert eps.tolist() == pytest.approx([2, math.sqrt(9e-6)])
    shift = aggregate.power_mean(x, w, "geometric", zeros="shift", epsilon=1.0)
    assert shift.tolist() == pytest.approx([math.sqrt(10) - 1, math.sqrt(10) - 1])
    assert aggregate.power_mean(x, w, "harmonic", zeros="zero").tolist() == pytest.approx([1.6, 0])
    gen = aggregate.power_mean(x, w, "generalised", power=2)
    assert gen.tolist() == pytest.approx([math.sqrt(8.5), math.sqrt(40.5)])
    with pytest.raises(InputError, match="negative"):
        aggregate.power_mean(np.array([[-1.0, 2.0]]), w, "geometric")


def test_missing_children_rescale_weights_until_coverage_fails() -> None:
    x = np.array([[NAN, 2.0]])
    w = np.array([0.5, 0.5])
    assert aggregate.power_mean(x, w, min_coverage=0.5).tolist() == [2.0]
    assert math.isnan(aggregate.power_mean(x, w, min_coverage=0.6)[0])


def test_copeland_outranking() -> None:
    x = np.array([[3.0, 3, 1], [2, 2, 2], [1, 1, 3]])
    assert aggregate.copeland(x, np.ones(3)).tolist() == [2.0, 0.0, -2.0]
    # with the third indicator weighing more than the other two, C beats everyone
    assert aggregate.copeland(x, np.array([1.0, 1, 3])).tolist() == [-2.0, 0.0, 2.0]
