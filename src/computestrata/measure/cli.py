"""`strata measure` commands: national compute, Table 1, concentration, stratification, core–periphery.

Thin wrappers: parse options, call the measure API (the same functions the report and the
dashboard call), emit.  Heavy libraries are imported inside the commands so `strata --help`
stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt, Output, emit, open_atlas
from computestrata.measure.api import DEFAULT_DRAWS, DEFAULT_SEED

app = typer.Typer(no_args_is_help=True)

DrawsOpt = Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (fixed default: reproducible).")]


@app.command("compute")
def compute_cmd(
    kind: Annotated[
        str,
        typer.Option("--kind", help="super or intelligent (basic: not estimable from open data; exits 2 saying why)."),
    ] = "super",
    year: Annotated[int, typer.Option("--year", help="Year (end-of-year stock; TOP500 November list).")] = 2024,
    top: Annotated[int, typer.Option("--top", help="Countries shown in the table (JSON has all).")] = 15,
    all_clusters: Annotated[
        bool,
        typer.Option("--all-clusters", help="Use every Epoch cluster record, not only Epoch's standard-analysis set."),
    ] = False,
    allow_thin: Annotated[
        bool,
        typer.Option(
            "--allow-thin",
            help="Show intelligent-compute years that fail the data-sufficiency rule (fewer than 10 clusters"
            " or 3 countries), headed by a warning, instead of refusing them.",
        ),
    ] = False,
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: SeedOpt = DEFAULT_SEED,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """National compute by country for one year as p5/median/p95, with method and sources."""
    from computestrata.i18n import set_lang
    from computestrata.measure import api

    set_lang(lang)
    api.at_least("--top", top, 1, 15)
    a = open_atlas(atlas, exclude_license)
    res = api.national_compute(
        a, kind, year, draws=draws, seed=seed, standard_only=not all_clusters, allow_thin=allow_thin
    )
    out = Output(title=res.title, source_ids=res.source_ids, notes=res.notes)
    if as_json:
        out.rows, out.data = res.rows, res.data
    else:
        out.rows, out.columns = api.display_table(res.rows[:top], res.columns)
        out.raw_headers = True  # already translated
    emit(out, as_json, a)


@app.command("table1")
def table1_cmd(
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: SeedOpt = DEFAULT_SEED,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The paper's Table 1 (CAICT shares) beside our open estimates, US and China, 2020–2024."""
    from computestrata.i18n import set_lang
    from computestrata.measure import api

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    tab = api.build_table1(a, draws=draws, seed=seed)
    if as_json:
        out = Output(
            title=tab.title,
            rows=tab.shown_rows(),
            columns=list(api.TABLE1_COLUMNS),
            data={"methods": tab.methods},
            source_ids=tab.source_ids,
            notes=tab.shown_notes(),
        )
    else:
        wide, headers, refs = tab.shown_layout()
        out = Output(
            title=tab.title,
            rows=wide,
            columns=headers or None,
            raw_headers=True,
            source_ids=tab.source_ids,
            notes=refs + tab.shown_notes(),
        )
    emit(out, as_json, a)


@app.command("concentration")
def concentration_cmd(
    dataset: Annotated[str, typer.Option("--dataset", help="top500, clusters or chips.")] = "top500",
    tier: Annotated[str, typer.Option("--tier", help="frontier, rest or all.")] = "frontier",
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Year (TOP500: its November list, else its latest list; default: the latest list held)."
        ),
    ] = None,
    list_id: Annotated[
        str | None, typer.Option("--list", help="TOP500 list (YYYY-MM) or chip-stock quarter (YYYY-MM).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Items in the frontier tier (top500, clusters).")] = 10,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """HHI, CR-k, Gini, Theil (between/within countries) of one tier of one dataset and period."""
    from computestrata.i18n import set_lang
    from computestrata.measure import api

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    res = api.concentration_for(a, dataset, tier, year=year, list_id=list_id, top=top, with_lorenz=as_json)
    data = (
        res.metrics if as_json else api.display_fields(res.metrics, {"tier": api.tier_label, "top_units": _units_text})
    )
    emit(Output(title=res.title, data=data, source_ids=res.source_ids, notes=res.notes), as_json, a)


def _units_text(units: list[list[Any]]) -> str:
    """``[[unit, share], …]`` as ``USA 0.71, ITA 0.10`` (shares as fractions, like CR-k)."""
    from computestrata.i18n import fmt_number

    return ", ".join(f"{u} {fmt_number(float(s), 2)}" for u, s in units)


@app.command("stratification")
def stratification_cmd(
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", help="Dataset(s) to test (repeatable; default: all three).")
    ] = None,
    since: Annotated[
        int, typer.Option("--since", help="First year of the series (must overlap the years with data).")
    ] = 2015,
    until: Annotated[int | None, typer.Option("--until", help="Last year of the series (≥ --since).")] = None,
    top: Annotated[int, typer.Option("--top", help="Items in the frontier tier (top500, clusters).")] = 10,
    without: Annotated[
        list[str] | None,
        typer.Option(
            "--without",
            help="Drop a unit before tiering (repeatable): a country (CHN, China, 中国, 중국) or a chip vendor"
            " (NVIDIA). Robustness check; an unknown name is an error.",
        ),
    ] = None,
    robust: Annotated[
        bool, typer.Option("--robust/--no-robust", help="Also test other tier definitions and without China.")
    ] = True,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Frontier vs rest concentration over time, and whether 'frontier concentrates' holds in the data.

    TOP500 series use only the November list of each year.  Each trend is judged on the 95 %
    interval of its least-squares slope: up, down, or no clear trend when it spans 0.
    """
    from computestrata.i18n import set_lang
    from computestrata.measure import api

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    res = api.analyse_stratification(
        a, dataset, since=since, until=until, top=top, without=without or (), robust=robust
    )
    data = {"verdicts": [v.to_dict() for v in res.verdicts], "robustness": res.robustness}
    rows, columns = (
        (res.rows, api.STRATIFICATION_COLUMNS)
        if as_json
        else api.display_table(res.rows, api.STRATIFICATION_COLUMNS, {"tier": api.tier_label})
    )
    out = Output(
        title=res.title,
        rows=rows,
        columns=columns,
        raw_headers=not as_json,
        data=data if as_json else None,
        source_ids=sorted(res.source_ids),
        notes=res.notes,
    )
    emit(out, as_json, a)


@app.command("coreperiphery")
def coreperiphery_cmd(
    by: Annotated[str, typer.Option("--by", help="Segments: input (each CSET input) or type.")] = "input",
    top: Annotated[int, typer.Option("--top", help="Countries shown.")] = 20,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Borgatti–Everett core–periphery of the country × supply-chain-segment network (CSET)."""
    from computestrata.i18n import set_lang
    from computestrata.measure import api

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    res = api.analyse_core_periphery(a, by=by, top=top)
    rows, columns = (
        (res.rows, api.CP_COLUMNS)
        if as_json
        else api.display_table(res.rows, api.CP_COLUMNS, codes={"role": api.role_label})
    )
    out = Output(
        title=res.title,
        rows=rows,
        columns=columns,
        raw_headers=not as_json,
        data=res.data if as_json else None,
        source_ids=res.source_ids,
        notes=res.notes,
    )
    emit(out, as_json, a)
