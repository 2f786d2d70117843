"""COINr parity, function by function.

Each test ports an expectation of COINr's own unit tests (``tests/testthat/test-*.R`` of
bluefoxr/COINr ≥ 1.1; named in each docstring), re-expressed on our functions, with the
inputs written out here (COINr's ASEM example data is not shipped with this project, so the
tests built on it are ported on small hand-made data that exercise the same formula).

Divergences kept on purpose (each has a test that pins our behaviour):

1. Outlier fallback: our default ``log`` is COINr's ``log_CT_orig`` log(x − min + 1); COINr's
   default ``log_CT`` is offered under its name.  COINr's test uses base R ``log`` as ``f2``,
   which we do not offer (it fails on zeros and negatives); ``log_CT_orig`` equals it up to
   the shift.
2. Rank normalisation: our ``rank``/``percentile`` use average ranks by default; COINr's
   ``ties.method = "min"`` is ``ties: min`` (then ``rank`` equals COINr ``n_prank``).
3. Distance to target caps at 1 by default (COINr: no cap); ``cap: false`` is COINr's.
4. Signed PCA weights are oriented so the eigenvector sums to > 0 (COINr leaves the sign to
   the SVD, so its weights can all come out negative).
5. Aggregation of a unit with too little data: COINr's ``dat_thresh`` counts children
   present (``coverage: count``); our default counts their weight share.
6. Z-scores under a geometric mean: shifted so the smallest is 1 (COINr errors on the
   non-positive values).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure.index import aggregate, analysis, config, engine, normalise, outliers

UP = np.array([1.0])  # direction +1 for one column


def norm(x: Any, method: str, direction: float = 1.0, **kw: Any) -> np.ndarray:
    col = np.asarray(x, dtype=float)[:, None]
    return normalise.normalise(col, method, np.array([direction]), **kw)[:, 0]


# --- Treat (test-treat.R) ----------------------------------------------------------------------


def test_treat_num_winsorises_the_outlier_and_passes() -> None:
    """treat_num: c(1:10, 100) fails; winsorised, 100 becomes 10, the rest unchanged, passes."""
    x = np.array([*range(1, 11), 100.0])
    assert not outliers.passes(x)
    out, n, marks = outliers.winsorise(x, max_points=5)
    assert out[-1] == 10 and out[:10].tolist() == x[:10].tolist()
    assert outliers.passes(out) and n == 1 and marks.tolist().count("winhi") == 1


def test_treat_two_step_and_fallback() -> None:
    """treat_num: c(1:20, 100, 200) with winmax 1 still fails; with f2 it is transformed
    (COINr's test uses base log; we check log_CT_orig = log(x − min + 1), divergence 1)."""
    x = np.array([*range(1, 21), 100.0, 200.0])
    out, n, _ = outliers.winsorise(x, max_points=1)
    assert not outliers.passes(out) and n == 1
    treated, log = outliers.treat(x[:, None], "winsorise", max_points=1, fallback="log_CT_orig")
    assert treated[:, 0] == pytest.approx(np.log(x - 1 + 1))
    assert log[0]["action"] == "log" and log[0]["transform"] == "log_CT_orig"
    none, log2 = outliers.treat(x[:, None], "winsorise", max_points=1, fallback="none")
    assert log2[0]["action"] == "still_failing" and none[:, 0].tolist() == out.tolist()


def test_forced_winsorisation_counts_points_as_coinr() -> None:
    """treat_num: winmax 3 with force_win → exactly 3 treated points (tied extremes count)."""
    x = np.array([*range(1, 21), 100.0, 200.0])
    record = np.full((x.size, 1), "", dtype=object)
    out, log = outliers.treat(x[:, None], "winsorise", max_points=3, force=True, record=record)
    assert (record[:, 0] != "").sum() == 3
    # 200 → 100, then both 100s → 20 (2 points high); the pile-up at 20 makes the skew
    # negative, so forcing goes on at the bottom: 1 → 2 (1 point low); 2 + 1 = 3 stops it
    assert out[:, 0].max() == 20 and out[:, 0].min() == 2
    assert sorted(record[:, 0].tolist()).count("winhi") == 2 and record[0, 0] == "winlo"
    assert log[0]["points"] == 3


def test_tied_extremes_count_as_several_points() -> None:
    """COINr's count is the points moved in the latest round: three tied maxima use up a
    3-point budget in one round (a round counter would have spent only 1)."""
    x = np.array([*range(1, 31), 500.0, 500.0, 500.0])
    _, n, marks = outliers.winsorise(x, max_points=3)
    assert n == 3 and marks.tolist().count("winhi") == 3


def test_treat_df_matches_numeric_per_column() -> None:
    """treat_df: the data-frame method equals the numeric method column by column (log_CT)."""
    rng = np.random.default_rng(1)
    cols = [rng.random(11), np.array([*range(1, 11), 100.0]), np.array([*range(1, 11), -100.0])]
    x = np.column_stack(cols)
    whole, _ = outliers.treat(x, "winsorise", max_points=2, fallback="log_CT")
    for j, c in enumerate(cols):
        one, _ = outliers.treat(c[:, None], "winsorise", max_points=2, fallback="log_CT")
        assert whole[:, j].tolist() == pytest.approx(one[:, 0].tolist(), nan_ok=True)


def test_log_transforms_formulas() -> None:
    """treat.R: log_CT, log_CT_orig, log_CT_plus, boxcox (makepos) exactly."""
    x = np.array([1.0, 2, 3, 4, 50])
    a = 0.01 * (50 - 1)
    assert outliers.transform(x, "log_CT") == pytest.approx(np.log(x - 1 + a))
    assert outliers.transform(x, "log_CT_orig") == pytest.approx(np.log(x - 1 + 1))
    assert outliers.transform(x, "log_CT_plus") == pytest.approx(np.log(x - 1 + a))
    neg = -x
    assert outliers.transform(neg, "log_CT_plus") == pytest.approx(-np.log(neg.max() + a - neg))
    assert outliers.transform(x, "boxcox", lam=0.5) == pytest.approx(((x - 1 + 1) ** 0.5 - 1) / 0.5)
    assert outliers.transform(x, "boxcox", lam=0) == pytest.approx(np.log(x - 1 + 1))


def test_per_indicator_treatment_specs() -> None:
    """indiv_specs: "none" leaves a column alone; another column gets its own parameters."""
    x = np.column_stack([np.array([*range(1, 11), 100.0]), np.array([*range(1, 11), 100.0])])
    out, log = outliers.treat(x, "winsorise", specs=[{"method": "none"}, {"method": "log_CT"}])
    assert out[:, 0].tolist() == x[:, 0].tolist()
    assert out[:, 1] == pytest.approx(np.log(x[:, 1] - 1 + 0.99))
    assert [e["indicator"] for e in log] == ["#1"]


# --- Normalise (test-normalise.R) ----------------------------------------------------------------


def test_norm_num_minmax_zscore_dist2targ() -> None:
    """norm_num: minmax onto [2, 7]; z-score with mean 5, sd 2; dist2targ capped."""
    x = np.arange(1.0, 11)
    xn = norm(x, "minmax", out_range=(2.0, 7.0))
    assert xn.min() == 2 and xn.max() == 7
    z = norm(x, "zscore", centre=5.0, spread=2.0)
    assert z.mean() == pytest.approx(5) and z.std(ddof=1) == pytest.approx(2)
    t = norm(x, "dist_target", target=np.array([8.0]), out_range=(0.0, 1.0))
    assert t.min() == 0 and t.max() == 1 and (t[x >= 8] == 1).all()


def test_norm_df_directions_flip_minmax() -> None:
    """norm_df: direction −1 gives the smallest value 100 and the largest 0."""
    rng = np.random.default_rng(2)
    v = rng.random(10)
    xn = norm(v, "minmax", direction=-1.0)
    assert xn[v.argmin()] == 100 and xn[v.argmax()] == 0


def test_n_scaled_dist2max_dist2ref_fracmax() -> None:
    """n_funcs: n_scaled, n_dist2max, n_dist2ref with and without cap_max."""
    rng = np.random.default_rng(3)
    x = rng.random(10)
    assert norm(x, "scaled", scaled=(1.0, 10.0, 100.0)) == pytest.approx((x - 1) / 9 * 100)
    assert norm(x, "minmax", out_range=(0.0, 1.0)) == pytest.approx(1 - (x.max() - x) / (x.max() - x.min()))
    x[0] = np.sort(x)[5]  # a middle value as the reference, so some units beat it
    ref = 1 - (x[0] - x) / (x[0] - x.min())
    got = norm(x, "dist_ref", ref_index=0, cap=False, out_range=(0.0, 1.0))
    assert got == pytest.approx(ref)
    assert norm(x, "dist_ref", ref_index=0, cap=True, out_range=(0.0, 1.0)) == pytest.approx(np.minimum(ref, 1))
    assert norm(x, "dist_frontier", out_range=(0.0, 1.0)) == pytest.approx(x / x.max())


def test_goalposts_with_and_without_truncation() -> None:
    """n_funcs: goalposts (0.2, 0.8, ×10) truncated; the single-value cases, both directions."""
    rng = np.random.default_rng(4)
    x = rng.random(10)
    gp = np.array([[0.2, 0.8]])
    got = norm(x, "goalposts", goalposts=gp, out_range=(0.0, 10.0))
    assert got == pytest.approx(np.clip((x - 0.2) / 0.6, 0, 1) * 10)
    free = norm(x, "goalposts", goalposts=gp, out_range=(0.0, 10.0), trunc=False)
    assert free == pytest.approx((x - 0.2) / 0.6 * 10)
    cases = np.array([1.0, 11.0, -1.0])
    gp10 = np.array([[0.0, 10.0]])
    assert norm(cases, "goalposts", goalposts=gp10, out_range=(0.0, 1.0)).tolist() == pytest.approx([0.1, 1, 0])
    down = norm(cases, "goalposts", direction=-1.0, goalposts=gp10, out_range=(0.0, 1.0))
    assert down.tolist() == pytest.approx([0.9, 0, 1])


def test_dist2targ_with_and_without_cap() -> None:
    """dist2targ: c(0, 5, 11) to 10 → 0, .5, 1.1 (cap: 1); direction −1 to 0 → 1.1, .9, 0."""
    one = {"out_range": (0.0, 1.0)}
    x = np.array([0.0, 5, 11])
    t10 = np.array([10.0])
    assert norm(x, "dist_target", target=t10, cap=False, **one).tolist() == pytest.approx([0, 0.5, 1.1])
    assert norm(x, "dist_target", target=t10, cap=True, **one).tolist() == pytest.approx([0, 0.5, 1])
    y = np.array([-1.0, 1, 10])
    t0 = np.array([0.0])
    down = norm(y, "dist_target", direction=-1.0, target=t0, cap=False, **one)
    assert down.tolist() == pytest.approx([1.1, 0.9, 0])
    capped = norm(y, "dist_target", direction=-1.0, target=t0, cap=True, **one)
    assert capped.tolist() == pytest.approx([1, 0.9, 0])


def test_rank_percentile_borda_with_coinr_tie_rule() -> None:
    """n_rank, n_prank, n_borda with ties.method = "min" (divergence 2: our default is average)."""
    x = np.array([3.0, 1, 3, 2, np.nan])
    assert norm(x, "ordinal_rank", ties="min").tolist()[:4] == [3, 1, 3, 2]
    assert math.isnan(norm(x, "ordinal_rank", ties="min")[4])
    prank = norm(x, "rank", ties="min", out_range=(0.0, 1.0))
    assert prank[:4].tolist() == pytest.approx([2 / 3, 0, 2 / 3, 1 / 3])  # (r − 1)/(n − 1)
    assert norm(x, "rank", out_range=(0.0, 1.0))[0] == pytest.approx(2.5 / 3)  # average: ours
    assert norm(x, "borda", out_range=(0.0, 3.0))[:4].tolist() == pytest.approx([2, 0, 2, 1])  # rank − 1


def test_per_indicator_normalisation_from_the_framework() -> None:
    """norm_df indiv_specs / iMeta parameters: one indicator onto [1, 10], another by borda."""
    cfg = _framework(
        normalise={"method": "minmax", "range": [0, 100]},
        specs={"a": {"method": "minmax", "range": [1, 10]}, "b": {"method": "borda", "range": [0, 9]}},
    )
    res = engine.build(config.parse(cfg), _panel(10), 2020)
    assert res.scores["a"].min() == 1 and res.scores["a"].max() == 10
    assert sorted(res.scores["b"].round(9).tolist()) == list(range(10))
    assert res.scores["c"].min() == 0 and res.scores["c"].max() == 100


# --- Aggregate (test-aggregate.R) ----------------------------------------------------------------


def test_agg_df_weighted_mean_and_data_threshold() -> None:
    """agg_df: row means, weighted means, and dat_thresh 0.5 leaves a 1-of-5 row missing."""
    rng = np.random.default_rng(5)
    x = rng.random((20, 5))
    assert aggregate.power_mean(x, np.ones(5)) == pytest.approx(x.mean(axis=1))
    w = np.arange(1.0, 6)
    base = aggregate.power_mean(x, w)
    assert base == pytest.approx((x * w).sum(axis=1) / w.sum())
    x[0, :4] = np.nan
    got = aggregate.power_mean(x, w, min_coverage=0.5, by_count=True)
    assert math.isnan(got[0]) and got[1:] == pytest.approx(base[1:])


def test_agg_functions_geometric_harmonic_generalised() -> None:
    """agg_functions: a_gmean, a_hmean, a_genmean (p = −1 equals harmonic, p = 1 arithmetic)."""
    x = np.array([[1.0, 2, 3]])
    assert aggregate.power_mean(x, np.ones(3), "geometric")[0] == pytest.approx(6 ** (1 / 3))
    assert aggregate.power_mean(x, np.array([1.0, 1, 2]), "geometric")[0] == pytest.approx(18**0.25)
    h = aggregate.power_mean(x, np.array([2.0, 1, 1]), "harmonic")[0]
    assert h == pytest.approx(4 / (2 / 1 + 1 / 2 + 1 / 3))
    assert aggregate.power_mean(x, np.array([2.0, 1, 1]), "generalised", power=-1)[0] == pytest.approx(h)
    assert aggregate.power_mean(x, np.ones(3), "generalised", power=1)[0] == pytest.approx(2)
    with pytest.raises(InputError):
        aggregate.power_mean(np.array([[1.0, 2, -1]]), np.ones(3), "geometric")
    with pytest.raises(InputError):
        aggregate.power_mean(np.array([[1.0, 2, 0]]), np.ones(3), "geometric")


def test_outranking_matrix_and_copeland() -> None:
    """outranking and copeland: COINr's 4-unit example, entries, dominance, Copeland scores."""
    x = np.column_stack([[1.0, 2, 3, 4], [3.0, 2, 1, 5], [2.0, 3, 1, 4]])
    m, n_dom, frac = aggregate.outranking_matrix(x)
    assert np.diag(m).tolist() == [0, 0, 0, 0]
    assert m[1, 0] == pytest.approx(2 / 3) and m[2, 0] == pytest.approx(1 / 3) and m[3, 0] == pytest.approx(1)
    assert n_dom == 3 and frac == pytest.approx(0.5)
    sign = np.where(m > 0.5, 1.0, np.where(m < 0.5, -1.0, 0.0))
    np.fill_diagonal(sign, 0)
    assert aggregate.copeland(x, np.ones(3)).tolist() == sign.sum(axis=1).tolist()
    tie = np.array([[1.0, 2], [2.0, 1]])
    mt, _, _ = aggregate.outranking_matrix(tie)
    assert mt[0, 1] == 0.5 and mt[1, 0] == 0.5
    assert aggregate.copeland(tie, np.ones(2)).tolist() == [0, 0]


def test_aggregation_by_level_with_power_per_level() -> None:
    """aggregation by level: arithmetic at level 2, a generalised mean with its own power at 3."""
    cfg = _framework(aggregate={"method": "arithmetic", "by_level": {3: "generalised"}, "power_by_level": {3: 0.5}})
    fw = config.parse(cfg)
    res = engine.build(fw, _panel(8), 2020)
    pillars = res.scores[["p1", "p2"]].to_numpy()
    assert res.index.to_numpy() == pytest.approx((np.sqrt(pillars).mean(axis=1)) ** 2)
    assert res.scores["p1"].to_numpy() == pytest.approx(res.scores[["a", "b"]].mean(axis=1).to_numpy())


def test_named_weight_sets() -> None:
    """agg_coin with w = "Alt": a named weight set replaces the metadata weights."""
    cfg = _framework(weights={"method": "manual", "set": "alt"})
    cfg["weight_sets"] = {"alt": {"a": 3, "b": 1}}
    res = engine.build(config.parse(cfg), _panel(8), 2020)
    want = (3 * res.scores["a"] + res.scores["b"]) / 4
    assert res.scores["p1"].to_numpy() == pytest.approx(want.to_numpy())
    cfg["steps"]["weights"]["set"] = "nope"
    with pytest.raises(InputError, match="no weight set 'nope'"):
        config.parse(cfg)


# --- Weights (test-weights.R, test-PCA.R) --------------------------------------------------------


def test_effective_weights_sum_to_one_per_level() -> None:
    """eff_wts: effective weights sum to 1 at every level."""
    cfg = _framework(weights={"method": "manual"})
    cfg["indicators"][0]["weight"] = 3
    res = engine.build(config.parse(cfg), _panel(8), 2020)
    eff = analysis.effective_weights(res)
    for lvl in (1, 2, 3):
        nodes = res.indicators if lvl == 1 else res.levels[lvl]
        assert sum(eff[n] for n in nodes) == pytest.approx(1.0)
    assert eff["a"] == pytest.approx(0.5 * 3 / 4)


def test_optimal_weights_balance_equal_and_two_to_one() -> None:
    """opt_weights: "equal" targets give normalised correlations 0.5/0.5; c(1, 2) 0.33/0.67."""
    res = engine.build(config.parse(_framework()), _panel(30, seed=7), 2020)
    eq = analysis.optimal_weights(res, 2, "equal")
    assert [round(v, 2) for v in eq["obtained"]] == [0.5, 0.5]
    two = analysis.optimal_weights(res, 2, [1, 2])
    assert [round(v, 2) for v in two["obtained"]] == [0.33, 0.67]


def test_signed_pca_weights_are_the_eigenvector() -> None:
    """get_PCA: weights are PC1's (signed) loadings; ours are oriented to sum > 0 (divergence 4)."""
    from computestrata.measure.index import weights

    rng = np.random.default_rng(8)
    base = rng.normal(size=40)
    x = np.column_stack([base + rng.normal(0, 0.3, 40), base + rng.normal(0, 0.3, 40), -base + rng.normal(0, 1, 40)])
    w, _info = weights.pca(x, signed=True)
    corr = np.corrcoef(x, rowvar=False)
    _vals, vecs = np.linalg.eigh(corr)
    v1 = vecs[:, -1] * np.sign(vecs[:, -1].sum())
    assert w == pytest.approx(v1) and (w < 0).sum() == 1 and np.linalg.norm(w) == pytest.approx(1)
    sq, _ = weights.pca(x)
    assert sq == pytest.approx(v1**2)


# --- Analysis (test-correlations.R, test-stats.R, test-trends.R) ---------------------------------


def test_cronbach_pairwise_as_coinr() -> None:
    """cronbach: k²·mean(off-diagonal cov)/sum(cov), covariances on pairwise-complete data."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(30, 4)) + rng.normal(size=(30, 1))
    x[[1, 5, 9], [0, 2, 3]] = np.nan
    cov = pd.DataFrame(x).cov().to_numpy()
    k = 4
    want = k * k * ((cov.sum() - np.trace(cov)) / (k * k - k)) / cov.sum()
    assert analysis.cronbach_pairwise(x) == pytest.approx(want)
    full = x[~np.isnan(x).any(axis=1)]
    assert analysis.cronbach_pairwise(full) == pytest.approx(analysis.cronbach_alpha(full))
    assert analysis.cronbach_pairwise(x) != pytest.approx(analysis.cronbach_alpha(x))


def test_correlation_p_values_and_flags() -> None:
    """get_pvals: p-values of Pearson correlations (scipy pearsonr), pairwise complete."""
    from scipy import stats

    rng = np.random.default_rng(10)
    df = pd.DataFrame({"a": rng.normal(size=25), "b": rng.normal(size=25)})
    df["c"] = df["a"] * 2 + rng.normal(0, 0.01, 25)
    rows = {(r["a"], r["b"]): r for r in analysis.correlation_table(df)}
    r, p = stats.pearsonr(df["a"], df["b"])
    assert rows[("a", "b")]["r"] == pytest.approx(r) and rows[("a", "b")]["p_value"] == pytest.approx(p)
    assert rows[("a", "c")]["flag"] == "collinear"


def test_stats_counts_availability_zeros_and_flags() -> None:
    """get_stats: availability, zeros, negatives, unique values, the skew/kurtosis flag."""
    df = pd.DataFrame({"x": [*range(1, 11), 100.0, np.nan], "y": [0.0, 0, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    s = {r["indicator"]: r for r in analysis.indicator_stats(df)}
    assert s["x"]["n_available"] == 11 and s["x"]["share_available"] == pytest.approx(11 / 12)
    assert s["x"]["flag_skew_kurtosis"] and not s["y"]["flag_skew_kurtosis"]
    assert s["y"]["n_zero"] == 2 and s["y"]["n_negative"] == 1 and s["y"]["n_unique"] == 11
    assert s["x"]["n_outliers"] == 1


def test_cagr_as_coinr() -> None:
    """CAGR: (y_last/y_first)^(1/(years − 1)) − 1 over ten years."""
    fw = config.parse(_framework())
    panel = _panel(6, years=tuple(range(2011, 2021)))
    results = {y: engine.build(fw, panel, y) for y in panel.years}
    rows = {r["unit"]: r for r in analysis.cagr(results)}
    u = "U0"
    first, last = results[2011].index[u], results[2020].index[u]
    assert rows[u]["cagr"] == pytest.approx((last / first) ** (1 / 9) - 1)


# --- Screen and Denominate (test-Screen.R, test-Denominate.R) ------------------------------------


def test_screen_by_zeros_and_forced_exclusion() -> None:
    """screendf: byzeros at 0.75 drops the half-zero unit; Force drops a named unit."""
    rng = np.random.default_rng(11)
    vals = rng.random((10, 10)) + 0.1
    vals[2, :5] = 0.0  # 50% zeros
    vals[3, 0] = 0.0  # 90% non-zero
    units = [chr(97 + k) for k in range(10)]
    cfg = _framework(screen={"min_unit_coverage": 0.5, "min_indicator_coverage": 0.5, "min_unit_nonzero": 0.75})
    cfg["indicators"] = [{"id": f"v{j}", "parent": "p1" if j < 5 else "p2"} for j in range(10)]
    df = pd.DataFrame(vals, columns=[f"v{j}" for j in range(10)]).assign(unit=units)
    from computestrata.measure.index import userdata

    ud = userdata.from_frame(df, config.parse(cfg))
    res = engine.build(config.parse(cfg), ud.panel, userdata.NO_YEAR)
    assert "c" not in res.units and "d" in res.units
    cfg["steps"]["screen"]["exclude"] = ["f"]
    res2 = engine.build(config.parse(cfg), userdata.from_frame(df, config.parse(cfg)).panel, userdata.NO_YEAR)
    assert set(res.units) - set(res2.units) == {"f"}
    assert any(e.get("action") == "forced out" for e in res2.log)


def test_denominate_with_scale_factor() -> None:
    """Denominate.df: Goods/GDP and Flights/Population × 1000; LPI unchanged."""
    from computestrata.measure.index import userdata

    df = pd.DataFrame(
        {
            "uCode": ["A", "B", "C", "D"],
            "Goods": [10.0, 20, 30, 40],
            "Flights": [5.0, 6, 7, 8],
            "LPI": [3.0, 2, 4, 1],
            "GDP": [2.0, 4, 5, 8],
            "Population": [100.0, 200, 50, 400],
        }
    )
    cfg = {
        "id": "d",
        "indicators": [
            {"id": "Goods", "parent": "p", "denominator": "GDP"},
            {"id": "Flights", "parent": "p", "denominator": "Population", "scale": 1000},
            {"id": "LPI", "parent": "p"},
        ],
        "aggregates": [{"id": "p", "parent": "i"}, {"id": "i"}],
    }
    ud = userdata.from_frame(df, config.parse(cfg))
    got = ud.panel.data.pivot(index="unit", columns="indicator", values="value")
    assert got["Goods"].tolist() == pytest.approx((df["Goods"] / df["GDP"]).tolist())
    assert got["Flights"].tolist() == pytest.approx((df["Flights"] / df["Population"] * 1000).tolist())
    assert got["LPI"].tolist() == df["LPI"].tolist()


# --- helpers ----------------------------------------------------------------------------------


def _framework(specs: dict[str, dict[str, Any]] | None = None, **steps: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "screen": {"min_unit_coverage": 0.5, "min_indicator_coverage": 0.5},
        "impute": {"method": "mean"},
        "outliers": {"method": "none"},
        "normalise": {"method": "minmax", "range": [1, 100]},
        "weights": {"method": "manual"},
        "aggregate": {"method": "arithmetic"},
    }
    base.update(steps)
    inds = [
        {"id": "a", "parent": "p1"},
        {"id": "b", "parent": "p1"},
        {"id": "c", "parent": "p2"},
        {"id": "d", "parent": "p2", "direction": -1},
    ]
    for ind in inds:
        if specs and ind["id"] in specs:
            ind["normalise"] = specs[ind["id"]]
    return {
        "id": "parity",
        "indicators": inds,
        "aggregates": [{"id": "p1", "parent": "idx"}, {"id": "p2", "parent": "idx"}, {"id": "idx"}],
        "steps": base,
    }


def _panel(n: int, years: tuple[int, ...] = (2020,), seed: int = 0) -> engine.Panel:
    rng = np.random.default_rng(seed)
    rows = []
    level = rng.normal(size=n)
    for k, y in enumerate(years):
        for u in range(n):
            for j, ind in enumerate("abcd"):
                v = float(np.exp(0.5 * level[u] + rng.normal(0, 0.5)) * (j + 1) + k)
                rows.append({"unit": f"U{u}", "year": y, "indicator": ind, "value": v, "source_id": "test"})
    return engine.Panel(pd.DataFrame(rows))


# --- Impute (test-Impute.R, test-impute_panel.R) -------------------------------------------------


def test_impute_numeric_median_and_column_means() -> None:
    """Impute.numeric / Impute.data.frame: column median and column means fill only the gaps."""
    from computestrata.measure.index import impute

    x = np.arange(1.0, 11)
    x[2] = np.nan
    out, mask, _ = impute.impute_cross(x[:, None], "median")
    assert out[2, 0] == np.nanmedian(x) and mask[:, 0].tolist() == np.isnan(x).tolist()
    rng = np.random.default_rng(12)
    df = rng.random((10, 5))
    df[[1, 4], 0] = df[[2, 7], 2] = df[[0, 9], 4] = np.nan
    got, _, _ = impute.impute_cross(df, "mean")
    want = np.where(np.isnan(df), np.nanmean(df, axis=0), df)
    assert got == pytest.approx(want)


def test_row_imputation_normalises_first_as_coinr() -> None:
    """Impute.data.frame(impute_by = "row", normalise_first = TRUE): the gap takes the unit's
    mean on its siblings' min-max scale, mapped back to the column's scale and direction."""
    from computestrata.measure.index import impute

    x = np.array([[1.0, 10, 100], [2.0, 30, np.nan], [3.0, 20, 300], [4.0, 40, 200]])
    out = impute.impute_rows(x, [[0, 1, 2]], np.array([1.0, 1, -1]))
    y0 = (2 - 1) / 3  # unit 2 on column 0, scaled 0–1
    y1 = (30 - 10) / 30
    back = -(((y0 + y1) / 2) * (-100 - -300) + -300)  # direction −1: scaled on −x
    assert out[1, 2] == pytest.approx(back)
    assert np.array_equal(out[[0, 2, 3]], x[[0, 2, 3]])


def test_panel_latest_does_not_back_fill() -> None:
    """impute_panel "latest": carried forward, but nothing before the first observation
    (our panel_locf back-fills; COINr issue #63: a single value is held, not a crash)."""
    from computestrata.measure.index import impute

    cube = np.array([np.nan, 2.0, np.nan, 5.0, np.nan])[:, None, None]
    latest, mask = impute.impute_panel(cube, [2019, 2020, 2021, 2022, 2023], "panel_latest")
    assert np.isnan(latest[0, 0, 0]) and latest[:, 0, 0].tolist()[1:] == [2.0, 2.0, 5.0, 5.0]
    assert mask[:, 0, 0].tolist() == [False, False, True, False, True]
    locf, _ = impute.impute_panel(cube, [2019, 2020, 2021, 2022, 2023], "panel_locf")
    assert locf[0, 0, 0] == 2.0


def test_em_imputation_recovers_a_linear_relation() -> None:
    """Whole-table imputation (COINr impute_by = "df" with a custom f_i; here EM)."""
    from computestrata.measure.index import impute

    rng = np.random.default_rng(13)
    a = rng.normal(size=60)
    x = np.column_stack([a, 2 * a + 1 + rng.normal(0, 0.01, 60), rng.normal(size=60)])
    truth = x[5, 1]
    x[5, 1] = np.nan
    out = impute.impute_em(x)
    assert out[5, 1] == pytest.approx(truth, abs=0.05)
    assert np.array_equal(np.delete(out, 5, axis=0), np.delete(x, 5, axis=0))


def test_custom_imputer_is_registered_and_checked() -> None:
    """A custom imputation function (COINr f_i): used by name, and may not rewrite data."""
    from computestrata.measure.index import impute

    impute.register("zero_fill", lambda a: np.nan_to_num(a, nan=0.0))
    impute.register("rewrite", lambda a: np.zeros_like(a))
    x = np.array([[1.0, np.nan], [2.0, 3.0]])
    out, mask, _ = impute.impute_cross(x, "custom:zero_fill")
    assert out[0, 1] == 0 and mask.tolist() == [[False, True], [False, False]]
    with pytest.raises(InputError, match="changed observed values"):
        impute.impute_cross(x, "custom:rewrite")
    with pytest.raises(InputError, match="custom imputation function"):
        impute.impute_cross(x, "custom:nope")
    assert config.parse(_framework(impute={"method": "custom:zero_fill"})).steps.impute == "custom:zero_fill"
