"""Scope transformations: hypothetical regimes derived from a real one, for scenarios.

Every transformation returns a new :class:`Regime` with one extra *hypothetical* instrument
effective on ``on`` (default: the last change date of the source regime, so it sits on top of
everything enacted).  The instrument re-issues the components in force on that date with the
changes applied (same ids replace the originals), so dates before ``on`` are untouched and
every verdict's reasons cite ``posture:<name>`` for what was changed.

The paper's three postures (section III/IV; glossary "small yard, high fence" …), with their
exact parameters:

=========================  =====  ==========  ==========  ==============================  ====================
posture                    scale  Note 2      license     segments added                  denial fence (3A090)
                                  carve-out   exceptions
=========================  =====  ==========  ==========  ==============================  ====================
``small_yard_high_fence``  1.0    kept        kept        none                            D:5 + Macau
``big_yard_high_fence``    0.5    kept        kept        dram, fab_equipment_other,      D:1 + D:4 + D:5 +
                                                          servers                         Macau (not A:5/A:6)
``no_yard``                0.0    dropped     dropped     dram, fab_equipment_other,      D:1 + D:4 + D:5 +
                                                          servers                         Macau (not A:5/A:6)
=========================  =====  ==========  ==========  ==============================  ====================

- *scale* multiplies every threshold of the item tests (paragraphs, carve-outs and
  license-exception ceilings: TPP, performance density, I/O, HBM density); 0.5 halves TPP 4800
  to 2400, 0.0 catches any item with a positive figure.  Review-policy thresholds (the 2026
  TPP 21,000 / DRAM 6,500 overlay) are not scaled.
- *denial fence*: a review policy "presumption of denial" at priority 100 for 3A090 to the
  listed destinations (and entities headquartered in D:5/Macau), overriding any later
  case-by-case relaxation; the destinations are also added to the license scope.
- *segments* add hypothetical ECCN entries (reported by :func:`controlled_eccns`, which the
  stack module joins to its segments); they do not change how chips/HBM classify.

Segment labels are the compute stack's segment ids (``stack/segments.yaml``), one vocabulary
for both modules, checked when used (:func:`check_segments`) and when the rules load:

- ``ai_accelerators`` (3A090.a/.b ICs), ``hbm`` (3A090.c), ``ai_servers`` (4A090),
  ``ai_system_software`` (4D090: software for the development or production of 4A090 items;
  a stack segment added for it, layer L1 like EDA, since no existing segment describes it),
  ``foundation_models`` (4E091 model weights);
- hypothetical: ``dram`` (commodity DRAM beyond HBM), ``fab_equipment_other`` (mature-node
  manufacturing equipment: the stack segment of deposition, etch, process-control … tools,
  which is what "SME" denotes; ``mature_logic_fab`` is fabrication *capacity*, not equipment;
  mature-node lithography sits in ``duv_lithography`` and is not reached), ``servers``
  (general-purpose servers, i.e. every server regardless of the ICs inside).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from computestrata.controls.regime import (
    Basis,
    Component,
    Condition,
    Instrument,
    Regime,
    Selector,
)
from computestrata.errors import InputError, unknown

#: Segments (stack segment ids) and the ECCN each maps to.  ``hypothetical`` ones exist only
#: in derived regimes; their ECCN ids end in ``*`` because no such ECCN exists.
SEGMENTS: dict[str, dict[str, Any]] = {
    "ai_accelerators": {"eccn": "3A090", "hypothetical": False, "text": "Advanced-computing ICs (3A090.a/.b)"},
    "hbm": {"eccn": "3A090.c", "hypothetical": False, "text": "High bandwidth memory (3A090.c)"},
    "ai_servers": {
        "eccn": "4A090",
        "hypothetical": False,
        "text": "Computers and assemblies containing 3A090 ICs (4A090)",
    },
    "ai_system_software": {"eccn": "4D090", "hypothetical": False, "text": "Software for 4A090 items (4D090)"},
    "foundation_models": {
        "eccn": "4E091",
        "hypothetical": False,
        "text": "AI model weights trained with >= 1e26 operations (4E091, AI Diffusion only)",
    },
    "dram": {
        "eccn": "3A090.d*",
        "hypothetical": True,
        "text": "Hypothetical: advanced DRAM beyond HBM (commodity DDR5/LPDDR5 dies)",
    },
    "fab_equipment_other": {
        "eccn": "3B090*",
        "hypothetical": True,
        "text": "Hypothetical: semiconductor manufacturing equipment (deposition, etch, process control, "
        "implant, CMP, resist processing, wafer handling) for mature nodes (28 nm and above)",
    },
    "servers": {
        "eccn": "4A090.z*",
        "hypothetical": True,
        "text": "Hypothetical: all servers, general-purpose (CPU) servers included, regardless of the ICs inside",
    },
}
SCALABLE = ("tpp", "pd", "io_bandwidth_gbps", "hbm_density")
_FENCE = ("D:1", "D:4", "D:5")


@dataclass(frozen=True)
class Posture:
    """The exact parameters of a named control posture (see the module table)."""

    name: str
    threshold_factor: float
    drop_carve_outs: bool
    drop_license_exceptions: bool
    add_segments: tuple[str, ...]
    fence_groups: tuple[str, ...]
    description: str


_WIDE = ("dram", "fab_equipment_other", "servers")

#: The module table as data: name → (scale, drop carve-outs, drop exceptions, segments, fence, description).
_POSTURE_TABLE: dict[str, tuple[float, bool, bool, tuple[str, ...], tuple[str, ...], str]] = {
    "small_yard_high_fence": (
        1.0,
        False,
        False,
        (),
        ("D:5",),
        "Narrow scope (the enacted item tests), strict fence: denial for D:5 and Macau.",
    ),
    "big_yard_high_fence": (
        0.5,
        False,
        False,
        _WIDE,
        _FENCE,
        "Thresholds halved, DRAM / mature-node equipment / all servers added, "
        "denial for D:1, D:4, D:5 (not A:5/A:6) and Macau.",
    ),
    "no_yard": (
        0.0,
        True,
        True,
        _WIDE,
        _FENCE,
        "Everything fenced: any positive performance is caught, no Note 2 carve-out, "
        "no licence exceptions, all segments, denial for D:1, D:4, D:5 and Macau.",
    ),
}
POSTURES: dict[str, Posture] = {name: Posture(name, *row) for name, row in _POSTURE_TABLE.items()}


@cache
def check_segments() -> tuple[str, ...]:
    """Every label in :data:`SEGMENTS` and the postures is a stack segment id (clear error otherwise)."""
    from computestrata.controls.regime import check_segment, stack_segment_ids

    ids = stack_segment_ids()
    for seg in SEGMENTS:
        check_segment(seg, "controls.scope.SEGMENTS", ids)
    for p in POSTURES.values():
        for seg in p.add_segments:
            if seg not in SEGMENTS:
                raise unknown(f"segment in posture {p.name!r}", seg, SEGMENTS)
    return tuple(SEGMENTS)


def _default_on(regime: Regime, on: date | None) -> date:
    return on or max(regime.change_dates())


def _with_instrument(regime: Regime, inst: Instrument, label: str, params: dict[str, Any]) -> Regime:
    if any(i.id == inst.id for i in regime.instruments):
        raise InputError(f"regime already has instrument {inst.id!r}", hint="apply each transformation once")
    merged = {**regime.parameters, label: params}
    return dataclasses.replace(
        regime, instruments=(*regime.instruments, inst), name=f"{regime.name} + {label}", parameters=merged
    )


def _instrument(ident: str, on: date, comps: Iterable[Component], summary: str) -> Instrument:
    comps = tuple(
        dataclasses.replace(
            c,
            instrument=ident,
            binds=on,
            hypothetical=True,
            citation=f"{c.citation} as modified by {ident}" if c.citation else f"hypothetical ({ident})",
        )
        for c in comps
    )
    return Instrument(
        id=ident,
        kind="hypothetical",
        title=summary,
        citation=f"hypothetical ({ident})",
        effective=on,
        confidence="L",
        components=comps,
        summary=summary,
        hypothetical=True,
    )


def _scale(c: Condition, factor: float) -> Condition:
    if c.quantity in SCALABLE and c.op != "==":
        return dataclasses.replace(c, value=float(c.value) * factor)
    return c


def scale_thresholds(
    regime: Regime,
    factor: float,
    on: date | None = None,
    kinds: tuple[str, ...] = ("paragraph", "carve_out", "license_exception"),
    basis: Basis = "compliance",
    ident: str = "scale",
) -> Regime:
    """Multiply every item-test threshold (TPP, PD, I/O, HBM density) by ``factor`` from ``on``."""
    if not factor >= 0:
        raise InputError(f"threshold factor must be >= 0, got {factor!r}", hint="e.g. 0.5 halves TPP 4800")
    day = _default_on(regime, on)
    state = regime.at(day, basis)
    comps = [
        dataclasses.replace(c, conditions=tuple(_scale(x, factor) for x in c.conditions))
        for c in state.components
        if c.kind in kinds and c.conditions
    ]
    inst = _instrument(f"posture:{ident}", day, comps, f"thresholds x {factor:g}")
    return _with_instrument(regime, inst, ident, {"threshold_factor": factor, "on": day.isoformat()})


def _remove(state_comps: Iterable[Component], kind: str) -> list[Component]:
    return [dataclasses.replace(c, action="remove") for c in state_comps if c.kind == kind]


def add_segments(regime: Regime, segments: Iterable[str], on: date | None = None, ident: str = "segments") -> Regime:
    """Add (hypothetical) controlled ECCN segments, licensed to the current 3A090 destinations."""
    check_segments()
    day = _default_on(regime, on)
    comps = []
    for seg in segments:
        if seg not in SEGMENTS:
            raise unknown("segment", seg, SEGMENTS)
        meta = SEGMENTS[seg]
        comps.append(
            Component(
                id=f"hyp.{seg}",
                kind="eccn_control",
                instrument="",
                citation="",
                binds=day,
                confidence="L",
                eccn=meta["eccn"],
                segment=seg,
                text=meta["text"],
            )
        )
    inst = _instrument(f"posture:{ident}", day, comps, "segments added: " + ", ".join(c.segment or "" for c in comps))
    return _with_instrument(regime, inst, ident, {"add_segments": [c.segment for c in comps]})


def drop_segments(
    regime: Regime,
    segments: Iterable[str],
    on: date | None = None,
    ident: str = "drop_segments",
    basis: Basis = "compliance",
) -> Regime:
    """Remove every paragraph / ECCN entry of these segments from ``on``."""
    check_segments()
    day = _default_on(regime, on)
    segs = set(segments)
    for s in segs:
        if s not in SEGMENTS:
            raise unknown("segment", s, SEGMENTS)
    state = regime.at(day, basis)
    comps = [
        dataclasses.replace(c, action="remove")
        for c in state.components
        if c.kind in ("paragraph", "eccn_control") and c.segment in segs
    ]
    inst = _instrument(f"posture:{ident}", day, comps, "segments dropped: " + ", ".join(sorted(segs)))
    return _with_instrument(regime, inst, ident, {"drop_segments": sorted(segs)})


def fence(
    regime: Regime,
    groups: Iterable[str] = (),
    countries: Iterable[str] = (),
    on: date | None = None,
    ident: str = "fence",
) -> Regime:
    """Add destinations to the 3A090 license scope with a presumption of denial (priority 100)."""
    day = _default_on(regime, on)
    gl = tuple(groups)
    for g in gl:
        if g not in regime.groups:
            raise unknown("country group", g, regime.groups)
    cl = tuple(regime.check_country(c) for c in countries)
    dest = Selector(groups=gl, countries=(*cl, "MAC"), except_groups=("A:5", "A:6"))
    hq = Selector(groups=("D:5",), countries=("MAC",))
    fenced = {"instrument": "", "citation": "", "binds": day, "confidence": "L", "paragraphs": ("3A090",)}
    comps = [
        Component(
            id="hyp.scope.fence",
            kind="license_scope",
            **fenced,  # type: ignore[arg-type]
            destinations=dest,
            text=f"licence required to {dest.describe()}",
        ),
        Component(
            id="hyp.policy.fence",
            kind="review_policy",
            **fenced,  # type: ignore[arg-type]
            destinations=dest,
            hq=hq,
            policy="presumption_of_denial",
            priority=100,
            text=f"presumption of denial to {dest.describe()} and D:5/Macau-headquartered entities",
        ),
    ]
    inst = _instrument(f"posture:{ident}", day, comps, f"denial fence: {dest.describe()}")
    return _with_instrument(regime, inst, ident, {"fence_groups": list(gl), "fence_countries": list(cl)})


def drop_destinations(
    regime: Regime,
    countries: Iterable[str],
    on: date | None = None,
    ident: str = "drop_destinations",
    basis: Basis = "compliance",
) -> Regime:
    """Exempt countries from every license scope (destination and headquarters) from ``on``."""
    day = _default_on(regime, on)
    cl = tuple(regime.check_country(c) for c in countries)
    state = regime.at(day, basis)

    def widen(sel: Selector | None) -> Selector | None:
        return None if sel is None else dataclasses.replace(sel, except_countries=(*sel.except_countries, *cl))

    comps = [
        dataclasses.replace(c, destinations=widen(c.destinations), hq=widen(c.hq))
        for c in state.components
        if c.kind in ("license_scope", "hq_scope")
    ]
    inst = _instrument(f"posture:{ident}", day, comps, "destinations dropped: " + ", ".join(cl))
    return _with_instrument(regime, inst, ident, {"drop_destinations": list(cl)})


def apply_posture(
    regime: Regime, posture: str | Posture, on: date | None = None, basis: Basis = "compliance"
) -> Regime:
    """The regime under a named posture (``small_yard_high_fence``, ``big_yard_high_fence``, ``no_yard``)."""
    p = POSTURES.get(posture) if isinstance(posture, str) else posture
    if p is None:
        raise unknown("posture", str(posture), POSTURES)
    day = _default_on(regime, on)
    out = regime
    if p.threshold_factor != 1.0:
        out = scale_thresholds(out, p.threshold_factor, day, basis=basis, ident=f"{p.name}.scale")
    state = out.at(day, basis)
    removals = []
    if p.drop_carve_outs:
        removals += _remove(state.components, "carve_out")
    if p.drop_license_exceptions:
        removals += _remove(state.components, "license_exception")
    if removals:
        inst = _instrument(f"posture:{p.name}.drop", day, removals, "carve-outs/exceptions dropped")
        out = _with_instrument(
            out,
            inst,
            f"{p.name}.drop",
            {"drop_carve_outs": p.drop_carve_outs, "drop_license_exceptions": p.drop_license_exceptions},
        )
    if p.add_segments:
        out = add_segments(out, p.add_segments, day, ident=f"{p.name}.segments")
    out = fence(out, groups=p.fence_groups, on=day, ident=f"{p.name}.fence")
    return dataclasses.replace(
        out, name=f"{regime.name} under {p.name}", parameters={**out.parameters, "posture": dataclasses.asdict(p)}
    )


def controlled_eccns(
    regime: Regime, on: date | None = None, basis: Basis = "compliance", authorities: tuple[str, ...] = ("USA",)
) -> list[dict[str, Any]]:
    """ECCNs the regime controls on ``on``, with segment, paragraphs and citations (for the stack module).

    One row per (ECCN, segment): 3B001 reaches EUV lithography (f.1.a, k-n, q, r), DUV lithography
    (f.1.b, f.6) and other fab equipment (a.4, c, d, p) through different paragraphs.  Only rules of
    ``authorities`` count (default: the U.S. EAR; the Dutch, Japanese and Chinese rules are
    reached through ``controls.api.controls_for_segment``, which takes a direction).
    """
    day = _default_on(regime, on)
    state = regime.at(day, basis)
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for c in state.components:
        if c.kind not in ("paragraph", "eccn_control") or not c.eccn or c.authority not in authorities:
            continue
        row = out.setdefault(
            (c.eccn, c.segment),
            {
                "eccn": c.eccn,
                "segment": c.segment,
                "paragraphs": [],
                "citations": [],
                "hypothetical": c.hypothetical,
                "confidence": c.confidence,
            },
        )
        if c.authority not in row.setdefault("authorities", []):
            row["authorities"].append(c.authority)
        if c.kind == "paragraph":
            row["paragraphs"].append(c.id)
        if c.citation not in row["citations"]:
            row["citations"].append(c.citation)
        row["hypothetical"] = row["hypothetical"] and c.hypothetical
        row["confidence"] = max(row["confidence"], c.confidence, key="HML".index)  # the weakest tag wins
    return sorted(out.values(), key=lambda r: (r["eccn"], r["segment"] or ""))
