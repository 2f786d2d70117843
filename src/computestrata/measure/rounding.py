"""Numbers as shown: one rounding rule for the CLI, the report and the dashboard.

Results keep full precision internally; the rows a result hands out for display are
rounded here, so every front end shows the same digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: digits kept for floats in shown rows (Table 1 percentages use 2)
DIGITS = 4


def round_floats(row: Mapping[str, Any], digits: int = DIGITS) -> dict[str, Any]:
    """A copy of ``row`` with its top-level floats rounded (other values, and nested ones, untouched)."""
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in row.items()}
