"""The translation core: the catalogue, the language in force, and :func:`t`.

Why a module of its own, below :mod:`computestrata.errors`: every error renders its message
through :func:`t`, and choosing a language (:func:`computestrata.i18n.set_lang`) refuses an
unknown one with an :class:`~computestrata.errors.InputError`.  With lookup here and choice in
:mod:`computestrata.i18n`, the dependency runs one way (translate ← errors ← i18n), no cycle.
Everyone else imports these names from :mod:`computestrata.i18n`, which re-exports them.

Catalogues are YAML files in ``i18n/catalog/`` (one per domain, so modules do not collide);
each key maps to ``{en: ..., ko: ..., zh: ...}``.  Missing translations fall back to English,
and a missing key falls back to the key itself so nothing is hidden.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("en", "ko", "zh")
# A context variable, not a module global: each thread (and each asyncio task) sees its own
# language, so a web server can answer a Korean and an English request at the same time.
_current: ContextVar[str | None] = ContextVar("computestrata_lang", default=None)


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
    # the files of the i18n package, found without importing it (it sits above this module)
    folder = resources.files("computestrata") / "i18n" / "catalog"
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
