"""Concentration of each segment across countries, and the chokepoints it implies.

HHI and CR-k come from :mod:`computestrata.measure.concentration` (one definition in the
project; HHI on the 0–10 000 scale, CR-k as a fraction).  This module adds the count of
countries that together hold a share (the chokepoint test: ≤ 3 countries hold ≥ 90 %) and
applies them to segment shares, where the data may be incomplete:

* HHI and CR-k are computed only when the known shares cover ≥ 95 % of the world
  (otherwise they would describe the covered part, not the world) — else None;
* ``n90`` counts real countries only: the groups ``VAR`` (various countries) and ``UNK``
  never count as a holder, ``EUR`` (Europe, as CSET reports some stages) counts as one;
  it is None when the listed countries do not reach 90 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from computestrata.stack.shares import NON_HOLDERS, SegmentShares

COMPLETE = 0.95
CHOKEPOINT_SHARE = 0.9
CHOKEPOINT_MAX_COUNTRIES = 3


def n_holding(shares: Sequence[float], threshold: float = CHOKEPOINT_SHARE) -> int | None:
    """Fewest units whose shares (of the world, 0–1) add up to ``threshold``; None if they never do.

    >>> n_holding([0.6, 0.25, 0.1, 0.05])
    3
    >>> n_holding([0.5, 0.2]) is None
    True
    """
    total = 0.0
    for i, s in enumerate(sorted((float(x) for x in shares), reverse=True), start=1):
        total += s
        if total >= threshold - 1e-9:
            return i
    return None


@dataclass
class Concentration:
    """Concentration of one segment in one data year."""

    segment_id: str
    year: int
    coverage: float
    hhi: float | None
    cr1: float | None
    cr3: float | None
    n90: int | None
    leader: str | None
    top: list[tuple[str, float]] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)

    @property
    def is_chokepoint(self) -> bool:
        return self.n90 is not None and self.n90 <= CHOKEPOINT_MAX_COUNTRIES

    def record(self) -> dict[str, Any]:
        return {
            "segment": self.segment_id,
            "year": self.year,
            "hhi": self.hhi,
            "cr1": self.cr1,
            "cr3": self.cr3,
            "n90": self.n90,
            "leader": self.leader,
            "coverage": self.coverage,
            "chokepoint": self.is_chokepoint,
            "top": ", ".join(f"{e} {v:.0%}" for e, v in self.top),
            "source_ids": self.source_ids,
            "citations": self.citations,
        }


def concentration(sh: SegmentShares) -> Concentration:
    """Concentration metrics of one segment's shares (see module docstring for the rules)."""
    from computestrata.measure.concentration import cr_k, hhi

    values = {e: v for e, v in sh.shares.items() if v > 0}
    holders = {e: v for e, v in values.items() if e not in NON_HOLDERS}
    complete = sh.coverage >= COMPLETE and bool(values)
    vec = list(values.values())
    ranked = sorted(holders.items(), key=lambda kv: -kv[1])
    return Concentration(
        segment_id=sh.segment_id,
        year=sh.year,
        coverage=sh.coverage,
        hhi=hhi(vec) if complete else None,
        cr1=cr_k(vec, 1) if complete else None,
        cr3=cr_k(vec, 3) if complete else None,
        n90=n_holding(list(holders.values())),
        leader=ranked[0][0] if ranked else None,
        top=ranked[:3],
        source_ids=list(sh.source_ids),
        citations=list(sh.citations),
    )


def concentration_table(all_shares: Mapping[str, SegmentShares | None]) -> list[Concentration]:
    """Concentration of every segment that has shares, most concentrated first."""
    rows = [concentration(sh) for sh in all_shares.values() if sh is not None]
    return sorted(rows, key=lambda c: (c.n90 if c.n90 is not None else 99, -(c.hhi or 0.0)))


def chokepoints(all_shares: Mapping[str, SegmentShares | None]) -> list[Concentration]:
    """Segments where at most three countries hold at least 90 % of the world."""
    return [c for c in concentration_table(all_shares) if c.is_chokepoint]
