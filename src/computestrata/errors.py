"""Errors that tell the user what went wrong, where, and how to fix it.

Every error the tool raises on bad input is a :class:`StrataError`; the CLI prints its
message and hint and exits with its ``exit_code`` instead of a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Self


class StrataError(Exception):
    """Base error: a message for the user, an optional fix, and a CLI exit code.

    ``message``/``hint`` are English (logs, tests, ``str(exc)``).  An error made with
    :meth:`keyed` also carries catalogue keys and their values, so the CLI shows it in the
    reader's language (:meth:`shown`); a plain error shows its English text.
    """

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key: str | None = None
        self.hint_key: str | None = None
        self.params: dict[str, object] = {}
        self._english: tuple[str, str | None] = (message, hint)

    @classmethod
    def keyed(cls, key: str, hint_key: str | None = None, **params: object) -> Self:
        """An error whose message (and hint) are catalogue entries formatted with ``params``."""
        from computestrata.translate import t

        fmt = {k: _shown_value(v, "en") for k, v in params.items()}
        err = cls(t(key, lang="en", **fmt), t(hint_key, lang="en", **fmt) if hint_key else None)
        err.key, err.hint_key, err.params = key, hint_key, dict(params)
        return err

    def shown(self, lang: str | None = None) -> tuple[str, str | None]:
        """(message, hint) in ``lang`` (default: the current language).

        Text a caller appended to the English hint (``err.hint += "; …"``) is kept after the
        translated part; a message or hint replaced outright is shown as it now reads."""
        if self.key is None:
            return self.message, self.hint
        from computestrata.translate import get_lang, t

        lang = lang or get_lang()
        fmt = {k: _shown_value(v, lang) for k, v in self.params.items()}
        en_msg, en_hint = self._english
        message = t(self.key, lang=lang, **fmt) if self.message == en_msg else self.message
        hint = self.hint
        if self.hint_key and en_hint and self.hint and self.hint.startswith(en_hint):
            hint = t(self.hint_key, lang=lang, **fmt) + self.hint[len(en_hint) :]
        return message, hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


def _shown_value(value: object, lang: str) -> str:
    """A parameter of a keyed error as text: a key in the catalogue (``@key``) is translated too."""
    if isinstance(value, str) and value.startswith("@"):
        from computestrata.translate import t

        return t(value[1:], lang=lang)
    return str(value)


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
    """An :class:`InputError` for an unknown id that lists the closest valid ones first.

    Periods (a year ``2030`` or a list ``2030-11`` among periods) are not spelled words: the
    hint names the range and the latest (or earliest) instead of fuzzy neighbours.

    >>> print(unknown("TOP500 list", "2030-11", ["1993-06", "2024-06", "2024-11"]).hint)
    latest TOP500 list is 2024-11 (available: 1993-06 to 2024-11, 3 in all)
    """
    pool = sorted(set(choices))
    what = kind_param(kind)
    span = _period_span(word, pool)
    if span is not None:
        where, near = span
        return InputError.keyed(
            "errors.unknown",
            f"errors.period_{where}",
            kind=what,
            word=repr(word),
            first=pool[0],
            last=pool[-1],
            near=", ".join(near),
            n=len(pool),
        )
    near = closest(word, pool, n)
    return InputError.keyed(
        "errors.unknown",
        "errors.closest" if pool else None,
        kind=what,
        word=repr(word),
        near=", ".join(near),
        n=len(pool),
    )


def kind_param(kind: str) -> str:
    """``kind`` as a parameter: a catalogue reference when it has a translation."""
    from computestrata.translate import catalog

    key = "errors.kind." + kind.lower().replace(" ", "_").lstrip("-")
    return "@" + key if key in catalog() else kind


_PERIOD = re.compile(r"\d{4}(-\d{2})?")


def _period_span(word: str, pool: list[str]) -> tuple[str, list[str]] | None:
    """('after'|'before'|'gap', neighbours) when ``word`` and every (sorted) choice are periods."""
    w = word.strip()
    if not pool or not _PERIOD.fullmatch(w) or not all(_PERIOD.fullmatch(p) for p in pool):
        return None
    if w > pool[-1]:
        return "after", [pool[-1]]
    if w < pool[0]:
        return "before", [pool[0]]
    below = [p for p in pool if p < w]
    above = [p for p in pool if p > w]
    return "gap", [*below[-1:], *above[:1]]


#: Warnings raised while a command runs (an ambiguous country name…); :func:`take_notices`
#: hands them to the output, which shows them among its notes.
_notices: ContextVar[tuple[str, ...]] = ContextVar("computestrata_notices", default=())


def notice(text: str) -> None:
    """Record a warning for the user (shown with the result's notes, never silently lost)."""
    if text not in _notices.get():
        _notices.set((*_notices.get(), text))


def take_notices() -> list[str]:
    """The warnings recorded so far, once (the list is emptied)."""
    out = list(_notices.get())
    _notices.set(())
    return out
