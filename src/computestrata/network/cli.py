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


def _show(res: NetworkResult, as_json: bool, a: Atlas) -> None:
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

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
        _emit_table(
            t("network.title.conflicts"), api.conflict_rows(res), ["constraint", "count", "meaning", "examples"]
        )
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
    _emit_table(t("network.title.sites"), api.site_rows(res), cols)
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
    cmp = api.comparison(case, hours, carbon_price, build, atlas=a, with_sites=as_json)
    title = t("network.title.compare", case=cmp.case)
    if as_json:
        emit(
            Output(title=title, rows=cmp.rows, data={"title": title}, source_ids=cmp.source_ids, notes=cmp.notes),
            True,
            a,
        )
        return
    cols = ["scenario", "status", "cost_usd", "emissions_t", "served_share", "objective"]
    _emit_table(title, cmp.rows, cols)
    emit(Output(title=title, source_ids=cmp.source_ids, notes=cmp.notes), False, a)


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
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    fr = api.frontier_table(case, api.parse_prices(prices), hours, build, atlas=a)
    title = t("network.title.frontier", case=fr.case)
    if as_json:
        out = Output(title=title, rows=fr.rows, data={"title": title}, source_ids=fr.source_ids, notes=fr.notes)
        emit(out, True, a)
        return
    _emit_table(title, fr.rows, ["carbon_price_usd_per_t", "status", "cost_usd", "emissions_t", "served_share"])
    emit(Output(title=title, source_ids=fr.source_ids, notes=fr.notes), False, a)


@app.command("params")
def params_cmd(case: CaseOpt = "edwc", atlas: AtlasOpt = None, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """Every parameter of a case and where it comes from (source URL, derivation, assumption, atlas)."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    par = api.parameter_table(case, a)
    title = t("network.title.params", case=par.case)
    if as_json:
        emit(Output(title=title, rows=par.rows, data={"title": title}, source_ids=par.source_ids), True, a)
        return
    _emit_table(title, par.rows, ["parameter", "value", "unit", "kind", "basis"])
    emit(Output(title=title, source_ids=par.source_ids), False, a)


@app.command("cases")
def cases_cmd(atlas: AtlasOpt = None, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """The shipped cases."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.network import api

    a = _open(atlas, lang)
    cases = api.case_table(a)
    title = t("network.title.cases")
    if as_json:
        emit(Output(title=title, rows=cases.rows, data={"title": title}, source_ids=cases.source_ids), True, a)
        return
    _emit_table(title, cases.rows, ["case", "name", "regions", "sites"])
