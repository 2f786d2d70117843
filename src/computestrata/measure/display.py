"""Measure results as people read them: translated headers and codes, one number format per column.

Results (and their JSON) keep field names and codes; only the table a person reads is
relabelled here, so ``--lang ko`` shows no raw field names and a column never mixes
``323.36`` with ``2,783,172``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


def label(column: str) -> str:
    """Translated header of a result field: ``measure.col.<field>``, else the shared ``col.<field>``."""
    from computestrata.i18n import catalog, t

    for key in (f"measure.col.{column}", f"col.{column}"):
        if key in catalog():
            return t(key)
    return column


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def column_digits(values: Sequence[Any]) -> int:
    """Decimals for a whole column, from its largest magnitude (integers only → 0)."""
    nums = [v for v in values if _is_number(v) and v == v]
    if not nums or all(isinstance(v, int) for v in nums):
        return 0
    top = max(abs(float(v)) for v in nums)
    return 0 if top >= 1000 else 2 if top >= 0.01 or top == 0 else 4


def cell(value: Any, digits: int) -> str:
    """Text of one cell: numbers with ``digits`` decimals in the reader's locale, missing as —."""
    from computestrata.i18n import fmt_number

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if _is_number(value):
        return fmt_number(value, digits)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, 2) for v in value)
    return str(value)


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    codes: Mapping[str, Callable[[Any], str]] | None = None,
) -> tuple[list[dict[str, str]], list[str]]:
    """Rows keyed by translated header with every cell as text, and the headers in order.

    ``codes`` maps a column to a function translating its codes (e.g. tier ``frontier``).
    Each numeric column gets one number of decimals (:func:`column_digits`).
    """
    codes = codes or {}
    labels = [label(c) for c in columns]
    if len(set(labels)) != len(labels):
        raise ValueError(f"two columns share a header: {labels}")
    digits = {c: column_digits([r.get(c) for r in rows]) for c in columns}
    out = []
    for r in rows:
        line = {}
        for c, lab in zip(columns, labels, strict=True):
            v = r.get(c)
            line[lab] = codes[c](v) if c in codes and v is not None else cell(v, digits[c])
        out.append(line)
    return out, labels


def fields(data: Mapping[str, Any], codes: Mapping[str, Callable[[Any], str]] | None = None) -> dict[str, str]:
    """A key → value object (one result) with translated keys and values as text."""
    codes = codes or {}
    out = {}
    for k, v in data.items():
        if k in codes and v is not None:
            text = codes[k](v)
        elif _is_number(v):
            text = cell(v, column_digits([v]))
        else:
            text = cell(v, 2)
        out[label(k)] = text
    return out
