"""What a loader is: a function from raw files to typed tables, facts and sources.

Each raw format has one module in ``atlas/loaders/`` exposing ``NAME`` and
``load(ctx: BuildContext) -> LoadResult``.  Loaders validate every row; a bad row goes
through :meth:`BuildContext.bad`, which raises (strict build) or records and skips it
(``--lenient``).  Loaders never write files: the build collects their results and
writes the atlas atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import RawDataError, RowError

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.countries import CountryResolver
    from computestrata.atlas.expectations import RawManifest
    from computestrata.atlas.sources import Source

FACT_COLUMNS = ("entity", "variable", "unit", "period", "value", "p5", "p95", "source_id", "note")


@dataclass
class BuildContext:
    """What loaders share during one build: raw folder, strictness, country resolver."""

    raw: Path
    lenient: bool = False
    skipped: list[RowError] = field(default_factory=list)
    countries: CountryResolver | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Raw files and folders loaders asked for through :meth:`path`.
    opened: list[Path] = field(default_factory=list)
    #: The raw-data manifest (:mod:`computestrata.atlas.expectations`) the build checks each
    #: file against as a loader asks for it, before the loader parses it; None checks nothing.
    expectations: RawManifest | None = None
    #: Files opened that no manifest line describes (reported by the build).
    unchecked: list[str] = field(default_factory=list)

    def path(self, *parts: str) -> Path:
        """A raw file (or folder) that must exist and, when the build passes a raw-data
        manifest, match it (sha256 or row floor): a truncated download stops the build here,
        naming file, expected and found, instead of building a smaller atlas."""
        p = self.raw.joinpath(*parts)
        first = p not in self.opened
        if first:
            self.opened.append(p)
        if not p.exists():
            raise RawDataError(
                [
                    RowError(
                        str(p),
                        None,
                        None,
                        None,
                        "file is missing",
                        f"put the published file at {p} (see data/README.md)",
                    )
                ]
            )
        if first and self.expectations is not None:
            from computestrata.atlas.expectations import check_files

            problems, unchecked = check_files(self.raw, [p], self.expectations)
            self.unchecked.extend(u for u in unchecked if u not in self.unchecked)
            if problems:
                raise RawDataError(problems)
        return p

    def bad(self, err: RowError) -> None:
        """Report a bad row: stop the build, or skip and record it when lenient."""
        if not self.lenient:
            raise RawDataError([err])
        self.skipped.append(err)

    def iso3(self, name: object, file: str, row: int | None, column: str) -> str | None:
        """Resolve a country name/code to ISO3; unknown names are bad rows (None if skipped)."""
        assert self.countries is not None, "countries loader must run first"
        if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
            return None
        code = self.countries.resolve(str(name))
        if code is None:
            self.bad(
                RowError(
                    file,
                    row,
                    column,
                    name,
                    "unknown country name",
                    "use an ISO3 code or a UN/ISO name, or add an alias in atlas/country_aliases.csv",
                )
            )
        return code


@dataclass
class LoadResult:
    """Tables (name → frame), long-format facts, and the sources they cite."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    facts: pd.DataFrame | None = None


Loader = Callable[[BuildContext], LoadResult]


def facts_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A facts frame with exactly :data:`FACT_COLUMNS` (missing columns become null)."""
    import pandas as pd

    df = pd.DataFrame.from_records(records, columns=list(FACT_COLUMNS))
    for c in ("value", "p5", "p95"):
        df[c] = pd.to_numeric(df[c], errors="raise").astype("float64")
    for c in ("entity", "variable", "unit", "period", "source_id", "note"):
        df[c] = df[c].astype("string")
    return df
