"""Company-specific is-informed letters: a separate kind of measure from the published rules.

A letter binds one addressee for the items it names (and, loosely, for items "achieving" the
named item's parameters — we match names only and quote the wider wording in the note).  The
verdict lists letters in force under ``measures``; they never change the ECCN outcome or
``license_required_by_rules``, but a letter in force makes the overall ``license_required`` true
(``license_basis`` then names it as ``is_informed_letter:<id>``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.controls.items import Item
    from computestrata.controls.regime import Measure, Regime


def name_tokens(name: str | None) -> set[str]:
    """Lower-case word tokens of a chip name (``"NVIDIA HGX H20"`` → {nvidia, hgx, h20})."""
    return set(re.findall(r"[a-z0-9]+", (name or "").lower()))


def names_item(measure: Measure, name: str | None) -> bool:
    """Whether a letter names this chip: all tokens of one of its name entries are words of it."""
    tokens = name_tokens(name)
    return any(all(t in tokens for t in entry) for entry in measure.names)


def measures_for(regime: Regime, item: Item, dest: str, hq: str | None, on: date) -> list[dict[str, Any]]:
    """Letters in force on ``on`` that name ``item`` and cover ``dest`` (or headquarters ``hq``)."""
    out = []
    for m in regime.measures:
        if not m.in_force(on) or not names_item(m, item.name):
            continue
        by_dest = m.destinations is not None and regime.selects(m.destinations, dest, on)
        by_hq = m.hq is not None and hq is not None and regime.selects(m.hq, hq, on)
        if not (by_dest or by_hq):
            continue
        out.append(
            {
                "id": m.id,
                "kind": m.kind,
                "addressee": m.addressee,
                "title": m.title,
                "citation": m.citation,
                "effective": m.effective.isoformat(),
                "until": m.until.isoformat() if m.until else None,
                "license_required": True,
                "matched_by": "destination" if by_dest else "headquarters",
                "confidence": f"[{m.confidence}]",
                "note": m.note,
            }
        )
    return out
