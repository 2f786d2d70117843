"""What a trend test returns: indicators with intervals, a verdict, robustness, sources.

Every indicator carries its estimate, the interval behind its direction, the method that
produced the interval, the years it spans, the number of units it rests on and the text
explaining it; every result carries the source ids of the atlas rows it used and, for
curated data outside the atlas, full source records (``extra_sources``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: the four trends, in the paper's order (section III)
KINDS = ("stratification", "regionalisation", "fragmentation", "institutions")


def licence_notes(atlas: Any, tables: tuple[str, ...]) -> list[str]:
    """Notes naming rows that ``--exclude-license`` hid from ``tables`` (so a gap is not read as data)."""
    from computestrata.i18n import t
    from computestrata.measure.licences import hidden_rows

    out = []
    for name in tables:
        h = hidden_rows(atlas, name)
        if h is not None:
            out.append(
                t("trends.note.licence_hidden", table=name, hidden=h.hidden, n=h.total, licences=", ".join(h.licences))
            )
    return out


@dataclass
class Indicator:
    """One measured indicator of a trend and what its interval says about the claim."""

    key: str
    label: str
    estimate: float | None
    lo: float | None
    hi: float | None
    unit: str
    method: str
    direction: str  # supports | contradicts | unclear | no_data | descriptive
    years: str = ""
    n: int | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "estimate": self.estimate,
            "lo": self.lo,
            "hi": self.hi,
            "unit": self.unit,
            "method": self.method,
            "direction": self.direction,
            "years": self.years,
            "n": self.n,
            "note": self.note,
        }


@dataclass
class TrendResult:
    """One trend tested: verdict, indicators, the series behind them, robustness, notes, sources."""

    kind: str
    outcome: str
    claim: str
    verdict_text: str
    indicators: list[Indicator] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    robustness: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    window: tuple[int | None, int | None] = (None, None)

    @property
    def headline(self) -> Indicator | None:
        """The first indicator with data (what a one-line summary shows)."""
        return next((i for i in self.indicators if i.direction != "no_data"), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "kind": self.kind,
            "outcome": self.outcome,
            "claim": self.claim,
            "verdict": self.verdict_text,
            "window": {"from": self.window[0], "to": self.window[1]},
            "indicators": [i.to_dict() for i in self.indicators],
            "robustness": self.robustness,
            "series": self.series,
            "notes": self.notes,
            "source_ids": sorted(self.source_ids | {s["source_id"] for s in self.extra_sources}),
        }
