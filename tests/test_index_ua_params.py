"""Uncertainty over any step parameter, tied aggregation switches, named weight sets, custom
Sobol targets and sample export/import: each replication must equal a plain rebuild of the
index with the same choices."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from computestrata.errors import InputError
from computestrata.measure.index import api, config, engine, userdata
from computestrata.measure.index import uncertainty as ua

HERE = Path(__file__).parent / "fixtures" / "index"


def framework(**factors: Any) -> config.Framework:
    raw = yaml.safe_load((HERE / "own.yaml").read_text())
    raw["weight_sets"] = {"alt": {"economy": 2, "compute": 1, "net": 3}}
    raw["steps"]["outliers"] = {"method": "winsorise", "max_points": 5}
    raw["uncertainty"] = {"n": 64, "factors": factors}
    return config.parse(raw)


def panel(fw: config.Framework) -> engine.Panel:
    return userdata.load(HERE / "own.csv", fw, 2023).panel


FACTORS: dict[str, Any] = {
    "normalise": ["minmax", "rank"],
    "aggregate": {"2+3": ["arithmetic", "geometric"]},
    "params": {
        "normalise.range": [[1, 100], [10, 100]],
        "indicators.exclude": [[], ["net"]],
        "outliers.max_points": [5, 1],
    },
    "weight_sets": ["alt"],
}


def rebuild(fw: config.Framework, pan: engine.Panel, levels: dict[str, str]) -> Any:
    """The index built plainly with the choices of one replication."""
    steps = fw.steps
    rng = tuple(float(v) for v in levels["param:normalise.range"].split("|"))
    steps = replace(
        steps,
        normalise=levels["normalise"],
        range=rng,
        max_points=int(levels["param:outliers.max_points"]),
        aggregate_by_level={2: levels["aggregate_L2+3"], 3: levels["aggregate_L2+3"]},
        weight_set=None if levels["weight_set"] == "nominal" else levels["weight_set"],
    )
    inds = fw.indicators
    if levels["param:indicators.exclude"] != "(none)":
        gone = set(levels["param:indicators.exclude"].split("|"))
        inds = tuple(replace(i, available=False, unavailable_reason={"en": "t"}) if i.id in gone else i for i in inds)
    return engine.build(replace(fw, steps=steps, indicators=inds), pan, 2023).index


def test_every_replication_equals_a_rebuild() -> None:
    fw = framework(**FACTORS)
    pan = panel(fw)
    plan = ua.make_plan(fw, pan, 2023)
    names = [f.name for f in plan.factors]
    assert names == [
        "normalise",
        "param:normalise.range",
        "param:indicators.exclude",
        "param:outliers.max_points",
        "aggregate_L2+3",
        "weight_set",
    ]
    grid = np.array(np.meshgrid(*[range(len(f.levels)) for f in plan.factors])).reshape(len(names), -1).T
    scores, _ = ua.evaluate(plan, grid)
    for row, got in zip(grid, scores, strict=True):
        levels = {f.name: f.levels[c] for f, c in zip(plan.factors, row, strict=True)}
        want = rebuild(fw, pan, levels).to_numpy()
        assert got == pytest.approx(want, rel=2e-6), levels


def test_tied_levels_switch_together_and_untied_do_not() -> None:
    fw = framework(aggregate={"2+3": ["arithmetic", "geometric"]})
    assert fw.uncertainty.factor_names() == ["aggregate_L2+3"]
    assert fw.uncertainty.agg_factor(2) == fw.uncertainty.agg_factor(3)
    free = framework(aggregate={2: ["arithmetic", "geometric"], 3: ["arithmetic", "geometric"]})
    assert free.uncertainty.factor_names() == ["aggregate_L2", "aggregate_L3"]
    with pytest.raises(InputError, match="level 3 is varied twice"):
        framework(aggregate={"2+3": ["arithmetic", "geometric"], 3: ["arithmetic", "geometric"]})


def test_continuous_parameter_is_sampled_on_equal_bins() -> None:
    fw = framework(params={"outliers.skew": {"uniform": [1.5, 3.0], "levels": 3}})
    assert fw.uncertainty.params["outliers.skew"] == pytest.approx((1.75, 2.25, 2.75))
    pan = panel(fw)
    res = ua.run_ua(fw, pan, 2023, n=16)  # the nominal 2.0 is not a grid point: built nominal used
    assert res.nominal_rank.tolist() == engine.build(fw, pan, 2023).ranks["index"].astype(int).tolist()
    with pytest.raises(InputError, match=r"(?s)outliers.skw.*closest: outliers.skew"):
        framework(params={"outliers.skw": [1, 2]})
    with pytest.raises(InputError, match="'nett' is not an available indicator"):
        framework(params={"indicators.exclude": [[], ["nett"]]})


def test_samples_round_trip_and_bad_cells(tmp_path: Path) -> None:
    fw = framework(**FACTORS)
    out = tmp_path / "s.csv"
    first = api.uncertainty_table(fw, 2023, 32, data=HERE / "own.csv", samples_out=out)
    table = pd.read_csv(out, dtype=str)
    assert len(table) == 32 and "mean_rank_shift" in table and "rank:AAA" in table
    again = api.uncertainty_table(fw, 2023, data=HERE / "own.csv", samples_in=out)
    assert again.rows == first.rows
    table.loc[3, "weight_set"] = "alt2"
    table.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError, match=r"row 5, column 'weight_set': 'alt2'"):
        api.uncertainty_table(fw, 2023, data=HERE / "own.csv", samples_in=tmp_path / "bad.csv")


def test_custom_sobol_targets() -> None:
    fw = framework(**FACTORS)
    pan = panel(fw)
    plan = ua.make_plan(fw, pan, 2023)
    codes = plan.codes(np.random.default_rng(0).random((20, plan.d)))
    scores, ranks = ua.evaluate(plan, codes)
    shift = np.zeros(20)
    assert ua.target_values(plan, "rank:CCC", scores, ranks, shift).tolist() == ranks[:, 2].tolist()
    gap = ua.target_values(plan, "gap:AAA-BBB", scores, ranks, shift)
    assert gap == pytest.approx(scores[:, 0] - scores[:, 1])
    with pytest.raises(InputError, match="unit in --target"):
        ua.target_values(plan, "rank:ZZZ", scores, ranks, shift)
    with pytest.raises(InputError, match="not understood"):
        ua.target_values(plan, "median", scores, ranks, shift)
    res = ua.run_sa(fw, pan, 2023, n=16, plan=plan, target="score:CCC")
    assert res.st.shape == (plan.d,) and np.isfinite(res.st).all()
