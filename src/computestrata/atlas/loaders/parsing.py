"""Shared row parsing for the CSV loaders: real line numbers, checked cells, typed frames.

Loaders read raw CSVs with :func:`read_rows` (the csv module, so a quoted note that spans
lines still gives the line where its row starts: errors must point at the line a person
sees in an editor).  Each row is wrapped in a :class:`Row`, whose getters check one cell
and report a bad one through ``ctx.bad``; a row with any bad cell is marked not ``ok`` and
the loader drops it (strict builds stop at the first bad cell).  :func:`typed_frame` turns
records into a frame with the declared dtypes, so Parquet gets DATE, BOOLEAN, LIST columns
instead of whatever pandas guesses.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import RawDataError, RowError

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.loaders.base import BuildContext

_NUM_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TRUE = {"true", "yes", "y", "1", "checked", "x"}
_FALSE = {"false", "no", "n", "0"}


def rel(path: Path, root: Path) -> str:
    """A raw file's path relative to the raw folder, as shown in errors and sources."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated id ("NVIDIA H100 SXM5 80GB" → "nvidia-h100-sxm5-80gb")."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def short_hash(*parts: str, n: int = 8) -> str:
    """A short stable hash of some strings (for ids that must not collide)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def read_rows(
    path: Path, root: Path, encoding: str = "utf-8-sig", skip_lines: int = 0, required: Iterable[str] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a CSV; blank lines are skipped.

    ``skip_lines`` physical lines before the header are ignored (World Bank exports carry a
    title block).  A missing required column is a clear error naming the file.
    """
    name = rel(path, root)
    with path.open(encoding=encoding, newline="") as fh:
        for _ in range(skip_lines):
            fh.readline()
        reader = csv.reader(fh)
        header: list[str] = []
        rows: list[tuple[int, dict[str, str]]] = []
        last = skip_lines
        for rec in reader:
            start = last + 1
            last = reader.line_num + skip_lines
            if not rec or all(not c.strip() for c in rec):
                continue
            if not header:
                header = [h.strip() for h in rec]
                continue
            rows.append((start, dict(zip(header, rec, strict=False))))
    missing = [c for c in required if c not in header]
    if missing:
        raise RawDataError(
            [
                RowError(
                    name,
                    1 + skip_lines,
                    missing[0],
                    None,
                    "column is missing",
                    f"the file must have the column(s) {', '.join(missing)}; check that it is the published export",
                )
            ]
        )
    return header, rows


@dataclass
class Row:
    """One raw row with checked getters; any bad cell clears ``ok`` (and raises when strict)."""

    ctx: BuildContext
    file: str
    line: int
    data: Mapping[str, str]
    ok: bool = True
    problems: list[str] = field(default_factory=list)

    def fail(self, column: str | None, value: object, problem: str, fix: str) -> None:
        self.ok = False
        self.problems.append(problem)
        self.ctx.bad(RowError(self.file, self.line, column, value, problem, fix))

    def raw(self, column: str) -> str:
        v = self.data.get(column)
        return "" if v is None else v.strip()

    def text(self, column: str, required: bool = False) -> str | None:
        v = self.raw(column)
        if not v:
            if required:
                self.fail(column, v, "required value is empty", "fill in the value")
            return None
        return v

    def num(
        self,
        column: str,
        *,
        min_value: float | None = 0.0,
        max_value: float | None = None,
        required: bool = False,
        integer: bool = False,
    ) -> float | None:
        """A number; empty → None (missing stays missing), text or out of range → bad cell."""
        v = self.raw(column)
        if not v:
            if required:
                self.fail(column, v, "required number is empty", "fill in the number")
            return None
        return self.parse_num(column, v, min_value=min_value, max_value=max_value, integer=integer)

    def parse_num(
        self,
        column: str,
        v: str,
        *,
        min_value: float | None = 0.0,
        max_value: float | None = None,
        integer: bool = False,
    ) -> float | None:
        s = v.replace("\u00a0", "").replace(" ", "")
        if _NUM_THOUSANDS.match(s):
            s = s.replace(",", "")
        try:
            x = float(s)
        except ValueError:
            self.fail(column, v, "not a number", "write a plain number such as 1234.5 or 1.2e15")
            return None
        if not math.isfinite(x):
            self.fail(column, v, "number is not finite", "write a finite number or leave it empty")
            return None
        if min_value is not None and x < min_value:
            self.fail(column, v, f"number below {min_value:g}", "check the sign and the unit")
            return None
        if max_value is not None and x > max_value:
            self.fail(column, v, f"number above {max_value:g}", "check the unit and the value")
            return None
        if integer and x != int(x):
            self.fail(column, v, "not a whole number", "write a whole number")
            return None
        return x

    def date(self, column: str, required: bool = False) -> date | None:
        """A date: YYYY-MM-DD (time part ignored), YYYY-MM, YYYY (first day) or M/D/YYYY."""
        v = self.raw(column)
        if not v:
            if required:
                self.fail(column, v, "required date is empty", "fill in the date (YYYY-MM-DD)")
            return None
        d = parse_date(v)
        if d is None:
            self.fail(column, v, "not a date", "write the date as YYYY-MM-DD")
        return d

    def flag(self, column: str, empty: bool | None = None) -> bool | None:
        """A yes/no cell (True/False/Yes/No/checked); empty → ``empty`` (checkbox: False)."""
        v = self.raw(column).lower()
        if not v:
            return empty
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        self.fail(column, self.raw(column), "not a yes/no value", "write True or False")
        return None

    def iso3(self, column: str, value: str | None = None) -> str | None:
        """Country of a cell (or of ``value`` taken from it) as ISO3; unknown → bad cell."""
        v = self.raw(column) if value is None else value.strip()
        if not v:
            return None
        code = self.ctx.iso3(v, self.file, self.line, column)
        if code is None:
            self.ok = False
        return code


def parse_date(v: str) -> date | None:
    """Parse the date spellings found in the raw files; None if none fits or invalid."""
    s = v.strip()
    try:
        if m := _ISO_DATE.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _ISO_MONTH.match(s):
            return date(int(m[1]), int(m[2]), 1)
        if m := _YEAR.match(s):
            return date(int(m[1]), 1, 1)
        if m := _US_DATE.match(s):
            return date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def iter_rows(ctx: BuildContext, path: Path, **kw: Any) -> tuple[str, list[Row]]:
    """The file's name (relative to the raw folder) and its rows wrapped as :class:`Row`."""
    name = rel(path, ctx.raw)
    _, rows = read_rows(path, ctx.raw, **kw)
    return name, [Row(ctx, name, line, data) for line, data in rows]


def typed_frame(records: list[dict[str, Any]], schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly ``schema``'s columns and dtypes.

    Dtypes: ``string``, ``float64``, ``Int64``, ``boolean``, ``date`` (Arrow date32, stored
    as Parquet DATE) and ``list<string>`` (Arrow list, stored as a LIST column).
    """
    import pandas as pd
    import pyarrow as pa

    cols: dict[str, Any] = {}
    array: Any = pd.array  # pandas-stubs do not know ArrowDtype/extension dtype strings here
    for name, kind in schema.items():
        values = [r.get(name) for r in records]
        if kind == "date":
            cols[name] = array(values, dtype=pd.ArrowDtype(pa.date32()))
        elif kind == "list<string>":
            cols[name] = array(values, dtype=pd.ArrowDtype(pa.list_(pa.string())))
        elif kind == "float64":
            cols[name] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
        else:
            cols[name] = array(values, dtype=kind)
    return pd.DataFrame(cols, index=pd.RangeIndex(len(records)))


def check_order(row: Row, column: str, p5: float | None, mid: float | None, p95: float | None) -> bool:
    """p5 ≤ median ≤ p95 where all given; else a bad cell (an inverted band is a data error)."""
    vals = [v for v in (p5, mid, p95) if v is not None]
    if any(b < a for a, b in itertools.pairwise(vals)):
        row.fail(
            column,
            (p5, mid, p95),
            "percentiles out of order (need p5 <= median <= p95)",
            "check the 5th/median/95th percentile columns of this row",
        )
        return False
    return True


def read_json(path: Path) -> Any:
    """A raw JSON file; invalid JSON is a :class:`RawDataError` naming the file and line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RawDataError(
            [
                RowError(
                    str(path),
                    None,
                    None,
                    None,
                    f"not valid JSON ({exc.msg}, line {exc.lineno})",
                    "restore the published file",
                )
            ]
        ) from exc
