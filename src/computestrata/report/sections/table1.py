"""Section 4: the paper's Table 1 (CAICT shares) beside open estimates with p5–p95 bands and
the gaps explained (``strata measure table1``: :func:`computestrata.measure.build_table1`)."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table
from computestrata.report.sections.common import Context, colour, layout

TABLES = ("paper_figures",)
CHARTED = ("intelligent", "super")  # the kinds open data can estimate


def _panel(rows: list[dict[str, Any]], kind: str, axis: str, lang: str) -> list[dict[str, Any]]:
    from computestrata.i18n import t

    out: list[dict[str, Any]] = []
    for i, c in enumerate(("USA", "CHN")):
        mine = sorted((r for r in rows if r["kind"] == kind and r["country"] == c), key=lambda r: r["year"])
        years = [r["year"] for r in mine]
        est = [r["open_share_pct"] for r in mine]
        out.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": t("report.table1.open", lang=lang, country=c),
                "legendgroup": f"open{c}",
                "showlegend": kind == CHARTED[0],
                "x": years,
                "y": est,
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "marker": {"color": colour(c, i), "size": 9},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if e is None or r["open_p95_pct"] is None else r["open_p95_pct"] - e
                        for r, e in zip(mine, est, strict=True)
                    ],
                    "arrayminus": [
                        None if e is None or r["open_p5_pct"] is None else e - r["open_p5_pct"]
                        for r, e in zip(mine, est, strict=True)
                    ],
                    "color": colour(c, i),
                },
            }
        )
        out.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": t("report.table1.caict", lang=lang, country=c),
                "legendgroup": f"caict{c}",
                "showlegend": kind == CHARTED[0],
                "x": years,
                "y": [r["caict_share_pct"] for r in mine],
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "line": {"dash": "dot", "color": colour(c, i)},
                "marker": {"symbol": "diamond-open", "size": 10, "color": colour(c, i)},
            }
        )
    return out


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.measure import build_table1

    lang = ctx.lang
    tab = build_table1(ctx.atlas)  # same draws and seed as `strata measure table1`
    rows = tab.shown_rows()
    data = _panel(rows, CHARTED[0], "", lang) + _panel(rows, CHARTED[1], "2", lang)
    titles = [t(f"measure.kind.{k}", lang=lang) for k in CHARTED]
    fig = Figure(
        "bands",
        {
            "data": data,
            "layout": layout(
                t("report.table1.chart", lang=lang),
                height=460,
                xaxis={"domain": [0, 0.47], "dtick": 1, "title": {"text": titles[0]}},
                xaxis2={"domain": [0.53, 1], "dtick": 1, "title": {"text": titles[1]}},
                yaxis={"title": {"text": t("report.table1.axis_share", lang=lang)}, "rangemode": "tozero"},
                yaxis2={"anchor": "x2", "rangemode": "tozero"},
            ),
        },
    )
    wide, headers, refs = tab.shown_layout()
    cells = [[("—" if line.get(h) is None else str(line.get(h))) for h in headers] for line in wide]
    table = Table("table1", headers, cells, [False, False] + [True] * (len(headers) - 2))
    return ReportSection(
        key="table1",
        title=t("report.table1.title", lang=lang),
        lead=t("report.table1.lead", lang=lang),
        figures=[fig],
        tables=[table],
        explained=refs,
        notes=tab.shown_notes(),
        source_ids=set(tab.source_ids),
    )
