"""Two languages rendered at once through real command paths (not a toy ``t()`` call).

A server answers Korean and English requests in parallel threads; each must get its own
text from the same API functions the CLI calls.  The reference is the same call made alone.
Each thread opens its own atlas, as the web runner does per request (one DuckDB connection
refuses a second caller rather than mixing their rows).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from threads_support import LANGS, race


def _alone(atlas_dir: Path, call: Callable[[Any], Any]) -> dict[str, Any]:
    from computestrata.atlas import store
    from computestrata.i18n import use_lang

    atlas = store.open(atlas_dir)
    out = {}
    for lang in LANGS:
        with use_lang(lang):
            out[lang] = call(atlas)
    return out


@pytest.mark.integration
def test_cooperation_pair_in_korean_and_english_at_once(built_atlas: Path) -> None:
    from computestrata.cooperation import api

    def call(atlas: Any) -> tuple[dict[str, Any], list[str]]:
        res = api.pair(atlas, "KOR", "USA", "2025-06-01")
        return res.to_dict(), list(res.notes)

    want = _alone(built_atlas, call)
    assert want["en"] != want["ko"]  # the result carries rendered text, so the race can show
    assert any("\uac00" <= ch <= "\ud7a3" for note in want["ko"][1] for ch in note)  # Hangul in the Korean notes
    got = race(built_atlas, call)
    for lang in LANGS:
        assert all(answer == want[lang] for answer in got[lang]), lang


@pytest.mark.integration
def test_network_case_table_in_korean_and_english_at_once(built_atlas: Path) -> None:
    from computestrata.network import api

    def call(atlas: Any) -> list[dict[str, Any]]:
        return api.case_table(atlas).rows

    want = _alone(built_atlas, call)
    assert [r["name"] for r in want["en"]] != [r["name"] for r in want["ko"]]
    got = race(built_atlas, call)
    for lang in LANGS:
        assert all(answer == want[lang] for answer in got[lang]), lang
