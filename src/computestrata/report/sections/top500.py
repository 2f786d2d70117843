"""Section 1: TOP500 systems and Rmax shares by country over every list in the atlas.

Calls :func:`computestrata.top500.countries` once per list (as ``strata top500 countries
--list …`` does); the leading countries of the latest list are drawn, the rest summed."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import REST_COLOUR, Context, colour, layout, num

TABLES = ("top500_systems", "top500_lists")
N_COUNTRIES = 6


def build(ctx: Context) -> ReportSection:
    from computestrata import top500
    from computestrata.i18n import t
    from computestrata.top500.query import CHINA, missing_lists

    a, lang = ctx.atlas, ctx.lang
    ids = top500.list_ids(a)
    per = [top500.countries(lid, atlas=a, lang=lang) for lid in ids]
    latest = per[-1]
    lead = [r["country_iso3"] for r in latest[:N_COUNTRIES]]
    if CHINA not in lead:
        lead.append(CHINA)  # the paper's subject stays on the chart even when it falls behind
    names = {r["country_iso3"]: r["country"] for res in per for r in res}
    share: dict[str, list[float]] = {c: [] for c in lead}
    systems: dict[str, list[int]] = {c: [] for c in lead}
    rest_share: list[float] = []
    for res in per:
        by = {r["country_iso3"]: r for r in res}
        for c in lead:  # a country absent from a list holds none of its systems: a true zero
            share[c].append(float(by[c]["rmax_share_pct"]) if c in by else 0.0)
            systems[c].append(int(by[c]["systems"]) if c in by else 0)
        rest_share.append(sum(float(r["rmax_share_pct"] or 0) for r in res if r["country_iso3"] not in lead))
    x = list(ids)
    rest = t("report.top500.rest", lang=lang)
    share_data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "rmax",
            "name": label(names.get(c, c)),
            "x": x,
            "y": share[c],
            "line": {"width": 0.8, "color": colour(c, i)},
            "hovertemplate": "%{x}: %{y:.1f} %<extra>" + label(names.get(c, c)) + "</extra>",
        }
        for i, c in enumerate(lead)
    ]
    share_data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "rmax",
            "name": label(rest),
            "x": x,
            "y": rest_share,
            "line": {"width": 0.8, "color": REST_COLOUR},
            "hovertemplate": "%{x}: %{y:.1f} %<extra>" + label(rest) + "</extra>",
        }
    )
    fig_share = Figure(
        "rmax_share",
        {
            "data": share_data,
            "layout": layout(
                t("report.top500.chart_share", lang=lang),
                yaxis={"title": {"text": t("report.top500.axis_share", lang=lang)}, "range": [0, 100]},
                xaxis={"title": {"text": t("report.top500.axis_list", lang=lang)}, "type": "category", "nticks": 16},
            ),
        },
    )
    sys_data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": label(names.get(c, c)),
            "x": x,
            "y": systems[c],
            "line": {"width": 2, "color": colour(c, i)},
        }
        for i, c in enumerate(lead)
    ]
    fig_sys = Figure(
        "systems",
        {
            "data": sys_data,
            "layout": layout(
                t("report.top500.chart_systems", lang=lang),
                yaxis={"title": {"text": t("report.top500.axis_systems", lang=lang)}, "rangemode": "tozero"},
                xaxis={"title": {"text": t("report.top500.axis_list", lang=lang)}, "type": "category", "nticks": 16},
            ),
        },
    )
    cols = ["country", "systems", "systems_share_pct", "rmax_share_pct", "best_rank"]
    rows = [
        [
            f"{r['country']} ({r['country_iso3']})",
            num(r["systems"], 0, lang),
            num(r["systems_share_pct"], 1, lang),
            num(r["rmax_share_pct"], 1, lang),
            num(r["best_rank"], 0, lang),
        ]
        for r in latest[:10]
    ]
    table = Table(
        "latest",
        [t(f"col.{c}", lang=lang) for c in cols],
        rows,
        [False, True, True, True, True],
        source_ids=set(latest.source_ids),
    )
    ids_all = {i for res in per for i in res.source_ids}
    gaps = missing_lists(ids)
    notes = list(latest.notes)
    china = t("top500.note.china", lang=lang)
    warnings = [china] if china in notes else []
    notes = [n for n in notes if n != china]
    if gaps:
        notes.append(t("report.top500.missing_lists", lang=lang, lists=", ".join(gaps)))
    return ReportSection(
        key="top500",
        title=t("report.top500.title", lang=lang),
        lead=t("report.top500.lead", lang=lang, first=ids[0], last=ids[-1], n=len(ids), latest=ids[-1]),
        figures=[fig_share, fig_sys],
        tables=[table],
        notes=notes,
        warnings=warnings,
        source_ids=ids_all,
    )
