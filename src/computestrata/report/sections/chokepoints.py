"""Section 2: chokepoints of the compute stack — segments where three or fewer countries
hold 90 % (``strata stack chokepoints``: :func:`computestrata.stack.api.chokepoints`)."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import PALETTE, REST_COLOUR, Context, layout, num, split_hidden

TABLES: tuple[str, ...] = ()  # curated shares keep the section alive; CSET hiding is noted per segment
HOLDERS = 3


CHOKE_COLOUR, OPEN_COLOUR = "#d7263d", "#dfe6f0"
LAYER_COLOURS = {"L1": "#1f5fbf", "L2": "#2a9d8f", "L3": "#6a4c93", "L4": "#f08a24", "L5": "#4a4a4a"}


def stack_diagram(ctx: Context, chokepoints: set[str]) -> dict[str, Any]:
    """The layered stack as a treemap: layers (hardware at the bottom of the paper's figure,
    first here) hold their segments; chokepoint segments are red and name their top holders.

    Every segment counts once (tile size says nothing about market value, only membership)."""
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name, fmt_percent
    from computestrata.stack import api as stack
    from computestrata.stack.segments import LAYER_NAMES, LAYERS, segments

    lang = ctx.lang
    conc = {c.segment_id: c for c in stack.concentration(ctx.atlas)}
    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    colours: list[str] = []
    texts: list[str] = []
    values: list[int] = []
    segs = list(segments())
    for layer in LAYERS:
        mine = [s for s in segs if s.layer == layer]
        ids.append(layer)
        labels.append(label(f"{layer} {LAYER_NAMES[layer].get(lang, layer)}"))
        parents.append("")
        colours.append(LAYER_COLOURS[layer])
        texts.append("")
        values.append(len(mine))
        for s in mine:
            ids.append(s.id)
            labels.append(label(s.label(lang)))
            parents.append(layer)
            values.append(1)
            c = conc.get(s.id)
            holders = [] if c is None else c.top[: 1 if s.id in chokepoints else 2]
            top = ", ".join(f"{country_name(who, lang)} {fmt_percent(100 * sh, 0, lang)}" for who, sh in holders)
            if s.id in chokepoints:
                colours.append(CHOKE_COLOUR)
                texts.append(label(t("report.stack.diagram_choke", lang=lang, top=top)))
            else:
                colours.append(OPEN_COLOUR)
                texts.append(label(top))
    return {
        "data": [
            {
                "type": "treemap",
                "ids": ids,
                "labels": labels,
                "parents": parents,
                "values": values,
                "branchvalues": "total",
                "text": texts,
                "textinfo": "label+text",
                "textfont": {"size": 14},
                "marker": {"colors": colours, "line": {"width": 1, "color": "#ffffff"}},
                "hovertemplate": "%{label}<br>%{text}<extra></extra>",
                "sort": False,
                "pathbar": {"visible": False},
            }
        ],
        "layout": layout(
            t("report.stack.diagram", lang=lang, n=len(chokepoints)),
            height=620,
            margin={"l": 10, "r": 10, "t": 70, "b": 10},
        ),
    }


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name
    from computestrata.overview import chokepoints_section
    from computestrata.stack import api as stack

    lang = ctx.lang
    sec = chokepoints_section(ctx.atlas)  # the overview's rows, notes and sources: one computation
    found = stack.chokepoints(ctx.atlas)  # the same (cached) share book: the holders for the chart
    names = {r["segment"]: r["segment_name"] for r in sec.rows}
    ylab = [label(names.get(c.segment_id, c.segment_id)) for c in found]
    data: list[dict[str, Any]] = []
    for k in range(HOLDERS):
        xs: list[float | None] = []
        text: list[str] = []
        for c in found:
            if k < len(c.top):
                who, share = c.top[k]
                xs.append(100 * share)
                text.append(country_name(who, lang))
            else:
                xs.append(None)
                text.append("")
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": t("report.stack.holder", lang=lang, n=k + 1),
                "y": ylab,
                "x": xs,
                "text": text,
                "textposition": "inside",
                "marker": {"color": PALETTE[k]},
                "hovertemplate": "%{y}: %{text} %{x:.0f} %<extra></extra>",
            }
        )
    others = [max(0.0, 100 - 100 * sum(s for _, s in c.top[:HOLDERS])) for c in found]
    data.append(
        {
            "type": "bar",
            "orientation": "h",
            "name": t("report.stack.others", lang=lang),
            "y": ylab,
            "x": others,
            "marker": {"color": REST_COLOUR},
            "hovertemplate": "%{y}: %{x:.0f} %<extra></extra>",
        }
    )
    diagram = Figure("diagram", stack_diagram(ctx, {c.segment_id for c in found}))
    fig = Figure(
        "holders",
        {
            "data": data,
            "layout": layout(
                t("report.stack.chart", lang=lang),
                barmode="stack",
                height=max(320, 60 + 34 * len(found)),
                margin={"l": 220, "r": 20, "t": 90, "b": 60},
                xaxis={"title": {"text": t("report.stack.axis_share", lang=lang)}, "range": [0, 100]},
                yaxis={"autorange": "reversed"},
            ),
        },
    )
    cols = ["segment_name", "year", "n90", "top", "hhi", "cr1"]
    rows = [
        [
            str(r["segment_name"]),
            str(r["year"]),
            num(r["n90"], 0, lang),
            str(r["top"]),
            num(r["hhi"], 0, lang),
            num(None if r["cr1"] is None else 100 * r["cr1"], 0, lang),
        ]
        for r in sec.rows
    ]
    notes, hidden = split_hidden(sec.notes, stack.hidden_note(stack.hidden_by_license(ctx.atlas, None)))
    headers = [t(f"col.{c}", lang=lang) for c in cols]
    headers[-1] = t("report.stack.cr1_pct", lang=lang)
    table = Table("chokepoints", headers, rows, [False, True, True, False, True, True])
    return ReportSection(
        key="chokepoints",
        title=t("report.stack.title", lang=lang),
        lead=t("report.stack.lead", lang=lang, n=len(found)),
        figures=[diagram, fig],
        tables=[table],
        notes=notes,
        warnings=hidden,
        source_ids=set(sec.source_ids),
        extra_sources=sec.extra_sources,
    )
