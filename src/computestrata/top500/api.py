"""Python API of the TOP500 part: every function a face (CLI, overview, report, dashboard) needs.

The queries themselves live in :mod:`computestrata.top500.query` (DuckDB SQL over the
``top500_systems`` view, plain rows, no pandas); this module is the one door to them, so a
face never reaches into the query module or the atlas tables directly.

>>> from computestrata.atlas import store
>>> from computestrata.top500 import api
>>> a = store.open()                                  # doctest: +SKIP
>>> api.bind(a).countries("2024-11")[0]["country_iso3"]  # doctest: +SKIP
'USA'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from computestrata.top500.query import (
    CHINA,
    BoundTop500,
    Top500Result,
    countries,
    history,
    list_ids,
    missing_lists,
    resolve_country,
    resolve_list,
    systems,
)

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

__all__ = [
    "CHINA",
    "COLUMNS",
    "BoundTop500",
    "Top500Result",
    "bind",
    "countries",
    "display_rows",
    "history",
    "list_ids",
    "missing_lists",
    "resolve_country",
    "resolve_list",
    "systems",
]

#: The columns each view shows in a table, in order (JSON output keeps every key of the rows).
COLUMNS: dict[str, tuple[str, ...]] = {
    "countries": (
        "country_iso3",
        "country",
        "systems",
        "systems_share_pct",
        "rmax_tflops",
        "rmax_share_pct",
        "best_rank",
    ),
    "systems": ("rank", "name", "site", "country_iso3", "rmax_tflops"),
    "history": ("list_id", "systems", "systems_share_pct", "rmax_tflops", "rmax_share_pct", "best_rank"),
}


def bind(atlas: Atlas) -> BoundTop500:
    """The TOP500 functions bound to one opened atlas: ``bind(a).countries("2024-11")``."""
    return BoundTop500(atlas)


def display_rows(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows cut to ``columns`` for a table; before names were published (2011) the computer model names a system."""
    return [{c: (r.get(c) if c != "name" else r.get("name") or r.get("computer")) for c in columns} for r in rows]
