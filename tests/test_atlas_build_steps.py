"""The length of a build's progress bar comes from the atlas API (the loader registry stays behind it)."""

from __future__ import annotations

from computestrata.atlas import api
from computestrata.atlas.loaders import LOADERS


def test_every_loader_when_none_is_named() -> None:
    assert api.build_steps() == len({"countries", *LOADERS}) == api.build_steps([])


def test_countries_always_runs_first_and_counts_once() -> None:
    assert api.build_steps(["top500"]) == 2
    assert api.build_steps(["countries"]) == 1
    assert api.build_steps(["countries", "top500", "top500"]) == 2
