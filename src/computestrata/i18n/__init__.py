"""The translation layer: every text shown to people goes through :func:`t`.

Catalogues are YAML files in ``i18n/catalog/`` (one per domain, so modules do not
collide); each key maps to ``{en: ..., ko: ..., zh: ...}``.  Missing translations fall
back to English, and a missing key falls back to the key itself so nothing is hidden.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("en", "ko", "zh")
# A context variable, not a module global: each thread (and each asyncio task) sees its own
# language, so a web server can answer a Korean and an English request at the same time.
_current: ContextVar[str | None] = ContextVar("computestrata_lang", default=None)


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


def get_lang() -> str:
    """The language in force: explicit choice, else ``STRATA_LANG``, else English."""
    lang = _current.get() or os.environ.get("STRATA_LANG", "en")
    return lang if lang in LANGS else "en"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All catalogue entries merged; a key defined twice is a bug and raises."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("computestrata.i18n") / "catalog"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        # the C loader when libyaml is there: the catalogues are read by every command
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=loader) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} defined twice (again in {entry.name})")
            merged[key] = {str(k): str(v) for k, v in texts.items()}
    return merged


def t(key: str, lang: str | None = None, **fmt: Any) -> str:
    """Translate ``key`` into ``lang`` (default: current) and format it with ``fmt``."""
    entry = catalog().get(key)
    lang = lang or get_lang()
    text = key if entry is None else entry.get(lang) or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def fmt_number(value: float | int | None, digits: int = 1, lang: str | None = None) -> str:
    """A number formatted for the reader's locale; ``None`` shows as an em dash."""
    if value is None or value != value:  # None or NaN
        return "—"
    from babel.numbers import format_decimal

    locale = {"en": "en_US", "ko": "ko_KR", "zh": "zh_CN"}[lang or get_lang()]
    pattern = "#,##0" if digits <= 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=pattern, locale=locale))
