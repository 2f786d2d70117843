"""Command-line usage errors (a missing option, an unknown command …) in the reader's language.

The argument parser (click, under typer) writes these in English before any command runs, so
``--lang`` has not been applied yet: the language is read from the command line itself (or
``STRATA_LANG``), and the parser's message is matched against its known phrasings and
re-worded through the catalogue.  A message no pattern knows is shown as it is.
"""

from __future__ import annotations

import re
from typing import Any

#: click's phrasings → catalogue key (named groups become the key's fields)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing option '(?P<name>[^']+)'\.?(?P<rest>.*)", re.S), "errors.usage.missing_option"),
    (re.compile(r"Missing argument '(?P<name>[^']+)'\.?(?P<rest>.*)", re.S), "errors.usage.missing_argument"),
    (re.compile(r"No such option: (?P<name>\S+)(?P<rest>.*)", re.S), "errors.usage.no_such_option"),
    (re.compile(r"No such command '(?P<name>[^']+)'\.?(?P<rest>.*)", re.S), "errors.usage.no_such_command"),
    (re.compile(r"Option '(?P<name>[^']+)' requires an argument\.?(?P<rest>.*)", re.S), "errors.usage.needs_value"),
    (re.compile(r"Invalid value for '(?P<name>[^']+)': (?P<rest>.*)", re.S), "errors.usage.invalid_value"),
    (re.compile(r"Got unexpected extra arguments? \((?P<name>.*)\)(?P<rest>.*)", re.S), "errors.usage.extra_argument"),
)


def lang_from_argv(argv: list[str]) -> str | None:
    """The ``--lang`` value on the command line (``--lang ko`` or ``--lang=ko``), if valid.

    >>> lang_from_argv(["top500", "history", "--lang", "ko"])
    'ko'
    >>> lang_from_argv(["--lang=xx"]) is None
    True
    """
    from computestrata.i18n import LANGS

    for i, a in enumerate(argv):
        value = argv[i + 1] if a == "--lang" and i + 1 < len(argv) else a[7:] if a.startswith("--lang=") else None
        if value in LANGS:
            return value
    return None


def translate(message: str, lang: str) -> str:
    """``message`` re-worded in ``lang`` when it matches a known phrasing, else unchanged.

    >>> translate("Missing option '--country'.", "ko")
    "필수 옵션 '--country'이(가) 없습니다."
    >>> translate("Something new.", "zh")
    'Something new.'
    """
    from computestrata.i18n import t

    for pattern, key in PATTERNS:
        m = pattern.fullmatch(message.strip())
        if m:
            rest = _rest(m.group("rest").strip(), lang)
            return t(key, lang=lang, name=m.group("name")) + (f" {rest}" if rest else "")
    return message


def _rest(rest: str, lang: str) -> str:
    """The tail click adds ("Did you mean '--list'?", "(Possible options: …)"), re-worded."""
    from computestrata.i18n import t

    m = re.fullmatch(r"Did you mean (?P<name>.+)\?", rest)
    if m:
        return t("errors.usage.did_you_mean", lang=lang, name=m.group("name"))
    m = re.fullmatch(r"\(Possible options: (?P<name>.+)\)", rest)
    if m:
        return t("errors.usage.possible", lang=lang, name=m.group("name"))
    return rest


def install(argv: list[str]) -> None:
    """Route typer's error panel through :func:`translate` (English needs nothing)."""
    from computestrata.i18n import get_lang

    lang = lang_from_argv(argv) or get_lang()
    if lang == "en":
        return
    try:
        from typer import rich_utils
    except ImportError:  # typer without rich formatting: click prints the English text
        return
    original = getattr(rich_utils, "rich_format_error", None)
    if original is None or getattr(original, "_strata_lang", None) == lang:
        return

    def rich_format_error(exc: Any) -> None:
        from computestrata.i18n import t

        text = translate(exc.format_message(), lang)
        exc.format_message = lambda: text
        utils: Any = rich_utils  # typer's module constants, typed loosely across versions
        title = getattr(utils, "ERRORS_PANEL_TITLE", "Error")
        utils.ERRORS_PANEL_TITLE = t("common.error", lang=lang)
        try:
            original(exc)
        finally:
            utils.ERRORS_PANEL_TITLE = title

    rich_format_error._strata_lang = lang  # type: ignore[attr-defined]
    setattr(rich_utils, "rich_format_error", rich_format_error)  # noqa: B010
