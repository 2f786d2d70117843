"""Which years an index can honestly be built for.

A panel holds many years that cannot carry an index: a year where most indicators have no
value of their own (TOP500 starts in 1993, energy data in 2022) or where every value of a
pillar is carried forward from an earlier year (panel fill).  Building such a year gives
ranks that look as solid as any other.  So a year is screened like a unit, with the
framework's own thresholds, on the values observed *in that year* (nothing carried from
other years):

1. an indicator counts for the year when at least ``steps.screen.min_indicator_coverage``
   of the framework's units have an observed value for it;
2. the year is valid when those indicators are at least ``steps.screen.min_unit_coverage``
   of the framework's available indicators (the share a unit needs to stay in the index),
3. every pillar not declared thin keeps at least one of them, and
4. at least three units have observed values for ``min_unit_coverage`` of them.

The API refuses any other year, listing the valid ones, and defaults to the latest valid
year when none is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computestrata.errors import InputError
from computestrata.measure.index.config import Framework

if TYPE_CHECKING:
    from computestrata.measure.index.engine import Panel

#: the engine needs at least this many units after screening
MIN_UNITS = 3


def valid_years(fw: Framework, panel: Panel) -> list[int]:
    """Years of ``panel`` where ``fw`` passes the screening rule of this module."""
    df = panel.data
    present = set(df["unit"].unique())
    units = [u for u in fw.units if u in present] if fw.units else sorted(present)
    active = [i.id for i in fw.active]
    if not units or not active:
        return []
    s = fw.steps
    thin = {a.id for a in fw.aggregates if a.thin}  # declared thin: allowed to be empty
    pillars = [a.id for a in fw.aggregates if a.parent is not None and a.id not in thin]
    below = {p: {i.id for i in fw.indicators_below(p) if i.available} for p in pillars}
    seen = df[df["unit"].isin(units) & df["indicator"].isin(active) & df["value"].notna()]
    out = []
    for year, rows in seen.groupby("year"):
        cover = rows.groupby("indicator")["unit"].nunique() / len(units)
        kept = {str(i) for i, c in cover.items() if c >= s.min_indicator_coverage}
        if len(kept) < s.min_unit_coverage * len(active) or not kept:
            continue
        if any(below[p] and not (below[p] & kept) for p in pillars):
            continue
        per_unit = rows[rows["indicator"].isin(kept)].groupby("unit")["indicator"].nunique() / len(kept)
        if int((per_unit >= s.min_unit_coverage).sum()) < MIN_UNITS:
            continue
        out.append(int(str(year)))
    return sorted(out)


def rule(fw: Framework) -> str:
    """The rule in one line, with the framework's thresholds (for hints)."""
    from computestrata.i18n import t

    return t("index.error.year_rule", **_cover(fw))


def _cover(fw: Framework) -> dict[str, str]:
    """The screening thresholds as the year rule's parameters."""
    s = fw.steps
    return {"unit_cov": f"{s.min_unit_coverage:.0%}", "ind_cov": f"{s.min_indicator_coverage:.0%}", "fw": fw.id}


def check_year(fw: Framework, panel: Panel, year: int | None, option: str = "--year") -> tuple[int, bool]:
    """The year to build: ``year`` if valid, the latest valid year if ``None``.

    Returns ``(year, defaulted)``; raises :class:`InputError` listing the valid years."""
    years = valid_years(fw, panel)
    if not years:
        raise InputError.keyed("index.error.no_year", "index.error.no_year.hint", **_cover(fw))
    if year is None:
        return years[-1], True
    if year not in years:
        raise InputError.keyed(
            "index.error.bad_year",
            "index.error.bad_year.hint",
            option=option,
            year=year,
            years=_span(years),
            **_cover(fw),
        )
    return year, False


def _span(years: list[int]) -> str:
    """``2010–2015, 2019, 2021–2023``: runs of consecutive years collapsed."""
    parts: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)
