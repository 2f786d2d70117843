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
YearOpt = Annotated[int, typer.Option("--year", "-y", help="Year of the data to index.")]
NOpt = Annotated[int | None, typer.Option("--n", help="Replications (UA) or base samples N (SA).")]


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
    shown = Output(
        title=out.title,
        rows=out.rows,
        columns=out.columns,
        data=out.data or None,
        source_ids=out.source_ids,
        notes=out.notes,
    )
    emit(shown, as_json, atlas=at, lang=lang)


@app.command("frameworks")
def frameworks_cmd(
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="Show one framework's indicators in detail.")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List the shipped frameworks and their pillars, or one framework's indicators."""
    _show("list_frameworks", as_json, lang, uses_atlas=False, framework=framework)


@app.command("build")
def build_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    level: Annotated[int, typer.Option("--level", help="Also show scores of this level.")] = 2,
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
        framework=framework,
        year=year,
        level=level,
        detail=as_json,
    )


@app.command("uncertainty")
def uncertainty_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    n: NOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Monte Carlo over the framework's uncertain choices: rank intervals per unit."""
    _show("uncertainty_table", as_json, lang, atlas, exclude_license, framework=framework, year=year, n=n)


@app.command("sensitivity")
def sensitivity_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    n: NOpt = None,
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
        framework=framework,
        year=year,
        n=n,
        detail=as_json,
    )


@app.command("analyse")
def analyse_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    unit: Annotated[str | None, typer.Option("--unit", help="Strengths and weaknesses of one unit.")] = None,
    drop_one: Annotated[bool, typer.Option("--drop-one", help="Rank shift when each indicator is dropped.")] = False,
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
        framework=framework,
        year=year,
        unit=unit,
        drop_one=drop_one,
        detail=as_json,
    )


@app.command("compare")
def compare_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    other: Annotated[str, typer.Option("--other", help="The second version: framework name or YAML.")],
    other_year: Annotated[int | None, typer.Option("--other-year", help="Year of the second version.")] = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare two index versions (configs or years): rank change of every common unit."""
    _show(
        "compare_versions",
        as_json,
        lang,
        atlas,
        exclude_license,
        framework=framework,
        other=other,
        year=year,
        other_year=other_year,
    )
