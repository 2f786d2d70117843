"""Many verdicts at once: a chip × date matrix for one destination, and a chip's timeline.

These feed the report ("which chips could legally ship to China when"), so both return plain
rows with the instrument behind every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from computestrata.controls import display
from computestrata.controls.catalogue import CatalogueEntry
from computestrata.controls.classify import Verdict, classify
from computestrata.controls.items import Item
from computestrata.controls.measures import names_item
from computestrata.controls.regime import Basis, Regime, load, parse_date
from computestrata.i18n import t

#: First day of the rule data (the timeline's first event when nothing else caused it).
START = "2022-01-01"


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


def _decision(v: Verdict) -> dict[str, Any]:
    """The fields of a verdict that both the matrix and the timeline report, in JSON order."""
    return {
        "eccn": v.eccn,
        "paragraph": v.paragraph,
        "license_required": v.license_required,
        "license_required_by_rules": v.license_required_by_rules,
        "license_basis": v.license_basis,
        "review_policy": v.review_policy,
        "license_exceptions": v.license_exceptions,
        "measures": [m["id"] for m in v.measures],
    }


def summary(v: Verdict) -> str:
    """One short phrase: ``"3A090.a.1 · presumption_of_denial"``, ``"free"``, …"""
    parts = [v.paragraph or v.eccn or "not 3A090"]
    if v.license_required_by_rules:  # a letter's licence is named by the "letter" part
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
    """One row per chip and date: status, ECCN paragraph, licence (overall and by the rules), policy,
    exceptions, letters."""
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
                    **_decision(v),
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
        found = [
            f"{i.citation} ({i.id})"
            for i in regime.instruments
            if i.binds(basis) == day
            or (i.rescinds and i.effective == day)
            or any(c.binds == day for c in i.components if basis == "compliance")
        ]
        labels = dict.fromkeys(found)  # an instrument cause reads the same in every language
        named = [m for m in regime.measures if names_item(m, item.name)]
        for m in named:
            for event, when in (("starts", m.effective), ("ends", m.until)):
                if when == day:
                    fmt = {"citation": m.citation, "id": m.id}
                    en = t(f"controls.cause.letter_{event}", lang="en", **fmt)
                    labels[en] = t(f"controls.cause.letter_{event}", **fmt)
        if prev is None and not labels:
            labels[t("controls.cause.start", lang="en", date=START)] = t("controls.cause.start", date=START)
        causes = [(c, labels[c] or c) for c in sorted(labels)]
        events.append(
            {
                "date": day.isoformat(),
                "status": v.status,
                "summary": summary(v),
                "summary_label": display.summary(v),
                **_decision(v),
                "caused_by": [c for c, _ in causes],
                "caused_by_label": [lab for _, lab in causes],
                "citations": sorted({r.citation for r in v.reasons if r.passed}),
            }
        )
        prev = v
    return events


def status_counts(rows: Sequence[Mapping[str, Any]], dates: Sequence[str]) -> list[dict[str, Any]]:
    """Chips per verdict status at each date (the compact form of a matrix).

    Statuses no chip has on any date are left out; a date with no chip keeps its row.

    >>> status_counts([{"date": "d1", "status": "free"}, {"date": "d1", "status": "denial"},
    ...                {"date": "d2", "status": "denial"}], ["d1", "d2"])
    [{'date': 'd1', 'free': 1, 'denial': 1}, {'date': 'd2', 'free': 0, 'denial': 1}]
    """
    from collections import Counter

    from computestrata.controls.classify import STATUSES

    by_date: dict[str, Counter[str]] = {d: Counter() for d in dates}
    for r in rows:
        by_date.setdefault(str(r["date"]), Counter())[str(r["status"])] += 1
    seen = {s for c in by_date.values() for s in c}
    order = [str(s) for s in (*STATUSES, *sorted(seen - set(STATUSES))) if s in seen]  # plain keys
    return [{"date": d, **{s: c[s] for s in order}} for d, c in by_date.items()]
