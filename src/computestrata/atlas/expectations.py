"""What the build expects of each raw file: its sha256 or a row-count floor, and when it was retrieved.

Why: a truncated or swapped raw file usually still parses.  Cut ``gpu_clusters.csv`` to
three rows and every loader is happy, the atlas has 3 clusters instead of 786, and it
replaces a good atlas.  So the build checks every raw file a loader opened against the
raw-data manifest (``raw_manifest.csv`` beside this module) before it writes anything:

- ``sha256``: the file must be exactly the recorded bytes.  Used for dated snapshots
  (``*_2026-07-23.json``, ``*_FY2025*``) and for any file whose rows cannot be counted.
- ``min_rows``: a CSV must have at least this many data rows (header excluded).  Used for
  living datasets their publishers revise (Epoch, World Bank, compiled tables); the floor
  is 90 % of the rows when the line was recorded, so a new release may drop duplicates.
- ``retrieved``: the date the file was downloaded into the raw folder.  It becomes the
  ``date_accessed`` of every source read from the file, so a rebuild on another day (or
  from a fresh copy, with new file times) cites the same access date.

A line's ``file`` is a path relative to the raw folder, or a glob (``top500/raw/TOP500_*``).
The check is generic: every file a loader asks for through :meth:`BuildContext.path`
(and every file under a folder it asks for) is checked, so a new loader gets it without
code.  A file with no line is reported as unchecked in the build notes; to declare one,
add a line, e.g. with ``python -m computestrata.atlas.expectations RAW_DIR FILE…``,
which prints lines for the given files (sha256 for non-CSV files, a 90 % floor for CSVs).
"""

from __future__ import annotations

import csv
import fnmatch
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from computestrata.errors import InputError, RowError

MANIFEST_FILE = "raw_manifest.csv"
COLUMNS = ("file", "sha256", "min_rows", "retrieved", "note")
FLOOR_SHARE = 0.9  # a CSV may lose up to 10 % of its rows between releases
ROW_COUNTED = {".csv", ".tsv"}


@dataclass(frozen=True)
class Expectation:
    """One line of the raw-data manifest."""

    file: str
    sha256: str | None = None
    min_rows: int | None = None
    retrieved: str | None = None
    note: str = ""

    def matches(self, rel: str) -> bool:
        return rel == self.file or (any(c in self.file for c in "*?[") and fnmatch.fnmatchcase(rel, self.file))


@dataclass(frozen=True)
class RawManifest:
    """All expectations; an exact path wins over a glob."""

    entries: tuple[Expectation, ...] = ()
    origin: str = "none"

    def find(self, rel: str) -> Expectation | None:
        exact = [e for e in self.entries if e.file == rel]
        if exact:
            return exact[0]
        return next((e for e in self.entries if e.matches(rel)), None)


def read_manifest(path: Path | str) -> RawManifest:
    """Parse a raw-data manifest CSV; a bad line is an :class:`InputError` naming it."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no raw-data manifest at {p}", hint="give a CSV with columns " + ", ".join(COLUMNS))
    entries = []
    with p.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        missing = set(COLUMNS[:4]) - set(rows.fieldnames or [])
        if missing:
            raise InputError(f"raw-data manifest {p} lacks columns {sorted(missing)}", hint=f"columns: {COLUMNS}")
        for i, r in enumerate(rows, start=2):
            try:
                floor = int(r["min_rows"]) if (r.get("min_rows") or "").strip() else None
                if r.get("retrieved"):
                    date.fromisoformat(r["retrieved"].strip())
            except ValueError as exc:
                raise InputError(
                    f"raw-data manifest {p}, line {i}: {exc}", hint="min_rows is an integer, retrieved YYYY-MM-DD"
                ) from exc
            entries.append(
                Expectation(
                    file=r["file"].strip(),
                    sha256=(r.get("sha256") or "").strip().lower() or None,
                    min_rows=floor,
                    retrieved=(r.get("retrieved") or "").strip() or None,
                    note=(r.get("note") or "").strip(),
                )
            )
    return RawManifest(tuple(entries), origin=str(p))


@lru_cache(maxsize=1)
def shipped_manifest() -> RawManifest:
    """The manifest that ships with the package (describes the published raw-data folder)."""
    return read_manifest(Path(str(resources.files("computestrata.atlas") / MANIFEST_FILE)))


def count_rows(path: Path) -> int:
    """Data rows of a CSV (header excluded; quoted newlines handled).  Latin-1 never fails to
    decode, and quotes, commas and newlines are ASCII in every encoding the raw files use."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="latin-1", newline="") as fh:
        return max(sum(1 for row in csv.reader(fh, delimiter=delimiter) if row) - 1, 0)


def files_under(paths: Iterable[Path]) -> list[Path]:
    """The files among ``paths``, and the files inside the folders among them."""
    out: set[Path] = set()
    for p in paths:
        if p.is_dir():
            out.update(f for f in p.rglob("*") if f.is_file())
        elif p.is_file():
            out.add(p)
    return sorted(out)


def check_files(raw: Path, paths: Sequence[Path], manifest: RawManifest) -> tuple[list[RowError], list[str]]:
    """Check ``paths`` (files a build opened) against ``manifest``.

    Returns the problems (file, expected, found) and the files no line describes.
    """
    from computestrata.atlas.sources import sha256_file

    problems: list[RowError] = []
    unchecked: list[str] = []
    for f in files_under(paths):
        rel = f.relative_to(raw).as_posix() if f.is_relative_to(raw) else f.name
        exp = manifest.find(rel)
        if exp is None or (exp.sha256 is None and exp.min_rows is None):
            if exp is None and manifest.entries:
                unchecked.append(rel)
            continue
        if exp.sha256:
            found = sha256_file(f)
            if found != exp.sha256:
                problems.append(
                    RowError(
                        rel,
                        None,
                        "sha256",
                        found,
                        f"sha256 differs: expected {exp.sha256}, found {found}",
                        f"restore the published file, or update its line in {Path(manifest.origin).name}",
                    )
                )
        if exp.min_rows is not None and f.suffix.lower() in ROW_COUNTED:
            n = count_rows(f)
            if n < exp.min_rows:
                problems.append(
                    RowError(
                        rel,
                        None,
                        None,
                        n,
                        f"too few rows: expected at least {exp.min_rows}, found {n} (a truncated download?)",
                        f"re-download the file; if the publisher really removed rows, lower its floor in "
                        f"{Path(manifest.origin).name}",
                    )
                )
    return problems, unchecked


def retrieved(raw_root: Path | None, path: Path) -> str | None:
    """The recorded retrieval date of a raw file, if the shipped manifest has one."""
    if raw_root is None or not path.is_relative_to(raw_root):
        return None
    exp = shipped_manifest().find(path.relative_to(raw_root).as_posix())
    return exp.retrieved if exp else None


def record_lines(raw: Path, files: Sequence[str], retrieved_on: str | None = None) -> list[str]:
    """Manifest lines for ``files`` (relative to ``raw``): sha256 for non-CSV files, a floor for CSVs."""
    from computestrata.atlas.sources import sha256_file

    day = retrieved_on or date.today().isoformat()
    lines = []
    for rel in files:
        f = raw / rel
        if f.suffix.lower() in ROW_COUNTED:
            lines.append(f"{rel},,{math.floor(count_rows(f) * FLOOR_SHARE)},{day},")
        else:
            lines.append(f"{rel},{sha256_file(f)},,{day},")
    return lines


if __name__ == "__main__":  # pragma: no cover - developer helper
    if len(sys.argv) < 3:
        print("usage: python -m computestrata.atlas.expectations RAW_DIR FILE…", file=sys.stderr)
        sys.exit(2)
    print("\n".join(record_lines(Path(sys.argv[1]), sys.argv[2:])))
