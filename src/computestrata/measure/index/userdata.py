"""The user's own data as an index panel: a file or a DataFrame, wide or long.

*Wide*: one row per unit (and year), a column per indicator, plus optional ``year`` and
group columns (COINr's ``iData``: ``uCode``, ``uName``, ``Time``, ``Group_*``).  *Long*:
columns ``unit, year, indicator, value`` and optionally ``source``.  Everything is checked
against the framework before the index is built, and every problem names the file, the row
(as a spreadsheet shows it: header = row 1) and the column, with the fix: an index built on a
silently mis-read cell is worse than none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError, closest
from computestrata.i18n import t
from computestrata.measure.index.config import Framework

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.measure.index.engine import Panel

#: accepted names of the unit column (first match wins), year column, and name-only columns
UNIT_COLUMNS = ("unit", "ucode", "iso3", "code", "country", "unit_code")
YEAR_COLUMNS = ("year", "time")
NAME_COLUMNS = ("uname", "name", "unit_name", "country_name")
#: cell texts read as missing (anything else that is not a number is an error)
MISSING = {"", "na", "n/a", "nan", "null", "none", "..", "-", "#n/a"}
FORMATS = (".csv", ".xlsx", ".xlsm", ".parquet")
#: the year a file without a year column is filed under (shown as "no year")
NO_YEAR = 0


@dataclass
class UserData:
    """A panel read from a user's table, and what was learnt reading it."""

    panel: Panel
    origin: str
    layout: str  # "wide" or "long"
    has_year: bool
    notes: list[str] = field(default_factory=list)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)  # group column → unit → label
    rows: int = 0  # data rows read (header not counted)


def read_table(path: str | Path) -> pd.DataFrame:
    """A data file as a table of text cells (header row checked for duplicates)."""
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise InputError.keyed("index.error.data_missing", "index.error.data_missing.hint", path=str(p))
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise InputError.keyed(
            "index.error.data_format",
            "index.error.data_format.hint",
            path=str(p),
            suffix=suffix or "(none)",
            formats=", ".join(FORMATS),
        )
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(p)
            header = [str(c) for c in df.columns]
            body = df.astype(object).where(df.notna(), None)
            body.columns = header
            _check_header(header, p)
            return body
        if suffix == ".csv":
            raw = pd.read_csv(p, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            raw = pd.read_excel(p, header=None, dtype=str, keep_default_na=False, engine="calamine")
    except InputError:
        raise
    except Exception as exc:  # a parser's own message says what is wrong with the file
        raise InputError(f"data file {p} cannot be read: {exc}", hint="save it as UTF-8 CSV or .xlsx") from exc
    if raw.empty:
        raise InputError.keyed("index.error.data_empty", "index.error.data_empty.hint", path=str(p))
    header = [str(c).strip() for c in raw.iloc[0]]
    _check_header(header, p)
    body = raw.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body


def _check_header(header: list[str], path: Path | str) -> list[str]:
    empty = [k + 1 for k, h in enumerate(header) if not h or h.lower() == "nan"]
    if empty:
        raise InputError(f"data file {path}: column {empty[0]} has no name", hint="give every column a header")
    seen: dict[str, int] = {}
    for k, h in enumerate(header):
        if h in seen:
            raise InputError(
                f"data file {path}: column name {h!r} appears twice (columns {seen[h] + 1} and {k + 1})",
                hint="every indicator code must be unique: rename or remove one of them",
            )
        seen[h] = k
    return header


def _find(columns: Sequence[str], names: Sequence[str]) -> str | None:
    low = {c.lower(): c for c in columns}
    return next((low[n] for n in names if n in low), None)


def _numbers(df: pd.DataFrame, columns: Sequence[str], origin: str, rows: Any) -> pd.DataFrame:
    """Columns as floats; a cell that is neither a number nor a missing mark is an error."""
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=df.index)
    for col in columns:
        cells = df[col]
        text = cells.map(lambda v: "" if v is None else str(v).strip())
        nums = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        blank = text.str.lower().isin(MISSING)
        bad = nums.isna() & ~blank
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError.keyed(
                "index.error.not_number",
                "index.error.not_number.hint",
                path=origin,
                row=rows[k],
                column=col,
                value=text.iloc[k],
            )
        out[col] = nums.where(~blank).astype(float)
    return out


def from_frame(
    df: pd.DataFrame,
    fw: Framework,
    *,
    origin: str = "DataFrame",
    year: int | None = None,
    text_cells: bool = False,
) -> UserData:
    """Check ``df`` (wide or long) against ``fw`` and turn it into a :class:`Panel`.

    ``year`` must be a year of the data (when it has a year column); ``text_cells`` says the
    cells are file text (row numbers then count the header as row 1)."""
    import pandas as pd

    from computestrata.measure.index.engine import Panel

    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    _check_header(list(df.columns), origin)
    rows = [k + 2 for k in range(len(df))] if text_cells else [k for k in range(len(df))]
    cols = list(df.columns)
    low = {c.lower() for c in cols}
    long = {"unit", "indicator", "value"} <= low
    unit_col = _find(cols, UNIT_COLUMNS)
    if unit_col is None:
        if long:
            unit_col = _find(cols, ("unit",))
        else:
            raise InputError(
                f"data file {origin}: no unit column",
                hint=f"name the column of unit codes one of: {', '.join(UNIT_COLUMNS)} (COINr: uCode)",
            )
    assert unit_col is not None
    year_col = _find(cols, YEAR_COLUMNS)
    units = df[unit_col].map(lambda v: "" if v is None else str(v).strip())
    blank_unit = units == ""
    if blank_unit.any():
        k = int(blank_unit.to_numpy().nonzero()[0][0])
        raise InputError(f"data file {origin}: row {rows[k]} has no unit code", hint="fill the unit column")
    if year_col is not None:
        years = _numbers(df, [year_col], origin, rows)[year_col]
        if years.isna().any() or (years != years.round()).any():
            k = int((years.isna() | (years != years.round())).to_numpy().nonzero()[0][0])
            raise InputError(
                f"data file {origin}: row {rows[k]}, column {year_col!r}: {df[year_col].iloc[k]!r} is not a year",
                hint="write whole years such as 2023",
            )
        years = years.astype(int)
    else:
        years = pd.Series(NO_YEAR if year is None else int(year), index=df.index)
    notes: list[str] = []
    group_name = fw.steps.impute_group
    attributes: dict[str, dict[str, str]] = {}
    wanted = [i.id for i in fw.active]
    column = {i.id: column_of(i.id, i.source) for i in fw.active}
    needed = set(column.values()) | {i.denominator for i in fw.active if i.denominator}
    if long:
        ind_col = _find(cols, ("indicator",))
        val_col = _find(cols, ("value",))
        src_col = _find(cols, ("source", "source_id"))
        assert ind_col is not None and val_col is not None
        codes = df[ind_col].map(lambda v: "" if v is None else str(v).strip())
        values = _numbers(df, [val_col], origin, rows)[val_col]
        data = pd.DataFrame(
            {
                "unit": units,
                "year": years,
                "indicator": codes,
                "value": values,
                "source_id": df[src_col].astype(str) if src_col else f"user:{origin}",
            }
        )
        dup = data.duplicated(["unit", "year", "indicator"], keep=False)
        if dup.any():
            where = [rows[k] for k in dup.to_numpy().nonzero()[0][:2]]
            first = data[dup].iloc[0]
            raise InputError(
                f"data file {origin}: rows {where[0]} and {where[1]} both give {first['indicator']} of "
                f"{first['unit']}{'' if year_col is None else ' in ' + str(first['year'])}",
                hint="keep one value per unit, year and indicator",
            )
        present = sorted(set(codes))
        extra_cols = [c for c in cols if c not in {unit_col, year_col, ind_col, val_col, src_col}]
        if group_name is not None:
            attributes[group_name] = _groups(df, units, group_name, extra_cols, origin, rows)
        layout = "long"
    else:
        meta = {unit_col, year_col, *(c for c in cols if c.lower() in NAME_COLUMNS)}
        groups_cols = [c for c in cols if c.lower().startswith("group_") or c == group_name]
        candidates = [c for c in cols if c not in meta and c not in groups_cols]
        ind_cols = [c for c in candidates if c in needed]
        present = candidates
        key = pd.DataFrame({"unit": units, "year": years})
        dup = key.duplicated(keep=False)
        if dup.any():
            where = [rows[k] for k in dup.to_numpy().nonzero()[0][:2]]
            raise InputError(
                f"data file {origin}: unit {units[dup].iloc[0]!r} appears twice (rows {where[0]} and {where[1]})"
                + ("" if year_col is None else f" for year {int(years[dup].iloc[0])}"),
                hint="keep one row per unit"
                + ("" if year_col is None else " and year")
                + " (or add a year column for panel data)",
            )
        nums = _numbers(df, ind_cols, origin, rows)
        if group_name is not None:
            attributes[group_name] = _groups(df, units, group_name, cols, origin, rows)
        for c in groups_cols:
            if c != group_name:
                attributes[c] = {u: str(v) for u, v in zip(units, df[c], strict=True) if v not in (None, "")}
        parts = [
            pd.DataFrame(
                {"unit": units, "year": years, "indicator": c, "value": nums[c], "source_id": f"user:{origin}"}
            )
            for c in ind_cols
        ]
        data = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["unit", "year", "indicator", "value", "source_id"])
        )
        layout = "wide"
    codes_present = set(data["indicator"])
    missing = [i for i in wanted if column[i] not in codes_present]
    if missing:
        i0 = missing[0]
        near = closest(column[i0], [c for c in present if c not in needed] or list(present), 3)
        raise InputError(
            f"data file {origin}: framework indicator(s) {', '.join(column[i] for i in missing)} not found in the data",
            hint=f"closest names in the data for {column[i0]}: {', '.join(near) or '(none)'}; rename the column "
            "(or the `id:` in the framework) so they match, or mark the indicator `available: false`",
        )
    extra = sorted(set(present) - needed) if layout == "wide" else sorted(codes_present - needed)
    if extra:
        notes.append(t("index.note.extra_columns", n=len(extra), cols=", ".join(extra[:8])))
    data = _denominate(fw, data, column, origin, notes)
    if year is not None and year_col is not None and int(year) not in set(data["year"]):
        have = sorted({int(y) for y in data["year"]})
        raise InputError.keyed(
            "index.error.data_year",
            "index.error.data_year.hint",
            year=year,
            path=origin,
            years=", ".join(map(str, have)),
        )
    empty = sorted(set(data["unit"]) - set(data.loc[data["value"].notna(), "unit"]))
    for u in empty:
        notes.append(t("index.note.unit_empty", unit=u))
    if fw.units:
        unknown_units = [u for u in fw.units if u not in set(data["unit"])]
        if unknown_units and len(unknown_units) == len(fw.units):
            raise InputError(
                f"data file {origin}: none of the framework's units are in the data",
                hint=f"closest to {fw.units[0]}: {', '.join(closest(fw.units[0], sorted(set(data['unit'])), 3))}",
            )
    for u in fw.steps.include_units + fw.steps.exclude_units:
        if u not in set(data["unit"]):
            raise InputError(
                f"steps.screen: unit {u!r} is not in data file {origin}",
                hint=f"closest: {', '.join(closest(u, sorted(set(data['unit'])), 3))}",
            )
    groups = attributes.get(group_name, {}) if group_name else {}
    panel = Panel(data.reset_index(drop=True), groups=groups)
    return UserData(panel, origin, layout, year_col is not None, notes, attributes, rows=len(df))


def _groups(
    df: pd.DataFrame, units: pd.Series, name: str, cols: Sequence[str], origin: str, rows: Sequence[int]
) -> dict[str, str]:
    """The imputation group of every unit from column ``name`` (it must exist)."""
    if name not in df.columns:
        raise InputError(
            f"steps.impute.group: {name!r} is not a column of data file {origin}",
            hint=f"closest columns: {', '.join(closest(name, list(cols), 3)) or '(none)'}; add a column "
            "giving each unit's group (e.g. income group), or choose mean/median imputation",
        )
    out: dict[str, str] = {}
    for k, (u, g) in enumerate(zip(units, df[name], strict=True)):
        if g is None or str(g).strip() == "":
            continue
        label = str(g).strip()
        if out.get(u, label) != label:
            raise InputError(
                f"data file {origin}: row {rows[k]}: unit {u} is in group {label!r} here and {out[u]!r} elsewhere",
                hint="give each unit one group",
            )
        out[u] = label
    return out


def column_of(ind_id: str, source: str) -> str:
    """The data column (long: indicator code) an indicator reads: its ``source:`` when that
    is not the default ``data``, else its id — so two indicators can share one column."""
    return ind_id if source in ("data", "") else source


def _denominate(
    fw: Framework, data: pd.DataFrame, column: dict[str, str], origin: str, notes: list[str]
) -> pd.DataFrame:
    """Each framework indicator's values from its column; those with a ``denominator:`` are
    divided by that column times ``scale`` (COINr ``Denominate``).  A zero, negative or
    missing denominator where the indicator has a value is an error, not a silent drop."""
    import numpy as np
    import pandas as pd

    by = data.set_index(["unit", "year", "indicator"])["value"]
    frames = []
    for ind in fw.active:
        num = data[data["indicator"] == column[ind.id]].copy()
        num["indicator"] = ind.id
        if not ind.denominator:
            frames.append(num)
            continue
        den_name = str(ind.denominator)
        if den_name not in set(data["indicator"]):
            raise InputError(
                f"indicator {ind.id}: denominator {den_name!r} is not in data file {origin}",
                hint=f"closest: {', '.join(closest(den_name, sorted(set(data['indicator'])), 3))}; "
                "add the column (population, GDP, area …) to the data",
            )
        den = by.xs(den_name, level="indicator").reindex(pd.MultiIndex.from_frame(num[["unit", "year"]]))
        d = den.to_numpy(dtype=float)
        bad = num["value"].notna().to_numpy() & (d <= 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"indicator {ind.id}: denominator {den_name} of {num['unit'].iloc[k]} is {d[k]:g} (must be > 0)",
                hint="fix the denominator value, or leave the indicator missing for that unit",
            )
        gone = num["value"].notna().to_numpy() & np.isnan(d)
        if gone.any():  # missing stays missing (as in COINr), and is said
            notes.append(
                t("index.note.denominator_missing", ind=ind.id, den=den_name, units=", ".join(num["unit"][gone]))
            )
        num["value"] = num["value"].to_numpy(dtype=float) / d * ind.scale
        frames.append(num)
    return pd.concat(frames, ignore_index=True)


def load(
    data: str | Path | pd.DataFrame, fw: Framework, year: int | None = None, *, origin: str | None = None
) -> UserData:
    """A data file path or a DataFrame, checked against ``fw`` (see :func:`from_frame`)."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return from_frame(data, fw, origin=origin or "DataFrame", year=year)
    table = read_table(data)
    return from_frame(table, fw, origin=origin or str(data), year=year, text_cells=True)


def starter(data: str | Path | pd.DataFrame, name: str = "my_index") -> str:
    """A starter framework (YAML text) for a data table: every numeric column an indicator
    under one pillar, COINr's default steps written out so they can be edited."""
    import pandas as pd

    df = data.copy() if isinstance(data, pd.DataFrame) else read_table(data)
    origin = "DataFrame" if isinstance(data, pd.DataFrame) else str(data)
    df.columns = [str(c).strip() for c in df.columns]
    cols = list(df.columns)
    if {"unit", "indicator", "value"} <= {c.lower() for c in cols}:
        ind_col = _find(cols, ("indicator",))
        assert ind_col is not None
        inds = sorted({str(v).strip() for v in df[ind_col] if v is not None and str(v).strip()})
        groups: list[str] = []
    else:
        unit_col = _find(cols, UNIT_COLUMNS)
        if unit_col is None:
            raise InputError(
                "data file: no unit column", hint=f"name the unit column one of: {', '.join(UNIT_COLUMNS)}"
            )
        meta = {unit_col, _find(cols, YEAR_COLUMNS), *(c for c in cols if c.lower() in NAME_COLUMNS)}
        inds, groups = [], []
        for c in cols:
            if c in meta:
                continue
            text = df[c].map(lambda v: "" if v is None else str(v).strip())
            nums = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
            numeric = (nums.notna() | text.str.lower().isin(MISSING)).all() and nums.notna().any()
            if not numeric and nums.notna().sum() > (nums.isna() & ~text.str.lower().isin(MISSING)).sum():
                # mostly numbers with a stray text cell: a typo in an indicator, not a group column
                rows = [k + 2 for k in range(len(df))] if not isinstance(data, pd.DataFrame) else list(range(len(df)))
                _numbers(df, [c], origin, rows)
            (inds if numeric and not c.lower().startswith("group_") else groups).append(c)
    if len(inds) < 2:
        raise InputError.keyed(
            "index.error.few_columns", "index.error.few_columns.hint", path=origin, columns=", ".join(inds) or "-"
        )
    import yaml

    lines = [
        f"# Starter framework written by `strata index init` for {len(inds)} indicators.",
        "# Edit: names, direction (1 = higher is better, -1 = lower is better), weights, and the",
        "# pillars (aggregates). Every indicator must sit the same number of levels below the root.",
        f"id: {name}",
        f"name: {{en: {name}}}",
        "indicators:",
    ]
    for c in inds:
        lines.append(f"  - {{id: {yaml.safe_dump(c).strip().removesuffix('...').strip()}, parent: pillar1, weight: 1}}")
    lines += [
        "aggregates:",
        "  - {id: pillar1, name: {en: Pillar 1}, parent: index}",
        f"  - {{id: index, name: {{en: {name}}}}}",
        "steps:",
        "  screen: {min_unit_coverage: 0.66, min_indicator_coverage: 0.66}",
        f"  impute: {{method: {'group_mean, group: ' + groups[0] if groups else 'mean'}}}",
        "  outliers: {method: winsorise, skew: 2.0, kurtosis: 3.5, max_points: 5, fallback: log_CT}",
        "  normalise: {method: minmax, range: [0, 100]}",
        "  weights: {method: manual}",
        "  aggregate: {method: arithmetic}",
        "uncertainty:",
        "  n: 1024",
        "  factors:",
        "    normalise: [minmax, rank]",
        "    weights: {noise: 0.25, sets: 100, levels: [2]}",
    ]
    return "\n".join(lines) + "\n"
