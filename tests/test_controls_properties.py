"""Property tests (hypothesis) for the rule engine.

- raising any performance figure never relaxes the outcome;
- adding a country to a stricter group never relaxes it;
- bounds are inclusive or exclusive exactly as the rule text says;
- dates before an instrument binds are unaffected by it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from computestrata.controls import regime as rg
from computestrata.controls.classify import classify, severity
from computestrata.controls.items import ChipSpec, HbmSpec

REG = rg.load()
DESTS = [
    "CHN",
    "HKG",
    "MAC",
    "RUS",
    "VNM",
    "SAU",
    "ARE",
    "PAK",
    "IND",
    "KOR",
    "JPN",
    "SGP",
    "ISR",
    "BRA",
    "MEX",
    "DEU",
    "USA",
    "TWN",
    "MYS",
    "KAZ",
]
START, END = date(2022, 1, 1), date(2026, 6, 30)
# the destinations most rules single out, drawn more often
dests = st.one_of(st.sampled_from(["CHN", "HKG", "MAC"]), st.sampled_from(DESTS))

# dates: uniform, plus the days on which something changes (where bugs live)
days = st.one_of(
    st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n)), st.sampled_from(REG.change_dates())
)
# TPP thresholds of every rule, as int8 figures (TPP / 8), so examples land near the bounds
_TPP_BOUNDS = sorted(
    {float(c.value) for i in REG.instruments for comp in i.components for c in comp.conditions if c.quantity == "tpp"}
)
pos = st.one_of(
    st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False),
    st.sampled_from([t / 8 for t in _TPP_BOUNDS]),
)
figure_keys = ("int8_tops", "fp8_tflops", "fp16_tflops", "fp4_tflops", "fp32_tflops")


@st.composite
def chips(draw: st.DrawFn) -> ChipSpec:
    figures = {k: draw(pos) for k in draw(st.sets(st.sampled_from(figure_keys), min_size=1))}
    return ChipSpec(
        figures=figures,
        die_area_mm2=draw(st.floats(min_value=50, max_value=2000)),
        io_bandwidth_gbps=draw(st.floats(min_value=0, max_value=2000)),
        datacenter=draw(st.booleans()),
        dram_bandwidth_gbps=draw(st.floats(min_value=0, max_value=10000)),
    )


def _sev(
    item: Any, dest: str, day: date, basis: str = "compliance", regime: rg.Regime | None = None, hq: str | None = None
) -> tuple[int, int]:
    """(severity of the status, overall licence answer 0/1): each must never go down."""
    v = classify(item, dest, day, hq=hq, regime=regime or REG, basis=basis)  # type: ignore[arg-type]
    assert v.status != "indeterminate", v.to_dict()  # complete inputs never leave it open
    assert v.license_required is not None and v.license_required_by_rules is not None
    # the overall answer is the rules' answer or a letter in force, and names what requires it
    assert v.license_required is (v.license_required_by_rules or bool(v.measures))
    assert bool(v.license_basis) is v.license_required
    return v.severity, int(v.license_required)


def _never_relaxes(stricter: tuple[int, int], base: tuple[int, int]) -> bool:
    return stricter[0] >= base[0] and stricter[1] >= base[1]


@settings(max_examples=500, deadline=None)
@given(
    chips(),
    st.sampled_from([*figure_keys, "io_bandwidth_gbps", "dram_bandwidth_gbps"]),
    st.one_of(st.floats(min_value=0.01, max_value=30000), st.sampled_from([1.0, 100.0])),
    dests,
    days,
    st.sampled_from(["compliance", "effective"]),
    st.sampled_from([None, "CHN", "KOR"]),
)
@example(
    ChipSpec(
        figures={"int8_tops": 2600}, die_area_mm2=800, io_bandwidth_gbps=900, datacenter=True, dram_bandwidth_gbps=4000
    ),
    "int8_tops",
    100.0,
    "CHN",
    date(2026, 3, 1),
    "compliance",
    None,
)
@example(
    ChipSpec(
        figures={"int8_tops": 590}, die_area_mm2=600, io_bandwidth_gbps=64, datacenter=False, dram_bandwidth_gbps=1000
    ),
    "int8_tops",
    20.0,
    "CHN",
    date(2024, 6, 1),
    "compliance",
    None,
)
def test_raising_performance_never_relaxes(
    spec: ChipSpec, key: str, delta: float, dest: str, day: date, basis: str, hq: str | None
) -> None:
    if key in figure_keys:
        higher = dataclasses.replace(spec, figures={**spec.figures, key: spec.figures.get(key, 0.0) + delta})
    else:
        higher = dataclasses.replace(spec, **{key: (getattr(spec, key) or 0.0) + delta})
    assert _never_relaxes(_sev(higher, dest, day, basis, hq=hq), _sev(spec, dest, day, basis, hq=hq))


@settings(max_examples=150, deadline=None)
@given(
    st.floats(min_value=0, max_value=5000),
    st.floats(min_value=0.01, max_value=5000),
    st.floats(min_value=20, max_value=300),
    st.sampled_from(DESTS),
    days,
)
def test_raising_hbm_bandwidth_never_relaxes(bw: float, delta: float, area: float, dest: str, day: date) -> None:
    low, high = (
        HbmSpec(bandwidth_gbps=bw, package_area_mm2=area),
        HbmSpec(bandwidth_gbps=bw + delta, package_area_mm2=area),
    )
    assert _never_relaxes(_sev(high, dest, day), _sev(low, dest, day))


@settings(max_examples=300, deadline=None)
@given(
    chips(),
    st.sampled_from([d for d in DESTS if d != "USA"]),
    st.sampled_from(["D:1", "D:4", "D:5", "Macau"]),
    days,
    st.sampled_from(["compliance", "effective"]),
)
def test_adding_country_to_stricter_group_never_relaxes(
    spec: ChipSpec, dest: str, group: str, day: date, basis: str
) -> None:
    stricter = REG.with_members(group, add=[dest])
    assert _never_relaxes(_sev(spec, dest, day, basis, regime=stricter), _sev(spec, dest, day, basis))


def _numeric_conditions() -> list[tuple[str, rg.Condition]]:
    out = []
    for inst in REG.instruments:
        for comp in inst.components:
            out += [(f"{inst.id}/{comp.id}", c) for c in comp.conditions if c.op != "=="]
    return out


@pytest.mark.parametrize(("where", "cond"), _numeric_conditions())
def test_bounds_follow_rule_text(where: str, cond: rg.Condition) -> None:
    import math

    t = float(cond.value)
    # at the bound: ">=" / "<=" hold ("X or more", "X or less"), ">" / "<" do not ("greater/less than")
    assert cond.holds(t) is cond.inclusive, where
    above, below = math.nextafter(t, math.inf), math.nextafter(t, -math.inf)
    assert cond.holds(above) is (cond.op in (">=", ">")), where
    assert cond.holds(below) is (cond.op in ("<=", "<")), where


EXPECTED_OPS = {  # the rule text, per paragraph: (quantity, op, threshold)
    "3A090.a.1": {("tpp", ">=", 4800)},
    "3A090.a.2": {("tpp", ">=", 1600), ("pd", ">=", 5.92)},
    "3A090.b.1": {("tpp", ">=", 2400), ("tpp", "<", 4800), ("pd", ">=", 1.6), ("pd", "<", 5.92)},
    "3A090.b.2": {("tpp", ">=", 1600), ("pd", ">=", 3.2), ("pd", "<", 5.92)},
    "3A090.c": {("hbm_density", ">", 2.0)},
}


def test_paragraph_bounds_match_rule_text() -> None:
    state = REG.at(date(2025, 6, 1))
    found = {
        c.id: {(x.quantity, x.op, x.value) for x in c.conditions if x.op != "=="} for c in state.of_kind("paragraph")
    }
    assert found == EXPECTED_OPS


class _Q:
    """An item with exact quantities, to probe bounds without float noise from division."""

    kind = "chip"
    name = None
    source = None
    notes: tuple[str, ...] = ()

    def __init__(self, **q: Any) -> None:
        self.q = {"datacenter": True, "io_bandwidth_gbps": 0.0, "dram_bandwidth_gbps": 0.0, **q}

    def quantities(self) -> dict[str, Any]:
        return self.q


@pytest.mark.parametrize(
    ("tpp", "pd", "expected"),
    [
        (4800, 1.0, "3A090.a.1"),
        (4799.999, 1.0, None),
        (1600, 5.92, "3A090.a.2"),
        (1600, 5.9199, "3A090.b.2"),
        (1599.99, 5.92, None),
        (2400, 1.6, "3A090.b.1"),
        (2399.99, 1.6, None),
        (2400, 1.5999, None),
        (4799.99, 5.9199, "3A090.b.1"),
        (1600, 3.2, "3A090.b.2"),
        (1600, 3.1999, None),
    ],
)
def test_paragraph_bounds_exact(tpp: float, pd: float, expected: str | None) -> None:
    v = classify(_Q(tpp=tpp, pd=pd), "CHN", "2024-06-01")  # type: ignore[arg-type]
    assert v.paragraph == expected


@pytest.mark.parametrize(
    ("density", "eccn", "exceptions"),
    [
        (2.0, None, []),
        (2.0000001, "3A090.c", ["HBM"]),
        (3.2999, "3A090.c", ["HBM"]),
        (3.3, "3A090.c", []),
    ],
)
def test_hbm_bounds_exact(density: float, eccn: str | None, exceptions: list[str]) -> None:
    item = _Q(hbm_density=density, copackaged_with_logic=False)
    item.kind = "hbm"
    v = classify(item, "CHN", "2025-02-01")  # type: ignore[arg-type]
    assert v.eccn == eccn and v.license_exceptions == exceptions


def _decision(v: Any) -> dict[str, Any]:
    d = v.to_dict()
    return {
        k: d[k]
        for k in (
            "eccn",
            "paragraph",
            "license_required",
            "license_required_by_rules",
            "license_basis",
            "review_policy",
            "license_exceptions",
            "measures",
            "status",
            "reasons",
        )
    }


@settings(max_examples=300, deadline=None)
@given(
    chips(), dests, days, st.sampled_from([i.id for i in REG.instruments]), st.sampled_from(["compliance", "effective"])
)
def test_dates_before_an_instrument_are_unaffected(
    spec: ChipSpec, dest: str, day: date, inst_id: str, basis: str
) -> None:
    inst = REG.instrument(inst_id)
    first = min([inst.binds(basis)] + ([c.binds for c in inst.components] if basis == "compliance" else []))
    if day >= first:
        day = first - timedelta(days=1)
    if day < START:
        return
    with_it = classify(spec, dest, day, regime=REG, basis=basis)  # type: ignore[arg-type]
    without = classify(spec, dest, day, regime=REG.without(inst_id), basis=basis)  # type: ignore[arg-type]
    assert _decision(with_it) == _decision(without)


def test_severity_scale_orders_statuses() -> None:
    assert (
        severity("free") < severity("exception") < severity("approval") < severity("case_by_case") < severity("denial")
    )
    assert severity("indeterminate") == -1


_NAMED = [e.spec for e in __import__("computestrata.controls.catalogue", fromlist=["x"]).from_frame(None).entries]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_NAMED), dests, days, st.sampled_from([None, "CHN"]))
def test_letters_raise_the_overall_answer_only(spec: ChipSpec, dest: str, day: date, hq: str | None) -> None:
    """Named chips (which letters can name): a letter never lowers the overall answer and never
    changes the rules' answer; without letters the overall answer is the rules' answer."""
    v = classify(spec, dest, day, hq=hq, regime=REG)
    no_letters = classify(spec, dest, day, hq=hq, regime=dataclasses.replace(REG, measures=()))
    assert v.license_required_by_rules == no_letters.license_required_by_rules == no_letters.license_required
    if v.measures:
        assert v.license_required is True
        assert v.license_basis[-len(v.measures) :] == [f"is_informed_letter:{m['id']}" for m in v.measures]
    else:
        assert v.license_required == v.license_required_by_rules and v.license_basis == no_letters.license_basis
