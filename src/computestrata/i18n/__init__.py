"""The translation layer: every text shown to people goes through :func:`t`.

Lookup (the catalogue, :func:`t`, the language in force) lives in :mod:`computestrata.translate`
and is re-exported here; this module adds choosing a language (:func:`set_lang`,
:func:`use_lang`), which refuses an unknown one with an :class:`~computestrata.errors.InputError`
(errors render through :mod:`computestrata.translate`, so the two never import each other).
Missing translations fall back to English, and a missing key falls back to the key itself so
nothing is hidden.
"""

from __future__ import annotations

from contextvars import Token

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


class use_lang:  # lower case: used like the function it was, ``with use_lang("ko"):``
    """Render in ``lang`` inside the block only, then restore the previous choice.

    A small class rather than a generator context manager: caches compute their values in
    English inside one (:mod:`computestrata.cooperation.controls_view`), thousands of times
    per matrix, and this costs a tenth of it."""

    __slots__ = ("_lang", "_token")

    def __init__(self, lang: str | None) -> None:
        self._lang = _checked(lang)
        self._token: Token[str | None] | None = None

    def __enter__(self) -> None:
        self._token = _current.set(self._lang)

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None


def fmt_number(value: float | int | None, digits: int = 1, lang: str | None = None) -> str:
    """A number formatted for the reader's locale; ``None`` shows as an em dash."""
    if value is None or value != value:  # None or NaN
        return "—"
    from babel.numbers import format_decimal

    locale = {"en": "en_US", "ko": "ko_KR", "zh": "zh_CN"}[lang or get_lang()]
    pattern = "#,##0" if digits <= 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=pattern, locale=locale))
