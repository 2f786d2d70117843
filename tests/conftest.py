"""Shared pytest fixtures.

``shared_data`` is the raw data folder (``../shared/data`` beside the repo, or
``$STRATA_SHARED_DATA``).  Integration tests need it: under CI (``CI=true``) its absence
is a failure, elsewhere a skip.  ``built_atlas`` builds the full atlas from it once per
session (or uses ``$STRATA_TEST_ATLAS``, e.g. the atlas CI just built).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (timing is not behaviour, and CI machines are
# shared); under CI, derandomised so that a run is repeatable.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data_dir() -> Path:
    env = os.environ.get("STRATA_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = _shared_data_dir()
    if not (path / "README.md").is_file():
        msg = f"raw data folder {path} not found (set STRATA_SHARED_DATA)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def built_atlas(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a full atlas built from the raw data (built once per test session)."""
    env = os.environ.get("STRATA_TEST_ATLAS")
    if env and (Path(env) / "manifest.json").is_file():
        return Path(env)
    from computestrata.atlas.build import build

    out = tmp_path_factory.mktemp("atlas") / "atlas"
    build(shared_data, out)
    return out


@pytest.fixture(scope="session")
def atlas(built_atlas: Path):  # type: ignore[no-untyped-def]
    """The built atlas, opened."""
    from computestrata.atlas import store

    a = store.open(built_atlas)
    yield a
    a.close()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Every test starts in English (whatever ``STRATA_LANG`` says) and resets afterwards:
    ``--lang`` sets the language for the whole process, so it must not leak between tests."""
    from computestrata.errors import take_notices
    from computestrata.i18n import set_lang
    from computestrata.render import set_sources_mode

    set_lang("en")
    yield
    set_lang(None)
    set_sources_mode(None)  # `--sources full` is also process-wide
    take_notices()  # a warning (ambiguous country) never leaks into the next test's output
