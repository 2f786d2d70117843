"""Import a JRC COIN Tool workbook (Excel): its data and framework as our data table and
framework, so an index kept in the COIN Tool moves over (COINr ``import_coin_tool``).

The COIN Tool keeps everything at fixed places, which this reader follows (the layout COINr's
reader uses for the current tool):

- sheet ``Database``: indicator metadata in columns E onward — row 7 weight, row 8 direction,
  row 9 lower and row 10 upper goalpost, rows 11–14 the codes of the index, sub-index,
  pillar and sub-pillar each indicator belongs to (``Index``, ``si.*``, ``p.*``, ``sp.*``;
  a level the index does not use repeats one code everywhere and is dropped), row 15 the
  indicator name and row 16 its code; from row 17 one row per unit: name in column B, code
  in column C, values from column E (``n/a`` = missing);
- sheet ``Framework``: from row 5, column C the aggregate code, E its weight, H its name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

FIRST_DATA_ROW = 17  # 1-based, as Excel shows it
FIRST_COL = 5  # column E
LEVEL_PREFIXES = ("sp.", "p.", "si.", "Index")  # lowest to highest


def _sheet(path: Path, name: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for zip/xls damage
        raise InputError(
            f"COIN Tool file {path} cannot be read as a workbook: {exc}",
            hint="give the COIN Tool .xlsx itself (save a copy as .xlsx from Excel if it is damaged)",
        ) from exc
    if name not in wb.sheet_names:
        raise InputError(
            f"{path}: no sheet {name!r}, so this is not a COIN Tool workbook",
            hint=f"sheets found: {', '.join(wb.sheet_names)}",
        )
    return [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def _cell(rows: list[list[Any]], row: int, col: int) -> Any:
    """Cell at 1-based ``row``/``col`` (None beyond the used area or when empty)."""
    if row - 1 >= len(rows) or col - 1 >= len(rows[row - 1]):
        return None
    v = rows[row - 1][col - 1]
    return None if v == "" else v


def read(path: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The workbook as (framework mapping for :func:`.config.parse`, wide data table)."""
    import math

    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise InputError.keyed("index.error.coin_missing", "index.error.coin_missing.hint", path=str(p))
    db = _sheet(p, "Database")
    fr = _sheet(p, "Framework")
    cols = []
    c = FIRST_COL
    while _cell(db, 16, c) is not None:
        cols.append(c)
        c += 1
    if len(cols) < 2:
        raise InputError(f"{p}: fewer than two indicator codes in row 16 of sheet Database", hint="check the file")
    codes = [str(_cell(db, 16, c)).strip() for c in cols]
    dup = sorted({x for x in codes if codes.count(x) > 1})
    if dup:
        raise InputError(f"{p}: indicator code(s) {', '.join(dup)} appear twice in row 16", hint="make codes unique")
    # rows 14 (sub-pillar) … 11 (index): one code per indicator per level; unused levels repeat one code
    levels = {
        prefix: [_cell(db, row, c) for c in cols] for prefix, row in zip(LEVEL_PREFIXES, (14, 13, 12, 11), strict=True)
    }
    used = [pre for pre in LEVEL_PREFIXES if pre == "Index" or len({str(v) for v in levels[pre]}) > 1]
    for pre in used:
        empty = [codes[k] for k, v in enumerate(levels[pre]) if v is None]
        if empty:
            raise InputError(
                f"{p}: indicator(s) {', '.join(empty)} have no {pre} code (sheet Database, rows 11-14)",
                hint="give every indicator its place in the framework",
            )
    names_fr: dict[str, str] = {}
    weights_fr: dict[str, float] = {}
    for r in range(5, len(fr) + 1):
        code = _cell(fr, r, 3)
        if code is None or str(code).strip() in ("--", ""):
            continue
        code = str(code).strip()
        names_fr[code] = str(_cell(fr, r, 8) or code)
        w = _cell(fr, r, 5)
        if isinstance(w, int | float):
            weights_fr[code] = float(w)
    indicators = []
    for k, (c, code) in enumerate(zip(cols, codes, strict=True)):
        direction = _cell(db, 8, c)
        weight = _cell(db, 7, c)
        lo, hi = _cell(db, 9, c), _cell(db, 10, c)
        ind: dict[str, Any] = {
            "id": code,
            "name": {"en": str(_cell(db, 15, c) or code)},
            "parent": str(levels[used[0]][k]),
            "direction": -1 if isinstance(direction, int | float) and direction < 0 else 1,
            "weight": float(weight) if isinstance(weight, int | float) else 1.0,
        }
        if isinstance(lo, int | float) and isinstance(hi, int | float) and hi > lo:
            ind["goalposts"] = [float(lo), float(hi)]
        indicators.append(ind)
    aggregates = []
    for i, pre in enumerate(used):
        parents = levels[used[i + 1]] if i + 1 < len(used) else None
        seen: dict[str, str | None] = {}
        for k, v in enumerate(levels[pre]):
            code = str(v)
            parent = None if parents is None else str(parents[k])
            if seen.get(code, parent) != parent:
                raise InputError(f"{p}: {code} sits under two parents ({seen[code]}, {parent})", hint="fix rows 11-14")
            seen[code] = parent
        for code, parent in seen.items():
            agg: dict[str, Any] = {"id": code, "name": {"en": names_fr.get(code, code)}}
            if parent is not None:
                agg["parent"] = parent
            if code in weights_fr:
                agg["weight"] = weights_fr[code]
            aggregates.append(agg)
    rows = []
    r = FIRST_DATA_ROW
    while _cell(db, r, 3) is not None or _cell(db, r, 2) is not None:
        unit = _cell(db, r, 3)
        if unit is None:
            raise InputError(f"{p}: sheet Database row {r} has a unit name but no code (column C)", hint="add it")
        row: dict[str, Any] = {"uCode": str(unit).strip(), "uName": _cell(db, r, 2)}
        for c, code in zip(cols, codes, strict=True):
            v = _cell(db, r, c)
            if isinstance(v, str) and v.strip().lower() in ("n/a", "na", ""):
                v = None
            if v is not None and not isinstance(v, int | float):
                raise InputError(
                    f"{p}: sheet Database row {r}, indicator {code}: {v!r} is not a number",
                    hint="write a number or n/a",
                )
            row[code] = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        rows.append(row)
        r += 1
    if not rows:
        raise InputError(f"{p}: no units from row {FIRST_DATA_ROW} of sheet Database", hint="check the file")
    framework = {
        "id": p.stem.replace(" ", "_"),
        "name": {"en": names_fr.get("Index", p.stem)},
        "indicators": indicators,
        "aggregates": aggregates,
        "steps": {"normalise": {"method": "minmax", "range": [0, 100]}, "weights": {"method": "manual"}},
    }
    return framework, pd.DataFrame(rows)
