"""`strata network` commands: thin wrappers over :mod:`computestrata.network.api`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.network.api import NetworkResult

app = typer.Typer(no_args_is_help=True)

CaseOpt = Annotated[str, typer.Option("--case", help="Case id (edwc, korea, sea) or a case YAML file.")]
HoursOpt = Annotated[
    int, typer.Option("--hours", help="Periods: 1-24 (one average day) or a multiple of 24 up to 8760.")
]
PriceOpt = Annotated[
    float | None, typer.Option("--carbon-price", help="Carbon price in USD per tonne CO2 (default: the case's).")
]
BuildOpt = Annotated[
    bool | None,
    typer.Option("--build/--no-build", help="Allow integer capacity modules (MILP). Default: the case's setting."),
]


def _open(atlas: Any, lang: str | None) -> Atlas:
    from computestrata.cli_common import open_atlas
    from computestrata.i18n import set_lang

    if lang:
        set_lang(lang)
    return open_atlas(atlas)


def _cols(rows: list[dict[str, Any]], cols: list[str]) -> list[dict[str, Any]]:
    from computestrata.i18n import t

    return [{t(f"network.col.{c}"): r.get(c) for c in cols} for r in rows]


def _emit_table(title: str, rows: list[dict[str, Any]], cols: list[str], notes: list[str] | None = None) -> None:
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t

    emit(
        Output(
            title=title,
            rows=_cols(rows, cols),
            columns=[t(f"network.col.{c}") for c in cols],
            raw_headers=True,
            notes=notes or [],
        ),
        False,
    )


def _side(side: str) -> str:
    """A site group in the reader's language (a group a user's case invents stays as written)."""
    from computestrata.i18n import t

    key = f"network.side.{side}"
    text = t(key)
    return side if not side or text == key else text


def _conflict_rows(res: NetworkResult) -> list[dict[str, Any]]:
    from computestrata.i18n import t

    out = []
    for g in res.conflicts:
        fam = str(g["constraint"]).split("_")[0]
        key = f"network.conflict.{fam}"
        ex = "; ".join(", ".join(f"{k}={v}" for k, v in e.items()) for e in g.get("examples", [])[:3])
        out.append({"constraint": g["constraint"], "count": g["count"], "meaning": t(key), "examples": ex})
    return out


def _show(res: NetworkResult, as_json: bool, a: Atlas) -> None:
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t

    title = t("network.title.solve", case=res.case, hours=res.hours, price=f"{res.carbon_price:g}")
    notes = [*res.notes]
    if res.status == "optimal":
        notes.append(t("network.note.shadow"))
    if as_json:
        emit(
            Output(
                title=title,
                rows=res.flows,
                data={"title": title, **res.summary(), "sites": res.sites, "conflicts": res.conflicts},
                source_ids=res.source_ids,
                notes=notes,
            ),
            True,
            a,
        )
        return
    keep = ("status", "objective", "cost_usd", "emissions_t", "served_share")
    head = {t(f"network.col.{k}"): v for k, v in res.summary().items() if k in keep}
    emit(Output(title=title, data=head), False)
    if res.status != "optimal":
        _emit_table(t("network.title.conflicts"), _conflict_rows(res), ["constraint", "count", "meaning", "examples"])
        emit(Output(title=title, source_ids=res.source_ids, notes=notes), False, a)
        return
    cols = [
        "site_id",
        "side",
        "capacity_mw",
        "built_mw",
        "utilisation",
        "shadow_price",
        "grid_ef_t_mwh",
        "renewable_share",
        "emissions_t",
        "name",  # last: a narrow terminal drops it before the numbers
    ]
    _emit_table(t("network.title.sites"), [{**s, "side": _side(str(s["side"]))} for s in res.sites], cols)
    _emit_table(
        t("network.title.flows"), res.flows, ["region", "site_id", "cls", "mwh", "latency_ms", "latency_limit_ms"]
    )
    emit(Output(title=title, source_ids=res.source_ids, notes=notes), False, a)


@app.command("solve")
def solve_cmd(
    case: CaseOpt = "edwc",
    hours: HoursOpt = 24,
    carbon_price: PriceOpt = None,
    build: BuildOpt = None,
    exclude_site: Annotated[
        list[str] | None, typer.Option("--exclude-site", help="Leave a site out (repeatable).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="All demand must be served (no unserved load).")] = False,
    solver: Annotated[str, typer.Option("--solver", help="LP/MILP solver (HiGHS ships with the package).")] = "highs",
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds per solver run (large MILPs can take long).")
    ] = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Least-cost plan: which workloads run where, build, cost, carbon and shadow prices.

    Exit code 1 when the case has no feasible plan (the conflicting constraints are shown).
    """
    from computestrata.network import api

    a = _open(atlas, lang)
    res = api.solve(
        case, hours, carbon_price, build, exclude_site or [], strict, solver, atlas=a, time_limit=time_limit
    )
    _show(res, as_json, a)
    if res.status != "optimal":
        raise typer.Exit(1)


@app.command("compare")
def compare_cmd(
    case: CaseOpt = "edwc",
    hours: HoursOpt = 24,
    carbon_price: PriceOpt = None,
    build: BuildOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The case with and without a carbon price, and with and without its comparison sites
    (EDWC: the western hubs; Korea: regional sites; South-East Asia: neighbouring countries)."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    runs = api.compare(case, hours, carbon_price, build, atlas=a)
    base = runs[0]
    c = api.load_case(case, a)
    rows = []
    for r in runs:
        parts = [t("network.scenario.carbon", price=f"{r.carbon_price:g}")]
        if r.excluded_sites:
            parts.append(t("network.scenario.without", side=t(f"network.side.{c.exclude_side}")))
        rows.append(
            {
                "scenario": "; ".join(parts),
                "excluded_sites": r.excluded_sites,
                **r.summary(),
                "delta_cost_usd": None if r.cost_usd is None or base.cost_usd is None else r.cost_usd - base.cost_usd,
                "delta_emissions_t": None
                if r.emissions_t is None or base.emissions_t is None
                else r.emissions_t - base.emissions_t,
                "sites": r.sites if as_json else None,
            }
        )
    title = t("network.title.compare", case=c.id)
    notes = [t("network.note.compare"), *base.notes]
    notes += [n for r in runs for n in r.notes if n not in notes]  # e.g. a scenario that leaves load unserved
    if as_json:
        emit(Output(title=title, rows=rows, data={"title": title}, source_ids=base.source_ids, notes=notes), True, a)
        return
    cols = ["scenario", "status", "cost_usd", "emissions_t", "served_share", "objective"]
    _emit_table(title, rows, cols)
    emit(Output(title=title, source_ids=base.source_ids, notes=notes), False, a)


@app.command("frontier")
def frontier_cmd(
    case: CaseOpt = "edwc",
    prices: Annotated[str, typer.Option("--prices", help="Comma-separated carbon prices, USD/t.")] = "0,25,50,100,200",
    hours: HoursOpt = 24,
    build: BuildOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Cost and emissions as the carbon price rises."""
    import math

    from computestrata.cli_common import Output, emit
    from computestrata.errors import InputError
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    try:
        ps = [float(p) for p in prices.split(",") if p.strip()]
    except ValueError as exc:
        raise InputError(f"--prices {prices!r} is not a list of numbers", hint="e.g. --prices 0,50,100") from exc
    if not ps or any(not math.isfinite(p) or p < 0 for p in ps):
        raise InputError(f"--prices {prices!r} needs finite numbers >= 0", hint="e.g. --prices 0,50,100")
    rows = api.frontier(case, ps, hours, build, atlas=a)
    c = api.load_case(case, a)
    title = t("network.title.frontier", case=c.id)
    if as_json:
        emit(Output(title=title, rows=rows, data={"title": title}, source_ids=c.source_ids), True, a)
        return
    _emit_table(title, rows, ["carbon_price_usd_per_t", "status", "cost_usd", "emissions_t", "served_share"])
    emit(Output(title=title, source_ids=c.source_ids, notes=[t("network.note.profiles")]), False, a)


@app.command("params")
def params_cmd(case: CaseOpt = "edwc", atlas: AtlasOpt = None, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """Every parameter of a case and where it comes from (source URL, derivation, assumption, atlas)."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    c = api.load_case(case, a)
    rows = [p.record() for p in c.params]
    title = t("network.title.params", case=c.id)
    if as_json:
        emit(Output(title=title, rows=rows, data={"title": title}, source_ids=c.source_ids), True, a)
        return
    _emit_table(title, rows, ["parameter", "value", "unit", "kind", "basis"])
    emit(Output(title=title, source_ids=c.source_ids), False, a)


@app.command("cases")
def cases_cmd(atlas: AtlasOpt = None, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """The shipped cases."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import get_lang, t
    from computestrata.network import api

    a = _open(atlas, lang)
    rows = []
    cited: list[str] = []
    for cid in api.case_ids():
        c = api.load_case(cid, a)
        cited += [s for s in c.source_ids if s not in cited]  # loading a case reads atlas tables: cite them
        rows.append({"case": cid, "name": c.label(get_lang()), "regions": len(c.regions), "sites": len(c.sites)})
    title = t("network.title.cases")
    if as_json:
        emit(Output(title=title, rows=rows, data={"title": title}, source_ids=cited), True, a)
        return
    _emit_table(title, rows, ["case", "name", "regions", "sites"])
