"""Add a newly published list to an existing atlas, without the raw folder.

TOP500 publishes a list every June and November.  ``add_top500`` parses the export with
the same code as the build, resolves countries with the atlas's own alias table, and
rewrites the atlas aside and swaps it in (``write_atlas``), so a reader never sees half an
atlas and a bad file leaves the atlas exactly as it was.  Adding is idempotent: re-adding
the very file already in the atlas (same sha256) changes nothing, so the provenance the
build recorded (mirror URL, "sha256 verified against SOURCES.csv", retrieval date) stays;
adding a different file for a list already there replaces that list's systems, summary,
facts and source.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import AtlasError, InputError

if TYPE_CHECKING:
    import pyarrow as pa

TOP500_TABLES = ("top500_systems", "top500_lists")


def _read_tables(atlas: Any) -> dict[str, pa.Table]:
    """Every table of the atlas as Arrow, read straight from its Parquet files.

    Not through the DuckDB views: those hide rows of excluded licences
    (``STRATA_EXCLUDE_LICENSE``), and rewriting from them would lose data.
    """
    import pyarrow.parquet as pq

    out = {}
    for name, meta in atlas.manifest.get("tables", {}).items():
        out[name] = pq.read_table(atlas.path / meta["file"])
    return out


def _replace(old: pa.Table | None, new: pa.Table, drop_mask: Any | None) -> pa.Table:
    """``old`` without the rows in ``drop_mask``, then ``new``; types are unified permissively
    (a column that was all-null in ``old`` takes ``new``'s type)."""
    import pyarrow as pa

    if old is None:
        return new
    kept = old.filter(pa.compute.invert(drop_mask)) if drop_mask is not None else old
    try:
        return pa.concat_tables([kept, new], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise AtlasError(
            f"the atlas table with columns {old.schema.names} cannot take the new rows ({exc})",
            hint="rebuild the atlas with `strata atlas build`",
        ) from exc


def add_top500(
    file: Path, atlas_dir: Path | None = None, lenient: bool = False, list_id: str | None = None
) -> dict[str, Any]:
    """Ingest one TOP500 export (any historical format) into an existing atlas.

    The list date comes from the file name (``TOP500_YYYYMM``) and/or its content (sheet
    name, newest 'First Appearance'); ``list_id`` ('YYYY-MM') may be given for files whose
    name says nothing.  Returns a summary: list_id, systems, replaced, source_id,
    rmax_total_tflops, unit_in_file, skipped (rows dropped when lenient).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from computestrata.atlas import store
    from computestrata.atlas.build import write_atlas
    from computestrata.atlas.countries import resolver_from_atlas
    from computestrata.atlas.loaders import top500
    from computestrata.atlas.loaders.base import BuildContext
    from computestrata.atlas.sources import SOURCE_COLUMNS

    file = Path(file).expanduser()
    if not file.is_file():
        raise InputError(
            f"no such file: {file}",
            hint="give the path of a TOP500 list export (.xls, .xlsx or .csv) downloaded from top500.org",
        )
    if list_id is not None and not list_id_ok(list_id):
        raise InputError(f"bad list id {list_id!r}", hint="use YYYY-MM with MM 06 or 11, e.g. 2024-11")
    target = store.resolve_atlas_dir(atlas_dir)
    if target.resolve() == store.shipped_atlas_dir().resolve():
        raise InputError(
            "refusing to change the atlas shipped inside the package",
            hint="copy it or build one (`strata atlas build --raw DIR --out DIR`), then pass --atlas DIR "
            "(or set STRATA_ATLAS)",
        )
    atlas = store.open(target, exclude_licenses=[])
    try:
        resolver = resolver_from_atlas(atlas)
        ctx = BuildContext(raw=file.parent.resolve(), lenient=lenient, countries=resolver)
        # Everything that can fail on a bad file happens before anything is written.
        parsed = top500.parse_list(file, ctx, file.name, list_id=list_id)
        src = top500.list_source(parsed.list_id, file, None, f"added from {file.name} with `strata atlas add top500`")
        tables = _read_tables(atlas)
        manifest = dict(atlas.manifest)
    finally:
        atlas.close()

    lid, sid = parsed.list_id, src.source_id
    systems_old = tables.get("top500_systems")
    replaced = bool(systems_old is not None and pc.any(pc.equal(systems_old["list_id"], lid)).as_py())
    summary = {
        "list_id": lid,
        "systems": int(parsed.summary["systems"]),
        "replaced": replaced,
        "unchanged": False,
        "source_id": sid,
        "rmax_total_tflops": float(parsed.summary["rmax_total_tflops"]),
        "unit_in_file": parsed.summary["unit_in_file"],
        "skipped": [e.describe() for e in ctx.skipped],
    }
    if replaced and _same_file(tables.get("sources"), sid, src.sha256):
        # The same bytes are already in the atlas: keep its provenance, write nothing.
        return {**summary, "replaced": False, "unchanged": True}
    new_systems = pa.Table.from_pandas(parsed.systems, preserve_index=False)
    tables["top500_systems"] = _replace(
        systems_old, new_systems, pc.equal(systems_old["list_id"], lid) if systems_old is not None else None
    )
    lists_old = tables.get("top500_lists")
    tables["top500_lists"] = _replace(
        lists_old,
        pa.Table.from_pandas(top500.lists_frame([parsed.summary]), preserve_index=False),
        pc.equal(lists_old["list_id"], lid) if lists_old is not None else None,
    )
    facts_old = tables.get("facts")
    new_facts = pa.Table.from_pandas(top500.country_facts(parsed.systems), preserve_index=False)
    tables["facts"] = _replace(
        facts_old,
        new_facts,
        pc.fill_null(pc.equal(facts_old["source_id"], sid), False) if facts_old is not None else None,
    )
    src_old = tables.get("sources")
    new_src = pa.Table.from_pandas(pd.DataFrame([src.record()], columns=list(SOURCE_COLUMNS)), preserve_index=False)
    tables["sources"] = _replace(src_old, new_src, pc.equal(src_old["source_id"], sid) if src_old is not None else None)
    # Keep the row order stable (by list, then rank) so repeated adds give identical files.
    tables["top500_systems"] = tables["top500_systems"].sort_by([("list_id", "ascending"), ("rank", "ascending")])
    tables["top500_lists"] = tables["top500_lists"].sort_by([("list_id", "ascending")])
    tables["sources"] = tables["sources"].sort_by([("source_id", "ascending")])

    frames = {name: t.to_pandas(types_mapper=pd.ArrowDtype) for name, t in tables.items()}
    meta = {k: v for k, v in manifest.items() if k not in ("tables", "schema_version")}
    history = [h for h in meta.get("added", []) if h.get("list_id") != lid]
    history.append(
        {
            "kind": "top500",
            "list_id": lid,
            "file": file.name,
            "sha256": src.sha256,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    meta["added"] = history
    # Tables without a source_id column keep the provenance the build recorded for them.
    kept = {n: list(m.get("source_ids", [])) for n, m in manifest.get("tables", {}).items()}
    write_atlas(frames, store.resolve_atlas_dir(atlas_dir), meta, provenance=kept)
    return summary


def _same_file(sources: pa.Table | None, source_id: str, sha256: str | None) -> bool:
    """Whether the atlas already cites ``source_id`` with exactly this file hash."""
    if sources is None or not sha256 or "sha256" not in sources.column_names:
        return False
    rows = sources.filter(pc_equal(sources["source_id"], source_id)).column("sha256").to_pylist()
    return bool(rows) and all(r == sha256 for r in rows)


def pc_equal(column: Any, value: str) -> Any:
    import pyarrow.compute as pc

    return pc.equal(column, value)


def list_id_ok(list_id: str) -> bool:
    import re

    return bool(re.fullmatch(r"(19|20)\d{2}-(06|11)", list_id)) and list_id >= "1993-06"
