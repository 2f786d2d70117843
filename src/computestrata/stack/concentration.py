"""Concentration of each segment across countries, and the chokepoints it implies.

HHI and CR-k come from :mod:`computestrata.maths.concentration` (one definition in the
project; HHI on the 0–10 000 scale, CR-k as a fraction).  This module adds the count of
countries that together hold a share (the chokepoint test: ≤ 3 countries hold ≥ 90 %) and
applies them to segment shares, where the data may be incomplete:

* the shares are world shares, the same ones every table shows: shares that sum to more
  than 1 (rounding in the source) were already scaled to sum to 1 by
  :class:`~computestrata.stack.shares.ShareBook`; shares are never scaled *up*;
* HHI and CR-k are computed only when the known shares cover ≥ 95 % of the world
  (otherwise they would describe the covered part, not the world) — else None;
* only countries are units.  Mass held by a group or an unknown origin — ``EUR`` (Europe,
  as CSET reports some stages), ``VAR`` (various countries), ``UNK`` (country unknown) —
  and the uncovered rest (up to 5 %) stays in the world total but is no unit: it never
  fills a CR-k slot, adds nothing to HHI and never counts towards ``n90``.  So CR-k is the
  share of the top k *countries*, and HHI = Σ over countries of (100·world share)² — a lower
  bound when such mass exists (it would be higher if that mass sat with a few countries);
  :attr:`Concentration.non_holders` gives the mass so outputs can say so;
* ``n90`` is None when the listed countries do not reach 90 %.
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
    non_holders: dict[str, float] = field(default_factory=dict)
    raw_coverage: float | None = None

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
            "raw_coverage": self.raw_coverage if self.raw_coverage is not None else self.coverage,
            "non_holders": dict(self.non_holders),
            "chokepoint": self.is_chokepoint,
            "top": ", ".join(f"{e} {v:.0%}" for e, v in self.top),
            "source_ids": self.source_ids,
            "citations": self.citations,
        }


def concentration(sh: SegmentShares) -> Concentration:
    """Concentration metrics of one segment's shares (see module docstring for the rules)."""
    from computestrata.maths.concentration import cr_k, hhi

    holders = {e: v for e, v in sh.shares.items() if v > 0 and e not in NON_HOLDERS}
    ranked = sorted(holders.items(), key=lambda kv: (-kv[1], kv[0]))
    vec = [v for _e, v in ranked]
    held = sum(vec)  # the countries' part of the world; hhi/cr_k normalise, so scale back
    complete = sh.coverage >= COMPLETE and held > 0
    return Concentration(
        segment_id=sh.segment_id,
        year=sh.year,
        coverage=sh.coverage,
        hhi=hhi(vec) * held**2 if complete else None,
        cr1=cr_k(vec, 1) * held if complete else None,
        cr3=cr_k(vec, 3) * held if complete else None,
        n90=n_holding(vec),
        leader=ranked[0][0] if ranked else None,
        top=ranked[:3],
        source_ids=list(sh.source_ids),
        citations=list(sh.citations),
        non_holders=sh.non_holders,
        raw_coverage=sh.raw_coverage,
    )


def concentration_table(all_shares: Mapping[str, SegmentShares | None]) -> list[Concentration]:
    """Concentration of every segment that has shares, most concentrated first."""
    rows = [concentration(sh) for sh in all_shares.values() if sh is not None]
    return sorted(rows, key=lambda c: (c.n90 if c.n90 is not None else 99, -(c.hhi or 0.0)))


def chokepoints(all_shares: Mapping[str, SegmentShares | None]) -> list[Concentration]:
    """Segments where at most three countries hold at least 90 % of the world."""
    return [c for c in concentration_table(all_shares) if c.is_chokepoint]
