"""`strata trends [KIND]` — the four structural trends, side by side or one at a time.

Parses options, calls :mod:`computestrata.trends.api`, prints.  No domain logic here; heavy
imports happen inside the command so `strata --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

KindArg = Annotated[
    str | None,
    typer.Argument(
        help="stratification, regionalisation, fragmentation or institutions (omit: all four side by side).",
        show_default=False,
    ),
]
FromOpt = Annotated[int | None, typer.Option("--from", help="First year (default: each trend's own start).")]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year (default: the latest with data).")]
BlocsOpt = Annotated[
    Path | None, typer.Option("--blocs", help="Your own bloc file (YAML, format as trends/data/blocs.yaml).")
]
InstrumentsOpt = Annotated[
    Path | None,
    typer.Option("--instruments", help="Your own instrument coding (YAML, format as trends/data/instruments.yaml)."),
]
RobustOpt = Annotated[bool, typer.Option("--robust/--no-robust", help="Also run the robustness variants.")]
SeriesOpt = Annotated[bool, typer.Option("--series", help="Also print the yearly series behind the indicators.")]


def _fmt(x: float | None) -> str | None:
    if x is None or x != x:
        return None
    return f"{x:+.4f}" if abs(x) < 10 else f"{x:+,.0f}"


def _interval(lo: float | None, hi: float | None) -> str:
    """``[lo,hi]`` without a space: a cell with spaces counts as prose for the table layout,
    which leaves prose out first when the terminal is narrow — and the interval is the
    number the verdict rests on."""
    a, b = _fmt(lo), _fmt(hi)
    return f"[{a},{b}]" if a is not None and b is not None else "—"


def _direction(code: str) -> str:
    from computestrata.i18n import t

    return t(f"trends.direction.{code}")


def trends_cmd(
    kind: KindArg = None,
    start: FromOpt = None,
    end: ToOpt = None,
    blocs: BlocsOpt = None,
    instruments: InstrumentsOpt = None,
    robust: RobustOpt = True,
    series: SeriesOpt = False,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The paper's four structural trends as measured indicators, each with a verdict
    (holds / partly / does not hold / no clear trend), the interval behind it, robustness
    variants and sources."""
    from computestrata.cli_common import open_atlas
    from computestrata.i18n import set_lang
    from computestrata.trends import api

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    if kind is None:
        results = api.trends(a, start, end, blocs=blocs, instruments=instruments, robust=robust)
        _print_all(a, results, as_json)
    else:
        res = api.trend(a, kind, start, end, blocs=blocs, instruments=instruments, robust=robust)
        _print_one(a, res, as_json, series)


def _sources(a: Any, results: list[Any]) -> list[dict[str, Any]]:
    from computestrata.trends.api import cited_sources

    return cited_sources(a, results)


def _print_all(a: Any, results: list[Any], as_json: bool) -> None:
    from computestrata.cli_common import Output, emit, to_json
    from computestrata.i18n import t
    from computestrata.trends.api import outcome_label, robustness_agreement

    if as_json:
        typer.echo(
            to_json(
                {
                    "title": t("trends.title.all"),
                    "trends": [r.to_dict() for r in results],
                    "sources": _sources(a, results),
                    "notes": [t("trends.note.rule")],
                }
            )
        )
        return
    rows = []
    for r in results:
        h = r.headline
        same, variants = robustness_agreement(r)
        rows.append(
            {
                "trend_kind": t(f"trends.kind.{r.kind}"),
                "trend_verdict": outcome_label(r.outcome),
                "trend_indicator": h.label if h else "—",
                "trend_estimate": _fmt(h.estimate) if h else None,
                "trend_interval": _interval(h.lo, h.hi) if h else "—",
                "trend_robustness": f"{same}/{variants}" if variants else "—",
            }
        )
    emit(
        Output(
            title=t("trends.title.all"),
            rows=rows,
            columns=[
                "trend_kind",
                "trend_verdict",
                "trend_indicator",
                "trend_estimate",
                "trend_interval",
                "trend_robustness",
            ],
            notes=[*(f"{t(f'trends.kind.{r.kind}')}: {r.verdict_text}" for r in results), t("trends.note.rule")],
            extra_sources=_sources(a, results),
        ),
        False,
    )


def _print_one(a: Any, res: Any, as_json: bool, series: bool) -> None:
    from computestrata.cli_common import Output, emit, to_json
    from computestrata.i18n import t
    from computestrata.trends.api import outcome_label

    title = t(f"trends.title.{res.kind}")
    if as_json:
        typer.echo(to_json({"title": title, **res.to_dict(), "sources": _sources(a, [res])}))
        return
    rows = [
        {
            "trend_indicator": i.label,
            "trend_estimate": _fmt(i.estimate),
            "trend_interval": _interval(i.lo, i.hi),
            "trend_unit": i.unit,
            "trend_direction": _direction(i.direction),
            "trend_years": i.years,
            "trend_n": i.n,
            "trend_detail": i.note,
        }
        for i in res.indicators
    ]
    notes = [res.verdict_text]
    notes += [f"{i.label}: {i.method}" for i in res.indicators if i.method]
    notes += res.notes
    emit(
        Output(
            title=title,
            rows=rows,
            columns=[
                "trend_indicator",
                "trend_estimate",
                "trend_interval",
                "trend_unit",
                "trend_direction",
                "trend_years",
                "trend_n",
                "trend_detail",
            ],
            notes=[],
        ),
        False,
    )
    if res.robustness:
        emit(
            Output(
                title=t("trends.title.robustness"),
                rows=[
                    {"trend_variant": r["variant"], "trend_verdict": outcome_label(r["outcome"])}
                    for r in res.robustness
                ],
                columns=["trend_variant", "trend_verdict"],
            ),
            False,
        )
    if series:
        from computestrata.trends.api import series_groups

        for name, rows_ in series_groups(res).items():
            cols = [c for c in rows_[0] if c != "series"]
            emit(Output(title=f"{title} — {name}", rows=rows_, columns=cols, raw_headers=True), False)
    emit(Output(title=title, notes=notes, extra_sources=_sources(a, [res])), False)
