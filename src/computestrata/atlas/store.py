"""The atlas on disk and in memory.

An atlas is a directory of Parquet files (one per table) and a ``manifest.json``.  Opening
it creates an in-memory DuckDB connection with one view per table, so queries run in
DuckDB without copying data; no DuckDB extension is loaded (Parquet is built in).

When the user excludes licences (``--exclude-license``), every view of a table with a
``source_id`` column hides the rows from those sources — exclusion happens once, here,
so every output built on the atlas honours it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import AtlasError, InputError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from computestrata.top500.query import BoundTop500

MANIFEST = "manifest.json"
ENV_ATLAS = "STRATA_ATLAS"
ENV_EXCLUDE = "STRATA_EXCLUDE_LICENSE"


def shipped_atlas_dir() -> Path:
    """The compact atlas that ships inside the package."""
    return Path(str(resources.files("computestrata") / "data" / "atlas"))


def resolve_atlas_dir(path: str | Path | None = None) -> Path:
    """``path`` if given, else ``$STRATA_ATLAS``, else the shipped atlas."""
    if path:
        return Path(path).expanduser()
    env = os.environ.get(ENV_ATLAS)
    return Path(env).expanduser() if env else shipped_atlas_dir()


def excluded_licenses(explicit: Iterable[str] | None = None) -> tuple[str, ...]:
    """Licences to exclude: the explicit list (even if empty), else ``$STRATA_EXCLUDE_LICENSE``."""
    items = list(explicit) if explicit is not None else []
    if explicit is None and os.environ.get(ENV_EXCLUDE):
        items = os.environ[ENV_EXCLUDE].split(",")
    return tuple(sorted({i.strip() for i in items if i.strip()}))


@dataclass
class Atlas:
    """An opened atlas: a directory of Parquet tables behind a DuckDB connection."""

    path: Path
    manifest: dict[str, Any]
    exclude_licenses: tuple[str, ...] = ()
    _con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    @property
    def tables(self) -> list[str]:
        """Names of the tables in this atlas."""
        return sorted(self.manifest.get("tables", {}))

    def has(self, table: str) -> bool:
        return table in self.manifest.get("tables", {})

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection with one view per table (created on first use)."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        con = duckdb.connect(
            ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        excl = ", ".join("'" + lic.replace("'", "''") + "'" for lic in self.exclude_licenses)
        for name, meta in self.manifest.get("tables", {}).items():
            file = (self.path / meta["file"]).as_posix().replace("'", "''")
            src = f"read_parquet('{file}')"
            if excl and name == "sources":
                con.execute(f"CREATE VIEW sources AS SELECT * FROM {src} WHERE license NOT IN ({excl})")
            elif excl and "source_id" in meta.get("columns", []):
                con.execute(
                    f'CREATE VIEW "{name}" AS SELECT * FROM {src} WHERE source_id IS NULL OR '
                    f"source_id NOT IN (SELECT source_id FROM read_parquet('"
                    f"{(self.path / 'sources.parquet').as_posix()}') WHERE license IN ({excl}))"
                )
            else:
                con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {src}')
        return con

    @property
    def top500(self) -> BoundTop500:
        """TOP500 analyses on this atlas: ``atlas.open().top500.countries("2024-11")``."""
        from computestrata.top500.query import BoundTop500

        return BoundTop500(self)

    def require(self, *tables: str) -> None:
        """Fail clearly when a table this command needs is not in the atlas."""
        missing = [t for t in tables if not self.has(t)]
        if missing:
            raise AtlasError(
                f"atlas {self.path} has no table {', '.join(missing)}",
                hint="rebuild it with `strata atlas build --raw DIR`",
            )

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL and return a pandas frame."""
        return self.con.execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL and return a list of dicts (no pandas: used on fast CLI paths)."""
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a pandas frame."""
        self.require(name)
        return self.df(f'SELECT * FROM "{name}"')

    def sources(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Source records (all, or those with the given ids), licence exclusions applied."""
        if ids is None:
            return self.rows("SELECT * FROM sources ORDER BY source_id")
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        return self.rows(f"SELECT * FROM sources WHERE source_id IN ({marks}) ORDER BY source_id", wanted)

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Read-only SQL for users: one statement that reads; writes are refused, and a
        query DuckDB rejects (unknown table or column, bad syntax) is an :class:`InputError`."""
        import duckdb

        check_read_only(sql)
        try:
            return self.rows(sql)
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise InputError(
                f"the query failed: {first}", hint="`strata atlas tables` lists the tables and their columns"
            ) from exc

    def check_licenses(self) -> None:
        """Fail when an excluded licence matches no source: a typo would otherwise exclude nothing."""
        if not self.exclude_licenses:
            return
        import duckdb

        file = (self.path / "sources.parquet").as_posix().replace("'", "''")
        con = duckdb.connect(":memory:")
        try:
            known = sorted(r[0] for r in con.execute(f"SELECT DISTINCT license FROM read_parquet('{file}')").fetchall())
        finally:
            con.close()
        bad = [lic for lic in self.exclude_licenses if lic not in known]
        if bad:
            from computestrata.errors import closest

            raise InputError(
                f"--exclude-license {', '.join(bad)} matches no source in the atlas",
                hint=f"closest: {', '.join(closest(bad[0], known, 3))}; licences in the atlas: {', '.join(known)}",
            )

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def check_read_only(sql: str) -> None:
    """Refuse anything but a single SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE statement."""
    body = sql.strip().rstrip(";").strip()
    if not body:
        raise InputError("empty query", hint='give a SELECT statement, e.g. "SELECT * FROM sources"')
    if ";" in body:
        raise InputError("only one statement is allowed", hint="remove the extra ';' statements")
    first = body.split(None, 1)[0].lower()
    if first not in {"select", "with", "describe", "show", "summarize", "from", "values", "table"}:
        write = {
            "insert",
            "update",
            "delete",
            "create",
            "drop",
            "alter",
            "copy",
            "attach",
            "detach",
            "install",
            "load",
            "pragma",
            "set",
            "export",
            "import",
            "call",
            "checkpoint",
            "vacuum",
            "truncate",
            "begin",
        }
        problem = (
            f"the atlas is read-only: {first.upper()} is not allowed"
            if first in write
            else (f"{first!r} does not start a query")
        )
        raise InputError(problem, hint="start with SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE)")
    tokens = set(re.findall(r"[a-z_]+", re.sub(r"'[^']*'", "", body.lower())))
    bad = sorted(
        tokens
        & {
            "copy",
            "attach",
            "install",
            "load",
            "pragma",
            "export",
            "read_text",
            "read_blob",
            "read_csv",
            "read_csv_auto",
            "read_json",
            "write_csv",
        }
    )
    if bad:
        raise InputError(
            f"the atlas is read-only: {', '.join(bad)} is not allowed in a query",
            hint="query the atlas tables only (see `strata atlas tables`)",
        )


def open(path: str | Path | None = None, exclude_licenses: Iterable[str] | None = None) -> Atlas:
    """Open an atlas directory (default: ``$STRATA_ATLAS`` or the shipped atlas)."""
    folder = resolve_atlas_dir(path)
    if folder.is_file():
        raise AtlasError(f"{folder} is a file, not an atlas folder", hint="pass the folder that holds manifest.json")
    man = folder / MANIFEST
    if not man.is_file():
        raise AtlasError(
            f"no atlas at {folder} (missing {MANIFEST})",
            hint="build one with `strata atlas build --raw ../shared/data --out DIR`, "
            "or drop --atlas/STRATA_ATLAS to use the shipped atlas",
        )
    try:
        manifest = json.loads(man.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AtlasError(f"corrupt atlas manifest {man}: {exc}", hint="rebuild the atlas") from exc
    atlas = Atlas(path=folder, manifest=manifest, exclude_licenses=excluded_licenses(exclude_licenses))
    atlas.check_licenses()
    return atlas
