"""The all-pairs matrix agrees with the pair command on every summary figure it writes (value
shares, per-layer counts, mean score, gaps), not only on the classes; and `--parquet` is
written aside and swapped in."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from computestrata.cooperation import api

pytestmark = pytest.mark.integration
DAY = "2025-06-01"
COUNTRIES = ["KOR", "CHN", "USA", "TWN"]


@pytest.fixture(scope="module")
def mat(atlas: Any) -> Any:
    return api.matrix(atlas, DAY, COUNTRIES)


@pytest.mark.parametrize(("a", "b"), [("KOR", "CHN"), ("CHN", "KOR"), ("USA", "TWN"), ("TWN", "CHN")])
def test_matrix_summary_equals_pair_summary(atlas: Any, mat: Any, a: str, b: str) -> None:
    r = api.pair(atlas, a, b, DAY)
    row = mat.frame[(mat.frame.a == a) & (mat.frame.b == b)].iloc[0]
    allb = r.summary["all"]
    for c in ("restricted", "limited", "open"):
        assert row[f"share_{c}"] == pytest.approx(allb["share_of_segments"][c])
        assert row[f"value_share_{c}"] == pytest.approx(allb["share_of_value"][c])
        for layer in ("L1", "L2", "L3", "L4", "L5"):
            block = r.summary[layer]
            assert row[f"{layer}_{c}"] == round(block["share_of_segments"][c] * block["segments"])
    assert row["mean_score"] == pytest.approx(allb["mean_score"], abs=2e-4)
    assert row["complementarity_gaps"] == sum("complementarity" in s.gaps for s in r.segments)
    assert row["asymmetric_controls"] == sum(
        s.controllability["a_to_b"]["status"] != s.controllability["b_to_a"]["status"] for s in r.segments
    )


def test_parquet_replaces_an_old_file_whole(mat: Any, tmp_path: Path) -> None:
    out = tmp_path / "coop.parquet"
    out.write_bytes(b"old contents")
    api.write_parquet(mat.frame, out)
    back = pd.read_parquet(out)
    assert len(back) == len(COUNTRIES) * (len(COUNTRIES) - 1) and not list(tmp_path.glob("*.tmp"))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # not the temp file's private 0600


def test_parquet_bad_places_are_clear_errors(mat: Any, tmp_path: Path) -> None:
    from computestrata.errors import InputError

    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        api.write_parquet(mat.frame, blocker / "coop.parquet")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        # root writes anywhere: then use a folder nobody can write
        target = Path("/proc/coop.parquet") if os.access(locked, os.W_OK) else locked / "coop.parquet"
        with pytest.raises(InputError, match="cannot write in folder"):
            api.write_parquet(mat.frame, target)
    finally:
        locked.chmod(0o755)
