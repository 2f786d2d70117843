"""The measure catalogue: every key in en/ko/zh with the same placeholders."""

from __future__ import annotations

import string
from importlib import resources

import yaml


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_measure_keys_have_three_languages_and_matching_placeholders() -> None:
    path = resources.files("computestrata.i18n") / "catalog" / "measure.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data
    for key, texts in data.items():
        assert key.startswith("measure."), key
        assert set(texts) == {"en", "ko", "zh"}, key
        en = _fields(texts["en"])
        for lang in ("ko", "zh"):
            assert _fields(texts[lang]) == en, f"{key} [{lang}]"
