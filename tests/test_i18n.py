"""The translation layer: every catalogue key has en/ko/zh with the same placeholders."""

from __future__ import annotations

import string

import pytest

from computestrata.cli_common import cell as _cell
from computestrata.errors import InputError
from computestrata.i18n import LANGS, catalog, fmt_number, set_lang, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_all_languages_and_same_placeholders() -> None:
    bad = []
    for key, texts in catalog().items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            bad.append(f"{key}: missing {missing}")
            continue
        if len({frozenset(_fields(texts[lang])) for lang in LANGS}) != 1:
            bad.append(f"{key}: placeholders differ")
    assert not bad, "\n".join(bad[:20])


def test_translation_follows_language_choice() -> None:
    assert t("common.sources", "ko") == "출처"
    set_lang("zh")
    assert t("common.sources") == "来源"
    set_lang(None)
    assert t("common.sources") == "Sources"
    assert t("no.such.key") == "no.such.key"  # nothing hidden


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(InputError, match="language"):
        set_lang("fr")


def test_numbers_and_years_format_per_locale() -> None:
    assert fmt_number(1234567.891, 1, "en") == "1,234,567.9"
    assert fmt_number(None) == "—"
    assert _cell(2024, "year") == "2024"
    assert _cell(2024, "systems") == "2,024"
    assert _cell(float("nan")) == "—"


def test_two_threads_render_their_own_language() -> None:
    """The language is per context: a Korean and an English render at the same time do not mix."""
    import threading

    from computestrata.i18n import set_lang, t

    key = "overview.title"
    expected = {lang: t(key, lang=lang) for lang in ("en", "ko")}
    assert expected["en"] != expected["ko"]
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {"en": [], "ko": []}

    def render(lang: str) -> None:
        set_lang(lang)
        barrier.wait()  # both threads have set their language before either renders
        for _ in range(200):
            seen[lang].append(t(key))

    threads = [threading.Thread(target=render, args=(lang,)) for lang in ("en", "ko")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert set(seen["en"]) == {expected["en"]}
    assert set(seen["ko"]) == {expected["ko"]}


def test_use_lang_restores_the_previous_language() -> None:
    from computestrata.i18n import get_lang, set_lang, use_lang

    set_lang("zh")
    with use_lang("ko"):
        assert get_lang() == "ko"
    assert get_lang() == "zh"
