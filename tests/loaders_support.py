"""Shared helpers for the loader tests: a small build context over the mock raw files.

The mock raw folder ``tests/fixtures/loaders`` mirrors ``shared/data`` (same folder and file
names, a few real-shaped rows each, plus deliberately bad rows).  The country resolver here
is built inline (like ``test_countries.py``) so loader tests do not need the raw country files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from computestrata.atlas.countries import CountryResolver, shipped_aliases
from computestrata.atlas.loaders.base import BuildContext, LoadResult

MOCK_RAW = Path(__file__).resolve().parent / "fixtures" / "loaders"
NAMES = [
    ("China", "CHN"),
    ("United States of America", "USA"),
    ("Korea (Republic of)", "KOR"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
    ("Japan", "JPN"),
    ("Germany", "DEU"),
    ("India", "IND"),
    ("Canada", "CAN"),
    ("Aruba", "ABW"),
    ("Hong Kong", "HKG"),
    ("Taiwan", "TWN"),
    ("Singapore", "SGP"),
    ("Niger", "NER"),
    ("Gabon", "GAB"),
    ("Laos", "LAO"),
    ("Tunisia", "TUN"),
    ("IN", "IND"),
    ("NE", "NER"),
    ("GA", "GAB"),
    ("LA", "LAO"),
    ("TN", "TUN"),
    ("TX", "TCA"),
]
CODES = sorted({iso for _, iso in NAMES} | {"ARE", "KOR", "PRK", "TWN", "HKG", "MAC", "TCA", "FRA"})


def make_ctx(lenient: bool = False, raw: Path = MOCK_RAW) -> BuildContext:
    """A context as the build gives loaders after the countries loader ran."""
    ctx = BuildContext(raw=raw, lenient=lenient)
    ctx.countries = CountryResolver.from_pairs([*shipped_aliases(), *NAMES], CODES)
    ctx.tables["countries"] = pd.DataFrame({"iso3": CODES})
    return ctx


def run(loader: object, lenient: bool = True) -> tuple[LoadResult, BuildContext]:
    """Run a loader module's ``load`` on the mock raw folder."""
    ctx = make_ctx(lenient=lenient)
    return loader.load(ctx), ctx  # type: ignore[attr-defined]


def skipped(ctx: BuildContext) -> list[tuple[str, int | None, str | None]]:
    """(file, row, column) of every row the lenient build skipped."""
    return [(e.file, e.row, e.column) for e in ctx.skipped]


CSET_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cset"


def load_cset_mock(root: Path) -> LoadResult:
    """Run the CSET loader on the mock Chip Explorer files, copied into ``root/raw``."""
    import shutil

    from computestrata.atlas.loaders import cset

    folder = root / "raw" / cset.FOLDER
    folder.mkdir(parents=True)
    for f in CSET_FIXTURES.glob("*.csv"):
        shutil.copy(f, folder / f.name)
    ctx = BuildContext(raw=root / "raw")
    ctx.countries = CountryResolver.from_pairs([], ["USA", "CHN", "JPN", "NLD", "KOR", "TWN"])
    return cset.load(ctx)


def build_cset_mock_atlas(root: Path) -> Path:
    """An atlas holding only the mock CSET tables, written to ``root/atlas``."""
    from computestrata.atlas.build import assemble, write_atlas

    write_atlas(assemble([load_cset_mock(root)]), root / "atlas", {})
    return root / "atlas"
