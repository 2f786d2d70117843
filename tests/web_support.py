"""Helpers for the web tests: a hostile copy of the atlas, the app on an atlas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HOSTILE_SITE = "<script>alert(1)</script>"
HOSTILE_NAME = '<img src=x onerror="alert(2)">'
HOSTILE_LIST = "2024-11"


def hostile_atlas(src: Path, dst: Path) -> Path:
    """A copy of ``src`` whose rank-1 system on the 2024-11 list has a site name that is a
    script tag and a system name that is an image with an onerror handler."""
    import pandas as pd

    if (dst / "manifest.json").is_file():
        return dst
    tmp = dst.with_name(dst.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    path = tmp / json.loads((tmp / "manifest.json").read_text())["tables"]["top500_systems"]["file"]
    frame = pd.read_parquet(path)
    hit = (frame["list_id"] == HOSTILE_LIST) & (frame["rank"] == 1)
    assert hit.sum() == 1
    frame.loc[hit, "site"] = HOSTILE_SITE
    frame.loc[hit, "name"] = HOSTILE_NAME
    frame.to_parquet(path, index=False)
    tmp.rename(dst)
    return dst
