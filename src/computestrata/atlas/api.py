"""Python API of the atlas: every function a face (CLI, report, dashboard) needs from it.

Open an atlas, build or extend one, read its sources and licence notice, count its tables,
run sandboxed SQL and compare two atlases.  The modules behind (``store``, ``build``, ``add``,
``licences``, ``diff``) stay importable; a face should need only this one.  Heavy libraries
load inside the functions, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.atlas.store import Atlas, excluded_licenses, shipped_atlas_dir
from computestrata.atlas.store import open as open_atlas

if TYPE_CHECKING:
    from computestrata.atlas.build import BuildReport
    from computestrata.atlas.diff import TableDiff
    from computestrata.atlas.expectations import RawManifest

__all__ = [
    "Atlas",
    "DiffResult",
    "QueryResult",
    "add_top500",
    "build",
    "build_notes",
    "build_steps",
    "build_summary",
    "build_target",
    "country_arg",
    "diff",
    "excluded_licenses",
    "licence_notice",
    "notice_notes",
    "open_atlas",
    "query",
    "read_expectations",
    "shipped_atlas_dir",
    "table_counts",
    "tables_hidden_by_licence",
]


def build_target(out: Path | None, shipped: bool = False) -> Path:
    """The folder a build writes: ``out``, or the atlas inside the package with ``shipped`` (one of the two)."""
    from computestrata.errors import InputError

    if out is None and not shipped:
        raise InputError.keyed("input.out_missing", "input.out_missing.hint")
    if out is not None and shipped:
        raise InputError.keyed("input.out_and_shipped", "input.out_and_shipped.hint")
    return out if out is not None else shipped_atlas_dir()


def read_expectations(path: Path | None) -> RawManifest | None:
    """A raw-data manifest CSV to check the raw files against (None: the one shipped with the package)."""
    from computestrata.atlas.expectations import read_manifest

    return read_manifest(path) if path is not None else None


def build_steps(only: Sequence[str] | None = None) -> int:
    """How many loaders a build runs — the length of its progress bar: those named in ``only``
    (every registered loader when none are named) plus the countries loader, which always runs
    first because the others resolve country names through it."""
    from computestrata.atlas.loaders import LOADERS

    return len({"countries", *(only or LOADERS)})


def build(
    raw: Path,
    target: Path,
    *,
    shipped: bool = False,
    lenient: bool = False,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    expectations: RawManifest | None = None,
    allow_shrink: bool = False,
    exclude: Iterable[str] = (),
) -> BuildReport:
    """Validate every raw file and row and build the atlas at ``target`` atomically (the old one survives a failure).

    ``target`` comes from :func:`build_target`; ``shipped`` allows writing the package's own atlas."""
    from computestrata.atlas.build import build as _build

    return _build(
        raw,
        target,
        lenient=lenient,
        only=list(only) if only is not None else None,
        progress=progress,
        expectations=expectations,
        allow_shrink=allow_shrink,
        exclude=tuple(exclude),
        allow_shipped=shipped,
    )


def build_notes(report: BuildReport) -> list[str]:
    """What a build did, for people: where, how long, skipped rows, licences left out, shrinkage, unchecked files."""
    from computestrata.i18n import t

    total = sum(report.seconds.values())
    notes = [t("atlas.built", path=str(report.out), seconds=f"{total:.1f}")]
    notes.append(t("atlas.timing", parts=", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())))
    notes += [t("atlas.skipped_row", where=e.describe()) for e in report.skipped]
    if report.excluded_licenses:
        notes.append(
            t(
                "atlas.excluded_in_build",
                licenses=", ".join(report.excluded_licenses),
                dropped=", ".join(report.dropped_tables) or "—",
            )
        )
    notes += [t("atlas.shrink_allowed", what=w) for w in report.shrunk]
    if report.unchecked:
        notes.append(t("atlas.unchecked_files", n=len(report.unchecked), files=", ".join(report.unchecked[:8])))
    return notes


def build_summary(report: BuildReport) -> dict[str, Any]:
    """The build's facts as data (the ``--json`` metadata)."""
    return {
        "atlas": str(report.out),
        "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
        "skipped": [e.describe() for e in report.skipped],
        "excluded_licenses": list(report.excluded_licenses),
        "dropped_tables": report.dropped_tables,
        "shrunk": report.shrunk,
        "unchecked_raw_files": report.unchecked,
    }


def add_top500(file: Path, atlas: Path | None, lenient: bool = False, list_id: str | None = None) -> dict[str, Any]:
    """Ingest a newly published TOP500 list into an existing atlas (idempotent, atomic); a summary dict."""
    from computestrata.atlas.add import add_top500 as _add

    return _add(file, atlas, lenient=lenient, list_id=list_id)


def licence_notice(atlas: Atlas) -> dict[str, Any]:
    """The data-licence notice: per licence and per table, with the redistributable build command."""
    from computestrata.atlas.licences import atlas_notice

    return atlas_notice(atlas)


def notice_notes(notice: dict[str, Any]) -> list[str]:
    """The licence notice as notes in the reader's language (one per licence, then the command)."""
    from computestrata.i18n import t

    notes = [t("atlas.notice_code", licence=notice["code_licence"])]
    if notice["excluded_at_build"]:
        notes.append(t("atlas.notice_built_without", licenses=", ".join(notice["excluded_at_build"])))
    for r in notice["licences"]:
        notes.append(
            t(
                "atlas.notice_licence",
                license=r["license"],
                n=r["sources"],
                tables=", ".join(r["tables"]) or "—",
                commercial=t(f"atlas.commercial.{r['commercial_redistribution']}"),
                terms=r["terms"],
            )
        )
    notes.append(
        t("atlas.notice_command", command=notice["redistributable_build"])
        if notice["redistributable_build"]
        else t("atlas.notice_all_clear")
    )
    return notes


def table_counts(atlas: Atlas) -> list[dict[str, Any]]:
    """Every table with its rows (those visible after a licence filter) and columns.

    Opening the tables checks their files, so a damaged atlas is named here too."""
    atlas.con  # noqa: B018
    rows = []
    for name, meta in sorted(atlas.manifest["tables"].items()):
        n = atlas.rows(f'SELECT count(*) AS n FROM "{name}"')[0]["n"] if atlas.exclude_licenses else meta["rows"]
        rows.append({"table": name, "rows": n, "columns": meta["columns"]})
    return rows


def tables_hidden_by_licence(atlas: Atlas, tables: Iterable[str]) -> list[str]:
    """The excluded licences that empty one of ``tables``: it has rows but ``--exclude-license``
    hides them all, or it was left empty by ``strata atlas build --exclude-license``.

    A face uses it to show a section as "hidden by licence X" rather than as a data gap.
    (Segment-level hiding inside a table is :func:`computestrata.stack.api.hidden_by_license`.)"""
    built_without = list(atlas.manifest.get("excluded_licenses") or [])
    if not atlas.exclude_licenses and not built_without:
        return []
    hiding: set[str] = set()
    for name in tables:
        meta = atlas.manifest.get("tables", {}).get(name)
        if meta is not None and not meta.get("rows") and built_without:
            hiding |= set(built_without)
            continue
        if not meta or not meta.get("rows") or not atlas.exclude_licenses:
            continue
        if atlas.rows(f'SELECT count(*) AS n FROM "{name}"')[0]["n"] == 0:
            behind = set(meta.get("licenses", [])) & set(atlas.exclude_licenses)
            hiding |= behind or set(atlas.exclude_licenses)
    return sorted(hiding)


@dataclass
class QueryResult:
    """Rows of a sandboxed query and the source ids its rows name (a ``source_id`` column)."""

    rows: list[dict[str, Any]]
    source_ids: set[str] = field(default_factory=set)


def query(atlas: Atlas, sql: str) -> QueryResult:
    """Read-only SQL in a sandbox (copies of the tables it names, no file, URL or setting reachable)."""
    rows = atlas.query(sql)
    return QueryResult(rows, {str(r["source_id"]) for r in rows if r.get("source_id")})


@dataclass
class DiffResult:
    """Per-table changes between two atlases; ``rows`` leaves unchanged tables out unless asked."""

    rows: list[dict[str, Any]]
    tables: list[TableDiff]

    @property
    def changed(self) -> bool:
        return any(d.status != "same" for d in self.tables)


def check_columns(names: Sequence[str], atlases: Sequence[Atlas], what: str) -> None:
    """Each of ``names`` is a column of some table in ``atlases`` (a typo in ``--ignore`` would
    otherwise silently compare everything), else an :class:`InputError` with the closest."""
    from computestrata.errors import unknown

    known = {c for at in atlases for meta in at.manifest["tables"].values() for c in meta["columns"]}
    for name in names:
        if name not in known:
            raise unknown(what, name, known)


def diff(old: Path, new: Path, ignore: Sequence[str] = (), all_tables: bool = False) -> DiffResult:
    """Per-table, per-column changes between the atlases at ``old`` and ``new``."""
    from computestrata.atlas.diff import diff_atlases

    a, b = open_atlas(old), open_atlas(new)
    check_columns(ignore, (a, b), "--ignore")
    diffs = diff_atlases(a, b, tuple(ignore))
    return DiffResult([d.record() for d in diffs if all_tables or d.status != "same"], diffs)


def country_arg(atlas: Atlas, word: str, what: str = "country", extra_codes: Iterable[str] = ()) -> str:
    """ISO3 code for a user-typed country (a code or a name in any language the atlas knows)."""
    from computestrata.atlas.countries import country_arg as _country_arg

    return _country_arg(atlas, word, what=what, extra_codes=extra_codes)
