"""TOP500 lists: every published list export, 1993-06 onward, as one table of systems.

The exports changed over thirty years: a blank title row above the header in older
lists, ``Processors``/``Cores``/``Total Cores``, no system name before 2011, Rmax/Rpeak in
GFlop/s until 2016-11 and in TFlop/s since, country spellings that drift.  This module
reads any of them (``.xls``, ``.xlsx``, ``.csv``), finds the header and columns by name,
and decides the unit per file from two independent clues — the header text and the
magnitude of the #1 system's Rmax against the published #1 — failing loudly when they
disagree or neither is decisive.  Every list is checked against published totals where
we have them, and the checks are stored in ``top500_lists`` so they can be audited.

Each list is its own :class:`Source` (``top500_YYYY_MM``); the mirror the file was taken
from is recorded in the source's ``locator``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.sources import Source, file_source
from computestrata.errors import RawDataError, RowError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAME = "top500"
RAW_DIR = ("top500", "raw")
PUBLISHER = "TOP500.org"
LICENSE = "LicenseRef-TOP500-no-open-licence"
MONTHS = {6: "June", 11: "November"}
FIXES_REDOWNLOAD = "re-download the list export from https://www.top500.org/lists/top500/"

SYSTEM_COLUMNS = (
    "list_id",
    "list_date",
    "rank",
    "name",
    "site",
    "country_iso3",
    "country_raw",
    "manufacturer",
    "computer",
    "segment",
    "year",
    "cores",
    "rmax_tflops",
    "rpeak_tflops",
    "nmax",
    "power_kw",
    "accelerator",
    "quality_note",
    "source_id",
)
LIST_COLUMNS = (
    "list_id",
    "list_date",
    "systems",
    "rmax_total_tflops",
    "rpeak_total_tflops",
    "source_id",
    "unit_in_file",
    "unit_evidence",
    "top1_rmax_tflops",
    "top1_expected_tflops",
    "expected_total_check",
    "rmax_above_rpeak_rows",
    "file_format",
    "raw_file",
)
VAR_RMAX = "Compute|Super|Rmax"
VAR_SYSTEMS = "Compute|Super|Systems"

# The #1 system's Rmax (TFlop/s) each time the top spot changed hands or was re-measured,
# from the published TOP500 lists.  Used to tell GFlop/s from TFlop/s in files whose header
# does not say; a step lookup (latest entry on or before a list) gives the expected #1.
KNOWN_TOP1: tuple[tuple[str, float, str], ...] = (
    ("1993-06", 0.0597, "CM-5/1024, Los Alamos"),
    ("1993-11", 0.124, "Numerical Wind Tunnel, NAL"),
    ("1994-06", 0.1434, "XP/S140 Paragon, Sandia"),
    ("1994-11", 0.170, "Numerical Wind Tunnel, NAL"),
    ("1996-06", 0.2204, "SR2201/1024, University of Tokyo"),
    ("1996-11", 0.3682, "CP-PACS/2048, University of Tsukuba"),
    ("1997-06", 1.068, "ASCI Red, Sandia"),
    ("1997-11", 1.338, "ASCI Red, Sandia"),
    ("1999-06", 2.121, "ASCI Red, Sandia"),
    ("1999-11", 2.379, "ASCI Red, Sandia"),
    ("2000-11", 4.938, "ASCI White, LLNL"),
    ("2001-06", 7.226, "ASCI White, LLNL"),
    ("2002-06", 35.86, "Earth Simulator, JAMSTEC"),
    ("2004-11", 70.72, "BlueGene/L, LLNL"),
    ("2005-06", 136.8, "BlueGene/L, LLNL"),
    ("2005-11", 280.6, "BlueGene/L, LLNL"),
    ("2007-11", 478.2, "BlueGene/L, LLNL"),
    ("2008-06", 1026.0, "Roadrunner, LANL"),
    ("2008-11", 1105.0, "Roadrunner, LANL"),
    ("2009-11", 1759.0, "Jaguar, ORNL"),
    ("2010-11", 2566.0, "Tianhe-1A, NSCC Tianjin"),
    ("2011-06", 8162.0, "K computer, RIKEN"),
    ("2011-11", 10510.0, "K computer, RIKEN"),
    ("2012-06", 16324.75, "Sequoia, LLNL"),
    ("2012-11", 17590.0, "Titan, ORNL"),
    ("2013-06", 33862.7, "Tianhe-2, NSCC Guangzhou"),
    ("2016-06", 93014.6, "Sunway TaihuLight, NSC Wuxi"),
    ("2018-06", 122300.0, "Summit, ORNL"),
    ("2018-11", 143500.0, "Summit, ORNL"),
    ("2019-06", 148600.0, "Summit, ORNL"),
    ("2020-06", 415530.0, "Supercomputer Fugaku, RIKEN"),
    ("2020-11", 442010.0, "Supercomputer Fugaku, RIKEN"),
    ("2022-06", 1102000.0, "Frontier, ORNL"),
    ("2023-06", 1194000.0, "Frontier, ORNL"),
    ("2024-06", 1206000.0, "Frontier, ORNL"),
    ("2024-11", 1742000.0, "El Capitan, LLNL"),
)
# Published sums of Rmax over all 500 systems (TFlop/s) and the relative tolerance we accept.
PUBLISHED_TOTALS: dict[str, tuple[float, float]] = {
    "1993-06": (1.1, 0.10),
    "2000-06": (64.0, 0.05),
    "2013-06": (223_700.0, 0.01),
    "2024-06": (8_210_000.0, 0.01),
    "2024-11": (11_720_000.0, 0.01),
}
UNIT_FACTORS = {"GFlop/s": 1e-3, "TFlop/s": 1.0, "PFlop/s": 1e3}
# The #1 Rmax read with the right unit must lie within this factor of the expected #1.
TOP1_TOLERANCE = 8.0
RMAX_RPEAK_TOLERANCE = 1e-6

# canonical column → accepted header names (normalised, unit stripped), in priority order
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "rank": ("rank",),
    "name": ("name", "system name"),
    "site": ("site", "installation site"),
    "country": ("country",),
    "manufacturer": ("manufacturer", "vendor"),
    "computer": ("computer", "system"),
    "segment": ("segment",),
    "year": ("year", "installation year"),
    "cores": ("total cores", "cores", "processors", "# processors", "number of processors"),
    "rmax": ("rmax",),
    "rpeak": ("rpeak",),
    "nmax": ("nmax",),
    "power": ("power",),
    "accelerator": ("accelerator/co-processor", "accelerator"),
    "first_appearance": ("first appearance",),
}
REQUIRED = ("rank", "site", "country", "rmax", "rpeak")
_NA_TEXT = {"", "none", "nan", "n/a", "na", "-", "—"}
_UNIT_RE = re.compile(r"^(?P<base>.*?)\s*[\[(](?P<unit>[^\])]*)[\])]?\s*$")


def list_id_of(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def source_id_of(list_id: str) -> str:
    return "top500_" + list_id.replace("-", "_")


def list_number(list_id: str) -> int:
    """TOP500 lists are numbered from 1 (1993-06), two a year (June, November)."""
    year, month = (int(p) for p in list_id.split("-"))
    return (year - 1993) * 2 + (1 if month == 6 else 2)


def list_id_from_number(n: int) -> str:
    return list_id_of(1993 + (n - 1) // 2, 6 if n % 2 == 1 else 11)


def expected_top1(list_id: str) -> tuple[float, str]:
    """The published #1 Rmax (TFlop/s) in force at ``list_id`` (latest entry on or before it)."""
    keys = [k for k, _, _ in KNOWN_TOP1]
    i = bisect_right(keys, list_id) - 1
    _, value, system = KNOWN_TOP1[max(i, 0)]
    return value, system


def split_header(text: object) -> tuple[str, str | None]:
    """``'Rmax [TFlop/s]'`` → ``('rmax', 'tflop/s')``; ``'Power (kW)'`` → ``('power', 'kw')``."""
    s = re.sub(r"\s+", " ", str(text if text is not None else "")).strip().lower()
    m = _UNIT_RE.match(s)
    if m and m.group("base"):
        return m.group("base").strip(), m.group("unit").strip() or None
    return s, None


def unit_from_header(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.replace(" ", "").lower()
    for prefix, name in (("gflop", "GFlop/s"), ("tflop", "TFlop/s"), ("pflop", "PFlop/s")):
        if u.startswith(prefix):
            return name
    return None


@dataclass
class RawList:
    """The cells of one list export that we use, by canonical column, plus where they came from."""

    file: str
    file_format: str
    header: list[str]
    header_row: int  # 1-based spreadsheet row of the header
    columns: dict[str, list[Any]]
    column_headers: dict[str, str]
    sheet_name: str | None = None
    units: dict[str, str | None] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.columns["rank"])

    def row_number(self, i: int) -> int:
        """Spreadsheet row number (1-based, as a spreadsheet shows it) of data row ``i``."""
        return self.header_row + 1 + i


def _fail(
    file: str,
    problem: str,
    fix: str = FIXES_REDOWNLOAD,
    column: str | None = None,
    value: object = None,
    row: int | None = None,
) -> RawDataError:
    return RawDataError([RowError(file, row, column, value, problem, fix)])


def _find_header(rows: Sequence[Sequence[Any]]) -> int | None:
    for i, row in enumerate(rows):
        bases = [split_header(c)[0] for c in row]
        if "rank" in bases and "rmax" in bases:
            return i
    return None


def _map_columns(header: list[Any], file: str) -> tuple[dict[str, int], dict[str, str | None]]:
    split = [split_header(h) for h in header]
    idx: dict[str, int] = {}
    units: dict[str, str | None] = {}
    for canon, names in HEADER_NAMES.items():
        for name in names:
            hit = next((i for i, (b, _) in enumerate(split) if b == name), None)
            if hit is not None:
                idx[canon] = hit
                units[canon] = split[hit][1]
                break
    missing = [c for c in REQUIRED if c not in idx]
    if missing:
        found = ", ".join(str(h) for h in header if str(h).strip())
        raise _fail(
            file,
            f"no column for {', '.join(missing)} in the header (found: {found})",
            "use an original TOP500 export; its header names Rank, Site, Country, Rmax and Rpeak",
        )
    return idx, units


def _build_raw(
    file: str, fmt: str, header: list[Any], header_row0: int, get_column: Any, sheet_name: str | None
) -> RawList:
    idx, units = _map_columns(header, file)
    columns = {canon: get_column(ci) for canon, ci in idx.items()}
    # drop trailing rows that are blank in every column we read (spreadsheets often pad)
    n = len(columns["rank"])
    while n and all(_blank(columns[c][n - 1]) for c in columns):
        n -= 1
    columns = {c: v[:n] for c, v in columns.items()}
    return RawList(
        file=file,
        file_format=fmt,
        header=[str(h).strip() for h in header],
        header_row=header_row0 + 1,
        columns=columns,
        column_headers={c: str(header[i]).strip() for c, i in idx.items()},
        sheet_name=sheet_name,
        units=units,
    )


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "") or (isinstance(v, float) and math.isnan(v))


def read_excel(path: Path, file: str) -> RawList:
    """Read a ``.xls`` or ``.xlsx`` export with calamine (Rust): ~10x faster than xlrd/openpyxl.

    Rows keep their spreadsheet positions (``skip_empty_area=False``) so that row numbers in
    errors are the ones a spreadsheet shows.
    """
    from python_calamine import CalamineWorkbook

    fmt = path.suffix.lower().lstrip(".")
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        h = _find_header(rows[:15])
        if h is None:
            continue
        body = rows[h + 1 :]

        def column(ci: int, body: list[list[Any]] = body) -> list[Any]:
            return [r[ci] if ci < len(r) else None for r in body]

        return _build_raw(file, fmt, rows[h], h, column, name)
    raise _fail(file, "no sheet has a header row with Rank and Rmax in its first 15 rows")


def read_csv(path: Path, file: str) -> RawList:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise _fail(file, "not a text CSV file (contains NUL bytes)")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    h = _find_header(rows[:15])
    if h is None:
        raise _fail(file, "no header row with Rank and Rmax in the first 15 lines")
    body = rows[h + 1 :]

    def column(ci: int) -> list[Any]:
        return [r[ci] if ci < len(r) else None for r in body]

    return _build_raw(file, "csv", rows[h], h, column, None)


READERS = {".xls": read_excel, ".xlsx": read_excel, ".csv": read_csv}


def read_raw(path: Path, file: str | None = None) -> RawList:
    """Read one list export; an unreadable or corrupt file is a clear :class:`RawDataError`."""
    file = file or path.name
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise _fail(file, f"unsupported file type {path.suffix!r}", "give a TOP500 export as .xls, .xlsx or .csv")
    if not path.is_file():
        raise _fail(file, "file does not exist", "check the path")
    try:
        return reader(path, file)
    except RawDataError:
        raise
    except Exception as exc:  # corrupt files raise many different library errors
        raise _fail(
            file, f"cannot read this {path.suffix} file ({type(exc).__name__}: {exc})", FIXES_REDOWNLOAD
        ) from exc


# --- the list date -------------------------------------------------------------------------

_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_. ]?(06|6|11)(?!\d)")


def list_id_from_name(name: str) -> str | None:
    m = _NAME_DATE.search(name)
    return list_id_of(int(m.group(1)), int(m.group(2))) if m else None


def list_id_from_content(raw: RawList) -> tuple[str | None, str]:
    """The list date the file's content implies (sheet name = list number; newest first
    appearance = list number), with a description of the evidence."""
    clues: list[tuple[str, str]] = []
    if raw.sheet_name and raw.sheet_name.strip().isdigit():
        n = int(raw.sheet_name.strip())
        if 1 <= n <= 200:
            clues.append((list_id_from_number(n), f"sheet name {raw.sheet_name!r} = list number {n}"))
    if "first_appearance" in raw.columns:
        vals = [_to_float(v) for v in raw.columns["first_appearance"]]
        nums = [int(v) for v in vals if v is not None and v == v]
        if nums and 1 <= max(nums) <= 200:
            clues.append((list_id_from_number(max(nums)), f"newest 'First Appearance' = list number {max(nums)}"))
    ids = {c for c, _ in clues}
    if len(ids) > 1:
        raise _fail(
            raw.file,
            "the file's content gives conflicting list dates: " + "; ".join(f"{e} → {c}" for c, e in clues),
            "check the file is one list export",
        )
    return (clues[0][0], "; ".join(e for _, e in clues)) if clues else (None, "")


def detect_list_id(path: Path, raw: RawList, given: str | None = None) -> str:
    """The list date from the file name and/or content; they must agree when both exist."""
    from_name = list_id_from_name(path.name)
    from_content, evidence = list_id_from_content(raw)
    candidates = {k: v for k, v in {"argument": given, "file name": from_name, "content": from_content}.items() if v}
    if not candidates:
        raise _fail(
            raw.file,
            "cannot tell which list this is (no date in the file name, no list number in the content)",
            "rename the file like TOP500_YYYYMM.xlsx (e.g. TOP500_202411.xlsx)",
        )
    if len(set(candidates.values())) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in candidates.items())
        raise _fail(
            raw.file,
            f"the list date is ambiguous ({detail}; {evidence})",
            "rename the file to the list it holds, e.g. TOP500_202411.xlsx",
        )
    lid = next(iter(candidates.values()))
    if not re.fullmatch(r"(19|20)\d{2}-(06|11)", lid) or lid < "1993-06":
        raise _fail(raw.file, f"{lid} is not a TOP500 list date", "lists appear in June and November since 1993-06")
    return lid


# --- numbers and units ---------------------------------------------------------------------


def _to_float(v: object) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    if v is None:
        return None
    s = str(v).strip().replace(",", "").replace("\u00a0", "")
    if s.lower() in _NA_TEXT:
        return None
    try:
        return float(s)
    except ValueError:
        return math.nan  # present but not a number: flagged by the caller


def numbers(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN where empty) and a mask of cells that hold text that is not a number."""
    import numpy as np

    out = np.empty(len(values), dtype="float64")
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if type(v) is float:  # the common case (spreadsheet numbers): no conversion
            out[i] = v
            continue
        f = _to_float(v)
        if f is None:
            out[i] = np.nan
        elif f != f:
            out[i] = np.nan
            bad[i] = True
        else:
            out[i] = f
    return out, bad


def texts(values: list[Any]) -> list[str | None]:
    """Cell texts, stripped; numbers read by spreadsheet libraries back as '1234' not '1234.0'."""
    out: list[str | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        if isinstance(v, float):
            if v != v:
                out.append(None)
                continue
            v = int(v) if v.is_integer() else v
        s = str(v).strip()
        out.append(None if s.lower() in _NA_TEXT else s)
    return out


@dataclass(frozen=True)
class UnitDecision:
    unit: str
    factor: float
    evidence: str
    top1_tflops: float
    top1_expected: float


def decide_unit(raw: RawList, list_id: str, rmax: np.ndarray, rank: np.ndarray) -> UnitDecision:
    """GFlop/s or TFlop/s? From the header text and from the #1 system's Rmax against the
    published #1; both must agree, and at least one must be decisive."""
    import numpy as np

    header_unit = unit_from_header(raw.units.get("rmax"))
    top = np.flatnonzero(rank == 1)
    if len(top) == 0 or not np.isfinite(rmax[top[0]]) or rmax[top[0]] <= 0:
        raise _fail(
            raw.file, "no rank-1 system with a positive Rmax: cannot check the unit", column=raw.column_headers["rmax"]
        )
    v = float(rmax[top[0]])
    expected, system = expected_top1(list_id)
    fits = [u for u, f in UNIT_FACTORS.items() if 1 / TOP1_TOLERANCE <= v * f / expected <= TOP1_TOLERANCE]
    mag_unit = fits[0] if len(fits) == 1 else None
    where = raw.column_headers["rmax"]
    if header_unit and mag_unit and header_unit != mag_unit:
        raise _fail(
            raw.file,
            f"header says Rmax is in {header_unit} but the #1 Rmax {v:g} "
            f"fits {mag_unit} (published #1 near {expected:g} TFlop/s, {system})",
            "check the header and the values of this file",
            column=where,
            value=v,
            row=raw.row_number(int(top[0])),
        )
    unit = header_unit or mag_unit
    if unit is None:
        raise _fail(
            raw.file,
            f"cannot tell the Rmax unit: the header gives none and the #1 "
            f"Rmax {v:g} matches no unit against the published #1 "
            f"({expected:g} TFlop/s, {system})",
            "put the unit in the header, e.g. 'Rmax [TFlop/s]'",
            column=where,
            value=v,
            row=raw.row_number(int(top[0])),
        )
    parts = []
    if header_unit:
        parts.append(f"header '{where}'")
    if mag_unit:
        parts.append(f"#1 Rmax {v:,.10g} vs published #1 {expected:,.10g} TFlop/s ({system})")
    return UnitDecision(unit, UNIT_FACTORS[unit], "; ".join(parts), v * UNIT_FACTORS[unit], expected)


# --- one list ------------------------------------------------------------------------------


@dataclass
class ParsedList:
    list_id: str
    systems: pd.DataFrame
    summary: dict[str, Any]


def parse_list(
    path: Path, ctx: BuildContext, file: str | None = None, list_id: str | None = None, raw: RawList | None = None
) -> ParsedList:
    """Read, validate and normalise one list export into ``top500_systems`` rows."""
    import numpy as np
    import pandas as pd

    raw = raw or read_raw(path, file)
    file = raw.file
    lid = detect_list_id(path, raw, list_id)
    sid = source_id_of(lid)
    col = raw.column_headers
    n = raw.n

    rank, _ = numbers(raw.columns["rank"])
    rmax_raw, _ = numbers(raw.columns["rmax"])
    rpeak_raw, _ = numbers(raw.columns["rpeak"])  # non-numbers become NaN: bad rows below
    unit = decide_unit(raw, lid, rmax_raw, rank)
    peak_unit = unit_from_header(raw.units.get("rpeak")) or unit.unit
    rmax = rmax_raw * unit.factor
    rpeak = rpeak_raw * UNIT_FACTORS[peak_unit]

    keep = np.ones(n, dtype=bool)

    def bad(i: int, column: str, value: object, problem: str, fix: str) -> None:
        ctx.bad(RowError(file, raw.row_number(i), column, value, problem, fix))
        keep[i] = False

    rank_ok = np.isfinite(rank) & (rank == np.round(rank)) & (rank >= 1) & (rank <= 500)
    for i in np.flatnonzero(~rank_ok).tolist():
        bad(
            int(i),
            col["rank"],
            raw.columns["rank"][i],
            "rank is not a whole number 1..500",
            "give the system's rank on the list",
        )
    seen: dict[int, int] = {}
    for i in np.flatnonzero(rank_ok).tolist():
        r = int(rank[i])
        if r in seen:
            bad(
                int(i),
                col["rank"],
                r,
                f"rank {r} appears twice (also row {raw.row_number(seen[r])})",
                "each rank appears once per list",
            )
        else:
            seen[r] = int(i)
    for i in np.flatnonzero(~(np.isfinite(rmax) & (rmax > 0))).tolist():
        bad(
            int(i),
            col["rmax"],
            raw.columns["rmax"][i],
            "Rmax is missing, not a number or not > 0",
            "give the measured HPL Rmax",
        )
    for i in np.flatnonzero(~(np.isfinite(rpeak) & (rpeak > 0))).tolist():
        bad(
            int(i),
            col["rpeak"],
            raw.columns["rpeak"][i],
            "Rpeak is missing, not a number or not > 0",
            "give the theoretical peak Rpeak",
        )

    country_raw = texts(raw.columns["country"])
    iso3: list[str | None] = [None] * n
    by_name: dict[str, list[int]] = {}
    for i, c in enumerate(country_raw):
        if c is None:
            if keep[i]:
                bad(i, col["country"], None, "country is missing", "give the site's country")
        else:
            by_name.setdefault(c, []).append(i)
    for name, rows in by_name.items():
        live = [i for i in rows if keep[i]]
        if not live:
            continue
        code = ctx.iso3(name, file, raw.row_number(live[0]), col["country"])
        if code is None:
            keep[live[0]] = False
            for i in live[1:]:
                bad(i, col["country"], name, "unknown country name", "add an alias in atlas/country_aliases.csv")
            continue
        for i in live:
            iso3[i] = code

    # Rmax above Rpeak is physically impossible but does occur in published lists (1996-06,
    # 2019-11): the row is kept as published and flagged, not dropped.
    over = np.isfinite(rmax) & np.isfinite(rpeak) & (rmax > rpeak * (1 + RMAX_RPEAK_TOLERANCE))
    notes: list[str | None] = [None] * n
    for i in np.flatnonzero(over).tolist():
        notes[i] = (
            f"Rmax exceeds Rpeak by {100 * (rmax[i] / rpeak[i] - 1):.1f}% in the "
            f"published list (row {raw.row_number(int(i))})"
        )

    def num_col(name: str) -> np.ndarray:
        if name not in raw.columns:
            return np.full(n, np.nan)
        return numbers(raw.columns[name])[0]

    def text_col(name: str) -> list[str | None]:
        return texts(raw.columns[name]) if name in raw.columns else [None] * n

    power = num_col("power")
    if (raw.units.get("power") or "").lower().startswith("mw"):
        power = power * 1000.0
    year, cores, nmax = num_col("year"), num_col("cores"), num_col("nmax")
    y, m = (int(p) for p in lid.split("-"))
    frame = pd.DataFrame(
        {
            "list_id": lid,
            "list_date": [date(y, m, 1)] * n,
            "rank": rank,
            "name": text_col("name"),
            "site": text_col("site"),
            "country_iso3": iso3,
            "country_raw": country_raw,
            "manufacturer": text_col("manufacturer"),
            "computer": text_col("computer"),
            "segment": text_col("segment"),
            "year": year,
            "cores": cores,
            "rmax_tflops": rmax,
            "rpeak_tflops": rpeak,
            "nmax": nmax,
            "power_kw": power,
            "accelerator": text_col("accelerator"),
            "quality_note": notes,
            "source_id": sid,
        }
    )
    frame = frame.loc[keep].reset_index(drop=True)
    frame = typed_systems(frame)
    systems = len(frame)
    if not ctx.lenient and systems != 500:
        ctx.bad(
            RowError(
                file,
                None,
                col["rank"],
                systems,
                f"the list has {systems} systems, not 500",
                "use the complete list export",
            )
        )
    total = float(frame["rmax_tflops"].sum())
    check = total_check(lid, total)
    if check.startswith("FAILED"):
        ctx.bad(
            RowError(file, None, col["rmax"], round(total, 3), check, "check the Rmax unit and values of this file")
        )
    summary = {
        "list_id": lid,
        "list_date": date(y, m, 1),
        "systems": systems,
        "rmax_total_tflops": total,
        "rpeak_total_tflops": float(frame["rpeak_tflops"].sum()),
        "source_id": sid,
        "unit_in_file": unit.unit,
        "unit_evidence": unit.evidence,
        "top1_rmax_tflops": unit.top1_tflops,
        "top1_expected_tflops": unit.top1_expected,
        "expected_total_check": check,
        "rmax_above_rpeak_rows": int(over[keep].sum()),
        "file_format": raw.file_format,
        "raw_file": file,
    }
    return ParsedList(lid, frame, summary)


def total_check(list_id: str, total_tflops: float) -> str:
    """Compare a list's summed Rmax with the published total, when one is on file."""
    if list_id not in PUBLISHED_TOTALS:
        return "no published total on file (unit checked against the published #1)"
    expected, tol = PUBLISHED_TOTALS[list_id]
    rel = total_tflops / expected - 1
    verdict = "ok" if abs(rel) <= tol else "FAILED"
    return (
        f"{verdict}: summed Rmax {_tf(total_tflops)} vs published about {_tf(expected)} "
        f"({100 * rel:+.1f}%, tolerance ±{100 * tol:.0f}%)"
    )


def _tf(v: float) -> str:
    for unit, f in (("EFlop/s", 1e6), ("PFlop/s", 1e3), ("TFlop/s", 1.0)):
        if abs(v) >= f:
            return f"{v / f:,.4g} {unit}"
    return f"{v * 1e3:,.4g} GFlop/s"


def typed_systems(frame: pd.DataFrame) -> pd.DataFrame:
    """Column types of ``top500_systems``: nullable ints/floats, so missing stays NULL."""
    import numpy as np
    import pandas as pd

    out = frame.copy()
    out["rank"] = out["rank"].astype("int64")
    for c in ("year", "cores"):
        v = out[c].to_numpy(dtype="float64")
        out[c] = pd.array(np.where(np.isfinite(v), np.round(v), np.nan), dtype="Float64").astype("Int64")
    for c in ("rmax_tflops", "rpeak_tflops", "nmax", "power_kw"):
        v = out[c].to_numpy(dtype="float64")
        out[c] = pd.array(v, dtype="Float64")
        out.loc[~np.isfinite(v), c] = pd.NA
    for c in (
        "list_id",
        "name",
        "site",
        "country_iso3",
        "country_raw",
        "manufacturer",
        "computer",
        "segment",
        "accelerator",
        "quality_note",
        "source_id",
    ):
        out[c] = out[c].astype("string")
    return out[list(SYSTEM_COLUMNS)]


def country_facts(systems: pd.DataFrame) -> pd.DataFrame:
    """Per country and list: summed Rmax (TFlop/s, FP64 HPL) and the number of systems."""
    from computestrata.atlas.loaders.base import facts_frame

    g = (
        systems.groupby(["list_id", "country_iso3", "source_id"], observed=True)
        .agg(rmax=("rmax_tflops", "sum"), n=("rank", "size"))
        .reset_index()
    )
    records: list[dict[str, Any]] = []
    for lid, iso3, sid, rmax, n in zip(
        g["list_id"].tolist(),
        g["country_iso3"].tolist(),
        g["source_id"].tolist(),
        g["rmax"].tolist(),
        g["n"].tolist(),
        strict=True,
    ):
        base = {"entity": iso3, "period": lid, "source_id": sid}
        records.append(
            {
                **base,
                "variable": VAR_RMAX,
                "unit": "TFlop/s",
                "value": float(rmax),
                "note": "FP64 HPL Rmax summed over the country's systems on the TOP500 list",
            }
        )
        records.append(
            {**base, "variable": VAR_SYSTEMS, "unit": "count", "value": float(n), "note": "systems on the TOP500 list"}
        )
    return facts_frame(records)


def list_source(list_id: str, path: Path, raw_root: Path | None, locator: str | None) -> Source:
    """The :class:`Source` of one list: TOP500.org is the publisher, whatever the mirror."""
    year, month = (int(p) for p in list_id.split("-"))
    title = f"TOP500 list, {MONTHS[month]} {year}"
    url = f"https://www.top500.org/lists/top500/{year}/{month:02d}/"
    return file_source(
        path,
        raw_root,
        source_id=source_id_of(list_id),
        publisher=PUBLISHER,
        title=title,
        url=url,
        license=LICENSE,
        date_published=f"{year}-{month:02d}",
        citation=f"TOP500.org, {title} ({url}); no open licence stated, cite the list",
        locator=locator,
    )


def lists_frame(summaries: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(summaries, columns=list(LIST_COLUMNS))
    for c in (
        "list_id",
        "source_id",
        "unit_in_file",
        "unit_evidence",
        "expected_total_check",
        "file_format",
        "raw_file",
    ):
        df[c] = df[c].astype("string")
    df["systems"] = df["systems"].astype("int64")
    df["rmax_above_rpeak_rows"] = df["rmax_above_rpeak_rows"].astype("int64")
    return df.sort_values("list_id").reset_index(drop=True)


def mirrors(raw_dir: Path) -> dict[str, dict[str, str]]:
    """``SOURCES.csv``: for each file, the mirror repository, path, commit and sha256."""
    path = raw_dir / "SOURCES.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["file"]: r for r in csv.DictReader(fh)}


def mirror_locator(entry: dict[str, str]) -> str:
    repo, commit, p = entry.get("source_repo", ""), entry.get("source_commit", ""), entry.get("source_path", "")
    return f"mirror: https://github.com/{repo}/blob/{commit}/{p} (sha256 verified against SOURCES.csv)"


def load(ctx: BuildContext) -> LoadResult:
    import pandas as pd

    raw_dir = ctx.path(*RAW_DIR)
    index = mirrors(raw_dir)
    files = sorted(p for p in raw_dir.iterdir() if p.suffix.lower() in READERS and p.name.upper().startswith("TOP500"))
    names = {p.name for p in files}
    for name in sorted(set(index) - names):
        ctx.path(*RAW_DIR, name)  # listed in SOURCES.csv but missing: clear error
    sources: list[Source] = []
    frames: list[pd.DataFrame] = []
    summaries: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path in files:
        rel = str(path.relative_to(ctx.raw))
        entry = index.get(path.name)
        parsed = parse_list(path, ctx, rel)
        if parsed.list_id in seen:
            ctx.bad(
                RowError(
                    rel,
                    None,
                    None,
                    parsed.list_id,
                    f"list {parsed.list_id} also comes from {seen[parsed.list_id]}",
                    "keep one export per list in the raw folder",
                )
            )
            continue
        seen[parsed.list_id] = rel
        src = list_source(parsed.list_id, path, ctx.raw, mirror_locator(entry) if entry else None)
        if entry is None:
            ctx.bad(
                RowError(
                    rel,
                    None,
                    None,
                    None,
                    "file is not listed in SOURCES.csv",
                    "add its mirror, path, commit and sha256 to top500/raw/SOURCES.csv",
                )
            )
        elif entry.get("sha256") and entry["sha256"].lower() != src.sha256:
            ctx.bad(
                RowError(
                    rel,
                    None,
                    "sha256",
                    src.sha256,
                    f"sha256 differs from SOURCES.csv ({entry['sha256'][:12]}…)",
                    "re-download the file from its mirror or correct SOURCES.csv",
                )
            )
        sources.append(src)
        frames.append(parsed.systems)
        summaries.append(parsed.summary)
    if not frames:
        raise _fail(
            str(raw_dir), "no TOP500 list exports found", "put the TOP500_YYYYMM.xls/.xlsx/.csv exports in top500/raw/"
        )
    systems = pd.concat(frames, ignore_index=True)
    return LoadResult(
        tables={"top500_systems": systems, "top500_lists": lists_frame(summaries)},
        sources=sources,
        facts=country_facts(systems),
    )
