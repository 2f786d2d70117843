"""Errors that tell the user what went wrong, where, and how to fix it.

Every error the tool raises on bad input is a :class:`StrataError`; the CLI prints its
message and hint and exits with its ``exit_code`` instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class StrataError(Exception):
    """Base error: a message for the user, an optional fix, and a CLI exit code."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(StrataError):
    """A bad argument or value given by the user."""


class AtlasError(StrataError):
    """The atlas is missing, corrupt, or cannot be written."""


@dataclass(frozen=True)
class RowError:
    """One bad cell in a raw file: where it is, what is wrong, how to fix it."""

    file: str
    row: int | None
    column: str | None
    value: object
    problem: str
    fix: str

    def describe(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.problem}{value}; fix: {self.fix}"


class RawDataError(StrataError):
    """A raw input file failed validation; carries every :class:`RowError` found."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = list(errors)
        first = self.errors[0].describe() if self.errors else "unknown error"
        more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        row_level = any(e.row is not None for e in self.errors)
        super().__init__(
            f"bad raw data: {first}{more}",
            hint="fix the file, or rebuild with --lenient to skip bad rows and report them" if row_level else None,
        )


def closest(word: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """Valid choices ordered by similarity to ``word`` (closest first) for error messages."""
    from rapidfuzz import fuzz, process, utils

    pool = list(choices)
    hits = process.extract(word, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=n)
    return [h[0] for h in hits]


def unknown(kind: str, word: str, choices: Iterable[str], n: int = 5) -> InputError:
    """An :class:`InputError` for an unknown id that lists the closest valid ones first."""
    pool = sorted(set(choices))
    near = closest(word, pool, n)
    return InputError(
        f"unknown {kind} {word!r}",
        hint=f"closest: {', '.join(near)}" + (f" (valid: {len(pool)} in all)" if pool else ""),
    )
