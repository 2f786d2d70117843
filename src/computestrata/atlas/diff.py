"""Differences between two atlases, per table and per column (as OWID's data diffs do).

For each table: added/removed tables, row counts, added/removed columns, and for shared
columns the number of values that changed when rows are aligned on the table's key.
Tables without a declared key are compared as multisets of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from computestrata.atlas.store import Atlas

# Natural keys used to align rows; tables not listed are compared as row multisets.
KEYS: dict[str, tuple[str, ...]] = {
    "countries": ("iso3",),
    "sources": ("source_id",),
    "top500_systems": ("list_id", "rank"),
    "top500_lists": ("list_id",),
    "chips": ("chip_id",),
    "gpu_clusters": ("cluster_id",),
    "facts": ("entity", "variable", "period", "source_id"),
}


@dataclass
class TableDiff:
    """How one table differs between two atlases."""

    table: str
    status: str  # "added" | "removed" | "changed" | "same"
    rows_old: int | None = None
    rows_new: int | None = None
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    rows_added: int = 0
    rows_removed: int = 0
    values_changed: dict[str, int] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def diff_atlases(old: Atlas, new: Atlas, ignore_columns: tuple[str, ...] = ()) -> list[TableDiff]:
    """Compare every table of ``old`` and ``new`` (DuckDB does the row work).

    ``ignore_columns`` are left out of the comparison (e.g. ``date_accessed``, which
    follows the raw files' modification dates and so differs between copies).
    """
    out: list[TableDiff] = []
    con = new.con
    old_tables, new_tables = set(old.tables), set(new.tables)
    for name in sorted(old_tables | new_tables):
        if name not in new_tables:
            out.append(TableDiff(name, "removed", rows_old=old.manifest["tables"][name]["rows"]))
            continue
        if name not in old_tables:
            out.append(TableDiff(name, "added", rows_new=new.manifest["tables"][name]["rows"]))
            continue
        ocols = old.manifest["tables"][name]["columns"]
        ncols = new.manifest["tables"][name]["columns"]
        d = TableDiff(
            name,
            "same",
            rows_old=old.manifest["tables"][name]["rows"],
            rows_new=new.manifest["tables"][name]["rows"],
            columns_added=[c for c in ncols if c not in ocols],
            columns_removed=[c for c in ocols if c not in ncols],
        )
        shared = [c for c in ncols if c in ocols and c not in ignore_columns]
        ofile = (old.path / old.manifest["tables"][name]["file"]).as_posix().replace("'", "''")
        con.execute(f"CREATE OR REPLACE TEMP VIEW __old AS SELECT * FROM read_parquet('{ofile}')")
        key = [k for k in KEYS.get(name, ()) if k in shared]
        if key:
            on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in key)
            d.rows_added = con.execute(f"SELECT count(*) FROM {_q(name)} n ANTI JOIN __old o ON {on}").fetchone()[0]  # type: ignore[index]
            d.rows_removed = con.execute(f"SELECT count(*) FROM __old o ANTI JOIN {_q(name)} n ON {on}").fetchone()[0]  # type: ignore[index]
            for c in shared:
                if c in key:
                    continue
                n = con.execute(
                    f"SELECT count(*) FROM __old o JOIN {_q(name)} n ON {on} WHERE o.{_q(c)} IS DISTINCT FROM n.{_q(c)}"
                ).fetchone()[0]  # type: ignore[index]
                if n:
                    d.values_changed[c] = int(n)
        else:
            cols = ", ".join(_q(c) for c in shared)
            d.rows_added = con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {_q(name)} EXCEPT ALL SELECT {cols} FROM __old)"
            ).fetchone()[0]  # type: ignore[index]
            d.rows_removed = con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM __old EXCEPT ALL SELECT {cols} FROM {_q(name)})"
            ).fetchone()[0]  # type: ignore[index]
        if d.rows_added or d.rows_removed or d.values_changed or d.columns_added or d.columns_removed:
            d.status = "changed"
        out.append(d)
    return out
