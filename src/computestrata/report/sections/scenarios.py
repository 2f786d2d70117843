"""Section: scenario trajectories — each shipped scenario's central path for China's share of
intelligent compute and the pair's open cooperation space (:func:`computestrata.scenarios.api.run`).

Bands need the parameter sweep (``strata scenario sweep``, thousands of runs): too slow for the
report's time budget, so the section draws the central paths and says where the bands are."""

from __future__ import annotations

from typing import Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import PALETTE, Context, layout

TABLES = ("gpu_clusters", "chip_stocks")


def _api() -> Any:
    """The scenarios API, or an InputError that hides the section with the reason."""
    from computestrata.errors import InputError
    from computestrata.i18n import t

    try:
        from computestrata.scenarios import api
    except ImportError as exc:
        raise InputError(t("report.scenarios.absent")) from exc
    return api


def scenario_title(name: str, own: str | None, lang: str) -> str:
    """A shipped scenario's title from the catalogue (en/ko/zh); a user's file keeps its own title."""
    from computestrata.i18n import catalog, t

    key = f"scenario.title.{name}"
    return t(key, lang=lang) if key in catalog() else (own or name)


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name, fmt_number

    lang = ctx.lang
    scen = _api()
    names = [s["name"] for s in scen.list_scenarios()]
    runs = scen.run(ctx.atlas, names, pair=ctx.pair)
    a, b = runs.pair
    pair_name = f"{country_name(a, lang)}–{country_name(b, lang)}"

    def lines(pick: Any, scale: float = 100.0) -> list[dict[str, Any]]:
        out = []
        for i, p in enumerate(runs.scenarios):
            title = label(scenario_title(p.scenario, runs.titles.get(p.scenario), lang))
            ys = [None if pick(y) is None else scale * pick(y) for y in p.years]
            out.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": title,
                    "x": [y["year"] for y in p.years],
                    "y": ys,
                    "line": {"color": PALETTE[i % len(PALETTE)], "width": 2, "dash": "solid" if i == 0 else "dot"},
                    "hovertemplate": "%{x}: %{y:.1f} %<extra>" + title + "</extra>",
                }
            )
        return out

    share = Figure(
        "china_share",
        {
            "data": lines(lambda y: y["shares"]["intelligent"].get("CHN")),
            "layout": layout(
                t("report.scenarios.chart_share", lang=lang),
                margin={"l": 60, "r": 20, "t": 130, "b": 60},  # room for four long scenario titles
                yaxis={"title": {"text": t("report.scenarios.axis_share", lang=lang)}, "rangemode": "tozero"},
                xaxis={"title": {"text": t("report.compute.axis_year", lang=lang)}, "dtick": 1},
            ),
        },
    )
    coop = Figure(
        "open_share",
        {
            "data": lines(lambda y: y["cooperation"]["open_share"]),
            "layout": layout(
                t("report.scenarios.chart_open", lang=lang, pair=pair_name),
                margin={"l": 60, "r": 20, "t": 130, "b": 60},
                yaxis={"title": {"text": t("report.scenarios.axis_open", lang=lang)}, "range": [0, 100]},
                xaxis={"title": {"text": t("report.compute.axis_year", lang=lang)}, "dtick": 1},
            ),
        },
    )
    rows = []
    for p in runs.scenarios:
        first, last = p.years[0], p.years[-1]
        rows.append(
            [
                label(scenario_title(p.scenario, runs.titles.get(p.scenario), lang)),
                f"{first['year']}–{last['year']}",
                fmt_number(100 * (first["shares"]["intelligent"].get("CHN") or float("nan")), 1, lang),
                fmt_number(100 * (last["shares"]["intelligent"].get("CHN") or float("nan")), 1, lang),
                fmt_number(100 * last["cooperation"]["open_share"], 0, lang),
                fmt_number(last["stratification"]["hhi"], 0, lang),
            ]
        )
    heads = ["scenario", "years", "chn_first", "chn_last", "open_last", "hhi_last"]
    table = Table(
        "headline", [t(f"report.scenarios.col.{h}", lang=lang) for h in heads], rows, [False, False] + [True] * 4
    )
    return ReportSection(
        key="scenarios",
        title=t("report.scenarios.title", lang=lang),
        lead=t("report.scenarios.lead", lang=lang, n=len(runs.scenarios), pair=pair_name),
        figures=[share, coop],
        tables=[table],
        warnings=[t("report.scenarios.no_bands", lang=lang)],
        notes=list(runs.notes),
        source_ids=set(runs.source_ids),
    )
