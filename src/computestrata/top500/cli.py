"""`strata top500` commands: parse options, call :mod:`computestrata.top500.api`, print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.top500.api import Top500Result

app = typer.Typer(no_args_is_help=True)

ListOpt = Annotated[str | None, typer.Option("--list", help="List as YYYY-MM, e.g. 2024-11 (default: latest).")]


def _show(res: Top500Result, title: str, columns: Sequence[str], as_json: bool, atlas: Any, lang: str | None) -> None:
    """Rows as JSON (stable keys), or as a table with translated column headers."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t

    if as_json:
        out = Output(
            title=title, rows=list(res), data={"title": title, **res.meta}, source_ids=res.source_ids, notes=res.notes
        )
    else:
        from computestrata.top500.api import display_rows

        labels = [t(f"top500.col.{c}") for c in columns]
        rows = [
            {lab: r[c] for lab, c in zip(labels, columns, strict=True)} for r in display_rows(list(res), tuple(columns))
        ]
        out = Output(title=title, rows=rows, columns=labels, source_ids=res.source_ids, notes=res.notes)
    emit(out, as_json, atlas, lang)


def _prepare(atlas: Any, exclude_license: list[str] | None, lang: str | None) -> Any:
    from computestrata.cli_common import open_atlas
    from computestrata.i18n import set_lang

    if lang:
        set_lang(lang)
    return open_atlas(atlas, exclude_license)


@app.command("countries")
def countries_cmd(
    list_id: ListOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Systems and Rmax per country on one list, with shares and best rank."""
    from computestrata.i18n import t
    from computestrata.top500 import api

    a = _prepare(atlas, exclude_license, lang)
    res = api.countries(list_id, atlas=a, lang=lang)
    _show(res, t("top500.title.countries", list_id=res.meta["list_id"]), api.COLUMNS["countries"], as_json, a, lang)


@app.command("systems")
def systems_cmd(
    list_id: ListOpt = None,
    top: Annotated[int, typer.Option("--top", help="How many systems, from rank 1.")] = 10,
    country: Annotated[str | None, typer.Option("--country", help="Only this country (ISO3 or name).")] = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """The top systems of one list: rank, name, site, country, Rmax."""
    from computestrata.i18n import t
    from computestrata.top500 import api

    a = _prepare(atlas, exclude_license, lang)
    res = api.systems(list_id, top=top, atlas=a, lang=lang, country=country)
    _show(res, t("top500.title.systems", list_id=res.meta["list_id"], n=top), api.COLUMNS["systems"], as_json, a, lang)


@app.command("history")
def history_cmd(
    country: Annotated[str, typer.Option("--country", help="ISO3 code or country name.")],
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """One country over every TOP500 list: systems, Rmax, shares, best rank."""
    from computestrata.i18n import t
    from computestrata.top500 import api

    a = _prepare(atlas, exclude_license, lang)
    res = api.history(country, atlas=a, lang=lang)
    title = t("top500.title.history", country=res.meta["country"], iso3=res.meta["country_iso3"])
    _show(res, title, api.COLUMNS["history"], as_json, a, lang)
