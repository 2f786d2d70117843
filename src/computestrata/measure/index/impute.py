"""Imputation of missing values (handbook step 3).

Cross-sectional imputation (mean, median, group mean/median) fills a unit's gap from other
units in the same year; panel imputation fills it from the same unit's other years.  Every
function returns which cells it filled, so the imputed share can be reported — an index
that hides how much of it is imputed misleads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import t

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]


def impute_cross(
    x: Array, method: str, groups: Sequence[str | None] | None = None
) -> tuple[Array, NDArray[np.bool_], list[str]]:
    """Fill NaNs column-wise (axis -2 = units) by mean/median, overall or within groups.

    Returns the filled array, the mask of filled cells, and notes (e.g. a group with no
    value for an indicator falls back to the overall statistic — said, not hidden).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    miss = np.isnan(x)
    notes: list[str] = []
    if method in ("none", "panel_linear", "panel_locf") or not miss.any():
        return x.copy(), np.zeros_like(miss), notes
    stats: dict[str, Callable[..., Any]] = {
        "mean": np.nanmean,
        "median": np.nanmedian,
        "group_mean": np.nanmean,
        "group_median": np.nanmedian,
    }
    stat = stats.get(method)
    if stat is None:
        from computestrata.errors import unknown
        from computestrata.measure.index.config import IMPUTE_METHODS

        raise unknown("imputation method", method, IMPUTE_METHODS)
    if (~miss).sum(axis=-2).min() == 0:
        raise InputError("impute: an indicator has no value for any unit", hint="drop it (screening) before imputing")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        overall = stat(x, axis=-2, keepdims=True)
        fill = np.broadcast_to(overall, x.shape).copy()
        if method.startswith("group_"):
            if groups is None or len(groups) != x.shape[-2]:
                raise InputError(
                    f"impute ({method}): no group for every unit",
                    hint="give the data a group per unit (e.g. income group)",
                )
            labels = np.array([g if g is not None else "" for g in groups], dtype=object)
            for g in sorted(set(labels.tolist())):
                rows = labels == g
                if not g:
                    notes.append(t("index.note.no_group", n=int(rows.sum()), method=method[6:]))
                    continue
                gs = stat(x[..., rows, :], axis=-2, keepdims=True)
                empty = np.isnan(gs)
                if empty.any():
                    notes.append(t("index.note.empty_group", group=g, n=int(empty.sum()), method=method[6:]))
                gs = np.where(empty, overall, gs)
                fill[..., rows, :] = np.broadcast_to(gs, fill[..., rows, :].shape)
    return np.where(miss, fill, x), miss, notes


def impute_panel(
    panel: Array, years: Sequence[int], method: str, max_age: int | None = None
) -> tuple[Array, NDArray[np.bool_]]:
    """Fill NaNs along the year axis (axis 0 of ``(years, units, indicators)``).

    ``panel_linear``: linear interpolation between observed years, constant beyond the
    first/last observation; ``panel_locf``: last observation carried forward (earlier gaps
    take the first observation).  A series with a single value is held constant (COINr
    issue #63 crashed here); a series with none stays missing.  With ``max_age``, a gap
    more than ``max_age`` years from every observation stays missing (no stale values).
    """
    import numpy as np

    p = np.asarray(panel, dtype=float)
    yrs = np.asarray(years, dtype=float)
    if p.shape[0] != len(yrs) or (np.diff(yrs) <= 0).any():
        raise InputError("impute_panel: years must be increasing and match the panel", hint="sort the panel by year")
    out = p.copy()
    miss = np.isnan(p)
    flat = out.reshape(len(yrs), -1)
    for j in np.nonzero(miss.reshape(len(yrs), -1).any(axis=0))[0]:
        col = flat[:, j]
        ok = ~np.isnan(col)
        if not ok.any():
            continue
        if method == "panel_linear":
            flat[:, j] = np.interp(yrs, yrs[ok], col[ok])
        elif method == "panel_locf":
            idx = np.where(ok, np.arange(len(yrs)), -1)
            idx = np.maximum.accumulate(idx)
            first = int(np.argmax(ok))
            idx[idx < 0] = first
            flat[:, j] = col[idx]
        else:
            raise InputError(f"impute_panel: unknown panel method {method!r}", hint="use panel_linear or panel_locf")
        if max_age is not None:
            obs = yrs[ok]
            if method == "panel_locf":
                # the value used is the last observation at or before the year (else the first)
                prev = np.array([obs[obs <= y].max() if (obs <= y).any() else obs.min() for y in yrs])
                age = np.abs(yrs - prev)
            else:
                age = np.abs(yrs[:, None] - obs[None, :]).min(axis=1)
            flat[(age > max_age) & ~ok, j] = np.nan
    return out, miss & ~np.isnan(out)
