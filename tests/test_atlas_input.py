"""Bad arguments to `strata atlas …` are refused with the argument named and a fix (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def strata(*args: str, atlas: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point (its error handler turns an InputError into a message and exit 2)."""
    env = {**os.environ, **({"STRATA_ATLAS": str(atlas)} if atlas else {})}
    cmd = [sys.executable, "-m", "computestrata.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


@pytest.mark.integration
@pytest.mark.parametrize(("lang", "word"), [("en", "unknown --ignore"), ("ko", "알 수 없는"), ("zh", "未知")])
def test_diff_refuses_an_unknown_ignored_column(built_atlas: Path, lang: str, word: str) -> None:
    """A typo in ``--ignore`` would silently compare everything; it names the closest column."""
    a = str(built_atlas)
    res = strata("atlas", "diff", a, a, "--ignore", "date_acessed", "--lang", lang)
    assert res.returncode == 2, res.stderr
    assert word in res.stderr and "date_accessed" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.integration
def test_diff_takes_a_known_ignored_column(built_atlas: Path) -> None:
    a = str(built_atlas)
    res = strata("atlas", "diff", a, a, "--ignore", "date_accessed")
    assert res.returncode == 0, res.stderr
