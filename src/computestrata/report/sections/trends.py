"""Section 5: the four structural trends with their verdicts and 95 % intervals
(``strata trends``: :func:`computestrata.trends.api.trend` via the overview's rows)."""

from __future__ import annotations

from computestrata.report.model import ReportSection, Table
from computestrata.report.sections.common import Context

TABLES: tuple[str, ...] = ()  # each trend says itself when its tables are missing


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.trends.overview import section_parts

    lang = ctx.lang
    rows, notes, ids, extra = section_parts(ctx.atlas)
    cols = ["trend_kind", "trend_verdict", "trend_indicator", "trend_estimate", "trend_interval"]
    cells = [[("—" if r.get(c) is None else str(r[c])) for c in cols] for r in rows]
    table = Table("verdicts", [t(f"col.{c}", lang=lang) for c in cols], cells, [False, False, False, True, True])
    return ReportSection(
        key="trends",
        title=t("report.trends.title", lang=lang),
        lead=t("report.trends.lead", lang=lang),
        tables=[table],
        notes=notes,
        source_ids=set(ids),
        extra_sources=extra,
    )
