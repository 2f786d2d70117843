"""Section 6: the cooperation space of a pair (default KOR–CHN) — each stack segment's class
by layer (``strata coop pair``: :func:`computestrata.cooperation.api.pair`)."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import Context, layout, num, split_hidden

TABLES: tuple[str, ...] = ()
#: the all-pairs map's countries: the paper's actors and the chokepoint holders (the full set,
#: ~13 s, is `strata coop matrix`); the report's pair is added when it is not among them
MAP_COUNTRIES = ("USA", "CHN", "KOR", "JPN", "TWN", "NLD", "DEU", "IND")
CLASS_COLOURS = {"open": "#2a9d8f", "limited": "#e9c46a", "restricted": "#d7263d"}


def build(ctx: Context) -> ReportSection:
    from computestrata.cooperation import api as coop
    from computestrata.i18n import t
    from computestrata.i18n.formats import fmt_date
    from computestrata.stack.segments import LAYER_NAMES

    lang = ctx.lang
    a, b = ctx.pair
    res = coop.pair(ctx.atlas, a, b, ctx.on or coop.default_date(), lang=lang)

    def layer_name(code: str) -> str:
        if code not in LAYER_NAMES:  # the summary's "all" row
            return t("report.coop.all_layers", lang=lang)
        return f"{code} {LAYER_NAMES[code].get(lang, code)}"

    segs = sorted(res.segments, key=lambda s: s.layer)
    ylab = [label(f"{s.name} · {s.layer}") for s in segs]
    data: list[dict[str, Any]] = []
    for klass, col in CLASS_COLOURS.items():
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": t(f"coop.class.{klass}", lang=lang),
                "y": ylab,
                "x": [s.score if s.klass == klass else None for s in segs],
                "marker": {"color": col},
                "hovertemplate": "%{y}: %{x:.2f}<extra>" + t(f"coop.class.{klass}", lang=lang) + "</extra>",
            }
        )
    fig = Figure(
        "classes",
        {
            "data": data,
            "layout": layout(
                t("report.coop.chart", lang=lang, a=res.a, b=res.b, date=fmt_date(res.on, lang)),
                barmode="overlay",
                height=max(360, 60 + 24 * len(segs)),
                margin={"l": 260, "r": 20, "t": 90, "b": 60},
                xaxis={"title": {"text": t("report.coop.axis_score", lang=lang)}, "range": [0, 1]},
                yaxis={"autorange": "reversed"},
            ),
        },
    )
    headers = [t(f"col.{c}", lang=lang) for c in ("layer", "segment", "class", "score", "posture", "driver")]
    cells = [
        [
            layer_name(s.layer),
            s.name,
            t(f"coop.class.{s.klass}", lang=lang),
            num(s.score, 2, lang),
            t(f"coop.posture.{s.posture['name']}", lang=lang),
            s.headline(),
        ]
        for s in segs
    ]
    table = Table("segments", headers, cells, [False, False, False, True, False, False])
    summary = []
    for layer, block in res.summary.items():
        shares = block["share_of_segments"]
        summary.append(
            [layer_name(layer), num(block["segments"], 0, lang)]
            + [num(None if shares.get(c) is None else 100 * shares[c], 0, lang) for c in CLASS_COLOURS]
        )
    sum_head = [t("col.layer", lang=lang), t("report.coop.segments", lang=lang)]
    sum_head += [t("report.coop.share_pct", lang=lang, klass=t(f"coop.class.{c}", lang=lang)) for c in CLASS_COLOURS]
    from computestrata.stack.api import hidden_by_license, hidden_note

    notes, hidden = split_hidden(res.notes, hidden_note(hidden_by_license(ctx.atlas, res.on.year)))
    by_layer = Table("by_layer", sum_head, summary, [False, True, True, True, True])
    pairs = all_pairs(ctx, res.on)
    notes.append(t("report.coop.map_note", lang=lang, countries=", ".join(dict.fromkeys([*MAP_COUNTRIES, a, b]))))
    return ReportSection(
        key="cooperation",
        title=t("report.coop.title", lang=lang),
        lead=t("report.coop.lead", lang=lang, a=res.a, b=res.b, date=fmt_date(res.on, lang)),
        figures=[fig, pairs],
        tables=[by_layer, table],
        notes=notes,
        warnings=hidden,
        source_ids=set(res.source_ids),
        extra_sources=res.extra_sources,
    )


def all_pairs(ctx: Context, on: Any) -> Figure:
    """Heat map of every ordered pair of :data:`MAP_COUNTRIES` (+ the pair): share of stack
    segments whose cooperation class is open (:func:`computestrata.cooperation.api.matrix`)."""
    from computestrata.cooperation import api as coop
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name, fmt_date

    lang = ctx.lang
    cs = list(dict.fromkeys([*MAP_COUNTRIES, *ctx.pair]))
    m = coop.matrix(ctx.atlas, on, cs)
    cs = list(m.countries)
    share = {(r["a"], r["b"]): r["share_open"] for r in m.frame.to_dict("records")}
    z = [[None if a == b else (None if share.get((a, b)) is None else 100 * share[(a, b)]) for b in cs] for a in cs]
    names = [label(country_name(c, lang)) for c in cs]
    spec = {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": names,
                "y": names,
                "colorscale": [[0, "#d7263d"], [0.5, "#e9c46a"], [1, "#2a9d8f"]],
                "zmin": 0,
                "zmax": 100,
                "texttemplate": "%{z:.0f}",
                "colorbar": {"title": {"text": "%"}},
                "hovertemplate": "%{y} → %{x}: %{z:.0f} %<extra></extra>",
            }
        ],
        "layout": layout(
            t("report.coop.map", lang=lang, date=fmt_date(on, lang)),
            height=560,
            margin={"l": 120, "r": 20, "t": 90, "b": 100},
            xaxis={"title": {"text": t("report.coop.map_b", lang=lang)}, "side": "bottom"},
            yaxis={"title": {"text": t("report.coop.map_a", lang=lang)}, "autorange": "reversed"},
        ),
    }
    return Figure("pairs", spec, source_ids=set(m.source_ids) or None)
