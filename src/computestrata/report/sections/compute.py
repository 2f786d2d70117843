"""Section: intelligent compute by country and year with p5–p95 bands (open estimates).

Calls :func:`computestrata.measure.national_compute` (``strata measure compute --kind
intelligent``) once per year; years that fail the data-sufficiency rule are left out and
named, never drawn from a handful of records."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import Context, colour, layout

TABLES = ("gpu_clusters",)
N_COUNTRIES = 5
FIRST_YEAR = 2016


def _years(ctx: Context) -> list[int]:
    """From the first year the clusters support to the last year with operating clusters."""
    from computestrata.measure.estimates import first_sufficient_year

    rows = ctx.atlas.rows("SELECT max(year(first_operational_date)) AS last FROM gpu_clusters")
    from datetime import UTC, datetime

    last = min(int(rows[0]["last"] or FIRST_YEAR), datetime.now(UTC).year)  # planned clusters are not stock
    first = first_sufficient_year(ctx.atlas.table("gpu_clusters"), range(FIRST_YEAR, last + 1)) or last
    return list(range(first, last + 1))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def build(ctx: Context) -> ReportSection:
    from computestrata.errors import InputError
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name, fmt_number
    from computestrata.measure import national_compute

    lang = ctx.lang
    per: dict[int, Any] = {}
    skipped: list[str] = []
    for y in _years(ctx):
        try:
            per[y] = national_compute(ctx.atlas, "intelligent", y)
        except InputError as exc:  # the sufficiency rule refused the year: say so, draw nothing
            skipped.append(f"{y}: {exc.message}")
    if not per:
        raise InputError(t("report.compute.none", lang=lang))
    years = sorted(per)
    latest = per[years[-1]]
    lead = [r["country"] for r in latest.rows[:N_COUNTRIES]]
    if "CHN" not in lead:
        lead.append("CHN")
    data: list[dict[str, Any]] = []
    for i, c in enumerate(lead):
        rows = {y: next((r for r in per[y].rows if r["country"] == c), None) for y in years}
        name = label(country_name(c, lang))
        col = colour(c, i)

        def pick(key: str, rows: dict[int, Any] = rows) -> list[float | None]:
            return [None if rows[y] is None else rows[y].get(key) for y in years]

        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": years,
                "y": pick("value_p95"),
                "line": {"width": 0},
                "legendgroup": c,
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": years,
                "y": pick("value_p5"),
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": _rgba(col, 0.18),
                "legendgroup": c,
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": years,
                "y": pick("value_median"),
                "legendgroup": c,
                "line": {"color": col, "width": 2},
                "hovertemplate": "%{x}: %{y:,.0f} H100e<extra>" + name + "</extra>",
            }
        )
    fig = Figure(
        "intelligent",
        {
            "data": data,
            "layout": layout(
                t("report.compute.chart", lang=lang),
                yaxis={"title": {"text": t("report.compute.axis", lang=lang)}, "type": "log", "dtick": 1},
                xaxis={"title": {"text": t("report.compute.axis_year", lang=lang)}, "dtick": 1},
            ),
        },
    )
    cols = [
        "country",
        "value_p5",
        "value_median",
        "value_p95",
        "share_pct_p5",
        "share_pct_median",
        "share_pct_p95",
        "clusters",
    ]
    cells = [
        [
            f"{country_name(r['country'], lang)} ({r['country']})",
            *(fmt_number(r.get(k), 0, lang) for k in cols[1:4]),
            *(fmt_number(r.get(k), 1, lang) for k in cols[4:7]),
            fmt_number(r.get("clusters"), 0, lang),
        ]
        for r in latest.rows[:10]
    ]
    headers = [t(f"report.compute.col.{c}", lang=lang) for c in cols]
    table = Table("latest", headers, cells, [False] + [True] * (len(cols) - 1))
    notes = [t("report.compute.band_floor", lang=lang), *latest.notes]
    if skipped:
        notes.append(t("report.compute.skipped", lang=lang, years="; ".join(skipped)))
    ids = {i for nc in per.values() for i in nc.source_ids}
    return ReportSection(
        key="compute",
        title=t("report.compute.title", lang=lang),
        lead=t("report.compute.lead", lang=lang, first=years[0], last=years[-1]),
        figures=[fig],
        tables=[table],
        notes=notes,
        source_ids=ids,
    )
