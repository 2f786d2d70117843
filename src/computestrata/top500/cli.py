"""`strata top500` commands: thin wrappers over :mod:`computestrata.top500.query`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.top500.query import Top500Result

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
        labels = [t(f"top500.col.{c}") for c in columns]
        # before names were published (2011) the computer model stands in for the name
        rows = [
            {
                lab: (r.get(c) if c != "name" else r.get("name") or r.get("computer"))
                for lab, c in zip(labels, columns, strict=True)
            }
            for r in res
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
    from computestrata.top500 import query

    a = _prepare(atlas, exclude_license, lang)
    res = query.countries(list_id, atlas=a, lang=lang)
    cols = ("country_iso3", "country", "systems", "systems_share_pct", "rmax_tflops", "rmax_share_pct", "best_rank")
    _show(res, t("top500.title.countries", list_id=res.meta["list_id"]), cols, as_json, a, lang)


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
    from computestrata.top500 import query

    a = _prepare(atlas, exclude_license, lang)
    res = query.systems(list_id, top=top, atlas=a, lang=lang, country=country)
    cols = ("rank", "name", "site", "country_iso3", "rmax_tflops")
    _show(res, t("top500.title.systems", list_id=res.meta["list_id"], n=top), cols, as_json, a, lang)


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
    from computestrata.top500 import query

    a = _prepare(atlas, exclude_license, lang)
    res = query.history(country, atlas=a, lang=lang)
    cols = ("list_id", "systems", "systems_share_pct", "rmax_tflops", "rmax_share_pct", "best_rank")
    title = t("top500.title.history", country=res.meta["country"], iso3=res.meta["country_iso3"])
    _show(res, title, cols, as_json, a, lang)
