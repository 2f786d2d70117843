"""Section: scenario trajectories with their p5–p95 bands — for each shipped scenario, China's
share of intelligent compute and the pair's open cooperation space, year by year.

Every number comes from one seeded parameter sweep per scenario
(:func:`computestrata.scenarios.bands.library_bands`, i.e. :func:`scenarios.sweep.sweep`, the
function behind ``strata scenario sweep``): the central path is the sweep's central run (the
same model call as ``strata scenario run``), the band its 5th–95th percentiles, the line its
median.  Fixed seed and sample, so the report is reproducible; the caption says both and what
the band is (parameter uncertainty, from the ranges in the scenario files)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.report.model import Figure, ReportSection, Table, label
from computestrata.report.sections.common import Context, layout

if TYPE_CHECKING:
    from computestrata.scenarios.bands import ScenarioBands

TABLES = ("gpu_clusters", "chip_stocks")

#: band, median and central-path colours (one scheme in every panel: the panel title names the scenario)
BAND_FILL = "rgba(31,95,191,0.20)"
MEDIAN_COLOUR = "#1f5fbf"
CENTRAL_COLOUR = "#4a4a4a"
#: the grid of panels, two per row: x domains (paper fractions); the top 10 % holds the legend,
#: and rows are 14 % apart (the upper row's year labels, the lower row's panel title)
_COLS = ((0.0, 0.46), (0.54, 1.0))
_TOP, _GAP = 0.90, 0.14


def _rows(n: int) -> list[tuple[float, float]]:
    """y domains of ``n`` rows of panels, top row first."""
    h = (_TOP - _GAP * (n - 1)) / n
    return [(_TOP - i * (h + _GAP) - h, _TOP - i * (h + _GAP)) for i in range(n)]


def _api() -> Any:
    """The scenarios' bands API, or an InputError that hides the section with the reason."""
    from computestrata.errors import InputError
    from computestrata.i18n import t

    try:
        from computestrata.scenarios import bands
    except ImportError as exc:
        raise InputError(t("report.scenarios.absent")) from exc
    return bands


def scenario_title(name: str, own: str | None, lang: str) -> str:
    """A shipped scenario's title from the catalogue (en/ko/zh); a user's file keeps its own title
    (:func:`computestrata.scenarios.api.title`, as ``strata scenario list`` shows it)."""
    from computestrata.scenarios import api

    return api.title(name, own, lang)


def ordered_scenarios() -> list[str]:
    """The shipped scenarios, baseline (no new posture) first, then the postures from the
    narrowest to the widest fence (the order of :data:`controls.scope.POSTURES`)."""
    from computestrata.controls.scope import POSTURES
    from computestrata.scenarios import api

    rank = {p: i for i, p in enumerate(POSTURES)}
    rows = api.list_scenarios()
    return [r["name"] for r in sorted(rows, key=lambda r: (rank.get(r["control_posture"] or "", -1), str(r["name"])))]


def _pct(values: Sequence[float | None], scale: float) -> list[float | None]:
    return [None if v is None else scale * v for v in values]


def band_traces(
    b: ScenarioBands, metric: str, axis: str, lang: str, scale: float, legend: bool, fmt: str = ".1f"
) -> list[dict[str, Any]]:
    """Plotly traces of one scenario's band: p95 (invisible edge), p5 filled up to it, median, central.

    ``axis`` is the subplot suffix ("" for the first panel, "2", "3"…)."""
    from computestrata.i18n import t

    band = b.band(metric)
    x = band.years
    on = {"xaxis": f"x{axis}", "yaxis": f"y{axis}"}
    name_band = t("report.bands.legend.band", lang=lang)
    name_median = t("report.bands.legend.median", lang=lang)
    name_central = t("report.bands.legend.central", lang=lang)
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": _pct(band.p95, scale),
            "line": {"width": 0, "color": MEDIAN_COLOUR},
            "legendgroup": "band",
            "showlegend": False,
            "name": t("report.bands.legend.p95", lang=lang),
            "hovertemplate": "%{x} p95: %{y:" + fmt + "}<extra></extra>",
            **on,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": _pct(band.p5, scale),
            "line": {"width": 0, "color": MEDIAN_COLOUR},
            "fill": "tonexty",
            "fillcolor": BAND_FILL,
            "legendgroup": "band",
            "showlegend": legend,
            "name": name_band,
            "hovertemplate": "%{x} p5: %{y:" + fmt + "}<extra></extra>",
            **on,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": _pct(band.median, scale),
            "line": {"width": 2, "color": MEDIAN_COLOUR},
            "legendgroup": "median",
            "showlegend": legend,
            "name": name_median,
            "hovertemplate": "%{x}: %{y:" + fmt + "}<extra>" + label(name_median) + "</extra>",
            **on,
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": x,
            "y": _pct(band.central, scale),
            "line": {"width": 1.5, "color": CENTRAL_COLOUR, "dash": "dot"},
            "marker": {"size": 4},
            "legendgroup": "central",
            "showlegend": legend,
            "name": name_central,
            "hovertemplate": "%{x}: %{y:" + fmt + "}<extra>" + label(name_central) + "</extra>",
            **on,
        },
    ]


def panels(
    runs: Sequence[ScenarioBands],
    metric: str,
    title: str,
    axis_title: str,
    lang: str,
    scale: float = 100.0,
    y_range: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Small multiples: one panel per scenario (2 × 2 for the four shipped ones), same y range in
    each so the scenarios compare at a glance; the band, median and central path in each."""
    from computestrata.i18n import t

    data: list[dict[str, Any]] = []
    axes: dict[str, Any] = {}
    notes: list[dict[str, Any]] = []
    n_rows = max(1, (len(runs) + 1) // 2)
    rows = _rows(n_rows)
    if y_range is None:
        top = max((v for b in runs for v in b.band(metric).p95 if v is not None), default=0.0) * scale
        y_range = (0.0, top * 1.08 or 1.0)
    for i, b in enumerate(runs):
        suffix = "" if i == 0 else str(i + 1)
        xd, yd = _COLS[i % 2], rows[i // 2]
        data += band_traces(b, metric, suffix, lang, scale, legend=i == 0)
        axes[f"xaxis{suffix}"] = {
            "domain": list(xd),
            "anchor": f"y{suffix}",
            "dtick": 2,
            "title": {"text": t("report.compute.axis_year", lang=lang)} if i // 2 == n_rows - 1 else None,
        }
        axes[f"yaxis{suffix}"] = {
            "domain": list(yd),
            "anchor": f"x{suffix}",
            "range": list(y_range),
            "title": {"text": axis_title} if i % 2 == 0 else None,
        }
        notes.append(
            {
                "text": "<b>" + label(scenario_title(b.scenario, b.title, lang)) + "</b>",
                "x": (xd[0] + xd[1]) / 2,
                "y": yd[1],
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    for v in axes.values():  # plotly reads a None title as "no title"; keep the JSON plain
        if v.get("title") is None:
            v.pop("title")
    return {
        "data": data,
        "layout": layout(
            title,
            height=320 * n_rows + 170,
            margin={"l": 60, "r": 20, "t": 110, "b": 60},
            annotations=notes,
            hovermode="closest",
            **axes,
        ),
    }


def about(runs: Sequence[ScenarioBands], lang: str) -> str:
    """The caption's first sentences: what the band is, how it was sampled, the seed, how to redo it."""
    from computestrata.i18n import fmt_number, t

    b0 = runs[0]
    ds = sorted({len(b.sampled) for b in runs})
    d = fmt_number(ds[0], 0, lang) if len(ds) == 1 else f"{ds[0]}–{ds[-1]}"
    counts: dict[str, int] = {}
    for b in runs:
        for g, names in b.groups.items():
            counts[g] = max(counts.get(g, 0), len(names))
    groups = t("report.bands.list_sep", lang=lang).join(
        t("report.bands.group_n", lang=lang, group=t(f"report.bands.group.{g}", lang=lang), n=n)
        for g, n in counts.items()
    )
    return t(
        "report.bands.caption",
        lang=lang,
        draws=fmt_number(b0.draws, 0, lang),
        n=b0.n_base,
        seed=b0.seed,
        d=d,
        groups=groups,
        evaluations=fmt_number(sum(b.evaluations for b in runs), 0, lang),
        a=b0.pair[0],
        b=b0.pair[1],
    )


def spread_note(runs: Sequence[ScenarioBands], metric: str, lang: str) -> str | None:
    """Which parameters the open share's band comes from (the years it is not a line), or None."""
    from computestrata.i18n import t

    drivers: dict[str, None] = {}
    years: set[int] = set()
    for b in runs:
        band = b.band(metric)
        for y, lo, hi, who in zip(band.years, band.p5, band.p95, band.drivers, strict=True):
            if lo is not None and hi is not None and hi > lo:
                years.add(y)
                if who:
                    drivers[who] = None
    if not years:
        return t("report.bands.flat", lang=lang)
    return t(
        "report.bands.spread_from",
        lang=lang,
        params=", ".join(drivers) or "—",
        first=min(years),
        last=max(years),
    )


def build(ctx: Context) -> ReportSection:
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name, fmt_number

    lang = ctx.lang
    bands = _api()
    runs = bands.library_bands(ctx.atlas, ordered_scenarios(), pair=ctx.pair)
    a, b = ctx.pair
    pair_name = f"{country_name(a, lang)}–{country_name(b, lang)}"
    about_text = about(runs, lang)

    share = Figure(
        "china_share",
        panels(
            runs,
            "share.CHN",
            t("report.scenarios.chart_share", lang=lang),
            t("report.scenarios.axis_share", lang=lang),
            lang,
        ),
        about=about_text,
    )
    coop = Figure(
        "open_share",
        panels(
            runs,
            "coop.open_share",
            t("report.scenarios.chart_open", lang=lang, pair=pair_name),
            t("report.scenarios.axis_open", lang=lang),
            lang,
            y_range=(0.0, 100.0),
        ),
        about=about_text,
    )

    def pct(v: float | None, digits: int = 1) -> str:
        return fmt_number(None if v is None else 100 * v, digits, lang)

    def span(lo: float | None, hi: float | None, digits: int = 1, scale: float = 100.0) -> str:
        return t(
            "report.bands.range",
            lang=lang,
            low=fmt_number(None if lo is None else scale * lo, digits, lang),
            high=fmt_number(None if hi is None else scale * hi, digits, lang),
        )

    rows = []
    for r in runs:
        sh, op, hh = r.band("share.CHN"), r.band("coop.open_share"), r.band("hhi")
        rows.append(
            [
                label(scenario_title(r.scenario, r.title, lang)),
                f"{sh.years[0]}–{sh.years[-1]}",
                pct(sh.central[0]),
                pct(sh.central[-1]),
                pct(sh.median[-1]),
                span(sh.p5[-1], sh.p95[-1]),
                pct(op.central[-1], 0),
                span(op.p5[-1], op.p95[-1], 0),
                fmt_number(hh.central[-1], 0, lang),
                span(hh.p5[-1], hh.p95[-1], 0, 1.0),
            ]
        )
    heads = [
        "scenario",
        "years",
        "chn_first",
        "chn_last",
        "chn_last_median",
        "chn_last_band",
        "open_last",
        "open_last_band",
        "hhi_last",
        "hhi_last_band",
    ]
    table = Table(
        "headline",
        [t(f"report.scenarios.col.{h}", lang=lang) for h in heads],
        rows,
        [False, False] + [True] * (len(heads) - 2),
        about=t("report.bands.table_about", lang=lang, n=runs[0].n_base, seed=runs[0].seed),
    )
    notes: list[str] = []
    spread = spread_note(runs, "coop.open_share", lang)
    for r in runs:
        notes += [n for n in r.notes if n not in notes]
    notes = [spread, *notes] if spread else notes
    notes += [t("scenario.note.model", lang=lang), t("scenario.note.coop_path", lang=lang)]
    ids: set[str] = set()
    for r in runs:
        ids |= set(r.source_ids)
    return ReportSection(
        key="scenarios",
        title=t("report.scenarios.title", lang=lang),
        lead=t("report.scenarios.lead", lang=lang, n=len(runs), pair=pair_name),
        figures=[share, coop],
        tables=[table],
        notes=notes,
        source_ids=ids,
        extra_sources=assumption_records(runs),
    )


def assumption_records(runs: Sequence[ScenarioBands]) -> list[dict[str, Any]]:
    """The citation records of the scenarios' parameters, the shared assumptions once.

    A posture scenario ``extends: baseline``, so its sweep cites the baseline's assumptions again
    under its own name: a record whose parameters and source text are the first scenario's (the
    baseline's) is kept once, under the first scenario; each scenario's own assumptions (its
    posture's timing) stay under its own file.  Records of another shape are all kept."""

    def key(rec: dict[str, Any]) -> tuple[str, str]:
        head, sep, text = str(rec.get("citation", "")).partition(": ")
        names = head.partition(", ")[2] if sep else ""
        return (names, text) if names else (str(rec["source_id"]), "")

    if not runs:
        return []
    shared = {key(rec) for rec in runs[0].extra_sources}
    out = list(runs[0].extra_sources)
    for r in runs[1:]:
        out += [rec for rec in r.extra_sources if key(rec) not in shared]
    return out
