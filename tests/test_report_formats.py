"""Numbers, dates and country names through Babel, in the language of each call."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.i18n import use_lang
from computestrata.i18n.formats import country_name, fmt_date, fmt_number, fmt_percent


def test_numbers_follow_each_language() -> None:
    assert fmt_number(1234567.891, 2, "en") == "1,234,567.89"
    assert fmt_number(1234567.891, 0, "ko") == "1,234,568"
    assert fmt_number(0.5, 1, "zh") == "0.5"
    assert fmt_percent(12.345, 1, "en") == "12.3%"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_missing_stays_visible_never_zero(value: float | None) -> None:
    for lang in ("en", "ko", "zh"):
        assert fmt_number(value, 1, lang) == "—"
        assert fmt_percent(value, 1, lang) == "—"
    assert fmt_date(None, "ko") == "—"


def test_dates_in_each_language() -> None:
    d = date(2023, 10, 17)
    assert fmt_date(d, "en") == "Oct 17, 2023"
    assert fmt_date(d, "ko") == "2023. 10. 17."
    assert fmt_date("2023-10-17", "zh") == "2023年10月17日"
    assert fmt_date("2024-11", "ko") == "2024년 11월"  # a TOP500 list id
    assert fmt_date("2024-11", "zh") == "2024年11月"


def test_country_names_from_cldr() -> None:
    assert country_name("KOR", "ko", alpha2="KR") == "대한민국"
    assert country_name("CHN", "zh", alpha2="CN") == "中国"
    assert country_name("USA", "en", alpha2="US") == "United States"
    assert country_name("XXX", "ko", alpha2="") == "XXX"  # unknown: the code, never a guess


def test_language_is_per_call_not_process_wide() -> None:
    with use_lang("zh"):
        assert fmt_date("2024-11", "en") == "Nov 2024"  # the argument wins
        assert fmt_date("2024-11") == "2024年11月"  # else the context's language
    with pytest.raises(InputError):
        fmt_number(1.0, 1, "fr")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_formatted_number_reads_back_as_the_rounded_value(x: float, digits: int) -> None:
    text = fmt_number(x, digits, "en")
    assert abs(float(text.replace(",", "")) - x) <= 0.5 * 10**-digits + 1e-6 * abs(x)
    if digits:
        assert len(text.split(".")[1]) == digits
