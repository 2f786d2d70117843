"""`strata index` commands: thin wrappers over :mod:`computestrata.measure.index.api`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.measure.index.api import IndexTable

app = typer.Typer(no_args_is_help=True)

FrameworkOpt = Annotated[
    str, typer.Option("--framework", "-f", help="Shipped framework (gci, caict5, fiveforce) or a YAML file.")
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        "-y",
        help="Year of the data to index (default: the latest valid year, stated in the output). A valid year has "
        "its own data, not carried forward, for the share of indicators and pillars the framework's screening needs.",
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        help="Your own data instead of the atlas: .csv, .xlsx or .parquet, wide (a row per unit, a column per "
        "indicator, optional year/group columns) or long (unit, year, indicator, value[, source]).",
    ),
]
NOpt = Annotated[
    int | None,
    typer.Option(
        "--n",
        help="Replications (uncertainty) or base samples N (sensitivity): a power of two, at least 8 "
        "(others are rounded up); default: the framework's uncertainty.n.",
    ),
]


def _show(
    function: str,
    as_json: bool,
    lang: str | None,
    atlas: Path | None = None,
    exclude_license: list[str] | None = None,
    *,
    uses_atlas: bool = True,
    **kwargs: Any,
) -> None:
    """The one path of every command: language → atlas → ``api.<function>`` → table or JSON."""
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.i18n import set_lang
    from computestrata.measure.index import api

    if lang:
        set_lang(lang)
    at = open_atlas(atlas, exclude_license) if uses_atlas else None
    if at is not None:
        kwargs["atlas"] = at
    compute: Callable[..., IndexTable] = getattr(api, function)
    out = compute(**kwargs)
    if as_json:  # ids and numbers as they are
        shown = Output(
            out.title,
            out.rows,
            out.columns,
            out.data or None,
            out.source_ids,
            out.notes,
            extra_sources=out.extra_sources,
        )
        emit(shown, True, atlas=at, lang=lang)
        return
    # a table: translated headers and names; sources and notes once, after every part
    for part in [out, *out.parts]:
        emit(_table(part, with_data=part is out), False, lang=lang)
    emit(
        Output(title="", source_ids=out.source_ids, notes=out.notes, extra_sources=out.extra_sources),
        False,
        atlas=at,
        lang=lang,
    )


def _number(value: Any) -> Any:
    """A float (numpy or not) as display text, so a table whose headers are shown as given
    (``raw_headers``) still rounds its numbers: 2 digits, 4 below 0.01, none from 1,000."""
    import math
    import numbers

    from computestrata.i18n import fmt_number

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or isinstance(value, numbers.Integral):
        return value
    v = float(value)
    if math.isnan(v):
        return None
    return fmt_number(v, 0 if abs(v) >= 1000 else 2 if abs(v) >= 0.01 or v == 0 else 4)


def _table(out: IndexTable, with_data: bool) -> Any:
    """``out`` as a table for people: headers and id cells in the current language."""
    from collections.abc import Mapping

    from computestrata.cli_common import Output
    from computestrata.measure.index.api import label

    def head(key: str) -> str:
        return out.labels.get(key) or label(key)

    def cell(key: str, value: Any) -> Any:
        names = out.cells.get(key, {})
        if isinstance(value, list | tuple):
            return ", ".join(str(names.get(str(v), v)) for v in value) if names else value
        if isinstance(value, Mapping):  # e.g. {factor: options}: one readable line
            return ", ".join(f"{names.get(str(k), k)} ({v})" for k, v in value.items())
        return names.get(str(value), value) if names and value is not None else value

    cols = list(out.columns or (out.rows[0].keys() if out.rows else []))
    rows = [{head(c): _number(cell(c, r.get(c))) for c in cols} for r in out.rows]
    skip = {p for p in ("profile", "drop_one") if out.parts}
    data = {head(k): _number(cell(k, v)) for k, v in out.data.items() if k not in skip} if with_data else {}
    return Output(title=out.title, rows=rows, columns=[head(c) for c in cols], data=data or None, raw_headers=True)


@app.command("frameworks")
def frameworks_cmd(
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="Show one framework's indicators in detail.")
    ] = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List the shipped frameworks and their pillars, or one framework's indicators."""
    licences = None
    if exclude_license:  # accepted like every command; checked, but a listing reads no data
        from computestrata.cli_common import open_atlas

        licences = list(open_atlas(None, exclude_license).exclude_licenses)
    _show("list_frameworks", as_json, lang, uses_atlas=False, framework=framework, excluded_licenses=licences)


@app.command("build")
def build_cmd(
    framework: FrameworkOpt,
    year: YearOpt = None,
    level: Annotated[
        int, typer.Option("--level", help="Also show scores of this level: 1 = indicators, 2 = pillars.")
    ] = 2,
    data: DataOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also write the pictures here (HTML; PNG and SVG with Chromium).")
    ] = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Build an index for one year: scores and ranks at every level, with sources."""
    _show(
        "build_index",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        year=year,
        level=level,
        detail=as_json,
        plot_dir=plot,
    )


@app.command("uncertainty")
def uncertainty_cmd(
    framework: FrameworkOpt,
    year: YearOpt = None,
    n: NOpt = None,
    samples_out: Annotated[
        Path | None,
        typer.Option("--samples-out", help="Write the sample (factor levels, rank shift, ranks) to this CSV."),
    ] = None,
    samples_in: Annotated[
        Path | None,
        typer.Option("--samples-in", help="Run this sample (a CSV from --samples-out) instead of drawing one."),
    ] = None,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Monte Carlo over the framework's uncertain choices: rank intervals per unit."""
    _show(
        "uncertainty_table",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        year=year,
        n=n,
        samples_out=samples_out,
        samples_in=samples_in,
    )


@app.command("sensitivity")
def sensitivity_cmd(
    framework: FrameworkOpt,
    year: YearOpt = None,
    n: NOpt = None,
    target: Annotated[
        str,
        typer.Option(
            "--target",
            help="What to decompose: mean_shift (COINr's), rank:UNIT, score:UNIT or gap:UNIT-UNIT (score gap).",
        ),
    ] = "mean_shift",
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Sobol first-order and total indices of the mean rank shift (and per unit in JSON)."""
    _show(
        "sensitivity_table",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        year=year,
        n=n,
        detail=as_json,
        target=target,
    )


@app.command("analyse")
def analyse_cmd(
    framework: FrameworkOpt,
    year: YearOpt = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Strengths and weaknesses of one unit.")] = None,
    drop_one: Annotated[
        bool, typer.Option("--drop-one", help="Rank shift when each indicator or aggregate is dropped.")
    ] = False,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Structure of the index: Cronbach's alpha, PCA, correlations; optional unit profile."""
    _show(
        "analyse_unit",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        year=year,
        unit=unit,
        drop_one=drop_one,
        detail=as_json,
    )


@app.command("compare")
def compare_cmd(
    framework: FrameworkOpt,
    other: Annotated[
        list[str],
        typer.Option("--other", help="Another version: framework name or YAML (repeat to compare more than two)."),
    ],
    year: YearOpt = None,
    other_year: Annotated[
        int | None, typer.Option("--other-year", help="Year of the second version (default: --year).")
    ] = None,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare index versions (configs or years): rank change of every common unit."""
    if len(other) > 1:
        if other_year is not None:
            from computestrata.errors import InputError

            raise InputError("--other-year works with one --other", hint="compare several versions in one year")
        _show(
            "compare_many",
            as_json,
            lang,
            atlas,
            exclude_license,
            uses_atlas=data is None,
            data=data,
            frameworks=[framework, *other],
            year=year,
        )
        return
    _show(
        "compare_versions",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        other=other[0],
        year=year,
        other_year=other_year,
    )


@app.command("init")
def init_cmd(
    data: Annotated[Path, typer.Option("--data", "-d", help="A data file (.csv, .xlsx, .parquet), wide or long.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the framework here (default: print it).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Id of the new framework.")] = "my_index",
    lang: LangOpt = None,
) -> None:
    """Write a starter framework (YAML) from a data file's columns, to edit and build."""
    from computestrata.i18n import set_lang
    from computestrata.measure.index import api

    if lang:
        set_lang(lang)
    text = api.starter_framework(data, name=name, out=out)
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(str(out))


@app.command("export")
def export_cmd(
    framework: FrameworkOpt,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Excel workbook to write (.xlsx): a sheet per table.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Folder for the pictures (HTML; PNG and SVG with Chromium).")
    ] = None,
    year: YearOpt = None,
    n: Annotated[
        int | None, typer.Option("--n", help="Also run uncertainty and sensitivity with this many samples.")
    ] = None,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Write every table (data at each step, weights, scores, ranks, analysis, intervals) to one
    .xlsx and/or the pictures (scores, ranks, framework, correlations, rank intervals, Sobol)."""
    _show(
        "export_index",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        out=out,
        plot_dir=plot,
        year=year,
        n=n,
    )


@app.command("import-coin-tool")
def import_coin_tool_cmd(
    workbook: Annotated[Path, typer.Argument(help="A JRC COIN Tool workbook (.xlsx).")],
    framework_out: Annotated[Path, typer.Option("--framework-out", help="Write the framework (YAML) here.")],
    data_out: Annotated[Path, typer.Option("--data-out", help="Write the data (wide CSV) here.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Turn a COIN Tool workbook into a framework and a data file for `strata index build`."""
    _show(
        "import_coin_tool",
        as_json,
        lang,
        uses_atlas=False,
        path=workbook,
        framework_out=framework_out,
        data_out=data_out,
    )


@app.command("trends")
def trends_cmd(
    framework: FrameworkOpt,
    node: Annotated[
        str | None, typer.Option("--node", help="An indicator or aggregate id (default: the index).")
    ] = None,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Scores over every valid year and compound annual growth (CAGR) per unit."""
    _show(
        "trends_table",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        node=node,
    )


@app.command("weights")
def weights_cmd(
    framework: FrameworkOpt,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="effective: each component's share of the index (COINr get_eff_weights); optimal: weights "
            "whose correlations with the index match target shares (COINr get_opt_weights).",
        ),
    ] = "effective",
    level: Annotated[int, typer.Option("--level", help="Level whose weights are optimised (--kind optimal).")] = 2,
    objective: Annotated[
        str, typer.Option("--objective", help="balance (match the target shares) or infomax (--kind optimal).")
    ] = "balance",
    target: Annotated[
        list[float] | None,
        typer.Option("--target", help="Target share per node of --level, repeated in order (default: equal)."),
    ] = None,
    year: YearOpt = None,
    data: DataOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Effective weights of every component, or optimised weights of one level."""
    _show(
        "weights_table",
        as_json,
        lang,
        atlas,
        exclude_license,
        uses_atlas=data is None,
        data=data,
        framework=framework,
        year=year,
        kind=kind,
        level=level,
        objective=objective,
        target=target,
    )
