"""Provenance: every number in the atlas points at a :class:`Source`.

A source names its publisher, licence (SPDX id) and the sha256 of the raw file it was
read from, so a figure can be traced back and a user can exclude, for example, all
``CC-BY-NC-4.0`` material from an output.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

SOURCE_COLUMNS = (
    "source_id",
    "publisher",
    "title",
    "url",
    "date_published",
    "date_accessed",
    "license",
    "citation",
    "locator",
    "sha256",
    "raw_file",
)


@dataclass(frozen=True)
class Source:
    """One cited origin of data (a file, a table of a report, a web page)."""

    source_id: str
    publisher: str
    title: str
    url: str
    license: str
    citation: str
    date_published: str | None = None
    date_accessed: str | None = None
    locator: str | None = None
    sha256: str | None = None
    raw_file: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def record(self) -> dict[str, str | None]:
        """The row stored in the atlas ``sources`` table (``extra`` is not stored)."""
        d = asdict(self)
        return {k: d[k] for k in SOURCE_COLUMNS}


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (raw files can be tens of MB).

    Cached per (path, size, modification time): the build hashes a file once for its
    source record and once for the raw-data manifest check."""
    st = path.stat()
    return _sha256(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4096)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_source(path: Path, raw_root: Path | None = None, **fields: str | None) -> Source:
    """A :class:`Source` for one raw file: hashes it and records its path under ``raw_root``."""
    rel = str(path.relative_to(raw_root)) if raw_root and path.is_relative_to(raw_root) else path.name
    # The access date is the retrieval date the raw-data manifest records for the file, so a
    # rebuild (or a fresh copy of the raw folder, with new file times) cites the same date.
    # A file the manifest does not date falls back to its modification date.
    if "date_accessed" not in fields:
        from computestrata.atlas.expectations import retrieved

        fields["date_accessed"] = retrieved(raw_root, path) or date.fromtimestamp(path.stat().st_mtime).isoformat()
    return Source(sha256=sha256_file(path), raw_file=rel, **fields)  # type: ignore[arg-type]
