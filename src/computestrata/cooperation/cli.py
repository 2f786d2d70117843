"""`strata coop` commands: parse, call :mod:`computestrata.cooperation.api`, print.

The figures come from the API; the rows and notes people read come from
:mod:`computestrata.cooperation.display` (the same ones the dashboard and the report show).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.api import Atlas
    from computestrata.cooperation.api import Rules

app = typer.Typer(no_args_is_help=True)

RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", metavar="FILE", help="Combination rule (weights, thresholds) YAML; default: the shipped one."
    ),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Date YYYY-MM-DD (default: today, or the newest date the rules cover).")
]
#: the pair every pairwise command takes (pair, third-markets, timeline)
CountryA = Annotated[str, typer.Argument(help="Country A (ISO3 or name, e.g. KOR, 한국).")]
CountryB = Annotated[str, typer.Argument(help="Country B (ISO3 or name, e.g. CHN, 中国).")]


def _start(
    lang: str | None, atlas: Path | None, exclude_license: list[str] | None, rules: Path | None
) -> tuple[Atlas, Rules]:
    from computestrata.cli_common import open_atlas
    from computestrata.cooperation import api
    from computestrata.i18n import set_lang

    set_lang(lang)
    r = api.load_rules(rules)
    return open_atlas(atlas, exclude_license), r


def _day(text: str | None) -> str:
    """The date given, else today (or the newest date the rules cover, when today is later)."""
    from computestrata.cooperation.api import default_date

    # an empty --date is a mistake to report, not a request for the default
    return default_date().isoformat() if text is None else text


def _emit(title: str, rows: list[dict[str, Any]], cols: list[str], as_json: bool, a: Atlas, **kw: Any) -> None:
    from computestrata.cli_common import Output, emit

    emit(Output(title=title, rows=rows, columns=cols, **kw), as_json, atlas=a)


@app.command("pair")
def pair_cmd(
    a: CountryA,
    b: CountryB,
    date: DateOpt = None,
    rules: RulesOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    show_drivers: Annotated[
        bool, typer.Option("--drivers", help="Also print every driver of every segment, with figures and sources.")
    ] = False,
) -> None:
    """Where cooperation between A and B is open, limited or restricted on a date, per stack segment, and why."""
    from computestrata.cli_common import Output, emit
    from computestrata.cooperation import api, display
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    res = api.pair(at, a, b, _day(date), rules=r)
    title = t("coop.title.pair", a=res.a, b=res.b, date=res.on.isoformat())
    notes = display.pair_notes(res, r, rules)
    if as_json:
        data = {"title": title, **res.to_dict(), "rules_file": str(rules) if rules else None}
        emit(
            Output(
                title=title,
                rows=[s.row() for s in res.segments],
                data=data,
                source_ids=res.source_ids,
                notes=notes,
                extra_sources=res.extra_sources,
            ),
            True,
            atlas=at,
        )
        return
    _emit(title, display.pair_rows(res), list(display.PAIR_COLUMNS), False, at, notes=[t("coop.note.columns")])
    if show_drivers:
        _emit(
            t("coop.title.drivers", a=res.a, b=res.b, date=res.on.isoformat()),
            display.driver_rows(res),
            ["segment", "dimension", "why", "cite"],
            False,
            at,
        )
    emit(Output(title=t("coop.title.summary"), rows=display.summary_rows(res), raw_headers=True), False, atlas=at)
    if res.asymmetry:
        _emit(t("coop.title.asymmetry"), display.asymmetry_rows(res), ["segment", "why"], False, at)
    _emit(
        t("coop.title.mechanisms"),
        display.mechanism_rows(res),
        ["mechanism", "supported", "opening", "segments", *(["evidence"] if show_drivers else [])],
        False,
        at,
        source_ids=res.source_ids,
        notes=notes,
        extra_sources=res.extra_sources,
    )


@app.command("third-markets")
def third_cmd(
    a: CountryA,
    b: CountryB,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="UN region/subregion, World Bank region, or southeast-asia, central-asia, bri-asia."
        ),
    ] = None,
    date: DateOpt = None,
    top: Annotated[int | None, typer.Option("--top", help="Show only the best N.")] = None,
    rules: RulesOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Rank third countries where A and B complement each other, with the ranking rule shown."""
    from computestrata.cooperation import api, display
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    res = api.third_markets(at, a, b, _day(date), region=region, top=top, rules=r)
    title = t("coop.title.third", a=res.a, b=res.b, date=res.on.isoformat())
    cols = [
        "rank",
        "country",
        "income_group",
        "score",
        "market",
        "compute_gap",
        "green",
        "access",
        "complement",
        "grid_gco2_kwh",
        "controls",
        "offers_a",
        "offers_b",
    ]
    from computestrata.cli_common import Output, emit

    data = {"title": title, "a": res.a, "b": res.b, "date": res.on.isoformat(), "region": res.region, "rule": res.rule}
    emit(
        Output(
            title=title,
            rows=res.rows if as_json else [display.third_row(x) for x in res.rows],
            columns=cols,
            data=data if as_json else None,
            source_ids=res.source_ids,
            notes=res.notes,
        ),
        as_json,
        atlas=at,
    )


@app.command("timeline")
def timeline_cmd(
    a: CountryA,
    b: CountryB,
    start: Annotated[int, typer.Option("--from", help="First year (2018 or later).")] = 2022,
    end: Annotated[int, typer.Option("--to", help="Last year.")] = 2026,
    show_all: Annotated[bool, typer.Option("--all", help="Every segment on every date, not only changes.")] = False,
    rules: RulesOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """How the classes change as rules take effect (HBM 2024, the 2026 case-by-case policy …)."""
    from computestrata.cli_common import Output, emit
    from computestrata.cooperation import api, display
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    ca, cb = api.check_pair(at, a, b)
    rows, dates, sources = api.timeline(at, ca, cb, start, end, rules=r, changes_only=not show_all)
    title = t("coop.title.timeline", a=ca, b=cb, start=start, end=end)
    if not as_json:
        rows = display.timeline_rows(rows)
    data = {"title": title, "a": ca, "b": cb, "dates": [d.isoformat() for d in dates]}
    notes = display.timeline_notes(dates)
    emit(
        Output(
            title=title,
            rows=rows,
            columns=["date", "segment", "layer", "previous", "class", "controls_status", "score"],
            data=data if as_json else None,
            source_ids=sources,
            notes=notes,
        ),
        as_json,
        atlas=at,
    )


@app.command("matrix")
def matrix_cmd(
    date: DateOpt = None,
    countries: Annotated[
        str | None, typer.Option("--countries", help="Comma-separated countries (default: all with data).")
    ] = None,
    parquet: Annotated[
        Path | None, typer.Option("--parquet", metavar="FILE", help="Write every pair to a Parquet file.")
    ] = None,
    rules: RulesOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Every ordered pair of countries on one date: shares of segments and value per class."""
    from computestrata.cli_common import Output, emit
    from computestrata.cooperation import api, display
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    wanted = api.country_list(countries)
    res = api.matrix(at, _day(date), wanted, rules=r)
    title = t("coop.title.matrix", date=res.on.isoformat())
    notes = list(res.notes)
    if parquet is not None:
        api.write_parquet(res.frame, parquet)
        notes.append(t("coop.note.parquet", n=len(res.frame), path=str(parquet)))
    shown = None if as_json else 20 if parquet is not None else 60
    rows, cut = display.matrix_rows(res, shown, parquet)
    notes += cut
    cols = [
        "a",
        "b",
        "n_restricted",
        "n_limited",
        "n_open",
        "value_share_restricted",
        "value_share_open",
        "mean_score",
        "asymmetric_controls",
    ]
    data = {
        "title": title,
        "date": res.on.isoformat(),
        "countries": res.countries,
        "destination_groups": res.destination_groups,
    }
    emit(
        Output(
            title=title, rows=rows, columns=cols, data=data if as_json else None, source_ids=res.source_ids, notes=notes
        ),
        as_json,
        atlas=at,
    )
