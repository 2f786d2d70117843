"""`strata atlas` commands (build, add, sources, tables, query, diff): parse, call the atlas API, print."""

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
        Path | None,
        typer.Option(
            "--out",
            help="Atlas folder to write: a new or empty folder, or an atlas to replace "
            "(anything else is refused, so nothing is lost).",
        ),
    ] = None,
    shipped: Annotated[
        bool, typer.Option("--shipped", help="Developers: rebuild the atlas inside the package (instead of --out).")
    ] = False,
    lenient: Annotated[bool, typer.Option("--lenient", help="Skip bad rows and report them.")] = False,
    only: Annotated[str | None, typer.Option("--only", help="Comma-separated loaders to run.")] = None,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink", help="Replace an atlas even if a table loses more than 10 % of its rows (or vanishes)."
        ),
    ] = False,
    exclude_license: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-license",
            metavar="SPDX",
            help="Leave the data under this licence out of the atlas (repeatable), e.g. CC-BY-NC-4.0. "
            "`strata atlas sources` prints every licence to leave out for an atlas that may be "
            "redistributed commercially.",
        ),
    ] = None,
    expect: Annotated[
        Path | None,
        typer.Option(
            "--expect",
            metavar="CSV",
            help="Raw-data manifest to check the raw files against (sha256 or row floor per file; "
            "default: the one shipped with the package).",
        ),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Validate every raw file and row and build the atlas atomically (the old atlas survives a failure).

    Each raw file is checked against the raw-data manifest (its sha256, or a floor of CSV
    rows), and an atlas is not replaced by one whose tables shrink by more than 10 %
    unless --allow-shrink.
    """
    from computestrata.atlas import api
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    target = api.build_target(out, shipped)
    names = [n.strip() for n in only.split(",")] if only else None
    manifest = api.read_expectations(expect)
    from computestrata import progress

    with progress.steps(t("atlas.building"), api.build_steps(names), progress.wanted(as_json)) as step:
        report = api.build(
            raw,
            target,
            shipped=shipped,
            lenient=lenient,
            only=names,
            progress=lambda n: step(t("atlas.loading", name=n)),
            expectations=manifest,
            allow_shrink=allow_shrink,
            exclude=exclude_license or (),
        )
    rows = [{"table": k, "rows": v} for k, v in sorted(report.tables.items())]
    notes = api.build_notes(report)
    data = api.build_summary(report) if as_json else None
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
    """Ingest a newly published TOP500 list into an existing atlas (idempotent, atomic).

    The very file already in the atlas (same sha256) changes nothing, so the provenance the
    build recorded stays; another file for a list already there replaces that list."""
    from computestrata.atlas import api
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    summary = api.add_top500(file, atlas, lenient=lenient, list_id=list_id)
    notes = [t("atlas.add_unchanged", list_id=summary["list_id"])] if summary.get("unchanged") else []
    emit(Output(title=t("atlas.add_title"), data=summary, notes=notes), as_json)


@app.command("sources")
def sources_cmd(
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    by_table: Annotated[
        bool, typer.Option("--tables", help="The data-licence notice table by table instead of the sources.")
    ] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List every source with its publisher, licence and file hash, and the data-licence notice.

    The code's Apache-2.0 licence does not cover the data: each table keeps its sources'
    terms.  The notice says, per licence, which tables hold data under it and whether it may
    be redistributed commercially, and prints the `strata atlas build --exclude-license …`
    command that makes an atlas without the data that may not.
    """
    from computestrata.atlas import api
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    notice = api.licence_notice(a)
    notes = api.notice_notes(notice)
    if by_table:
        rows = [
            {**r, "commercial_redistribution": t(f"atlas.commercial.{r['commercial_redistribution']}")}
            for r in notice["tables"]
        ]
        out = Output(
            title=t("atlas.notice_title"),
            rows=rows if not as_json else notice["tables"],
            columns=["table", "licenses", "publishers", "sources", "commercial_redistribution"],
            data={"licence_notice": notice} if as_json else None,
            notes=notes,
        )
    else:
        out = Output(
            title=t("atlas.sources_title"),
            rows=a.sources(),
            columns=["source_id", "publisher", "license", "title", "sha256"],
            data={"licence_notice": notice} if as_json else None,
            notes=notes,
        )
    emit(out, as_json, lang=lang)


@app.command("tables")
def tables_cmd(
    atlas: AtlasOpt = None, exclude_license: ExcludeLicenseOpt = None, as_json: JsonOpt = False, lang: LangOpt = None
) -> None:
    """List the atlas tables with their row counts (rows visible after any licence filter) and columns."""
    from computestrata.atlas import api
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    rows = api.table_counts(open_atlas(atlas, exclude_license))
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
    """Run read-only SQL against the atlas (DuckDB dialect; one statement).

    The query runs in a sandbox: in-memory copies of the tables it names, with external
    access off and the configuration locked, so no file, URL or environment variable can be
    read (nor the atlas's Parquet files behind --exclude-license).  With --json, DECIMAL is a
    number (cast to VARCHAR to keep more than 15 digits), INTERVAL an ISO 8601 duration,
    TIME/DATE/TIMESTAMP ISO 8601 text, BLOB base64, UUID its text.
    """
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    if limit < 1:
        from computestrata.errors import InputError

        raise InputError.keyed("atlas.error.limit", "atlas.error.limit.hint", limit=limit)
    from computestrata.atlas import api

    a = open_atlas(atlas, exclude_license)
    res = api.query(a, sql)
    rows, ids = res.rows, res.source_ids
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
    from computestrata.atlas import api
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    res = api.diff(old, new, ignore or (), all_tables)
    emit(
        Output(
            title=t("atlas.diff_title"),
            rows=res.rows,
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
            notes=[] if res.changed else [t("atlas.no_differences", n=len(res.tables))],
        ),
        as_json,
        lang=lang,
    )
