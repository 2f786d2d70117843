"""The translation layer: every text shown to people goes through :func:`t`.

Lookup (the catalogue, :func:`t`, the language in force) lives in :mod:`computestrata.translate`
and is re-exported here; this module adds choosing a language (:func:`set_lang`,
:func:`use_lang`), which refuses an unknown one with an :class:`~computestrata.errors.InputError`
(errors render through :mod:`computestrata.translate`, so the two never import each other).
Missing translations fall back to English, and a missing key falls back to the key itself so
nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from computestrata.translate import LANGS, _current, catalog, get_lang, t

__all__ = ["LANGS", "catalog", "fmt_number", "get_lang", "set_lang", "t", "use_lang"]


def _checked(lang: str | None) -> str | None:
    if lang is not None and lang not in LANGS:
        from computestrata.errors import InputError

        raise InputError.keyed(
            "errors.unknown_language", "errors.unknown_language_hint", language=repr(lang), langs=", ".join(LANGS)
        )
    return lang


def set_lang(lang: str | None) -> None:
    """Select the language for the current context (``None`` = from ``STRATA_LANG`` or English).

    The CLI calls this once per command; servers and threads use :func:`use_lang` or pass
    ``lang=`` to :func:`t` instead."""
    _current.set(_checked(lang))


@contextmanager
def use_lang(lang: str | None) -> Iterator[None]:
    """Render in ``lang`` inside the block only, then restore the previous choice."""
    token = _current.set(_checked(lang))
    try:
        yield
    finally:
        _current.reset(token)


def fmt_number(value: float | int | None, digits: int = 1, lang: str | None = None) -> str:
    """A number formatted for the reader's locale; ``None`` shows as an em dash."""
    if value is None or value != value:  # None or NaN
        return "—"
    from babel.numbers import format_decimal

    locale = {"en": "en_US", "ko": "ko_KR", "zh": "zh_CN"}[lang or get_lang()]
    pattern = "#,##0" if digits <= 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=pattern, locale=locale))
