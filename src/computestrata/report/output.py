"""Writing the report folder safely: built aside, then swapped into place.

A folder is only replaced when it is empty or was written by ``strata report`` (it holds
the :data:`MARKER` file), so pointing ``--out`` at a project folder cannot wipe it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from computestrata.errors import InputError

MARKER = ".strata-report"


def check_target(out: Path) -> None:
    """Refuse a target that exists and is not a report folder (or not a folder at all)."""
    if not out.exists():
        if not out.parent.exists():
            raise InputError.keyed("report.error.no_parent", "report.error.no_parent_hint", folder=str(out.parent))
        return
    if not out.is_dir():
        raise InputError.keyed("report.error.is_file", "report.error.is_file_hint", path=str(out))
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError.keyed("report.error.not_report", "report.error.not_report_hint", path=str(out))


def plotly_js() -> Path:
    """The plotly.js bundled with the installed ``plotly`` package (no CDN, no download)."""
    from computestrata.imaging import plotly_js as find

    return find()


def write_folder(out: Path, fill: Callable[[Path], object], meta: dict[str, object]) -> Path:
    """Create the report in a sibling temporary folder with ``fill(tmp)``, then swap it into ``out``.

    On any error the temporary folder is removed and ``out`` is left as it was."""
    check_target(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        fill(tmp)
        (tmp / MARKER).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return out
