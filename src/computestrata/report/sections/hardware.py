"""Section: AI-chip performance by vendor and release date (the paper's Figure 1), from
Epoch AI's machine-learning hardware data (atlas table ``chips``).

Performance is dense 16-bit tensor throughput where the chip has it, else plain FP16 (said
in the caption's method note); chips with neither are counted and named as left out."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import PALETTE, REST_COLOUR, Context, layout

TABLES = ("chips",)
N_VENDORS = 8


def chip_points(ctx: Context) -> list[dict[str, Any]]:
    """Chips with a release date and a 16-bit figure: name, vendor, date, TFLOP/s, which measure."""
    rows = ctx.atlas.rows(
        "SELECT name, manufacturer, release_date, tensor_fp16_flops, fp16_flops, source_id FROM chips "
        "WHERE release_date IS NOT NULL ORDER BY release_date"
    )
    out = []
    for r in rows:
        tensor, plain = r["tensor_fp16_flops"], r["fp16_flops"]
        value, measure = (tensor, "tensor") if tensor == tensor and tensor else (plain, "fp16")
        out.append(
            {
                "name": r["name"],
                "vendor": r["manufacturer"] or "?",
                "date": r["release_date"],
                "tflops": None if value is None or value != value or not value else value / 1e12,
                "measure": measure,
                "source_id": r["source_id"],
            }
        )
    return out


#: legend group of the two entries that explain filled (FP16 tensor) vs hollow (plain FP16) markers
MEASURE_KEY = "measure-key"
KEY_COLOUR = "#555555"


def _legend_only(name: str, colour: str, symbol: str, group: str) -> dict[str, Any]:
    """A legend entry without points (one missing point, so Plotly shows it but draws nothing)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "legendgroup": group,
        "x": [None],
        "y": [None],
        "hoverinfo": "skip",
        "marker": {"color": colour, "size": 9, "symbol": symbol, "line": {"width": 1.5, "color": colour}},
    }


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.i18n.formats import fmt_date, fmt_number

    lang = ctx.lang
    pts = chip_points(ctx)
    drawn = [p for p in pts if p["tflops"] is not None]
    counts: dict[str, int] = {}
    for p in drawn:
        counts[p["vendor"]] = counts.get(p["vendor"], 0) + 1
    vendors = sorted(counts, key=lambda v: (-counts[v], v))[:N_VENDORS]
    other = t("report.hardware.other", lang=lang)
    data: list[dict[str, Any]] = []
    for i, v in enumerate([*vendors, other]):
        mine = [p for p in drawn if (p["vendor"] == v) or (v == other and p["vendor"] not in vendors)]
        if not mine:
            continue
        colour = REST_COLOUR if v == other else PALETTE[i % len(PALETTE)]
        # the vendor's legend entry is a plain colour swatch: the points mix filled and hollow
        # markers, and Plotly would draw whichever the first point has
        data.append(_legend_only(label(v), colour, "square", group=v))
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": label(v),
                "legendgroup": v,
                "showlegend": False,
                "x": [p["date"].isoformat()[:10] for p in mine],
                "y": [p["tflops"] for p in mine],
                "text": [label(p["name"]) for p in mine],
                "marker": {
                    "color": colour,
                    "size": 8,
                    "symbol": ["circle" if p["measure"] == "tensor" else "circle-open" for p in mine],
                    "line": {"width": 1.5},
                },
                "hovertemplate": "%{text}<br>%{x}: %{y:,.0f} TFLOP/s<extra>" + label(v) + "</extra>",
            }
        )
    for measure, symbol in (("tensor", "circle"), ("fp16", "circle-open")):  # what filled/hollow means
        data.append(_legend_only(t(f"report.hardware.key.{measure}", lang=lang), KEY_COLOUR, symbol, MEASURE_KEY))
    fig = Figure(
        "performance",
        {
            "data": data,
            "layout": layout(
                t("report.hardware.chart", lang=lang),
                # vendors plus the filled/hollow key wrap to three legend rows: room above the plot
                margin={"l": 60, "r": 20, "t": 150, "b": 60},
                height=560,
                yaxis={"title": {"text": t("report.hardware.axis", lang=lang)}, "type": "log", "dtick": 1},
                xaxis={"title": {"text": t("report.hardware.axis_date", lang=lang)}, "type": "date"},
            ),
        },
    )
    best = sorted(drawn, key=lambda p: -p["tflops"])[:10]
    cells = [
        [
            label(p["name"]),
            label(p["vendor"]),
            fmt_date(p["date"], lang),
            fmt_number(p["tflops"], 0, lang),
            t(f"report.hardware.measure.{p['measure']}", lang=lang),
        ]
        for p in best
    ]
    headers = [t(f"report.hardware.col.{c}", lang=lang) for c in ("chip", "vendor", "released", "tflops", "measure")]
    table = Table("fastest", headers, cells, [False, False, False, True, False])
    missing = len(pts) - len(drawn)
    notes = [t("report.hardware.method", lang=lang)]
    if missing:
        notes.append(t("report.hardware.missing", lang=lang, n=missing, total=len(pts)))
    return ReportSection(
        key="hardware",
        title=t("report.hardware.title", lang=lang),
        lead=t("report.hardware.lead", lang=lang, n=len(drawn), vendors=len(counts)),
        figures=[fig],
        tables=[table],
        notes=notes,
        source_ids={p["source_id"] for p in pts if p["source_id"]},
    )
