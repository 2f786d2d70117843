"""Options and output shared by every `strata` command.

Commands return plain data (rows, a dict) plus the source ids and notes behind it;
:func:`emit` prints it as a rich table with translated headers and a sources footer, or
as JSON (``--json``).  Keeping output here means every command cites sources the same way.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer

from computestrata.render import quiet_flag_types

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

quiet_flag_types()  # `--json` in --help without a `<bool>` tag

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


#: Hooks of a front end that runs commands in-process (the web server): where this call's
#: outputs go instead of stdout, and which atlas it opens.  Context variables, so they reach a
#: command however it imported ``emit``/``open_atlas`` and never mix between concurrent calls.
EMIT_HOOK: ContextVar[Callable[[Output, Atlas | None], None] | None] = ContextVar("strata_emit_hook", default=None)
OPEN_HOOK: ContextVar[Callable[[Path | None, list[str] | None], Atlas] | None] = ContextVar(
    "strata_open_hook", default=None
)


def open_atlas(atlas: Path | None, exclude_license: list[str] | None = None) -> Atlas:
    """Open the atlas the user chose (``--atlas`` / ``STRATA_ATLAS`` / shipped)."""
    hook = OPEN_HOOK.get()
    if hook is not None:
        return hook(atlas, exclude_license)
    from computestrata.atlas import store

    return store.open(atlas, exclude_licenses=exclude_license)


def _jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value``; every DuckDB type has a rule (see :func:`to_json`)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, UUID | Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value.__class__.__name__ in {"NAType", "NaTType"}:  # pandas missing values
        return None
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars
        return _jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):  # other numpy-like scalars
        return _jsonable(value.item())
    if hasattr(value, "isoformat") and callable(value.isoformat):  # pandas Timestamp/Timedelta
        return value.isoformat()
    return str(value)


def iso_duration(delta: timedelta) -> str:
    """ISO 8601 duration of a timedelta: ``P423DT4H5M6.5S``; negative as ``-P…``.

    DuckDB hands an INTERVAL to Python as a timedelta (a month counted as 30 days)."""
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M")) if n)
    if seconds or delta.microseconds:
        clock += f"{seconds + delta.microseconds / 1e6:.6f}".rstrip("0").rstrip(".") + "S"
    out = "P" + (f"{delta.days}D" if delta.days else "") + (f"T{clock}" if clock else "")
    return sign + (out if out != "P" else "PT0S")


def to_json(obj: Any) -> str:
    """JSON text for any result.

    NaN and infinities become null; dates, times and timestamps ISO 8601 strings; INTERVAL
    an ISO 8601 duration (``P1DT2H``); DECIMAL a JSON number (double precision: cast to
    VARCHAR in SQL to keep more than 15 digits); BLOB base64 text; UUID its text; lists,
    structs and maps JSON arrays and objects; anything else its text, never an error."""
    return json.dumps(_jsonable(obj), ensure_ascii=False, indent=2, default=str)


def cell(value: Any, column: str = "", raw: bool = False) -> str:
    """One value as a table cell in the current language: "—" for missing, years unseparated,
    numbers rounded by size; ``raw`` keeps a float as stored (a user's own query)."""
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
        return ", ".join(cell(v, raw=raw) for v in value) if value else "—"
    return str(value)


#: Old private name, kept for callers outside this module until they move to :func:`cell`.
_cell = cell


def emit(out: Output, as_json: bool, atlas: Atlas | None = None, lang: str | None = None) -> None:
    """Print ``out`` as JSON or as a table, with its sources (and licences) and notes."""
    hook = EMIT_HOOK.get()
    if hook is not None:
        hook(out, atlas)
        return
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    from computestrata.errors import take_notices

    pending = take_notices()  # warnings raised while the result was made (an ambiguous country…)
    if pending:
        out = replace(out, notes=[*pending, *out.notes])
    sources = atlas.sources(out.source_ids) if atlas is not None else []
    seen = {s["source_id"] for s in sources}
    sources += [s for s in out.extra_sources if s["source_id"] not in seen]
    if as_json:
        payload: dict[str, Any] = {"title": out.title}  # the envelope always names what it holds
        if out.data is not None:
            payload.update(out.data)
        if out.rows is not None:
            payload["rows"] = out.rows
        payload["sources"] = sources
        payload["notes"] = out.notes
        typer.echo(to_json(payload))
        return
    from rich.console import Console
    from rich.markup import escape

    from computestrata.render import console_width, render_table, source_lines

    # A pipe or file gets a wide layout (or COLUMNS); a terminal gets its own width.

    console = Console(width=console_width())
    notes = list(out.notes)
    if out.rows:  # an empty result prints no empty table; its notes say why
        cols = list(out.columns or (out.rows[0].keys() if out.rows else []))
        labels = [c if out.raw_headers or f"col.{c}" not in _catalog() else t(f"col.{c}") for c in cols]
        cells = [[cell(row.get(c), c, out.raw_values) for c in cols] for row in out.rows]
        # ids and numbers are never cut: columns that do not fit are left out, and said
        table, dropped = render_table(out.title, labels, cells, console.width)
        console.print(table)
        if dropped:
            notes.append(t("render.columns_dropped", columns=", ".join(dropped), width=console.width))
    if out.data is not None:
        console.print(f"[bold]{escape(out.title)}[/bold]")
        for k, v in out.data.items():
            label = t(f"col.{k}") if f"col.{k}" in _catalog() else k
            console.print(escape(f"  {label}: {cell(v) if not isinstance(v, Mapping) else to_json(v)}"))
    if sources:
        console.print(f"[bold]{t('common.sources')}[/bold]")
        lines = source_lines(sources, t("common.licence"))
        for line in lines:
            console.print(escape(f"  {line}"))
        if len(lines) < len(sources):
            console.print(escape(f"  ({t('render.sources_collapsed', n=len(sources))})"))
    if notes:
        console.print(f"[bold]{t('common.notes')}[/bold]")
        for n in notes:
            console.print(escape(f"  - {n}"))


def _catalog() -> dict[str, dict[str, str]]:
    from computestrata.i18n import catalog

    return catalog()
