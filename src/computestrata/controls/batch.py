"""Many verdicts at once: a chip × date matrix for one destination, and a chip's timeline.

These feed the report ("which chips could legally ship to China when"), so both return plain
rows with the instrument behind every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from computestrata.controls.catalogue import CatalogueEntry
from computestrata.controls.classify import Verdict, classify
from computestrata.controls.items import Item
from computestrata.controls.measures import names_item
from computestrata.controls.regime import Basis, Regime, load, parse_date


def _key(v: Verdict) -> tuple[Any, ...]:
    return (
        v.status,
        v.eccn,
        v.paragraph,
        v.license_required,
        v.review_policy,
        tuple(v.license_exceptions),
        tuple(m["id"] for m in v.measures),
    )


def summary(v: Verdict) -> str:
    """One short phrase: ``"3A090.a.1 · presumption_of_denial"``, ``"free"``, …"""
    parts = [v.paragraph or v.eccn or "not 3A090"]
    if v.license_required:
        parts.append(v.review_policy or "license")
    if v.license_exceptions:
        parts.append("LE " + "/".join(v.license_exceptions))
    if v.measures:
        parts.append("letter " + "/".join(m["id"] for m in v.measures))
    if v.status == "indeterminate":
        parts.append("indeterminate (missing " + ", ".join(v.missing_inputs) + ")")
    return " · ".join(parts)


def matrix(
    entries: Iterable[CatalogueEntry],
    dest: str,
    dates: Sequence[date | str],
    hq: str | None = None,
    regime: Regime | None = None,
    basis: Basis = "compliance",
) -> list[dict[str, Any]]:
    """One row per chip and date: status, ECCN paragraph, license, policy, exceptions, letters."""
    regime = regime or load()
    days = [parse_date(d, "--dates") for d in dates]
    rows = []
    for e in entries:
        for day in days:
            v = classify(e.spec, dest, day, hq=hq, regime=regime, basis=basis)
            rows.append(
                {
                    "chip": e.name,
                    "origin": e.origin,
                    "date": day.isoformat(),
                    "destination": v.destination,
                    "tpp": None if v.tpp is None else round(v.tpp),
                    "performance_density": None if v.performance_density is None else round(v.performance_density, 2),
                    "eccn": v.eccn,
                    "paragraph": v.paragraph,
                    "license_required": v.license_required,
                    "review_policy": v.review_policy,
                    "license_exceptions": v.license_exceptions,
                    "measures": [m["id"] for m in v.measures],
                    "status": v.status,
                    "missing_inputs": v.missing_inputs,
                    "low_confidence": bool(v.low_confidence),
                }
            )
    return rows


def timeline(
    item: Item,
    dest: str,
    hq: str | None = None,
    regime: Regime | None = None,
    basis: Basis = "compliance",
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Every change of status for ``item`` to ``dest``, with the instruments/letters that caused it."""
    regime = regime or load()
    days = [d for d in regime.change_dates(basis) if until is None or d <= until]
    events: list[dict[str, Any]] = []
    prev: Verdict | None = None
    for day in days:
        v = classify(item, dest, day, hq=hq, regime=regime, basis=basis)
        if prev is not None and _key(v) == _key(prev):
            continue
        causes = [
            f"{i.citation} ({i.id})"
            for i in regime.instruments
            if i.binds(basis) == day
            or (i.rescinds and i.effective == day)
            or any(c.binds == day for c in i.components if basis == "compliance")
        ]
        named = [m for m in regime.measures if names_item(m, item.name)]
        causes += [f"{m.citation} ({m.id}, letter starts)" for m in named if m.effective == day]
        causes += [f"{m.citation} ({m.id}, letter ends)" for m in named if m.until == day]
        if prev is None:
            causes = causes or ["start of the rule data (2022-01-01)"]
        events.append(
            {
                "date": day.isoformat(),
                "status": v.status,
                "summary": summary(v),
                "eccn": v.eccn,
                "paragraph": v.paragraph,
                "license_required": v.license_required,
                "review_policy": v.review_policy,
                "license_exceptions": v.license_exceptions,
                "measures": [m["id"] for m in v.measures],
                "caused_by": sorted(set(causes)),
                "citations": sorted({r.citation for r in v.reasons if r.passed}),
            }
        )
        prev = v
    return events
