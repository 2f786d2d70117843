"""Numbers, dates and country names in the reader's language (Babel), per call.

The language is an argument (or the context's language from :func:`computestrata.i18n.use_lang`),
never a process-wide setting, so a server can format a Korean and an English answer at once.
Missing values stay visible as an em dash: a blank cell would read as zero.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

__all__ = ["LOCALES", "country_name", "fmt_date", "fmt_number", "fmt_percent", "locale_of"]

#: Babel locale per catalogue language (Korean as in Korea, Chinese in simplified script).
LOCALES = {"en": "en_US", "ko": "ko_KR", "zh": "zh_Hans_CN"}
MISSING = "—"


def locale_of(lang: str | None) -> str:
    """The Babel locale for ``lang`` (``None``: the context's language)."""
    from computestrata.i18n import _checked, get_lang

    return LOCALES[_checked(lang) or get_lang()]


def fmt_number(value: float | int | None, digits: int = 1, lang: str | None = None) -> str:
    """``value`` with grouping and ``digits`` decimals in ``lang``'s convention; None/NaN → "—"."""
    if value is None or value != value:
        return MISSING
    from babel.numbers import format_decimal

    pattern = "#,##0" if digits <= 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=pattern, locale=locale_of(lang)))


def fmt_percent(value: float | None, digits: int = 1, lang: str | None = None) -> str:
    """A share given in percent (0–100) as "12.3 %" in ``lang``'s convention; None/NaN → "—"."""
    if value is None or value != value:
        return MISSING
    from babel.numbers import format_percent

    pattern = "#,##0%" if digits <= 0 else "#,##0." + "0" * digits + "%"
    return str(format_percent(value / 100.0, format=pattern, locale=locale_of(lang)))


def fmt_date(value: date | datetime | str | None, lang: str | None = None, style: str = "medium") -> str:
    """A date in ``lang``'s convention (``style``: short, medium, long); an ISO string is parsed first.

    A year-month string such as a TOP500 list id ("2024-11") is shown as month and year."""
    if value is None or value == "":
        return MISSING
    from babel.dates import format_date

    loc = locale_of(lang)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 7 and text[4] == "-":  # YYYY-MM
            from babel.dates import format_skeleton

            month = date.fromisoformat(text + "-01")
            return str(format_skeleton("yMM" if style == "short" else "yMMM", month, locale=loc))
        value = date.fromisoformat(text[:10])
    if isinstance(value, datetime):
        value = value.date()
    return str(format_date(value, format=style, locale=loc))


@cache
def _territories(loc: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(loc).territories)


@cache
def _alpha2() -> dict[str, str]:
    """ISO3 → ISO2 from CLDR's territory aliases (shipped with Babel): no atlas needed, so the
    translation layer stays below every part that uses it."""
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    return {k: v[0] for k, v in aliases.items() if len(k) == 3 and k.isalpha() and v and len(v[0]) == 2}


def country_name(iso3: str, lang: str | None = None, alpha2: str | None = None) -> str:
    """The country's name in ``lang`` (CLDR via Babel), e.g. KOR → "대한민국" in Korean.

    ``alpha2`` skips the lookup; an unknown code is returned as given (a label, not a guess)."""
    code = alpha2 or _alpha2().get(iso3.upper())
    if not code:
        return iso3
    return _territories(locale_of(lang)).get(code.upper(), iso3)
