"""What ``--exclude-license`` hides from a measure: rows per licence, so results can say why.

The atlas filters rows silently (views drop rows whose source carries an excluded licence).
A verdict on an emptied table then reads like a data gap ("fewer than 3 periods"); these
helpers count what the filter removed so the output can name the licence instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas


@dataclass(frozen=True)
class Hidden:
    """Rows of one table removed by the licence filter: how many of how many, and by which licences."""

    table: str
    hidden: int
    total: int
    licences: tuple[str, ...]

    @property
    def all(self) -> bool:
        """True when the filter left no row of the table."""
        return self.total > 0 and self.hidden >= self.total


def hidden_rows(atlas: Atlas, table: str) -> Hidden | None:
    """Rows of ``table`` the atlas's ``--exclude-license`` hides (None when it hides none)."""
    if not atlas.exclude_licenses or not atlas.has(table):
        return None
    meta = atlas.manifest["tables"][table]
    if "source_id" not in meta.get("columns", []):
        return None
    data = (atlas.path / meta["file"]).as_posix().replace("'", "''")
    srcs = (atlas.path / "sources.parquet").as_posix().replace("'", "''")
    marks = ", ".join("?" for _ in atlas.exclude_licenses)
    rows = atlas.con.execute(
        f"SELECT s.license, count(*) FROM read_parquet('{data}') d "
        f"JOIN read_parquet('{srcs}') s ON d.source_id = s.source_id "
        f"WHERE s.license IN ({marks}) GROUP BY 1 ORDER BY 1",
        list(atlas.exclude_licenses),
    ).fetchall()
    if not rows:
        return None
    total = atlas.con.execute(f"SELECT count(*) FROM read_parquet('{data}')").fetchone()
    return Hidden(
        table, sum(int(n) for _, n in rows), int(total[0]) if total else 0, tuple(str(lic) for lic, _ in rows)
    )
