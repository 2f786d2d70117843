"""`strata coop` commands: thin wrappers over :mod:`computestrata.cooperation.api`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.cooperation.config import Rules

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
    from computestrata.cooperation import config
    from computestrata.i18n import set_lang

    set_lang(lang)
    r = config.load(rules)
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
    from computestrata.cooperation import api
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    res = api.pair(at, a, b, _day(date), rules=r)
    title = t("coop.title.pair", a=res.a, b=res.b, date=res.on.isoformat())
    notes = [
        t(
            "coop.note.rule",
            open=r.thresholds.open,
            limited=r.thresholds.limited,
            rules=str(rules) if rules else "cooperation/rules.yaml",
        ),
        t("coop.note.asymmetric", n=len(res.asymmetry), a=res.a, b=res.b)
        if res.asymmetry
        else t("coop.note.symmetric", a=res.a, b=res.b),
        *res.notes,
    ]
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
    rows = []
    for s in res.segments:
        row = s.row()
        rows.append(
            {
                "segment": s.name,
                "layer": s.layer,
                "class": t(f"coop.class.{s.klass}"),
                "score": s.score,
                "kappa_short": row["controllability"],
                "k_short": row["complementarity"],
                "posture": t(f"coop.posture.{s.posture['name']}"),
                "driver": s.headline(),
            }
        )
    cols = ["segment", "layer", "class", "score", "kappa_short", "k_short", "posture", "driver"]
    _emit(title, rows, cols, False, at, notes=[t("coop.note.columns")])
    if show_drivers:
        full = [
            {"segment": s.segment_id, "dimension": d["dimension"], "why": d["text"], "cite": "; ".join(d["cite"])}
            for s in res.segments
            for d in s.drivers
        ]
        _emit(
            t("coop.title.drivers", a=res.a, b=res.b, date=res.on.isoformat()),
            full,
            ["segment", "dimension", "why", "cite"],
            False,
            at,
        )
    summ = []
    for layer, block in res.summary.items():
        line: dict[str, Any] = {t("col.layer"): layer, t("col.segments"): block["segments"]}
        for c in ("restricted", "limited", "open"):
            line[t(f"coop.class.{c}")] = block["share_of_segments"][c]
            line[t(f"coop.class.{c}") + " $"] = block["share_of_value"][c]
        summ.append(line)
    emit(Output(title=t("coop.title.summary"), rows=summ, raw_headers=True), False, atlas=at)
    if res.asymmetry:
        asym = [{"segment": x["segment_id"], "why": "; ".join(x["why"])} for x in res.asymmetry]
        _emit(t("coop.title.asymmetry"), asym, ["segment", "why"], False, at)
    mech = [
        {
            "mechanism": m["name"],
            "supported": t("coop.word.yes") if m["supported"] else t("coop.word.no"),
            "opening": m["opening"],
            "segments": _few([_seg_class(x) for x in m["segments"]]),
            "evidence": " | ".join(m["evidence"]),
        }
        for m in res.mechanisms
    ]
    _emit(
        t("coop.title.mechanisms"),
        mech,
        ["mechanism", "supported", "opening", "segments", *(["evidence"] if show_drivers else [])],
        False,
        at,
        source_ids=res.source_ids,
        notes=notes,
        extra_sources=res.extra_sources,
    )


def _seg_class(item: str) -> str:
    """``"dram (open)"`` with the class in the reader's language."""
    from computestrata.i18n import t

    seg, _, klass = item.partition(" (")
    klass = klass.rstrip(")")
    return f"{seg} ({t(f'coop.class.{klass}')})" if klass in ("restricted", "limited", "open") else item


def _few(items: list[str], n: int = 4) -> str:
    """The first ``n`` items and how many more (a table cell; the full list is in --json)."""
    more = f" +{len(items) - n}" if len(items) > n else ""
    return ", ".join(items[:n]) + more


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
    from computestrata.cooperation import api
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
            rows=res.rows if as_json else [_third_row(x) for x in res.rows],
            columns=cols,
            data=data if as_json else None,
            source_ids=res.source_ids,
            notes=res.notes,
        ),
        as_json,
        atlas=at,
    )


def _third_row(row: dict[str, Any]) -> dict[str, Any]:
    """A third-market row for the table, in the reader's language (JSON keeps the codes)."""
    from computestrata.cooperation.api import _status
    from computestrata.i18n import catalog, t

    out = dict(row)
    if row.get("controls"):
        parts = []
        for part in str(row["controls"]).split(", "):
            flow, _, code = part.rpartition(" ")
            parts.append(f"{flow} {_status(code)}" if flow else part)
        out["controls"] = ", ".join(parts)
    group = row.get("income_group")
    key = "coop.income." + str(group).lower().replace(" ", "_")
    if group and key in catalog():
        out["income_group"] = t(key)
    return out


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
    from computestrata.cooperation import api
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    ca, cb = api.check_pair(at, a, b)
    rows, dates, sources = api.timeline(at, ca, cb, start, end, rules=r, changes_only=not show_all)
    title = t("coop.title.timeline", a=ca, b=cb, start=start, end=end)
    if not as_json:
        rows = [
            {
                **x,
                "class": t(f"coop.class.{x['class']}"),
                "previous": t(f"coop.class.{x['previous']}") if x["previous"] else None,
            }
            for x in rows
        ]
    data = {"title": title, "a": ca, "b": cb, "dates": [d.isoformat() for d in dates]}
    notes = [f"dates evaluated: 1 January of each year and every rule change date ({len(dates)} dates)"]
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
    from computestrata.cooperation import api
    from computestrata.i18n import t

    at, r = _start(lang, atlas, exclude_license, rules)
    wanted = [c.strip() for c in countries.split(",") if c.strip()] if countries else None
    res = api.matrix(at, _day(date), wanted, rules=r)
    title = t("coop.title.matrix", date=res.on.isoformat())
    notes = list(res.notes)
    if parquet is not None:
        api.write_parquet(res.frame, parquet)
        notes.append(t("coop.note.parquet", n=len(res.frame), path=str(parquet)))
    rows = res.frame.to_dict(orient="records")
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
    shown = 20 if parquet is not None else 60
    if not as_json and len(rows) > shown:
        rows = rows[:shown]
        where = "the Parquet file" if parquet is not None else "--json or --parquet FILE"
        notes.append(f"first {shown} of {len(res.frame)} rows shown; all are in {where}")
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
