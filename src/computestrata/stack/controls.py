"""Which stack segments the export-control rules reach on a date: the join of controls and stack.

The controls engine tags every ECCN it controls with a stack segment id (one vocabulary,
checked when the rules load), so the join goes by that label and not by ECCN prefix: a
prefix match would let ``3A090`` (the logic-IC paragraphs, in force since 2022) reach ``hbm``
two years before 3A090.c existed.  The stack's own ``eccn`` list only adds how sure we are
that the ECCN reaches the segment (``link_confidence``).

A posture (:data:`computestrata.controls.scope.POSTURES`) is applied on the date asked for,
on top of every rule in force then, so the real and the hypothetical regime are compared on
the same day: an ECCN the posture adds is ``hypothetical``; a real ECCN whose item tests the
posture rewrites (e.g. TPP thresholds halved) stays real but is ``modified``.  Segments no ECCN
reaches are listed as uncontrolled; end-use rules and other references (``control_refs``) are
not assessed by the engine and are passed through, so "uncontrolled" never means "free".
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from computestrata.errors import StrataError, unknown

CONFIDENCE_ORDER: tuple[str, ...] = ("H", "M", "L")
LINK_ORDER: tuple[str, ...] = ("high", "medium", "low")
BASES: tuple[str, ...] = ("compliance", "effective")


class ControlStatus(StrEnum):
    """How the rules reach a segment (a ``str``, so JSON and catalogue keys stay the plain words)."""

    CONTROLLED = "controlled"  # an ECCN in force reaches it
    HYPOTHETICAL = "hypothetical"  # reached only by the posture's hypothetical ECCNs
    UNCONTROLLED = "uncontrolled"  # no assessed ECCN reaches it (control_refs may still apply)


STATUSES: tuple[str, ...] = tuple(s.value for s in ControlStatus)


def posture_names() -> list[str]:
    from computestrata.controls.scope import POSTURES

    return list(POSTURES)


def _weakest(values: list[str], order: tuple[str, ...]) -> str | None:
    known = [v for v in values if v in order]
    return max(known, key=order.index) if known else None


def _related(a: str, b: str) -> bool:
    """ECCN ids on one branch of the paragraph hierarchy (``3A090`` ~ ``3A090.a``, not ``3A0901``)."""
    x, y = a.upper(), b.upper()
    return x == y or x.startswith(y + ".") or y.startswith(x + ".")


def eccns_in_force(on: date | str, posture: str | None = None, basis: str = "compliance") -> list[dict[str, Any]]:
    """The controls engine's ECCNs in force on ``on`` (real regime, or under ``posture``), each marked
    ``hypothetical`` (not in force in the real regime that day) and ``modified`` (re-issued by the posture).
    """
    from computestrata.controls import regime as rg
    from computestrata.controls.scope import POSTURES, apply_posture, controlled_eccns

    if basis not in BASES:
        raise unknown("--basis", basis, BASES)
    day = rg.parse_date(on, "--date")
    real_regime = rg.load_full()  # chips plus equipment, EDA and materials (U.S. rules; see controlled_eccns)
    real = controlled_eccns(real_regime, day, basis)  # type: ignore[arg-type]
    if posture is None:
        rows = real
    else:
        if posture not in POSTURES:
            raise unknown("posture", posture, POSTURES)
        rows = controlled_eccns(apply_posture(real_regime, posture, on=day, basis=basis), day, basis)  # type: ignore[arg-type]
    real_ids = {r["eccn"] for r in real}
    out = []
    for r in rows:
        if not r["segment"]:
            raise StrataError(
                f"ECCN {r['eccn']} is in force on {day.isoformat()} but carries no segment label",
                hint="label its component in controls/rules/*.yaml with a stack segment id (segment: ...)",
            )
        out.append(
            {
                **r,
                "hypothetical": r["eccn"] not in real_ids,
                "modified": bool(r["hypothetical"]) and r["eccn"] in real_ids,
            }
        )
    return out


def controlled_segments(on: date | str, posture: str | None = None, basis: str = "compliance") -> list[dict[str, Any]]:
    """Every stack segment (stack order) with the ECCNs in force on ``on`` that reach it.

    Row keys: ``segment``, ``layer``, ``status`` (controlled | hypothetical | uncontrolled),
    ``controlled`` (ECCN ids in force), ``hypothetical`` (reached only under the posture),
    ``paragraphs``, ``citations``, ``confidence`` (weakest rule confidence H/M/L),
    ``link_confidence`` (weakest stack confidence that the ECCN reaches the segment; None when
    the stack does not list it, as for hypothetical ECCNs), ``entries`` (one dict per ECCN),
    ``control_refs`` (non-ECCN references the engine does not assess), ``date``, ``posture``.
    """
    from computestrata.controls import regime as rg
    from computestrata.stack.segments import segment, segments

    day = rg.parse_date(on, "--date")
    by_segment: dict[str, list[dict[str, Any]]] = {}
    for e in eccns_in_force(day, posture, basis):
        segment(e["segment"])  # labels are checked on load; an unknown one here is a bug, not a silent drop
        by_segment.setdefault(e["segment"], []).append(e)
    rows = []
    for s in segments():
        hits = by_segment.get(s.id, [])
        entries = []
        for e in hits:
            # a hypothetical id (ending in *) names no real ECCN, so nothing the stack lists can match it
            listed = [] if e["eccn"].endswith("*") else [ref for ref in s.eccn if _related(ref.id, e["eccn"])]
            entries.append(
                {
                    "eccn": e["eccn"],
                    "hypothetical": e["hypothetical"],
                    "modified": e["modified"],
                    "paragraphs": list(e["paragraphs"]),
                    "citations": list(e["citations"]),
                    "confidence": e["confidence"],
                    "listed_in_stack": [ref.id for ref in listed],
                    "link_confidence": _weakest([ref.confidence for ref in listed], LINK_ORDER),
                }
            )
        hypothetical = bool(entries) and all(x["hypothetical"] for x in entries)
        status = (
            ControlStatus.UNCONTROLLED
            if not entries
            else ControlStatus.HYPOTHETICAL
            if hypothetical
            else ControlStatus.CONTROLLED
        )
        rows.append(
            {
                "segment": s.id,
                "layer": s.layer,
                "status": status,
                "controlled": [x["eccn"] for x in entries],
                "hypothetical": hypothetical,
                "paragraphs": [p for x in entries for p in x["paragraphs"]],
                "citations": sorted({c for x in entries for c in x["citations"]}),
                "confidence": _weakest([x["confidence"] for x in entries], CONFIDENCE_ORDER),
                "link_confidence": _weakest(
                    [x["link_confidence"] for x in entries if x["link_confidence"]], LINK_ORDER
                ),
                "entries": entries,
                "control_refs": list(s.control_refs),
                "date": day.isoformat(),
                "posture": posture,
            }
        )
    return rows


def reached(rows: list[dict[str, Any]]) -> set[str]:
    """Ids of the segments some ECCN reaches in a :func:`controlled_segments` result."""
    return {r["segment"] for r in rows if r["controlled"]}
