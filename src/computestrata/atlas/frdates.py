"""Federal Register citation → Entity List listing date.

The Consolidated Screening List gives every Entity List row its FR citations ("85 FR 83420;
89 FR 96837") but no dates.  FR pages grow through the year (volume N is year 1935 + N), so a
page between two pages whose rule dates we know (``atlas/fr_anchors.csv``, each with a source
and a confidence) was published between those dates.  :func:`date_of` returns that range: the
anchor's date and confidence when the page is an anchor (or within a few pages after it — one
rule spans several pages), else the interval between the neighbouring anchors (or the year's
bounds) with confidence L.  A screening verdict then says "listed" only on or after the range's
end, "not listed" before its start, and "uncertain" in between.

It lives in the atlas because the Entity List loader dates rows with it at build time;
``computestrata.controls.frdates`` re-exports it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

_CITE = re.compile(r"(\d+)\s*FR\s*(\d+)")
#: Pages after an anchor still counted as the same rule (an Entity List rule spans 5-60 pages).
SAME_RULE_PAGES = 12


@dataclass(frozen=True)
class FrDate:
    """When the rule at one FR page took effect: a range, an estimate, and why."""

    volume: int
    page: int
    earliest: date
    latest: date
    confidence: str
    basis: str
    source: str

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


@dataclass(frozen=True)
class Anchor:
    volume: int
    page: int
    day: date
    confidence: str
    source: str


@cache
def anchors() -> tuple[Anchor, ...]:
    text = (resources.files("computestrata.atlas") / "fr_anchors.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    out = [
        Anchor(int(r["volume"]), int(r["page"]), date.fromisoformat(r["date"]), r["confidence"], r["source"])
        for r in csv.DictReader(lines)
    ]
    return tuple(sorted(out, key=lambda a: (a.volume, a.page)))


def citations(text: str | None) -> list[tuple[int, int]]:
    """``"85 FR 83420; 89 FR 96837"`` → ``[(85, 83420), (89, 96837)]`` in the order given."""
    return [(int(v), int(p)) for v, p in _CITE.findall(text or "")]


def date_of(volume: int, page: int) -> FrDate:
    """The date range of the rule at ``volume`` FR ``page`` (see module docstring)."""
    year = 1935 + volume
    same = [a for a in anchors() if a.volume == volume]
    for a in same:
        if a.page == page:
            return FrDate(volume, page, a.day, a.day, a.confidence, "anchor", a.source)
    before = [a for a in same if a.page < page]
    after = [a for a in same if a.page > page]
    lo = before[-1] if before else None
    hi = after[0] if after else None
    if lo is not None and page - lo.page <= SAME_RULE_PAGES:
        return FrDate(
            volume, page, lo.day, lo.day, "L" if lo.confidence == "L" else "M", "same rule as anchor", lo.source
        )
    earliest = lo.day if lo else date(year, 1, 1)
    latest = hi.day if hi else date(year, 12, 31)
    src = "; ".join(x.source for x in (lo, hi) if x) or f"FR volume {volume} = {year}"
    return FrDate(volume, page, earliest, latest, "L", "between anchors", src)


def listing_date(citation_text: str | None) -> FrDate | None:
    """The listing date of an Entity List row: the date of its first (earliest-volume) citation."""
    cites = citations(citation_text)
    if not cites:
        return None
    v, p = min(cites)
    return date_of(v, p)
