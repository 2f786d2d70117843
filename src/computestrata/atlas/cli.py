"""`strata atlas` commands: build, add, sources, tables, query, diff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt, Output, emit, open_atlas

app = typer.Typer(no_args_is_help=True)
add_app = typer.Typer(no_args_is_help=True, help="Add newly published data to an existing atlas.")
app.add_typer(add_app, name="add")


@app.command("build")
def build_cmd(
    raw: Annotated[Path, typer.Option("--raw", help="Folder of raw public files (../shared/data).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Atlas folder to write (default: the shipped atlas).")
    ] = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Skip bad rows and report them.")] = False,
    only: Annotated[str | None, typer.Option("--only", help="Comma-separated loaders to run.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Validate every raw row and build the atlas atomically (the old atlas survives a failure)."""
    from rich.console import Console

    from computestrata.atlas.build import build
    from computestrata.atlas.store import shipped_atlas_dir
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    console = Console(stderr=True)
    target = out or shipped_atlas_dir()
    names = [n.strip() for n in only.split(",")] if only else None
    with console.status(t("atlas.building")) as status:
        report = build(
            raw, target, lenient=lenient, only=names, progress=lambda n: status.update(t("atlas.loading", name=n))
        )
    rows = [{"table": k, "rows": v} for k, v in sorted(report.tables.items())]
    total = sum(report.seconds.values())
    notes = [t("atlas.built", path=str(report.out), seconds=f"{total:.1f}")]
    notes.append(t("atlas.timing", parts=", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())))
    notes += [t("atlas.skipped_row", where=e.describe()) for e in report.skipped]
    data = None
    if as_json:
        data = {
            "atlas": str(report.out),
            "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
            "skipped": [e.describe() for e in report.skipped],
        }
    emit(Output(title=t("atlas.build_title"), rows=rows, columns=["table", "rows"], data=data, notes=notes), as_json)


@add_app.command("top500")
def add_top500_cmd(
    file: Annotated[Path, typer.Argument(help="A TOP500 list export (.xls, .xlsx or .csv).")],
    atlas: AtlasOpt = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Skip bad rows and report them.")] = False,
    list_id: Annotated[
        str | None, typer.Option("--list", help="List date YYYY-MM, for files whose name gives none.")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Ingest a newly published TOP500 list into an existing atlas (idempotent, atomic)."""
    from computestrata.atlas.add import add_top500
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    summary = add_top500(file, atlas, lenient=lenient, list_id=list_id)
    emit(Output(title=t("atlas.add_title"), data=summary), as_json)


@app.command("sources")
def sources_cmd(
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List every source in the atlas with its publisher, licence and file hash."""
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    rows = a.sources()
    emit(
        Output(
            title=t("atlas.sources_title"), rows=rows, columns=["source_id", "publisher", "license", "title", "sha256"]
        ),
        as_json,
        lang=lang,
    )


@app.command("tables")
def tables_cmd(
    atlas: AtlasOpt = None, exclude_license: ExcludeLicenseOpt = None, as_json: JsonOpt = False, lang: LangOpt = None
) -> None:
    """List the atlas tables with their row counts (rows visible after any licence filter) and columns."""
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    visible = (lambda n: a.rows(f'SELECT count(*) AS n FROM "{n}"')[0]["n"]) if a.exclude_licenses else None
    rows = [
        {"table": n, "rows": visible(n) if visible else m["rows"], "columns": m["columns"]}
        for n, m in sorted(a.manifest["tables"].items())
    ]
    emit(Output(title=t("atlas.tables_title"), rows=rows, columns=["table", "rows", "columns"]), as_json, lang=lang)


@app.command("query")
def query_cmd(
    sql: Annotated[str, typer.Argument(help='Read-only SQL, e.g. "SELECT * FROM sources".')],
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print in table mode.")] = 50,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Run read-only SQL against the atlas (DuckDB dialect; one statement)."""
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    if limit < 1:
        from computestrata.errors import InputError

        raise InputError(f"--limit must be at least 1 (got {limit})", hint="e.g. --limit 50; --json prints all rows")
    a = open_atlas(atlas, exclude_license)
    rows = a.query(sql)
    ids: set[str] = {str(r["source_id"]) for r in rows if r.get("source_id")}
    notes = [] if as_json or len(rows) <= limit else [t("atlas.rows_cut", shown=limit, total=len(rows))]
    emit(
        Output(
            title=t("atlas.query_title"),
            rows=rows if as_json else rows[:limit],
            source_ids=ids,
            notes=notes,
            raw_headers=True,
            raw_values=True,
        ),
        as_json,
        atlas=a,
        lang=lang,
    )


@app.command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The older atlas folder.")],
    new: Annotated[Path, typer.Argument(help="The newer atlas folder.")],
    all_tables: Annotated[bool, typer.Option("--all", help="Also list unchanged tables.")] = False,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Column to leave out of the comparison (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Per-table, per-column changes between two atlases."""
    from computestrata.atlas import store
    from computestrata.atlas.diff import diff_atlases
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    diffs = diff_atlases(store.open(old), store.open(new), tuple(ignore or ()))
    rows = [d.record() for d in diffs if all_tables or d.status != "same"]
    emit(
        Output(
            title=t("atlas.diff_title"),
            rows=rows,
            columns=[
                "table",
                "status",
                "rows_old",
                "rows_new",
                "rows_added",
                "rows_removed",
                "columns_added",
                "columns_removed",
                "values_changed",
            ],
            notes=[] if any(d.status != "same" for d in diffs) else [t("atlas.no_differences", n=len(diffs))],
        ),
        as_json,
        lang=lang,
    )
