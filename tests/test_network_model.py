"""The siting LP/MILP on tiny hand-made instances (no atlas): optimality, latency, carbon, IIS."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.network import geo, profiles
from computestrata.network.model import Instance, emissions_t, solve


def tiny(
    r: int = 2,
    s: int = 3,
    d: int = 1,
    h: int = 4,
    seed: int = 0,
    carbon_price: float = 0.0,
    must_serve: bool = False,
    lim: float = 8.0,
) -> Instance:
    rng = np.random.default_rng(seed)
    k = 3
    return Instance(
        regions=tuple(f"r{i}" for i in range(r)),
        sites=tuple(f"s{j}" for j in range(s)),
        classes=("inference", "training", "storage"),
        weight_h=8760 / (d * h),
        demand_mw=rng.uniform(5, 40, (r, k, d, h)),
        flexible=(False, True, False),
        latency_ms=rng.uniform(1, 20, (r, s)),
        latency_limit_ms=np.array([lim, np.nan, 15.0]),
        net_cost_usd_mwh=rng.uniform(0, 5, (r, s, k)),
        capacity_mw=rng.uniform(30, 120, s),
        pue=rng.uniform(1.1, 1.5, s),
        price_usd_mwh=rng.uniform(30, 120, s),
        ef_t_mwh=rng.uniform(0.05, 0.9, s),
        ppa_usd_mwh=rng.uniform(30, 80, s),
        renewable_mw=rng.uniform(0, 60, (s, d, h)),
        grid_limit_mw=np.full(s, np.inf),
        unserved_usd_mwh=np.full(k, np.nan) if must_serve else np.array([1000.0, 300.0, 500.0]),
        carbon_price=carbon_price,
        build_module_mw=20.0,
        build_cost_usd_mw_yr=rng.uniform(3e5, 9e5, s),
        build_max_modules=np.full(s, 3),
    )


def test_two_sites_cheaper_wins_until_full() -> None:
    """One region, two sites: the cheap site fills to capacity, the rest goes to the dear one."""
    inst = Instance(
        regions=("r",),
        sites=("cheap", "dear"),
        classes=("training",),
        weight_h=8760.0,
        demand_mw=np.full((1, 1, 1, 1), 150.0),
        flexible=(False,),
        latency_ms=np.array([[1.0, 1.0]]),
        latency_limit_ms=np.array([np.nan]),
        net_cost_usd_mwh=np.zeros((1, 2, 1)),
        capacity_mw=np.array([100.0, 100.0]),
        pue=np.array([1.0, 1.0]),
        price_usd_mwh=np.array([40.0, 90.0]),
        ef_t_mwh=np.array([0.5, 0.5]),
        ppa_usd_mwh=np.array([0.0, 0.0]),
        renewable_mw=np.zeros((2, 1, 1)),
        grid_limit_mw=np.full(2, np.inf),
        unserved_usd_mwh=np.array([np.nan]),
    )
    sol = solve(inst)
    assert sol.status == "optimal" and sol.served is not None and sol.capacity_dual is not None
    assert sol.served[0, :, 0, 0, 0] == pytest.approx([100.0, 50.0])
    assert sol.objective == pytest.approx(8760 * (100 * 40 + 50 * 90))
    # one more MW at the cheap site saves (90 - 40) USD/MWh for 8,760 h; the dear site is slack
    assert -sol.capacity_dual[0].sum() == pytest.approx(50 * 8760)
    assert -sol.capacity_dual[1].sum() == pytest.approx(0, abs=1e-6)
    assert emissions_t(inst, sol) == pytest.approx(150 * 8760 * 0.5)


def test_objective_equals_the_sum_of_its_parts() -> None:
    inst = tiny(seed=3, carbon_price=40)
    sol = solve(inst)
    assert sol.status == "optimal"
    assert sol.grid is not None and sol.renewable is not None and sol.served is not None and sol.unserved is not None
    w = inst.weight_h
    parts = (
        w * (sol.grid.sum(axis=(1, 2)) * (inst.price_usd_mwh + inst.carbon_price * inst.ef_t_mwh)).sum()
        + w * (sol.renewable.sum(axis=(1, 2)) * inst.ppa_usd_mwh).sum()
        + w * (sol.served.sum(axis=(3, 4)) * inst.net_cost_usd_mwh).sum()
        + w * (sol.unserved.sum(axis=(2, 3)) * inst.unserved_usd_mwh[None, :]).sum()
    )
    assert sol.objective == pytest.approx(parts, rel=1e-7)


def test_day_split_equals_monolithic_lp() -> None:
    inst = tiny(d=3, h=24, seed=5, carbon_price=25)
    a, b = solve(inst, split_days=True), solve(inst, split_days=False)
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective, rel=1e-8)
    assert emissions_t(inst, a) == pytest.approx(emissions_t(inst, b), rel=1e-5, abs=1e-3)


def test_a_cheaper_site_beyond_the_latency_limit_is_not_used() -> None:
    """Inference may not go to the cheap far site (12 ms > 10 ms); training may."""
    inst = Instance(
        regions=("r",),
        sites=("near", "far"),
        classes=("inference", "training"),
        weight_h=8760.0,
        demand_mw=np.full((1, 2, 1, 1), 10.0),
        flexible=(False, False),
        latency_ms=np.array([[2.0, 12.0]]),
        latency_limit_ms=np.array([10.0, np.nan]),
        net_cost_usd_mwh=np.zeros((1, 2, 2)),
        capacity_mw=np.array([100.0, 100.0]),
        pue=np.array([1.2, 1.2]),
        price_usd_mwh=np.array([90.0, 30.0]),
        ef_t_mwh=np.array([0.5, 0.5]),
        ppa_usd_mwh=np.zeros(2),
        renewable_mw=np.zeros((2, 1, 1)),
        grid_limit_mw=np.full(2, np.inf),
        unserved_usd_mwh=np.array([np.nan, np.nan]),
    )
    sol = solve(inst)
    assert sol.status == "optimal" and sol.served is not None
    assert sol.served[0, :, 0, 0, 0] == pytest.approx([10.0, 0.0])  # inference: near only
    assert sol.served[0, :, 1, 0, 0] == pytest.approx([0.0, 10.0])  # training: the cheap far site


def _latency_ok(inst: Instance, served: np.ndarray) -> bool:
    lim = inst.latency_limit_ms
    for i in range(served.shape[0]):
        for j in range(served.shape[1]):
            for k in range(served.shape[2]):
                if served[i, j, k].max() > 1e-7 and not math.isnan(lim[k]) and inst.latency_ms[i, j] > lim[k]:
                    return False
    return True


@settings(max_examples=8)
@given(seed=st.integers(0, 10_000), lim=st.floats(1.0, 20.0), build=st.booleans())
def test_latency_limits_respected_in_every_solution(seed: int, lim: float, build: bool) -> None:
    inst = tiny(seed=seed, lim=lim)
    sol = solve(inst, build_capacity=build, duals=False)  # duals would re-solve a MILP as an LP: not needed here
    assert sol.status == "optimal" and sol.served is not None
    assert _latency_ok(inst, sol.served)


@settings(max_examples=10)
@given(seed=st.integers(0, 10_000), p1=st.floats(0, 300), p2=st.floats(0, 300))
def test_raising_the_carbon_price_never_raises_emissions(seed: int, p1: float, p2: float) -> None:
    lo, hi = sorted((p1, p2))
    base = tiny(seed=seed)
    e_lo = emissions_t(base, solve(base.with_(carbon_price=lo), duals=False))
    e_hi = emissions_t(base, solve(base.with_(carbon_price=hi), duals=False))
    assert e_hi <= e_lo * (1 + 1e-6) + 1e-3


def test_milp_builds_whole_modules_and_reports_fixed_lp_duals() -> None:
    inst = tiny(seed=11)
    inst = inst.with_(capacity_mw=inst.capacity_mw * 0.2)  # short of capacity: building pays
    sol = solve(inst, build_capacity=True)
    assert sol.status == "optimal" and sol.built_modules is not None
    assert sol.built_modules.sum() > 0
    assert np.all(sol.built_modules <= inst.build_max_modules)
    assert sol.duals_from_fixed_lp and sol.capacity_dual is not None


def test_infeasible_case_names_the_conflicting_constraints() -> None:
    inst = tiny(seed=2, must_serve=True)
    inst = inst.with_(capacity_mw=np.full(3, 1.0))  # far too little capacity, all demand must be served
    sol = solve(inst)
    assert sol.status == "infeasible"
    names = {g["constraint"] for g in sol.conflicts}
    assert "capacity" in names
    assert any(n.startswith("demand_") for n in names)


def test_latency_from_distance() -> None:
    # Beijing - Shanghai is about 1,070 km great-circle
    d = geo.great_circle_km(39.90, 116.40, 31.23, 121.47)
    assert 1000 < d < 1120
    assert geo.one_way_latency_ms(d, 1.5, 204, 1.0) == pytest.approx(d * 1.5 / 204 + 1.0)


def test_profiles_keep_their_annual_means_and_bounds() -> None:
    solar, wind = profiles.full_year_solar(0.18), profiles.full_year_wind(0.3)
    assert solar.shape == wind.shape == (365, 24)
    assert solar.mean() == pytest.approx(0.18, rel=1e-3) and wind.mean() == pytest.approx(0.3, rel=1e-3)
    assert solar.min() >= 0 and solar.max() <= 1 and wind.min() >= 0 and wind.max() <= 1
    assert solar[:, 0].max() == 0  # no sun at midnight
    days, hod, w = profiles.sample_periods(8760)
    assert len(days) == 365 and len(hod) == 24 and w == 1.0
    days, hod, w = profiles.sample_periods(4)
    assert days.size == 0 and list(hod) == [0, 6, 12, 18] and w == 2190.0
    # the average day keeps the annual energy
    assert profiles.pick(solar, *profiles.sample_periods(24)[:2]).mean() == pytest.approx(0.18, rel=1e-3)
