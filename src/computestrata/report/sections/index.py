"""Section: composite-index ranks with their 5–95 % uncertainty intervals (``strata index
uncertainty``: :func:`computestrata.measure.index.api.uncertainty_table`) on the shipped
open CAICT-style framework."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import Context, layout

TABLES: tuple[str, ...] = ()  # the index says itself which indicators a licence filter hides
FRAMEWORK = "caict5"
#: replications: enough for stable 5–95 % rank intervals of ~30 units, quick enough for the report
REPLICATIONS = 500
N_UNITS = 20


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t, use_lang
    from computestrata.i18n.formats import country_name, fmt_number
    from computestrata.measure.index import api as ix

    lang = ctx.lang
    excluded = list(ctx.atlas.exclude_licenses or ()) or None
    with use_lang(lang):
        res = ix.uncertainty_table(FRAMEWORK, n=REPLICATIONS, atlas=ctx.atlas, exclude_license=excluded)
    rows = sorted(res.rows, key=lambda r: (r["rank"] is None, r["rank"]))[:N_UNITS]
    units = [label(country_name(str(r["unit"]), lang)) for r in rows]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": t("report.index.median", lang=lang),
            "y": units,
            "x": [r["rank_median"] for r in rows],
            "marker": {"color": "#1f5fbf", "size": 9},
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": [r["rank_p95"] - r["rank_median"] for r in rows],
                "arrayminus": [r["rank_median"] - r["rank_p5"] for r in rows],
                "color": "#1f5fbf",
            },
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": t("report.index.nominal", lang=lang),
            "y": units,
            "x": [r["rank"] for r in rows],
            "marker": {"color": "#d7263d", "symbol": "x", "size": 9},
        },
    ]
    fig = Figure(
        "ranks",
        {
            "data": data,
            "layout": layout(
                res.title,
                height=max(420, 80 + 26 * len(rows)),
                margin={"l": 160, "r": 20, "t": 90, "b": 60},
                xaxis={"title": {"text": t("report.index.axis", lang=lang)}, "rangemode": "tozero", "dtick": 5},
                yaxis={"autorange": "reversed"},
            ),
        },
    )
    cells = [
        [
            label(country_name(str(r["unit"]), lang)),
            fmt_number(r["rank"], 0, lang),
            fmt_number(r["rank_median"], 0, lang),
            f"{fmt_number(r['rank_p5'], 0, lang)}–{fmt_number(r['rank_p95'], 0, lang)}",
            f"{fmt_number(r['score_p5'], 1, lang)}–{fmt_number(r['score_p95'], 1, lang)}",
        ]
        for r in rows
    ]
    headers = [t(f"report.index.col.{c}", lang=lang) for c in ("unit", "rank", "median", "interval", "scores")]
    table = Table("ranks", headers, cells, [False, True, True, True, True])
    return ReportSection(
        key="index",
        title=t("report.index.title", lang=lang),
        lead=t("report.index.lead", lang=lang, framework=FRAMEWORK, n=res.data.get("replications", REPLICATIONS)),
        figures=[fig],
        tables=[table],
        notes=list(res.notes),
        source_ids=set(res.source_ids),
    )
