"""Scenario specs and the stock-flow model on small synthetic inputs (no atlas needed)."""

from __future__ import annotations

import math
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.scenarios import model, spec
from computestrata.scenarios.model import ControlState, Prepared

SHIPPED = ("baseline", "small_yard_high_fence", "big_yard_high_fence", "no_yard")


# ---------------------------------------------------------------- specs


def test_shipped_scenarios_are_named_after_the_postures() -> None:
    from computestrata.controls.scope import POSTURES

    names = spec.list_scenarios()
    assert names[0] == "baseline"
    assert set(names) == {"baseline", *POSTURES}
    for n in names:
        s = spec.load_scenario(n)
        assert s.name == n
        assert s.control.posture == (None if n == "baseline" else n)
        assert s.base_year < s.horizon <= spec.MAX_HORIZON


@pytest.mark.parametrize("name", SHIPPED)
def test_every_parameter_has_a_range_and_a_source(name: str) -> None:
    s = spec.load_scenario(name)
    assert len(s.parameters) >= 14
    for k, p in s.parameters.items():
        assert p.low <= p.central <= p.high, k
        assert p.source.strip(), k
        assert p.unit, k
        assert p.group in spec.GROUPS, k


def test_posture_scenarios_share_the_baseline_assumptions() -> None:
    base = spec.load_scenario("baseline").parameters
    for n in SHIPPED[1:]:
        s = spec.load_scenario(n)
        assert {k: v for k, v in s.parameters.items() if k != "posture_start"} == base
        assert "posture_start" in s.parameters


def test_unknown_scenario_names_the_closest() -> None:
    with pytest.raises(InputError) as e:
        spec.load_scenario("no_yrd")
    assert "no_yard" in str(e.value) + str(e.value.hint)


def _write(tmp_path: Path, body: str) -> str:
    f = tmp_path / "s.yaml"
    f.write_text(body, encoding="utf-8")
    return str(f)


def test_user_file_extends_baseline(tmp_path: Path) -> None:
    body = """
name: mine
extends: baseline
title: mine
description: fence Korea's neighbours
control:
  start: 2028-01-01
  transformations:
    - {kind: scale_thresholds, factor: 0.5}
    - {kind: add_segments, segments: [dram]}
"""
    s = spec.load_scenario(_write(tmp_path, body))
    assert s.control.changes and s.control.posture is None
    assert s.parameters["ai_demand_growth"] == spec.load_scenario("baseline").parameters["ai_demand_growth"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("control: {posture: no_yrd, start: 2027-01-01}", "no_yard"),
        ("horizon: 2040", "2035"),
        ("horizon: 2024", "base year"),
        ("control: {posture: no_yard}", "start"),
        ("supply: {x: {central: 5, low: 6, high: 7, source: judgement, unit: u}}", "low <= central"),
        ("supply: {x: {central: 5, low: 1, high: 7}}", "source"),
        ("control: {start: 2027-01-01, transformations: [{kind: fence}]}", "groups or countries"),
    ],
)
def test_bad_scenario_files_are_clear_input_errors(tmp_path: Path, body: str, word: str) -> None:
    head = "name: bad\nextends: baseline\ntitle: t\ndescription: d\n"
    with pytest.raises(InputError) as e:
        spec.load_scenario(_write(tmp_path, head + body))
    assert word in str(e.value) + str(e.value.hint)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("parameters: {ai_demand_growth: {central: 2, low: 1, high: 3, source: judgement}}", "group sections"),
        ("demand: {ai_demand_growth: {central: 2.0, low: 1.5, source: judgement}}", "high: Field required"),
        ("base_year: twenty", "base_year"),
        ("name: [unclosed", "not valid YAML"),
        ("demand: [1, 2]", "must be a mapping"),
        ("extends: no_such_scenario", "no_yard"),
    ],
)
def test_more_bad_scenario_files(tmp_path: Path, body: str, word: str) -> None:
    """Every problem is named (all of them, not the first only) with the file and the fix."""
    head = "name: bad\nextends: baseline\ntitle: t\ndescription: d\n"
    with pytest.raises(InputError) as e:
        spec.load_scenario(
            _write(tmp_path, head.replace("extends: baseline\n", "") + body if "extends" in body else head + body)
        )
    assert word in str(e.value) + str(e.value.hint)


def test_extends_cycle_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\ntitle: t\ndescription: d\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\ntitle: t\ndescription: d\n", encoding="utf-8")
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(InputError, match="circle") as e:
            spec.load_scenario("a.yaml")
        assert e.value.hint and "baseline" in e.value.hint
    finally:
        os.chdir(here)
    with pytest.raises(InputError, match="does not exist"):
        spec.load_scenario(str(tmp_path / "nowhere.yaml"))


@pytest.mark.parametrize(
    ("lang", "expect"),
    [("ko", "선언된 범위"), ("zh", "声明的范围")],
)
def test_range_and_horizon_errors_are_translated(lang: str, expect: str) -> None:
    s = spec.load_scenario("baseline")
    with pytest.raises(InputError) as e:
        spec.check_params(s, {"ai_demand_growth": 9.0})
    assert expect in e.value.shown(lang)[0]
    with pytest.raises(InputError) as e:
        synthetic().params({"reallocation": 2.0})  # the model's own check: the same message
    assert expect in e.value.shown(lang)[0]
    with pytest.raises(InputError) as e:
        spec.check_horizon(2025, 2040)
    assert "2035" in e.value.shown(lang)[0] and e.value.shown(lang)[0] != e.value.shown("en")[0]


def test_parameter_outside_its_range_is_refused() -> None:
    s = spec.load_scenario("baseline")
    with pytest.raises(InputError, match="outside its declared range"):
        spec.check_params(s, {"ai_demand_growth": 9.0})
    with pytest.raises(InputError):
        spec.check_params(s, {"no_such": 1.0})
    assert spec.check_params(s, {"ai_demand_growth": 2.5})["ai_demand_growth"] == 2.5


# ---------------------------------------------------------------- the model on a synthetic world

COUNTRIES = ["USA", "CHN", "KOR", "ROW"]


def _access(open_: list[float], denied: list[float]) -> np.ndarray:
    """[country, grade, category]: the same split for both grades."""
    a = np.zeros((len(open_), 2, 3))
    for i, (o, d) in enumerate(zip(open_, denied, strict=True)):
        a[i, :, 0], a[i, :, 2], a[i, :, 1] = o, d, 1 - o - d
    return a


def _state(label: str, open_: list[float], denied: list[float], coop_open: float) -> ControlState:
    rest = 1 - coop_open
    return ControlState(
        label=label,
        on="2026-01-01",
        access=_access(open_, denied),
        servers_controlled_cn=label != "enacted",
        coop={"open_share": coop_open, "limited_share": rest / 2, "restricted_share": rest / 2},
    )


def synthetic(posture: ControlState | None = None, enacted: ControlState | None = None) -> Prepared:
    s = spec.load_scenario("small_yard_high_fence")
    years = list(range(2025, 2036))
    enacted = enacted or _state("enacted", [1, 0.2, 1, 1], [0, 0.5, 0, 0], 0.6)
    states = [enacted] + ([posture] if posture else [])
    return Prepared(
        scenario=s.name,
        base_year=2025,
        years=years,
        countries=COUNTRIES,
        pair=("KOR", "CHN"),
        central=s.central(),
        ranges={k: (p.low, p.high) for k, p in s.parameters.items()},
        intelligent0=np.array([70.0, 10.0, 2.0, 18.0]),
        additions0=40.0,
        super0=np.array([0.5, 0.1, 0.05, 0.35]),
        super_world0=1.0,
        basic0={"CHN": 0.3, "USA": 0.35, "ROW": 0.35},
        kind_weights={"basic": 0.3, "intelligent": 0.5, "super": 0.2},
        enacted=[0] * len(years),
        posture=1 if posture else None,
        posture_from=2027.0 if posture else None,
        states=states,
        data_years={},
        source_ids=[],
        notes=[],
    )


def test_equal_access_and_no_domestic_output_keep_shares() -> None:
    """With every country fully open and China making nothing, shipments follow demand: shares stay."""
    prep = synthetic(enacted=_state("enacted", [1, 1, 1, 1], [0, 0, 0, 0], 0.6))
    prep.central["cn_accel_output_base"] = 0.0
    out = model.evaluate(prep, {})
    for c, v in zip(COUNTRIES, prep.intelligent0 / prep.intelligent0.sum(), strict=True):
        assert out[f"share.{c}.2035"] == pytest.approx(v)


def test_blocked_shipments_are_resold_in_full_when_reallocation_is_one() -> None:
    """Conservation: with ρ = 1 the world receives all it shipped, whatever the access."""
    open_world = synthetic(enacted=_state("enacted", [1, 1, 1, 1], [0, 0, 0, 0], 0.6))
    fenced = synthetic(enacted=_state("enacted", [1, 0, 1, 1], [0, 1, 0, 0], 0.6))
    for prep in (open_world, fenced):
        prep.central["cn_accel_output_base"] = 0.0
    a = model.evaluate(open_world, {"reallocation": 1.0})
    b = model.evaluate(fenced, {"reallocation": 1.0})
    assert b["world.intelligent.2035"] == pytest.approx(a["world.intelligent.2035"])
    assert b["share.CHN.2035"] < a["share.CHN.2035"]
    c = model.evaluate(fenced, {"reallocation": 0.5})
    assert c["world.intelligent.2035"] < b["world.intelligent.2035"]


def test_stock_retires_after_its_life() -> None:
    """S(t) = S(t−1)(1 − 1/L) + R(t): check one step by hand."""
    prep = synthetic(enacted=_state("enacted", [1, 1, 1, 1], [0, 0, 0, 0], 0.6))
    prep.central["cn_accel_output_base"] = 0.0
    p = prep.params({"accelerator_life": 5.0})
    g = min(p["ai_demand_growth"], p["world_chip_output_growth"] * p["efficiency_gain"])
    out = model.evaluate(prep, {"accelerator_life": 5.0})
    expect = 100.0 * (1 - 1 / 5) + 40.0 * g
    assert out["world.intelligent.2026"] == pytest.approx(expect)


def test_posture_start_mixes_the_states_by_the_part_of_the_year() -> None:
    post = _state("small_yard_high_fence", [1, 0, 1, 1], [0, 1, 0, 0], 0.4)
    prep = synthetic(post)
    out = model.evaluate(prep, {"posture_start": 2028.5})
    assert out["coop.open_share.2027"] == pytest.approx(0.6)
    assert out["coop.open_share.2028"] == pytest.approx(0.5)
    assert out["coop.open_share.2029"] == pytest.approx(0.4)


def test_posture_without_a_start_parameter_starts_on_its_date() -> None:
    prep = synthetic(_state("small_yard_high_fence", [1, 0, 1, 1], [0, 1, 0, 0], 0.4))
    del prep.central["posture_start"], prep.ranges["posture_start"]
    out = model.evaluate(prep, {})
    assert out["coop.open_share.2026"] == pytest.approx(0.6)
    assert out["coop.open_share.2027"] == pytest.approx(0.4)


def test_outputs_follow_the_contract_and_pickle() -> None:
    prep = synthetic(_state("no_yard", [1, 0, 1, 0.5], [0, 1, 0, 0.5], 0.4))
    out = model.evaluate(prep, {})
    for k in (
        "share.CHN.2035",
        "share.USA.2035",
        "hhi.2035",
        "coop.open_share.2035",
        "coop.limited_share.2035",
        "coop.restricted_share.2035",
    ):
        assert k in out and math.isfinite(out[k])
    assert sum(out[f"share.{c}.2030"] for c in COUNTRIES) == pytest.approx(1.0)
    again = pickle.loads(pickle.dumps(prep))
    assert model.evaluate(again, {}) == out
    proj = model.project(prep, {})
    assert [y["year"] for y in proj.years] == prep.years
    assert proj.years[-1]["cooperation"]["open_share"] == pytest.approx(out["coop.open_share.2035"])


def test_evaluate_refuses_out_of_range_parameters() -> None:
    with pytest.raises(InputError, match="outside its declared range"):
        model.evaluate(synthetic(), {"reallocation": 1.5})


def _draw(prep: Prepared, u: list[float]) -> dict[str, float]:
    names = sorted(prep.ranges)
    return {k: prep.ranges[k][0] + x * (prep.ranges[k][1] - prep.ranges[k][0]) for k, x in zip(names, u, strict=False)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=17, max_size=17),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_wider_controls_never_raise_china_share_or_open_cooperation(u: list[float], cut: float, more: float) -> None:
    """Same assumptions, a wider control state (less access for China, lower open share):
    China's share and the open share never grow."""
    narrow = _state("narrow", [1, 0.5, 1, 1], [0, 0.2, 0, 0], 0.6)
    o, d = 0.5 * (1 - cut), 0.2 + 0.3 * cut
    wide = _state("wide", [1, o, 1, 1], [0, d, 0, 0], 0.6 - 0.3 * more)
    a, b = synthetic(narrow), synthetic(wide)
    p = _draw(a, u)
    ra, rb = model.evaluate(a, p), model.evaluate(b, p)
    for y in a.years:
        assert rb[f"coop.open_share.{y}"] <= ra[f"coop.open_share.{y}"] + 1e-12
        assert rb[f"share.CHN.{y}"] <= ra[f"share.CHN.{y}"] + 1e-12


# ---------------------------------------------------------------- the vectorised model


def reference_evaluate(prep: Prepared, params: dict[str, float]) -> dict[str, float]:
    """The model written as the plain per-year loop of ``docs/scenarios.md`` (one row, scalars):
    the oracle :func:`model.evaluate_many`'s array code must reproduce."""
    from computestrata.maths import concentration as cm

    p = prep.params(params)
    n_y, n_c = len(prep.years), len(prep.countries)
    cn = prep.countries.index("CHN")
    demand = prep.intelligent0 / prep.intelligent0.sum()
    g = min(p["ai_demand_growth"], p["world_chip_output_growth"] * p["efficiency_gain"])
    cat_w = np.array([1.0, p["licence_approval_rate"], 0.0])
    stock, adds, front = np.empty((n_y, n_c)), np.zeros((n_y, n_c)), np.empty((n_y, n_c))
    stock[0], adds[0], front[0] = prep.intelligent0, prep.additions0 * demand, prep.intelligent0
    b_cn, b_rest = prep.basic0["CHN"], 1 - prep.basic0["CHN"]
    world = {"super": [1.0], "basic": [1.0]}
    out: dict[str, float] = {}
    tracked = [j for j, c in enumerate(prep.countries) if c != model.ROW]
    for i, year in enumerate(prep.years):
        tau = year - prep.base_year
        e = prep.states[prep.enacted[i]]
        acc, servers, coop = e.access @ cat_w, float(e.servers_controlled_cn), dict(e.coop or {})
        if prep.posture is not None:
            ps = prep.states[prep.posture]
            begin = p.get("posture_start", prep.posture_from or 0.0)
            w = 0.0 if prep.posture_from is None else min(1.0, max(0.0, year + 1 - begin))
            acc = (1 - w) * acc + w * (ps.access @ cat_w)
            servers = (1 - w) * servers + w * float(ps.servers_controlled_cn)
            coop = {k: (1 - w) * v + w * (ps.coop or {})[k] for k, v in coop.items()}
        inf = min(0.95, max(0.0, p["inference_share_base"] + p["inference_shift"] * tau))
        a_c = (1 - inf) * acc[:, 0] + inf * acc[:, 1]
        dom_share = math.nan
        if i:
            shipped = prep.additions0 * g**tau
            got = shipped * demand * a_c
            blocked = shipped - got.sum()
            da = demand * a_c
            if da.sum() > 0:
                got = got + p["reallocation"] * blocked * da / da.sum()
            ramp = max(p["cn_yield_ramp_years"], 1e-9)
            yld = p["cn_yield_base"] + (p["cn_yield_target"] - p["cn_yield_base"]) * min(1.0, tau / ramp)
            dom = p["cn_accel_output_base"] * p["cn_output_growth"] ** tau * yld / max(p["cn_yield_base"], 1e-9)
            got[cn] += dom
            dom_share = dom / got[cn]
            adds[i] = got
            stock[i] = stock[i - 1] * (1 - 1 / p["accelerator_life"]) + got
            front[i] = adds[max(0, i - model.FRONTIER_YEARS + 1) : i + 1].sum(axis=0)
            world["super"].append(world["super"][-1] * p["super_growth"])
            gb = p["basic_growth"]
            b_cn *= gb - servers * p["basic_server_drag"] * (gb - 1)
            b_rest *= gb
            world["basic"].append(b_cn + b_rest)
        intel = stock[i] / stock[i].sum()
        basic_cn = b_cn / (b_cn + b_rest)
        basic = {
            c: basic_cn if c == "CHN" else v * (1 - basic_cn) / (1 - prep.basic0["CHN"]) for c, v in prep.basic0.items()
        }
        wk = {
            "basic": prep.kind_weights["basic"] * world["basic"][i],
            "intelligent": prep.kind_weights["intelligent"] * stock[i].sum() / stock[0].sum(),
            "super": prep.kind_weights["super"] * world["super"][i],
        }
        tot = sum(wk.values())
        for j, c in enumerate(prep.countries):
            out[f"share.{c}.{year}"] = intel[j]
        for c in ("CHN", "USA"):
            j = prep.countries.index(c)
            out[f"share.{c}.super.{year}"] = prep.super0[j]
            out[f"share.{c}.basic.{year}"] = basic[c]
            out[f"share.{c}.total.{year}"] = (
                wk["basic"] * basic[c] + wk["intelligent"] * intel[j] + wk["super"] * prep.super0[j]
            ) / tot
        now, fr = stock[i][tracked], front[i][tracked]
        out |= {f"hhi.{year}": cm.hhi(now), f"cr3.{year}": cm.cr_k(now, 3)}
        out |= {f"gini.{year}": cm.gini(now), f"theil.{year}": cm.theil(now), f"hhi.frontier.{year}": cm.hhi(fr)}
        rest = (now - fr).clip(min=0.0)
        out[f"hhi.rest.{year}"] = cm.hhi(rest) if rest.sum() > 0 else math.nan
        for c in model.COOP_CLASSES:
            out[f"coop.{c}_share.{year}"] = coop.get(f"{c}_share", math.nan)
        out[f"world.intelligent.{year}"] = stock[i].sum()
        out[f"cn.domestic_share.{year}"] = dom_share
        out[f"cn.access.{year}"] = a_c[cn]
    return out


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12 * max(1.0, abs(b))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.floats(0, 1), min_size=17, max_size=17), min_size=1, max_size=6),
    st.sampled_from(["none", "posture", "no_start"]),
)
def test_evaluate_many_equals_evaluate_and_the_loop_row_by_row(us: list[list[float]], kind: str) -> None:
    """Random draws in the declared ranges: each row of the batch equals ``evaluate`` on that row
    and the plain loop (rows never mix; the array code is the documented model), to 1e-12."""
    post = _state("big_yard_high_fence", [1, 0.1, 0.9, 0.7], [0, 0.8, 0.05, 0.2], 0.45)
    prep = synthetic(None if kind == "none" else post)
    if kind == "no_start":
        prep.posture_from = None
    draws = [_draw(prep, u) for u in us]
    rows = {k: np.array([d[k] for d in draws]) for k in draws[0]}
    many = model.evaluate_many(prep, rows)
    as_matrix = model.evaluate_many(prep, np.array([[d.get(k, v) for k, v in prep.central.items()] for d in draws]))
    for r, d in enumerate(draws):
        one, ref = model.evaluate(prep, d), reference_evaluate(prep, d)
        assert set(one) == set(many) == set(ref) == set(as_matrix)
        for k, v in one.items():
            assert _close(float(many[k][r]), v), (k, r)
            assert _close(float(as_matrix[k][r]), v), (k, r)
            assert _close(v, float(ref[k])), (k, r, v, ref[k])


def test_evaluate_many_checks_every_row_once() -> None:
    prep = synthetic()
    lo, hi = prep.ranges["reallocation"]
    with pytest.raises(InputError, match=r"reallocation.*outside its declared range"):
        model.evaluate_many(prep, {"reallocation": np.array([lo, hi, hi + 1])})
    with pytest.raises(InputError, match=r"not_a_parameter|closest|unknown"):
        model.evaluate_many(prep, {"not_a_parameter": np.array([1.0])})
    with pytest.raises(InputError, match="columns"):
        model.evaluate_many(prep, np.zeros((3, 2)))
    with pytest.raises(InputError, match="different lengths"):
        model.evaluate_many(prep, {"reallocation": np.array([lo]), "accelerator_life": np.array([5.0, 6.0])})
    assert model.output_names(prep) is model.output_names(prep)  # built once


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(0, 1e6), min_size=4, max_size=4), min_size=1, max_size=8))
@example([[0.0, 0.0, 0.0, 5e-324], [0.0, 0.0, 0.0, 0.0]])  # a mean that underflows; an all-zero row
def test_concentration_rows_equal_the_scalar_metrics_row_by_row(values: list[list[float]]) -> None:
    from computestrata.maths import concentration as cm

    x = cm.matrix(values)
    rows = {"hhi": cm.hhi_rows(x), "cr3": cm.cr_k_rows(x, 3), "gini": cm.gini_rows(x), "theil": cm.theil_rows(x)}
    for r, v in enumerate(values):
        if sum(v) <= 0:
            assert all(math.isnan(a[r]) for a in rows.values())  # undefined, said as missing
            continue
        scalar = {"hhi": cm.hhi(v), "cr3": cm.cr_k(v, 3), "gini": cm.gini(v), "theil": cm.theil(v)}
        for k, a in rows.items():
            assert a[r] == pytest.approx(scalar[k], rel=1e-12, abs=1e-12), k


@pytest.mark.parametrize("bad", [[1.0, 2.0], [[1.0, math.nan]], [[1.0, -1.0]], [[math.inf, 1.0]]])
def test_concentration_matrix_refuses_bad_input(bad: list[Any]) -> None:
    from computestrata.maths import concentration as cm

    with pytest.raises(InputError):
        cm.matrix(bad)


def test_total_share_is_a_weighted_mean_of_the_kind_shares() -> None:
    """The kinds' weights are renormalised every year, so a country's total share lies between
    its smallest and largest share of the three kinds (however fast one kind grows)."""
    prep = synthetic(_state("no_yard", [1, 0, 1, 0.5], [0, 1, 0, 0.5], 0.4))
    out = model.evaluate(prep, {"ai_demand_growth": prep.ranges["ai_demand_growth"][1]})
    for y in prep.years:
        for c in ("CHN", "USA"):
            kinds = [out[f"share.{c}.{y}"], out[f"share.{c}.super.{y}"], out[f"share.{c}.basic.{y}"]]
            assert min(kinds) - 1e-12 <= out[f"share.{c}.total.{y}"] <= max(kinds) + 1e-12, (c, y)


def test_access_follows_the_enacted_state_before_the_posture_and_the_posture_after() -> None:
    enacted = _state("enacted", [1, 0.5, 1, 1], [0, 0.2, 0, 0], 0.6)
    post = _state("no_yard", [1, 0, 1, 1], [0, 1, 0, 0], 0.4)
    prep, flat = synthetic(post, enacted), synthetic(None, enacted)
    p = {"posture_start": 2028.0, "inference_shift": 0.0}
    a, b = model.evaluate(prep, p), model.evaluate(flat, p)
    for y in (2025, 2026, 2027):
        assert a[f"cn.access.{y}"] == pytest.approx(b[f"cn.access.{y}"])
        assert a[f"share.CHN.{y}"] == pytest.approx(b[f"share.CHN.{y}"])
    assert a["cn.access.2030"] == 0.0 < b["cn.access.2030"]


def test_a_posture_changes_a_segment_only_where_it_tightens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """posture_segments: the engine's enacted class stays unless the posture (chip-rules path)
    differs from the enacted rules on the same path AND is more restrictive than the engine's."""
    from dataclasses import dataclass

    from computestrata.cooperation import api as coop

    @dataclass
    class Seg:
        segment_id: str
        klass: str

    @dataclass
    class Res:
        segments: list[Seg]
        source_ids: set[str]

    def segs(*classes: str) -> list[Seg]:
        return [Seg(f"s{i}", k) for i, k in enumerate(classes)]

    engine = segs("limited", "open", "restricted", "open")
    chips = segs("restricted", "open", "restricted", "open")
    posture = segs("open", "limited", "restricted", "open")
    calls = iter([Res(engine, {"a"}), Res(chips, {"b"})])
    monkeypatch.setattr(coop, "pair", lambda *a, **k: next(calls))

    @dataclass
    class Rules:  # stands for a regime: the chip-rules path gets a copy of it
        name: str = "enacted"

    out, ids = model.posture_segments(None, ("KOR", "CHN"), date(2026, 1, 1), Rules(), posture)  # type: ignore[arg-type]
    assert [s.klass for s in out] == ["limited", "limited", "restricted", "open"]
    assert ids == {"a"}
