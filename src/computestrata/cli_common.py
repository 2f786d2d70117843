"""Options and output shared by every `strata` command.

Commands return plain data (rows, a dict) plus the source ids and notes behind it;
:func:`emit` prints it as a rich table with translated headers and a sources footer, or
as JSON (``--json``).  Keeping output here means every command cites sources the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

AtlasOpt = Annotated[
    Path | None,
    typer.Option("--atlas", envvar="STRATA_ATLAS", metavar="DIR", help="Atlas directory (default: the shipped atlas)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOpt = Annotated[str | None, typer.Option("--lang", envvar="STRATA_LANG", help="Language of text: en, ko or zh.")]
ExcludeLicenseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude-license",
        metavar="SPDX",
        help="Leave out data under this SPDX licence (repeatable), e.g. CC-BY-NC-4.0.",
    ),
]


@dataclass
class Output:
    """What a command shows: rows or an object, plus where its numbers come from."""

    title: str
    rows: list[dict[str, Any]] | None = None
    columns: Sequence[str] | None = None
    data: Mapping[str, Any] | None = None
    source_ids: Iterable[str] = ()
    notes: list[str] = field(default_factory=list)
    #: Source records not in the atlas ``sources`` table (same fields; e.g. package data, rule texts).
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    raw_headers: bool = False  # True: show column names as they are (already translated, or the user's SQL)
    raw_values: bool = False  # True: show numbers unrounded, as stored (the user's own SQL)


def open_atlas(atlas: Path | None, exclude_license: list[str] | None = None) -> Atlas:
    """Open the atlas the user chose (``--atlas`` / ``STRATA_ATLAS`` / shipped)."""
    from computestrata.atlas import store

    return store.open(atlas, exclude_licenses=exclude_license)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def to_json(obj: Any) -> str:
    """JSON text for any result (NaN → null, dates → ISO strings)."""
    return json.dumps(_jsonable(obj), ensure_ascii=False, indent=2)


def _cell(value: Any, column: str = "", raw: bool = False) -> str:
    from computestrata.i18n import fmt_number

    if raw and isinstance(value, float) and not math.isnan(value):
        return repr(float(value))  # the user's own query: values as stored, unrounded
    if isinstance(value, int) and not isinstance(value, bool) and (column == "year" or column.endswith("_year")):
        return str(value)  # a year is a label, not a quantity: no thousands separator
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return fmt_number(value, 0)
    if isinstance(value, float):
        digits = 0 if abs(value) >= 1000 else 2 if abs(value) >= 0.01 or value == 0 else 4
        return fmt_number(value, digits)
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v, raw=raw) for v in value) if value else "—"
    return str(value)


def emit(out: Output, as_json: bool, atlas: Atlas | None = None, lang: str | None = None) -> None:
    """Print ``out`` as JSON or as a table, with its sources (and licences) and notes."""
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    sources = atlas.sources(out.source_ids) if atlas is not None else []
    seen = {s["source_id"] for s in sources}
    sources += [s for s in out.extra_sources if s["source_id"] not in seen]
    if as_json:
        payload: dict[str, Any] = {}
        if out.data is not None:
            payload.update(out.data)
        if out.rows is not None:
            payload["rows"] = out.rows
        payload["sources"] = sources
        payload["notes"] = out.notes
        typer.echo(to_json(payload))
        return
    import sys

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # A pipe or file gets a wide layout; a terminal gets its own width.
    console = Console() if sys.stdout.isatty() else Console(width=160)
    if out.rows:  # an empty result prints no empty table; its notes say why
        cols = list(out.columns or (out.rows[0].keys() if out.rows else []))
        table = Table(title=out.title)
        for c in cols:
            label = c if out.raw_headers or f"col.{c}" not in _catalog() else t(f"col.{c}")
            table.add_column(escape(label))
        for row in out.rows:
            table.add_row(*(escape(_cell(row.get(c), c, out.raw_values)) for c in cols))
        console.print(table)
    if out.data is not None:
        console.print(f"[bold]{escape(out.title)}[/bold]")
        for k, v in out.data.items():
            label = t(f"col.{k}") if f"col.{k}" in _catalog() else k
            console.print(escape(f"  {label}: {_cell(v) if not isinstance(v, Mapping) else to_json(v)}"))
    if sources:
        console.print(f"[bold]{t('common.sources')}[/bold]")
        for s in sources:
            console.print(escape(f"  [{s['source_id']}] {s['citation']} ({t('common.licence')}: {s['license']})"))
    if out.notes:
        console.print(f"[bold]{t('common.notes')}[/bold]")
        for n in out.notes:
            console.print(escape(f"  - {n}"))


def _catalog() -> dict[str, dict[str, str]]:
    from computestrata.i18n import catalog

    return catalog()
