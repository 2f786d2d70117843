"""Build an atlas from raw files, atomically, without ever losing data.

The build checks the target first (it replaces only a missing folder, an empty one, or an
atlas; never the atlas inside the package unless asked), runs every loader, checks each
raw file against the raw-data manifest (:mod:`computestrata.atlas.expectations`: sha256
or a row floor), checks the results (every ``source_id`` cited exists, facts have the
declared columns), refuses to replace an atlas whose tables would shrink sharply, writes
the new atlas to a temporary sibling folder and only then swaps it into place.  A
failure at any point leaves the previous atlas untouched.

``exclude_licenses`` builds an atlas without the data under those licences (every row
whose ``source_id`` has one, every table whose only provenance is one): with
``CC-BY-NC-4.0`` and ``LicenseRef-TOP500-no-open-licence`` excluded, the atlas can be
redistributed commercially.  The manifest records, per table, the sources and licences
behind it, which ``strata atlas sources`` shows as the data-licence notice.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.atlas.loaders import LOADERS, get
from computestrata.atlas.loaders.base import FACT_COLUMNS, BuildContext, LoadResult
from computestrata.atlas.sources import SOURCE_COLUMNS, Source
from computestrata.atlas.store import MANIFEST
from computestrata.errors import AtlasError, InputError, RowError

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.expectations import RawManifest

SCHEMA_VERSION = 1
NOTICE = "NOTICE.md"
#: A table may lose up to this share of its rows against the atlas it replaces; more is
#: refused unless ``allow_shrink`` (a truncated raw file, a loader left out by ``--only``).
SHRINK_TOLERANCE = 0.10


@dataclass
class BuildReport:
    """What a build did: rows per table, seconds per loader, rows skipped (lenient)."""

    out: Path
    tables: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[RowError] = field(default_factory=list)
    #: Raw files the loaders opened that no raw-manifest line describes (not checked).
    unchecked: list[str] = field(default_factory=list)
    #: Licences left out, and the tables dropped whole because all their data was under them.
    excluded_licenses: tuple[str, ...] = ()
    dropped_tables: list[str] = field(default_factory=list)
    #: Tables that shrank by more than the tolerance and were allowed to (``allow_shrink``).
    shrunk: list[str] = field(default_factory=list)


def run_loaders(
    ctx: BuildContext, names: Sequence[str], progress: Callable[[str], None] | None = None
) -> tuple[list[LoadResult], dict[str, float]]:
    """Run loaders in order; the countries loader always runs first (others need it)."""
    order = ["countries", *[n for n in names if n != "countries"]]
    results, seconds = [], {}
    for name in order:
        if progress:
            progress(name)
        t0 = time.perf_counter()
        res = get(name)(ctx)
        seconds[name] = time.perf_counter() - t0
        ctx.tables.update(res.tables)
        results.append(res)
    return results, seconds


def assemble(results: Sequence[LoadResult]) -> dict[str, pd.DataFrame]:
    """Merge loader results into the final tables, with ``sources`` and ``facts``; checks integrity."""
    import pandas as pd

    from computestrata.atlas.loaders.base import facts_frame

    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, Source] = {}
    facts = []
    for res in results:
        for name, df in res.tables.items():
            if name in tables:
                raise AtlasError(f"two loaders produce table {name!r}", hint="rename one of them")
            tables[name] = df
        for s in res.sources:
            if s.source_id in sources and sources[s.source_id] != s:
                raise AtlasError(f"source id {s.source_id!r} defined twice with different content")
            sources[s.source_id] = s
        if res.facts is not None and len(res.facts):
            missing = set(FACT_COLUMNS) - set(res.facts.columns)
            if missing:
                raise AtlasError(f"facts lack columns {sorted(missing)}")
            facts.append(res.facts[list(FACT_COLUMNS)])
    tables["facts"] = pd.concat(facts, ignore_index=True) if facts else facts_frame([])
    tables["sources"] = pd.DataFrame([s.record() for s in sources.values()], columns=list(SOURCE_COLUMNS))
    check_citations(tables, set(sources))
    return tables


def check_citations(tables: dict[str, pd.DataFrame], known: set[str], hint: str | None = None) -> None:
    """Every ``source_id`` / ``*_source_id`` cell names a source in ``known``."""
    for name, df in tables.items():
        for col in [c for c in df.columns if c == "source_id" or c.endswith("_source_id")]:
            cited = set(df[col].dropna().astype(str)) - known
            if cited:
                raise AtlasError(
                    f"table {name!r} column {col!r} cites unknown sources {sorted(cited)[:5]}",
                    hint=hint or "the loader must return a Source for every source_id it uses",
                )


def provenance(results: Sequence[LoadResult], tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Source ids behind each table: those its ``source_id`` column cites, else all of its loader's.

    Recorded in the manifest so that the data-licence notice can say which table comes from
    which source under which terms, also for tables without a ``source_id`` column."""
    of_loader = {name: sorted({s.source_id for s in res.sources}) for res in results for name in res.tables}
    out: dict[str, list[str]] = {}
    for name, df in tables.items():
        if name == "sources":
            out[name] = sorted(df["source_id"].dropna().astype(str))
        elif "source_id" in df.columns:
            out[name] = sorted(set(df["source_id"].dropna().astype(str)))
        else:
            out[name] = of_loader.get(name, [])
    return out


def write_atlas(
    tables: dict[str, pd.DataFrame],
    out: Path,
    meta: dict[str, Any],
    provenance: dict[str, list[str]] | None = None,
) -> None:
    """Write tables as Parquet into a temporary sibling of ``out``, then swap it into place.

    The manifest records per table its rows, columns, and the ``source_ids`` and
    ``licenses`` behind it: those its ``source_id`` column cites, else ``provenance[name]``
    (the sources of the loader that made it).  ``NOTICE.md`` (the data-licence notice) is
    written from that record, so a copied atlas carries its terms."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from computestrata.atlas.licences import notice_markdown

    out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as exc:
        raise AtlasError(
            f"cannot write an atlas at {out}: {exc.strerror or exc}", hint="choose a folder you can write to"
        ) from exc
    try:
        src = tables.get("sources")
        lic_of: dict[str, str] = {}
        if src is not None and len(src):
            lic_of = dict(zip(src["source_id"].astype(str), src["license"].astype(str), strict=True))
        manifest: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **meta, "tables": {}}
        for name, df in sorted(tables.items()):
            table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
            if name == "sources":
                ids = sorted(lic_of)
            elif "source_id" in df.columns:
                cols = [c for c in df.columns if c == "source_id" or str(c).endswith("_source_id")]
                ids = sorted({str(v) for c in cols for v in df[c].dropna()})
            else:
                ids = sorted(i for i in (provenance or {}).get(name, []) if i in lic_of)
            manifest["tables"][name] = {
                "file": f"{name}.parquet",
                "rows": len(df),
                "columns": list(map(str, df.columns)),
                "licenses": sorted({lic_of[i] for i in ids if i in lic_of}),
                "source_ids": ids if name != "sources" else [],
            }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        records: list[dict[str, Any]] = (
            [] if src is None else [{str(k): v for k, v in r.items()} for r in src.to_dict("records")]
        )
        (tmp / NOTICE).write_text(notice_markdown(manifest, records), encoding="utf-8")
        # mkdtemp makes a private (0700) folder; an atlas is shared data, readable per the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        swap_into_place(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise AtlasError(
            f"cannot write the atlas at {out}: {exc.strerror or exc}", hint="check free space and permissions"
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap_into_place(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with renames only, so a reader never sees half an atlas."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_target(out: Path, allow_shipped: bool = False) -> Path:
    """Refuse a target the swap would destroy; return it resolved.

    The build replaces ``out`` by renaming, then deletes what was there.  So ``out`` must be
    missing, an empty folder, or an atlas (a folder with ``manifest.json`` holding nothing
    but its tables).  The current folder (or one containing it), the home folder, a file or
    a symbolic link are refused, and so is the atlas inside the package unless
    ``allow_shipped`` (developers rebuild it with ``strata atlas build --shipped``).  The
    parent must be writable; this is tried before any loader runs.
    """
    from computestrata.atlas.store import shipped_atlas_dir

    given = Path(out).expanduser()
    target = given.resolve()
    hint = "give --out a new or empty folder, or an existing atlas to replace"
    cwd = Path.cwd().resolve()
    if target == cwd or cwd.is_relative_to(target) or target in (Path.home().resolve(), Path(target.anchor)):
        raise InputError(f"refusing to build the atlas into {given}: it is (or contains) the current folder", hint=hint)
    shipped = shipped_atlas_dir().resolve()
    if (target == shipped or target.is_relative_to(shipped) or shipped.is_relative_to(target)) and not allow_shipped:
        raise InputError(
            "refusing to change the atlas shipped inside the package",
            hint=f"{hint}; developers rebuild the shipped atlas with `strata atlas build --raw DIR --shipped`",
        )
    if given.is_symlink():
        raise InputError(f"refusing to replace {given}: it is a symbolic link", hint="pass the folder it points to")
    if target.exists() and not target.is_dir():
        raise InputError(f"refusing to replace {given}: it is a file, not an atlas folder", hint=hint)
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries:
            man = target / MANIFEST
            if not man.is_file():
                raise InputError(
                    f"refusing to replace {given}: it is not empty and not an atlas (no {MANIFEST}); "
                    f"it holds {', '.join(entries[:5])}{' …' if len(entries) > 5 else ''}",
                    hint=hint,
                )
            try:
                tables = json.loads(man.read_text(encoding="utf-8")).get("tables", {})
                own = {MANIFEST, NOTICE, *(str(m.get("file", "")) for m in tables.values())}
            except (ValueError, AttributeError, OSError) as exc:
                raise InputError(
                    f"refusing to replace {given}: its {MANIFEST} is not an atlas manifest", hint=hint
                ) from exc
            foreign = [e for e in entries if e not in own]
            if foreign:
                raise InputError(
                    f"refusing to replace the atlas {given}: it also holds files that are not atlas tables "
                    f"({', '.join(foreign[:5])}{' …' if len(foreign) > 5 else ''}), which would be lost",
                    hint="move those files out first, or choose another --out",
                )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{target.name}.probe-", dir=target.parent)
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(f"cannot write an atlas at {given}: {exc.strerror or exc}", hint=hint) from exc
    return target


def exclude_licenses(
    tables: dict[str, pd.DataFrame], prov: dict[str, list[str]], licenses: Sequence[str]
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The tables without the data under ``licenses``; also the names of tables dropped whole.

    Rows go by their ``source_id``; a table without one goes whole when any source behind it
    is excluded (its rows cannot be told apart).  A row kept that still cites an excluded
    source in another column (``income_source_id``…) stops the build: silently keeping that
    value would break the licence, dropping it would change the row's meaning."""
    src = tables["sources"]
    known = set(src["license"].dropna().astype(str))
    bad = [lic for lic in licenses if lic not in known]
    if bad:
        from computestrata.errors import closest

        raise InputError(
            f"--exclude-license {', '.join(bad)} matches no source",
            hint=f"closest: {', '.join(closest(bad[0], sorted(known), 3))}; licences: {', '.join(sorted(known))}",
        )
    gone = set(src.loc[src["license"].isin(list(licenses)), "source_id"].astype(str))
    out: dict[str, pd.DataFrame] = {}
    dropped: list[str] = []
    for name, df in tables.items():
        if "source_id" in df.columns:
            out[name] = df[~df["source_id"].isin(gone)].reset_index(drop=True)
        elif set(prov.get(name, [])) & gone:
            dropped.append(name)
        else:
            out[name] = df
    check_citations(
        out,
        set(out["sources"]["source_id"].astype(str)),
        hint="that column's values come from an excluded source: this licence cannot be excluded at build time",
    )
    return out, dropped


def shrinkage(old_manifest: dict[str, Any] | None, new_rows: dict[str, int]) -> list[str]:
    """Tables that lose more than :data:`SHRINK_TOLERANCE` of their rows (or vanish)."""
    if not old_manifest:
        return []
    out = []
    for name, meta in sorted(old_manifest.get("tables", {}).items()):
        before, after = int(meta.get("rows", 0)), new_rows.get(name, 0)
        if before > 0 and after < before * (1 - SHRINK_TOLERANCE):
            what = "would vanish" if name not in new_rows else f"would shrink to {after} rows"
            out.append(f"{name}: {before} rows, {what} ({(after - before) / before:+.1%})")
    return out


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of the atlas at ``folder``, or None when there is none."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build(
    raw: Path,
    out: Path,
    lenient: bool = False,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    expectations: RawManifest | None = None,
    allow_shrink: bool = False,
    exclude: Sequence[str] = (),
    allow_shipped: bool = False,
) -> BuildReport:
    """Build the atlas at ``out`` from the raw folder ``raw`` (see ``data/README.md``).

    ``expectations``: the raw-data manifest to check the raw files against (default: the
    one shipped with the package; ``RawManifest()`` checks nothing).  ``allow_shrink``:
    replace an atlas even if tables lose more than :data:`SHRINK_TOLERANCE` of their rows.
    ``exclude``: licences (SPDX ids) whose data is left out.  ``allow_shipped``: the
    developer path that rebuilds the atlas inside the package.
    """
    from computestrata.atlas.expectations import shipped_manifest

    raw = Path(raw)
    if not raw.is_dir():
        raise AtlasError.keyed("input.raw_missing", "input.raw_missing.hint", raw=raw)
    target = check_target(Path(out), allow_shipped=allow_shipped)
    names = list(only) if only else list(LOADERS)
    manifest = shipped_manifest() if expectations is None else expectations
    # Each raw file is checked against the manifest as a loader asks for it (ctx.path).
    ctx = BuildContext(raw=raw.resolve(), lenient=lenient, expectations=manifest)
    results, seconds = run_loaders(ctx, names, progress)
    tables = assemble(results)
    prov = provenance(results, tables)
    licenses = tuple(sorted({lic.strip() for lic in exclude if lic.strip()}))
    dropped: list[str] = []
    if licenses:
        tables, dropped = exclude_licenses(tables, prov, licenses)
        prov = {k: v for k, v in provenance(results, tables).items() if k in tables}
    rows = {k: len(v) for k, v in tables.items()}
    shrunk = shrinkage(read_manifest(target), rows)
    if shrunk and not allow_shrink:
        raise AtlasError(
            f"refusing to replace the atlas at {out}: tables would shrink sharply: " + "; ".join(shrunk[:5]),
            hint=f"a raw file may be truncated, or --only left loaders out; if the loss is intended "
            f"(e.g. --exclude-license), pass --allow-shrink or write to a new --out "
            f"(tolerance {SHRINK_TOLERANCE:.0%} of a table's rows)",
        )
    t0 = time.perf_counter()
    write_atlas(
        tables,
        target,
        {
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "loaders": ["countries", *[n for n in names if n != "countries"]],
            "skipped_rows": [e.describe() for e in ctx.skipped],
            "excluded_licenses": list(licenses),
            "dropped_tables": dropped,
        },
        provenance=prov,
    )
    seconds["write"] = time.perf_counter() - t0
    return BuildReport(
        out=target,
        tables=rows,
        seconds=seconds,
        skipped=ctx.skipped,
        unchecked=ctx.unchecked,
        excluded_licenses=licenses,
        dropped_tables=dropped,
        shrunk=shrunk,
    )
