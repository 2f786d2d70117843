"""Build an atlas from raw files, atomically.

The build runs every loader, checks the results (every ``source_id`` cited exists,
facts have the declared columns, no table is empty), writes the new atlas to a
temporary sibling folder and only then swaps it into place.  A failure at any point
leaves the previous atlas untouched.
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
from computestrata.errors import AtlasError, RawDataError, RowError

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 1


@dataclass
class BuildReport:
    """What a build did: rows per table, seconds per loader, rows skipped (lenient)."""

    out: Path
    tables: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[RowError] = field(default_factory=list)


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
    known = set(sources)
    for name, df in tables.items():
        for col in [c for c in df.columns if c == "source_id" or c.endswith("_source_id")]:
            cited = set(df[col].dropna().astype(str)) - known
            if cited:
                raise AtlasError(
                    f"table {name!r} column {col!r} cites unknown sources {sorted(cited)[:5]}",
                    hint="the loader must return a Source for every source_id it uses",
                )
    return tables


def write_atlas(tables: dict[str, pd.DataFrame], out: Path, meta: dict[str, Any]) -> None:
    """Write tables as Parquet into a temporary sibling of ``out``, then swap it into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        manifest: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **meta, "tables": {}}
        for name, df in sorted(tables.items()):
            table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
            manifest["tables"][name] = {
                "file": f"{name}.parquet",
                "rows": len(df),
                "columns": list(map(str, df.columns)),
            }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        # mkdtemp makes a private (0700) folder; an atlas is shared data, readable per the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        swap_into_place(tmp, out)
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


def build(
    raw: Path,
    out: Path,
    lenient: bool = False,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the atlas at ``out`` from the raw folder ``raw`` (see ``data/README.md``)."""
    raw = Path(raw)
    if not raw.is_dir():
        raise AtlasError(
            f"raw data folder {raw} does not exist",
            hint="pass --raw pointing at the shared data folder, e.g. ../shared/data",
        )
    names = list(only) if only else list(LOADERS)
    ctx = BuildContext(raw=raw.resolve(), lenient=lenient)
    try:
        results, seconds = run_loaders(ctx, names, progress)
    except RawDataError:
        raise
    tables = assemble(results)
    t0 = time.perf_counter()
    write_atlas(
        tables,
        Path(out),
        {
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "loaders": ["countries", *[n for n in names if n != "countries"]],
            "skipped_rows": [e.describe() for e in ctx.skipped],
        },
    )
    seconds["write"] = time.perf_counter() - t0
    return BuildReport(
        out=Path(out), tables={k: len(v) for k, v in tables.items()}, seconds=seconds, skipped=ctx.skipped
    )
