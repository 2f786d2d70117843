"""Section 3: export-control status of catalogue chips to China over time, and the equipment
rules (the overview's controls section: ``batch.matrix`` + ``controls.api.equipment_counts``)."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import Context, layout, num

TABLES: tuple[str, ...] = ()  # without a chips table the reference chips are classified, said in a note
STATUS_COLOURS = {
    "free": "#8ab17d",
    "exception": "#2a9d8f",
    "approval": "#0096c7",
    "license": "#f4a261",
    "within_cap": "#e9c46a",
    "measure": "#f08a24",
    "case_by_case": "#e76f51",
    "denial": "#d7263d",
    "indeterminate": "#b8c0cc",
}
EQUIPMENT = ("equipment_licence", "equipment_modelled")


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.overview import CONTROL_DATES, CONTROL_DEST, controls_section

    lang = ctx.lang
    sec = controls_section(ctx.atlas, CONTROL_DEST, CONTROL_DATES)
    statuses = [c for c in sec.columns if c not in ("date", *EQUIPMENT)]
    from computestrata.i18n.formats import fmt_date

    dates = [fmt_date(r["date"], lang) for r in sec.rows]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": t(f"controls.status_label.{s}", lang=lang),
            "x": dates,
            "y": [r.get(s) for r in sec.rows],
            "marker": {"color": STATUS_COLOURS.get(s, "#888888")},
        }
        for s in statuses
    ]
    chips = Figure(
        "chips",
        {
            "data": data,
            "layout": layout(
                t("report.controls.chart", lang=lang, dest=CONTROL_DEST),
                barmode="stack",
                xaxis={"title": {"text": t("report.controls.axis_date", lang=lang)}, "type": "category"},
                yaxis={"title": {"text": t("report.controls.axis_chips", lang=lang)}},
            ),
        },
    )
    eq = Figure(
        "equipment",
        {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": t(f"report.controls.{k}", lang=lang),
                    "x": dates,
                    "y": [r.get(k) for r in sec.rows],
                    "line": {"shape": "hv", "color": colour, "dash": dash, "width": width},
                }
                for k, colour, dash, width in zip(
                    EQUIPMENT, ("#d7263d", "#4a4a4a"), ("solid", "dot"), (4, 2), strict=True
                )
            ],
            "layout": layout(
                t("report.controls.chart_equipment", lang=lang, dest=CONTROL_DEST),
                height=380,
                xaxis={"title": {"text": t("report.controls.axis_date", lang=lang)}, "type": "category"},
                yaxis={"title": {"text": t("report.controls.axis_paragraphs", lang=lang)}, "rangemode": "tozero"},
            ),
        },
        source_ids=set(),
        extra_sources=[s for s in sec.extra_sources if s["source_id"].startswith("controls_rule")] or sec.extra_sources,
    )
    timeline = chip_timeline(ctx, dates)
    cols = ["date", *statuses, *EQUIPMENT]
    headers = [t("col.date", lang=lang)]
    headers += [t(f"controls.status_label.{s}", lang=lang) for s in statuses]
    headers += [t(f"report.controls.{k}", lang=lang) for k in EQUIPMENT]
    rows = [[d, *(num(r.get(c), 0, lang) for c in cols[1:])] for d, r in zip(dates, sec.rows, strict=True)]
    table = Table("counts", headers, rows, [False] + [True] * (len(cols) - 1))
    return ReportSection(
        key="controls",
        title=t("report.controls.title", lang=lang),
        lead=t("report.controls.lead", lang=lang, dest=CONTROL_DEST),
        figures=[timeline, chips, eq],
        tables=[table],
        notes=sec.notes,
        warnings=[t("common.not_legal_advice", lang=lang)],
        source_ids=set(sec.source_ids),
        extra_sources=sec.extra_sources,
    )


def chip_timeline(ctx: Context, shown_dates: list[str]) -> Figure:
    """Which well-known chips could ship to China when: the reference chips' status at each
    date (one coloured square per chip and date), from the same matrix as the counts."""
    from computestrata.controls import api
    from computestrata.i18n import t
    from computestrata.overview import CONTROL_DATES, CONTROL_DEST

    lang = ctx.lang
    res = api.securitisation(ctx.atlas, CONTROL_DEST, list(CONTROL_DATES))  # cached: the counts' run
    rows = [r for r in res.rows if r["origin"] == "reference"]
    order = sorted({r["chip"] for r in rows}, key=lambda c: max((r["tpp"] or 0) for r in rows if r["chip"] == c))
    label_of = dict(zip(res.dates, shown_dates, strict=True))
    data: list[dict[str, Any]] = []
    for s, col in STATUS_COLOURS.items():
        mine = [r for r in rows if getattr(r["status"], "value", r["status"]) == s]
        if not mine:
            continue
        name = t(f"controls.status_label.{s}", lang=lang)
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [label_of.get(r["date"], r["date"]) for r in mine],
                "y": [label(r["chip"]) for r in mine],
                "marker": {"symbol": "square", "size": 20, "color": col, "line": {"width": 1, "color": "#ffffff"}},
                "hovertemplate": "%{y} · %{x}<extra>" + label(name) + "</extra>",
            }
        )
    return Figure(
        "timeline",
        {
            "data": data,
            "layout": layout(
                t("report.controls.timeline", lang=lang, dest=CONTROL_DEST),
                height=max(420, 120 + 26 * len(order)),
                margin={"l": 230, "r": 20, "t": 110, "b": 60},
                xaxis={
                    "title": {"text": t("report.controls.axis_date", lang=lang)},
                    "type": "category",
                    "categoryorder": "array",
                    "categoryarray": shown_dates,
                },
                yaxis={"type": "category", "categoryorder": "array", "categoryarray": [label(c) for c in order]},
            ),
        },
    )
