"""Uncertainty and sensitivity: vectorised replications equal rebuilds; Sobol vs analytic."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from computestrata.errors import InputError
from computestrata.measure.index import engine, synthetic
from computestrata.measure.index import uncertainty as ua

FACTORS = {
    "n": 256,
    "seed": 3,
    "factors": {
        "impute": ["mean", "median"],
        "normalise": ["minmax", "percentile", "rank"],
        "aggregate": {2: ["arithmetic", "geometric"], 3: ["geometric", "arithmetic", "harmonic"]},
        "weights": {"noise": 0.3, "sets": 8, "levels": [2, 3]},
    },
}


@pytest.fixture(scope="module")
def small() -> tuple[object, engine.Panel, ua.Plan]:
    fw = synthetic.framework(n_ind=9, pillars=3, subindices=0, uncertainty=FACTORS)
    panel = synthetic.panel(units=25, n_ind=9, missing=0.08, seed=4)
    return fw, panel, ua.make_plan(fw, panel, 2023)


def rebuild(fw, panel, plan: ua.Plan, row: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The same replication done the slow way: a config with those choices, built anew."""
    code = {f.name: int(c) for f, c in zip(plan.factors, row, strict=True)}
    s = fw.steps
    by_level = {
        2: FACTORS["factors"]["aggregate"][2][code["aggregate_L2"]],
        3: FACTORS["factors"]["aggregate"][3][code["aggregate_L3"]],
    }
    w2 = plan.weight_sets[0][code["weights_L2"]]
    w3 = plan.weight_sets[1][code["weights_L3"]]
    inds = tuple(replace(i, weight=float(w2[plan.prep.indicators.index(i.id)])) for i in fw.indicators)
    aggs = tuple(
        replace(a, weight=float(w3[plan.node_levels[0].index(a.id)])) if a.id in plan.node_levels[0] else a
        for a in fw.aggregates
    )
    steps = replace(
        s,
        impute=plan.impute[code["impute"]],
        normalise=plan.normalise[code["normalise"]],
        aggregate_by_level=by_level,
        weights="manual",
        weights_by_level={},
    )
    fw2 = replace(fw, indicators=inds, aggregates=aggs, steps=steps)
    return engine.build(fw2, panel, 2023).index.to_numpy()


def test_vectorised_replications_equal_rebuilds(small) -> None:  # type: ignore[no-untyped-def]
    fw, panel, plan = small
    rng = np.random.default_rng(0)
    codes = plan.codes(rng.random((12, plan.d)))
    scores, ranks = ua.evaluate(plan, codes, chunk=5)  # small chunks: exercise chunk edges
    for r in range(len(codes)):
        ref = rebuild(fw, panel, plan, codes[r])
        assert scores[r] == pytest.approx(ref, rel=1e-5), codes[r]
        assert ranks[r].tolist() == engine.ranks(ref).astype(int).tolist()


def test_nominal_replication_is_the_built_index(small) -> None:  # type: ignore[no-untyped-def]
    _, _, plan = small
    scores, _ = ua.evaluate(plan, ua.nominal_codes(plan))
    assert scores[0] == pytest.approx(plan.nominal.index.to_numpy(), rel=1e-5)
    assert plan.weight_sets[0][0] @ np.ones(plan.variants.shape[-1]) == pytest.approx(3.0)


def test_uncertainty_result(small) -> None:  # type: ignore[no-untyped-def]
    fw, panel, plan = small
    res = ua.run_ua(fw, panel, 2023, n=300, plan=plan)
    # a scrambled Sobol sample is balanced only in powers of two: 300 is rounded up, and said
    assert res.n == 512 and any("300 rounded up to 512" in n for n in res.notes)
    assert res.ranks.shape == (512, 25) and res.scores.shape == (512, 25)
    assert sorted(res.ranks[0].tolist()) == list(range(1, 26))
    rows = res.rank_table()
    assert rows[0]["rank"] == 1
    for row in rows:
        assert 1 <= row["rank_p5"] <= row["rank_median"] <= row["rank_p95"] <= 25
    assert (res.mean_shift >= 0).all() and res.mean_shift.max() > 0


def test_data_noise_draws_follow_the_bands() -> None:
    unc = {"n": 64, "factors": {"data_noise": {"draws": 400}}}
    fw = synthetic.framework(
        n_ind=4,
        pillars=2,
        subindices=0,
        uncertainty=unc,
        steps={"outliers": {"method": "none"}, "normalise": {"method": "minmax", "range": [1, 100]}},
    )
    panel = synthetic.panel(units=10, n_ind=4, band=0.2, missing=0.0)
    plan = ua.make_plan(fw, panel, 2023)
    draws = ua._draws(plan.prep, 4001, 1)
    assert (draws[0] == plan.prep.raw).all()
    q5, q95 = np.percentile(draws[1:], [5, 95], axis=0)
    assert q5 == pytest.approx(plan.prep.p5, rel=0.03)
    assert q95 == pytest.approx(plan.prep.p95, rel=0.03)
    res = ua.run_ua(fw, panel, 2023, n=64, plan=plan)
    assert [f.name for f in res.factors] == ["data"]


def test_non_vectorised_choices_are_refused() -> None:
    fw = synthetic.framework(
        n_ind=6,
        pillars=2,
        subindices=0,
        steps={
            "weights": {"method": "equal", "by_level": {3: "bod"}},
            "normalise": {"method": "minmax", "range": [1, 100]},
        },
        uncertainty={"factors": {"impute": ["mean", "median"]}},
    )
    panel = synthetic.panel(units=10, n_ind=6)
    with pytest.raises(InputError, match="benefit-of-the-doubt"):
        ua.make_plan(fw, panel, 2023)
    fw2 = synthetic.framework(n_ind=6, pillars=2, subindices=0, uncertainty={"factors": {"impute": ["mean", "median"]}})
    with pytest.raises(InputError, match="at least two"):
        ua.run_sa(fw2, panel, 2023, n=64)


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_estimators_against_analytic_values() -> None:
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sobol.sample(problem, 2**14, calc_second_order=False, seed=1)
    linear = 1 * (x[:, 0] + math.pi) + 2 * (x[:, 1] + math.pi)  # c has no effect
    y = np.column_stack([ishigami(x), linear])  # two outputs estimated at once
    s1, st = ua.sobol_indices(y, 3)
    # Ishigami (a=7, b=0.1): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    assert s1[:, 0] == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    assert st[:, 0] == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.03)
    # linear model with uniform inputs: S_i = a_i² / Σ a² = (0.2, 0.8, 0), no interactions
    assert s1[:, 1] == pytest.approx([0.2, 0.8, 0.0], abs=0.02)
    assert st[:, 1] == pytest.approx([0.2, 0.8, 0.0], abs=0.02)


def test_sensitivity_on_an_index(small) -> None:  # type: ignore[no-untyped-def]
    fw, panel, plan = small
    res = ua.run_sa(fw, panel, 2023, n=200, plan=plan)
    assert res.n_base == 256 and res.runs == 256 * (plan.d + 2)
    assert any("rounded up" in n for n in res.notes)
    assert res.unit_s1.shape == (plan.d, 25)
    table = {r["factor"]: r for r in res.factor_table()}
    assert set(table) == {f.name for f in plan.factors}
    for r in table.values():
        assert -0.2 <= r["S1"] <= 1.2 and -0.2 <= r["ST"] <= 1.5
    assert max(r["ST"] for r in table.values()) > 0.05


def test_codes_map_unit_interval_to_levels(small) -> None:  # type: ignore[no-untyped-def]
    _, _, plan = small
    u = np.zeros((3, plan.d))
    u[1] = 0.999999
    u[2] = 0.5
    codes = plan.codes(u)
    assert codes[0].tolist() == [0] * plan.d
    assert codes[1].tolist() == [len(f.levels) - 1 for f in plan.factors]
    with pytest.raises(InputError):
        plan.codes(np.zeros((2, plan.d + 1)))


def test_replications_with_missing_values_equal_rebuilds() -> None:
    unc = {"n": 64, "factors": {"impute": ["none", "mean"], "aggregate": {2: ["arithmetic", "geometric"]}}}
    fw = synthetic.framework(
        n_ind=6,
        pillars=2,
        subindices=0,
        uncertainty=unc,
        steps={"normalise": {"method": "minmax", "range": [1, 100]}, "aggregate": {"min_coverage": 0.6}},
    )
    panel = synthetic.panel(units=20, n_ind=6, missing=0.25, seed=9)
    plan = ua.make_plan(fw, panel, 2023)
    assert plan.gaps
    codes = np.array([[i, a] for i in (0, 1) for a in (0, 1)])
    scores, ranks = ua.evaluate(plan, codes)
    for row, (i, a) in zip(scores, codes, strict=True):
        steps = replace(fw.steps, impute=["none", "mean"][i], aggregate_by_level={2: ["arithmetic", "geometric"][a]})
        ref = engine.build(replace(fw, steps=steps), panel, 2023).index.to_numpy()
        np.testing.assert_allclose(row, ref, rtol=1e-5)
    assert np.isnan(scores[0]).any()  # some unit lacks coverage without imputation
    assert (ranks[0][np.isnan(scores[0])] == 0).all()
