"""Checks of numeric options shared by the measure commands and their API.

A bad number is an :class:`InputError` naming the option and the fix (exit 2), never a
silent default, a Python slice that drops rows, or a traceback from numpy.
"""

from __future__ import annotations

from computestrata.errors import InputError


def at_least(option: str, value: int, minimum: int, example: int | None = None) -> int:
    """``value`` if it is ≥ ``minimum``, else an InputError naming ``option``."""
    if value < minimum:
        raise InputError.keyed(
            "errors.at_least",
            "errors.example",
            option=option,
            minimum=minimum,
            value=value,
            example=example if example is not None else minimum,
        )
    return value


def within(option: str, value: int, low: int, high: int, example: int | None = None) -> int:
    """``value`` if ``low`` ≤ value ≤ ``high``, else an InputError naming ``option`` and the range."""
    if not low <= value <= high:
        raise InputError.keyed(
            "errors.within",
            "errors.example",
            option=option,
            low=f"{low:,}",
            high=f"{high:,}",
            value=f"{value:,}",
            example=example if example is not None else low,
        )
    return value
