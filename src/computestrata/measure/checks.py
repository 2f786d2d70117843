"""Checks of numeric options shared by the measure commands and their API.

A bad number is an :class:`InputError` naming the option and the fix (exit 2), never a
silent default, a Python slice that drops rows, or a traceback from numpy.
"""

from __future__ import annotations

from computestrata.errors import InputError


def at_least(option: str, value: int, minimum: int, example: int | None = None) -> int:
    """``value`` if it is ≥ ``minimum``, else an InputError naming ``option``."""
    if value < minimum:
        raise InputError(
            f"{option} must be at least {minimum} (got {value})",
            hint=f"e.g. {option} {example if example is not None else minimum}",
        )
    return value


def within(option: str, value: int, low: int, high: int, example: int | None = None) -> int:
    """``value`` if ``low`` ≤ value ≤ ``high``, else an InputError naming ``option`` and the range."""
    if not low <= value <= high:
        raise InputError(
            f"{option} must be between {low:,} and {high:,} (got {value:,})",
            hint=f"e.g. {option} {example if example is not None else low}",
        )
    return value
