"""How a result is laid out in a terminal: tables that never cut an id or a number, and
source lists that stay short.

Why: a user copies ids (``euv_lithography``) and numbers out of tables; a cell cut to
``euv_lithog…`` is worse than no cell.  So atomic cells (no spaces: ids, codes, numbers,
dates) are never wrapped or cut; text with spaces wraps at word boundaries; and when the
atomic columns alone do not fit the width, the rightmost columns are left out and a note
names them.  Long citation lists collapse into one line per publisher unless the user asks
for ``--sources full`` (or ``STRATA_SOURCES=full``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: narrowest width a wrapping text column is given (longer words still wrap, never cut)
TEXT_MIN = 12
#: a source list longer than this collapses to one line per publisher (``--sources short``)
SOURCES_SHORT_MAX = 8
SOURCE_MODES = ("short", "full")
_sources_mode: str | None = None


def set_sources_mode(mode: str | None) -> None:
    """Choose ``short`` or ``full`` for this process (``None`` = from ``STRATA_SOURCES``)."""
    global _sources_mode
    if mode is not None and mode not in SOURCE_MODES:
        from computestrata.errors import unknown

        raise unknown("--sources", mode, SOURCE_MODES)
    _sources_mode = mode


def sources_mode() -> str:
    """The source-list mode in force: explicit choice, else ``STRATA_SOURCES``, else short."""
    mode = _sources_mode or os.environ.get("STRATA_SOURCES", "short")
    return mode if mode in SOURCE_MODES else "short"


def console_width() -> int:
    """A terminal's own width; a pipe or file gets ``COLUMNS`` if set, else 160."""
    import sys

    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) >= 40:
        return int(env)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((100, 24)).columns
    return 160


def _is_text(cells: Sequence[str]) -> bool:
    """Prose wraps; ids, codes, numbers and dates (no spaces, or short) do not."""
    return any(("\n" in c) or (" " in c and len(c) > 16) for c in cells)


@dataclass(frozen=True)
class Layout:
    """Which columns to show, how wide each must be, which wrap, and which were left out."""

    shown: list[int]
    min_widths: dict[int, int]
    text: set[int]
    dropped: list[int]


def layout(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> Layout:
    """Fit columns into ``width`` without cutting an atomic cell (see module doc).

    >>> lay = layout(["id", "value", "note"], [["euv_lithography", "4,977,700", "a long note about it"]], 50)
    >>> lay.shown, lay.dropped
    ([0, 1, 2], [])
    >>> layout(["id", "value", "note"], [["euv_lithography", "4,977,700", "a long note"]], 34).dropped
    [2]
    """
    from rich.cells import cell_len as line_len

    def cell_len(text: str) -> int:  # a cell may hold several lines: its widest one counts
        return max((line_len(line) for line in text.splitlines()), default=0)

    n = len(headers)
    cols = [[row[j] for row in cells] for j in range(n)]
    text = {j for j in range(n) if _is_text(cols[j])}
    need: dict[int, int] = {}
    full: dict[int, int] = {}  # an atomic column with its header on one line
    for j in range(n):
        longest_word = max((cell_len(w) for c in cols[j] for w in c.split()), default=1)
        header_word = max((cell_len(w) for w in headers[j].split()), default=1)
        if j in text:
            need[j] = max(min(TEXT_MIN, max(cell_len(c) for c in cols[j])), min(longest_word, 24), header_word)
            full[j] = max(need[j], max(cell_len(c) for c in cols[j]), cell_len(headers[j]))
        else:
            widest = max((cell_len(c) for c in cols[j]), default=1)
            need[j] = max(widest, header_word)
            full[j] = max(widest, cell_len(headers[j]))
    shown = list(range(n))
    dropped: list[int] = []

    def total(js: list[int]) -> int:
        return sum(need[j] for j in js) + 3 * len(js) + 1  # padding 1+1 and a border per column

    while len(shown) > 1 and total(shown) > width:
        # leave out text before ids/numbers, the rightmost first; the first column stays
        victim = next((j for j in reversed(shown[1:]) if j in text), shown[-1])
        shown.remove(victim)
        dropped.append(victim)
    # room left: atomic headers on one line, the cheapest first (a header wraps only when it
    # must); then prose columns widen in turn up to their longest cell.  Every width is fixed
    # here, so the table is exactly as wide as computed (rich's own squeezing can overshoot).
    spare = width - total(shown)
    for j in sorted((j for j in shown if j not in text), key=lambda j: full[j] - need[j]):
        extra = full[j] - need[j]
        if 0 < extra <= spare:
            need[j] = full[j]
            spare -= extra
    growing = [j for j in shown if j in text]
    while spare > 0 and any(need[j] < full[j] for j in growing):
        for j in growing:
            if spare > 0 and need[j] < full[j]:
                need[j] += 1
                spare -= 1
    return Layout(shown, need, text, sorted(dropped))


def render_table(
    title: str, headers: Sequence[str], cells: Sequence[Sequence[str]], width: int
) -> tuple[Any, list[str]]:
    """A rich Table fitted to ``width``, and the headers of the columns left out."""
    from rich.markup import escape
    from rich.table import Table

    lay = layout(headers, cells, width)
    table = Table(title=escape(title) if title else None)
    for j in lay.shown:
        # fixed widths from :func:`layout`: an atomic column is as wide as its widest cell (it
        # never wraps), prose wraps at spaces; ``fold`` (never ``ellipsis``) is the last resort
        table.add_column(escape(headers[j]), overflow="fold", width=lay.min_widths[j])
    for row in cells:
        table.add_row(*(escape(row[j]) for j in lay.shown))
    return table, [headers[j] for j in lay.dropped]


def source_lines(sources: Sequence[Mapping[str, Any]], licence_word: str) -> list[str]:
    """One line per source (``full``, or a short list), else one line per publisher.

    >>> src = [{"source_id": f"top500_{y}_11", "citation": f"TOP500 {y}", "license": "x",
    ...         "publisher": "TOP500.org"} for y in range(2000, 2010)]
    >>> source_lines(src, "licence")
    ['TOP500.org: 10 sources (top500_2000_11 … top500_2009_11); licence: x']
    """
    if sources_mode() == "full" or len(sources) <= SOURCES_SHORT_MAX:
        return [f"[{s['source_id']}] {s['citation']} ({licence_word}: {s['license']})" for s in sources]
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for s in sources:
        groups.setdefault(_publisher(s), []).append(s)
    out = []
    for pub, items in groups.items():
        ids = sorted(str(s["source_id"]) for s in items)
        licences = ", ".join(sorted({str(s["license"]) for s in items}))
        if len(items) == 1:
            s = items[0]
            out.append(f"[{s['source_id']}] {s['citation']} ({licence_word}: {s['license']})")
        else:
            span = f"{ids[0]} … {ids[-1]}" if len(ids) > 2 else ", ".join(ids)
            out.append(f"{pub}: {len(items)} sources ({span}); {licence_word}: {licences}")
    return out


def _publisher(source: Mapping[str, Any]) -> str:
    """The publisher of a source: its own field, else the citation's first part, else the id's prefix."""
    pub = source.get("publisher")
    if pub:
        return str(pub)
    citation = str(source.get("citation") or "")
    head = citation.split(".")[0].split(",")[0].strip()
    if head and len(head) <= 60:
        return head
    return str(source["source_id"]).split("_")[0]


def pop_sources_option(args: list[str]) -> list[str]:
    """Take ``--sources full|short`` from anywhere on the command line (every command prints
    sources through :func:`source_lines`, so one option serves them all) and apply it.

    >>> pop_sources_option(["top500", "history", "--sources", "full", "--country", "CHN"])
    ['top500', 'history', '--country', 'CHN']
    >>> sources_mode()
    'full'
    >>> set_sources_mode(None)
    """
    out: list[str] = []
    it = iter(args)
    for a in it:
        if a == "--":
            out += [a, *it]
            break
        if a == "--sources":
            value = next(it, None)
            if value is None:
                from computestrata.errors import InputError

                raise InputError("--sources needs a value", hint="--sources full or --sources short")
            set_sources_mode(value)
        elif a.startswith("--sources="):
            set_sources_mode(a.split("=", 1)[1])
        else:
            out.append(a)
    return out


def quiet_flag_types() -> None:
    """Show no type tag (``<bool>``) beside a flag in ``--help``: a flag takes no value.

    Recent typer prints a type for every option; for ``--json`` that reads as if a value
    were expected.  Patched once, on the class, so every command's help follows.
    """
    try:
        from typer.core import TyperOption
    except ImportError:  # older typer: no type tags to hide
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_strata_quiet", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if getattr(self, "is_flag", False) else original(self, ctx)

    display_type_rich._strata_quiet = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
