"""Every table of a built index in one Excel workbook, a sheet per table (COINr
``export_to_excel``): data at each step, weights, scores, ranks, analysis and, when run,
uncertainty intervals — the way index makers share an index for audit.

The workbook is written beside the target and moved into place, so a failure never leaves
a half-written file under the user's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.measure.index.engine import IndexResult

#: Excel's limit on sheet-name length
SHEET_NAME_MAX = 31


def tables(
    res: IndexResult,
    *,
    groups: dict[str, str] | None = None,
    uncertainty: list[dict[str, Any]] | None = None,
    sensitivity: list[dict[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The index as named tables (sheet name → DataFrame), in the order they are shared."""
    import pandas as pd

    from computestrata.measure.index import analysis

    fw = res.fw
    eff = analysis.effective_weights(res)
    framework = pd.DataFrame(
        [
            {
                "id": i.id,
                "kind": "indicator",
                "parent": i.parent,
                "level": 1,
                "name": i.name.get("en", i.id),
                "direction": i.direction,
                "weight": fw.weight_of(i.id),
                "effective_weight": eff.get(i.id),
                "source": i.source,
                "denominator": i.denominator,
                "used": i.id in res.indicators,
            }
            for i in fw.indicators
        ]
        + [
            {
                "id": a.id,
                "kind": "aggregate",
                "parent": a.parent,
                "level": fw.level_of(a.id),
                "name": a.name.get("en", a.id),
                "direction": None,
                "weight": fw.weight_of(a.id),
                "effective_weight": eff.get(a.id),
                "source": None,
                "denominator": None,
                "used": a.id in res.children,
            }
            for a in fw.aggregates
        ]
    )
    weights = []
    for node, kids in res.children.items():
        w = res.weights.get(node)
        if w is None or getattr(w, "ndim", 1) != 1:
            continue
        for kid, wk in zip(kids, w, strict=True):
            weights.append({"parent": node, "child": kid, "weight": float(wk), "effective_weight": eff.get(kid)})
    corr = [{"data": "raw", **r} for r in analysis.correlation_table(res.raw)] + [
        {"data": "normalised", **r} for r in analysis.correlation_table(res.scores[res.indicators])
    ]
    structure = analysis.structure(res)
    for row in structure:
        row["alpha_pairwise"] = analysis.cronbach_pairwise(res.scores[res.children[row["node"]]].to_numpy())
    out: dict[str, pd.DataFrame] = {
        "Framework": framework,
        "Data_raw": res.raw.reset_index(),
        "Data_imputed": (res.filled if res.filled is not None else res.raw).reset_index(),
        "Imputed_cells": res.imputed.reset_index(),
        "Data_treated": res.treated.reset_index(),
        "Treated_points": res.treated_points.reset_index() if res.treated_points is not None else pd.DataFrame(),
        "Data_normalised": res.scores[res.indicators].reset_index(),
        "Scores": res.scores.reset_index(),
        "Ranks": res.ranks.reset_index(),
        "Weights": pd.DataFrame(weights),
        "Stats": pd.DataFrame(analysis.indicator_stats(res.raw, fw.steps.skew, fw.steps.kurtosis)),
        "Unit_availability": pd.DataFrame(analysis.unit_availability(res.raw)),
        "Correlations": pd.DataFrame(corr),
        "Structure": pd.DataFrame(structure),
        "Log": pd.DataFrame([{k: _cell(v) for k, v in e.items()} for e in res.log]),
        "Notes": pd.DataFrame({"note": res.notes}),
        "Sources": pd.DataFrame({"source_id": res.source_ids}),
    }
    if groups:
        out["Group_ranks"] = pd.DataFrame(analysis.group_ranks(res, groups))
    if uncertainty is not None:
        out["Uncertainty"] = pd.DataFrame(uncertainty)
    if sensitivity is not None:
        out["Sensitivity"] = pd.DataFrame(sensitivity)
    return out


def _cell(value: Any) -> Any:
    """A log entry's value as one spreadsheet cell (lists and mappings as text)."""
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write ``sheets`` to one .xlsx (a sheet per table; aside first, then moved)."""
    import pandas as pd

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"--out {target}: not an .xlsx path", hint="end the file name with .xlsx")
    if not target.parent.exists():
        raise InputError(f"--out {target}: folder {target.parent} does not exist", hint="create it first")
    for name in sheets:
        if len(name) > SHEET_NAME_MAX:
            raise InputError(f"sheet name {name!r} is longer than {SHEET_NAME_MAX}", hint="shorten it")
    tmp = target.with_name(f".{target.name}.part")
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in sheets.items():
                df.to_excel(xw, sheet_name=name, index=False)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def read_xlsx(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook written by :func:`write_xlsx` (for round trips and audits)."""
    import pandas as pd

    return dict(pd.read_excel(path, sheet_name=None, engine="calamine"))
