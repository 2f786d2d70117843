"""Lists TOP500 published but the raw data lacks (2021-06) are named, not silently skipped."""

from __future__ import annotations

import pytest

from computestrata import top500
from computestrata.errors import InputError
from computestrata.top500.query import missing_lists


def test_missing_lists_finds_the_gap() -> None:
    assert missing_lists(["2020-06", "2020-11", "2021-11", "2022-06"]) == ["2021-06"]
    assert missing_lists(["1993-06", "1993-11"]) == []
    assert missing_lists([]) == []


@pytest.mark.integration
def test_history_says_which_lists_are_missing(atlas) -> None:  # type: ignore[no-untyped-def]
    res = top500.history("KOR", atlas=atlas)
    assert "2021-06" not in {r["list_id"] for r in res}
    assert any("2021-06" in n for n in res.notes)


@pytest.mark.integration
def test_asking_for_the_missing_list_explains_why(atlas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="missing from the raw data"):
        top500.countries("2021-06", atlas=atlas)


@pytest.mark.integration
def test_api_is_reachable_from_an_opened_atlas(atlas) -> None:  # type: ignore[no-untyped-def]
    """`top500.api.bind(atlas).countries(...)` mirrors `strata top500 countries`."""
    from computestrata.top500 import api

    bound = api.bind(atlas).countries("2024-11")
    direct = top500.countries("2024-11", atlas=atlas)
    assert list(bound) == list(direct)
    assert {r["country_iso3"]: r["systems"] for r in bound}["USA"] == 173
    assert api.bind(atlas).list_ids()[-1] == "2024-11"
    # The atlas sits below every part: it no longer offers `.top500`, and says where it went.
    with pytest.raises(AttributeError, match=r"top500\.api\.bind"):
        atlas.top500  # noqa: B018
