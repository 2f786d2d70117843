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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from computestrata.errors import AtlasError, InputError
from computestrata.memo import Memo

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

MANIFEST = "manifest.json"
ENV_ATLAS = "STRATA_ATLAS"
ENV_EXCLUDE = "STRATA_EXCLUDE_LICENSE"
# No extension downloads at run time; one thread so float sums come out the same on every run.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "threads": 1,
}
#: values an atlas remembers (share book, evidence of each date asked…); the oldest go first
ATLAS_CACHE_SIZE = 128
T = TypeVar("T")


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
    #: tables named by the queries run through :meth:`df`/:meth:`rows` (a test checks each is cited)
    touched: set[str] = field(default_factory=set, repr=False, compare=False)
    #: what the parts derived from this atlas (share book, evidence per date…): see :meth:`memo`
    _cache: Memo = field(default_factory=lambda: Memo("atlas", ATLAS_CACHE_SIZE), init=False, repr=False, compare=False)

    def memo(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()`` computed once per key for this atlas and remembered with it.

        The cache belongs to this object: it is dropped by :meth:`close` and with the atlas
        itself, so a server that opens atlases per worker never holds data of a closed one, and
        a second atlas (another folder, other ``--exclude-license``) never meets the first's
        results.  Thread-safe; bounded (least recently used out).  Keys start with the caller's
        name (``("stack.book",)``, ``("coop.evidence", rules, day)``) and hold everything the
        value depends on besides the atlas; values hold no text in a reader's language."""
        return self._cache.get(key, make)

    @property
    def cache(self) -> Memo:
        """This atlas's memo (sizes, :meth:`Memo.forget`)."""
        return self._cache

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

        # One DuckDB thread: a parallel SUM adds floats in whichever order the morsels finish, so
        # the same query could differ in the last digit between runs (the atlas is a few MB: no cost).
        con = duckdb.connect(":memory:", config=_CONFIG)
        self._check_files(con)
        for name in self.manifest.get("tables", {}):
            try:
                con.execute(f'CREATE VIEW "{name}" AS {self._view_sql(name)}')
            except duckdb.Error as exc:
                raise self._unreadable(name, str(exc).strip().splitlines()[0]) from exc
        return con

    def _view_sql(self, name: str) -> str:
        """The SELECT behind table ``name``'s view: its Parquet file, minus excluded licences.

        Rows go by their ``source_id``.  A table without one is a lookup (``country_aliases``,
        the name index country resolution needs) and stays; ``strata atlas build
        --exclude-license`` leaves such a table out of an atlas meant for redistribution."""
        meta = self.manifest["tables"][name]
        file = (self.path / meta["file"]).as_posix().replace("'", "''")
        src = f"read_parquet('{file}')"
        if not self.exclude_licenses:
            return f"SELECT * FROM {src}"
        excl = ", ".join("'" + lic.replace("'", "''") + "'" for lic in self.exclude_licenses)
        if name == "sources":
            return f"SELECT * FROM {src} WHERE license NOT IN ({excl})"
        if "source_id" in meta.get("columns", []):
            sources = (self.path / "sources.parquet").as_posix().replace("'", "''")
            return (
                f"SELECT * FROM {src} WHERE source_id IS NULL OR source_id NOT IN "
                f"(SELECT source_id FROM read_parquet('{sources}') WHERE license IN ({excl}))"
            )
        return f"SELECT * FROM {src}"

    def _unreadable(self, name: str, problem: str) -> AtlasError:
        return AtlasError(
            f"atlas {self.path}: table {name!r} is unreadable ({problem})",
            hint=f"the atlas is damaged (a Parquet file missing, corrupt or swapped): rebuild it with "
            f"`strata atlas build --raw DIR --out {self.path}`, or copy it again",
        )

    def _check_files(self, con: duckdb.DuckDBPyConnection) -> None:
        """Every table's Parquet file exists, reads, and has the rows the manifest records.

        One metadata read for all files (no data read); a failure is narrowed down to the table
        it concerns, so a damaged atlas names what to fix instead of a DuckDB traceback."""
        import duckdb

        tables = self.manifest.get("tables", {})
        files = {name: (self.path / str(meta.get("file", f"{name}.parquet"))) for name, meta in tables.items()}
        for name, f in files.items():
            if not f.is_file():
                raise self._unreadable(name, f"{f.name} is missing")
        by_file = {f.as_posix(): name for name, f in files.items()}
        try:
            found = con.execute("SELECT file_name, num_rows FROM parquet_file_metadata(?)", [list(by_file)]).fetchall()
        except duckdb.Error:
            for path, name in by_file.items():
                try:
                    con.execute("SELECT num_rows FROM parquet_file_metadata(?)", [path]).fetchall()
                except duckdb.Error as exc:
                    raise self._unreadable(name, str(exc).strip().splitlines()[0]) from exc
            raise
        for path, rows in found:
            name = by_file.get(Path(path).as_posix(), "")
            want = tables.get(name, {}).get("rows")
            if want is not None and int(rows) != int(want):
                raise self._unreadable(name, f"{Path(path).name} has {rows} rows, the manifest says {want}")
        schema = con.execute("SELECT file_name, name, num_children FROM parquet_schema(?)", [list(by_file)]).fetchall()
        for path, columns in top_level_columns(schema).items():
            name = by_file.get(Path(path).as_posix(), "")
            want_cols = tables.get(name, {}).get("columns")
            if want_cols and columns != list(want_cols):
                raise self._unreadable(name, f"{Path(path).name} has other columns than the manifest records")

    def __getattr__(self, name: str) -> Any:
        # The atlas sits below every part, so it offers no part's analyses itself: say where they went.
        if name == "top500":
            raise AttributeError(
                "Atlas.top500 was removed (the atlas may not import the parts above it); "
                "use computestrata.top500.api.bind(atlas) or top500.countries(..., atlas=atlas)"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def require(self, *tables: str) -> None:
        """Fail clearly when a table this command needs is not in the atlas."""
        missing = [t for t in tables if not self.has(t)]
        if missing:
            raise AtlasError(
                f"atlas {self.path} has no table {', '.join(missing)}",
                hint="rebuild it with `strata atlas build --raw DIR --out DIR`",
            )

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL and return a pandas frame."""
        self._touch(sql)
        return self.con.execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL and return a list of dicts (no pandas: used on fast CLI paths)."""
        self._touch(sql)
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def _touch(self, sql: str) -> None:
        low = sql.lower()
        named = {t for t in self.manifest.get("tables", {}) if re.search(rf"\b{re.escape(t)}\b", low)}
        self.touched.update(named)
        for seen in self.__dict__.get("_watchers", ()):
            seen.update(named)

    @contextmanager
    def watch(self) -> Iterator[set[str]]:
        """The tables read while the block runs (nested blocks each see their own reads);
        :mod:`computestrata.provenance` turns them into citations."""
        seen: set[str] = set()
        watchers: list[set[str]] = self.__dict__.setdefault("_watchers", [])
        watchers.append(seen)
        try:
            yield seen
        finally:
            watchers.remove(seen)

    def table_source_ids(self, table: str) -> list[str]:
        """The source ids the manifest records for a table (every row's source)."""
        return list(self.manifest.get("tables", {}).get(table, {}).get("source_ids", []))

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
        """Read-only SQL for users, in a sandbox: one statement that reads the atlas tables.

        The query runs in its own DuckDB connection (:meth:`sandbox`) with external access off
        and the configuration locked: no file outside the atlas, URL or environment variable
        can be read, and with ``--exclude-license`` not even the atlas's own Parquet files.  Statements that do not read
        (INSERT, COPY, ATTACH, SET…) are refused before that; a query DuckDB rejects is an
        :class:`InputError`."""
        import duckdb

        check_read_only(sql)
        con = self.sandbox(sql)
        try:
            self._touch(sql)
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description or []]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        except duckdb.PermissionException as exc:
            first = str(exc).strip().splitlines()[0]
            raise InputError.keyed("input.query_outside", "input.query_outside.hint", detail=first) from exc
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise InputError.keyed("input.query_failed", "input.query_failed.hint", detail=first) from exc
        finally:
            con.close()

    def sandbox(self, sql: str | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection for user SQL with external access off and the configuration locked.

        Without a licence exclusion it holds one view per table and allows reads under the
        atlas folder only (``allowed_directories``): the user sees exactly the atlas, no copy.
        With ``--exclude-license`` (or on a DuckDB without ``allowed_directories``) it holds
        in-memory copies of the tables ``sql`` names (all of them for a SHOW/DESCRIBE/SUMMARIZE
        that names none) and allows no path at all, so reading a Parquet file of the atlas
        directly cannot step around the exclusion."""
        import duckdb

        names = list(self.manifest.get("tables", {}))
        con = duckdb.connect(":memory:", config=_CONFIG)
        try:
            self._check_files(con)  # missing, corrupt or swapped files: named, not a DuckDB traceback
            views = False
            if not self.exclude_licenses:
                try:
                    folder = self.path.resolve().as_posix().rstrip("/") + "/"
                    con.execute(f"SET allowed_directories = ['{folder.replace(chr(39), chr(39) * 2)}']")
                    views = True
                except duckdb.Error:  # an old DuckDB: fall back to copies
                    views = False
            if not views and sql is not None:
                low = sql.lower()  # names inside string literals count too: query('SELECT … FROM t')
                named = [n for n in names if re.search(rf"\b{re.escape(n.lower())}\b", low)]
                first = low.strip().split(None, 1)[0] if low.strip() else ""
                names = named if named or first not in {"show", "describe", "summarize"} else names
            for name in names:
                kind = "VIEW" if views else "TABLE"
                con.execute(f'CREATE {kind} "{name}" AS {self._view_sql(name)}')
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con

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

            raise InputError.keyed(
                "input.licence_unknown",
                "input.licence_unknown.hint",
                bad=", ".join(bad),
                near=", ".join(closest(bad[0], known, 3)),
                known=", ".join(known),
            )

    def close(self) -> None:
        """Close the connection and forget what was derived from this atlas."""
        self._cache.forget()
        if self._con is not None:
            self._con.close()
            self._con = None


def top_level_columns(schema: Sequence[tuple[str, str, int | None]]) -> dict[str, list[str]]:
    """Top-level column names per file from ``parquet_schema`` rows (depth-first: a root per
    file with its number of children, then each column followed by its nested fields)."""
    out: dict[str, list[str]] = {}
    rows = list(schema)
    i = 0
    while i < len(rows):
        file, _, n_root = rows[i]
        i += 1
        cols: list[str] = []
        for _ in range(n_root or 0):
            cols.append(rows[i][1])
            pending = rows[i][2] or 0
            i += 1
            while pending:  # skip the nested fields of this column
                pending += (rows[i][2] or 0) - 1
                i += 1
        out[file] = cols
    return out


def check_read_only(sql: str) -> None:
    """Refuse anything but a single SELECT/WITH/DESCRIBE/SHOW/SUMMARIZE statement.

    This is for clear messages only; the protection is the sandbox (:meth:`Atlas.sandbox`):
    even a write that slipped through would change a throwaway in-memory copy."""
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
        if first in write:
            raise InputError.keyed("input.query_readonly", "input.query_start.hint", word=first.upper())
        raise InputError.keyed("input.query_start", "input.query_start.hint", word=repr(first))


def open(path: str | Path | None = None, exclude_licenses: Iterable[str] | None = None) -> Atlas:
    """Open an atlas directory (default: ``$STRATA_ATLAS`` or the shipped atlas)."""
    folder = resolve_atlas_dir(path)
    if folder.is_file():
        raise AtlasError(f"{folder} is a file, not an atlas folder", hint="pass the folder that holds manifest.json")
    man = folder / MANIFEST
    if not man.is_file():
        raise AtlasError.keyed("errors.no_atlas", "errors.no_atlas_hint", folder=folder, manifest=MANIFEST)
    try:
        manifest = json.loads(man.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AtlasError(f"corrupt atlas manifest {man}: {exc}", hint="rebuild the atlas") from exc
    atlas = Atlas(path=folder, manifest=manifest, exclude_licenses=excluded_licenses(exclude_licenses))
    atlas.check_licenses()
    return atlas
