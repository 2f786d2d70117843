"""Outlier treatment (handbook step 4), as COINr's ``Treat()`` does it.

An indicator fails when |skewness| ≥ 2 AND excess kurtosis ≥ 3.5 (bias-corrected sample
estimates G1 and G2, COINr's ``check_SkewKurt``).  A failing indicator is winsorised: each
round, every point at the extreme on the skewed side (high when skew ≥ 0) takes the next value
inward.  The count of winsorised points is COINr's: the points moved in the latest round on
the high side plus those on the low side, so tied extremes count as several points; rounds
go on while the count is below ``max_points`` (``winmax``).  If the indicator still fails,
the *original* column is transformed instead (COINr ``f2``, ``combine_treat = FALSE``):

- ``log`` / ``log_CT_orig``: log(x − min + 1) (our default, COINr ``log_CT_orig``)
- ``log_CT``: log(x − min + 0.01·(max − min)) (COINr's default)
- ``log_CT_plus``: as ``log_CT`` for positive skew, −log(max + 0.01·range − x) for negative
- ``boxcox``: Box-Cox with λ of x − min + 1 (COINr ``boxcox`` with ``makepos``)

Every action is reported, and every changed point is recorded (``winhi``, ``winlo`` or the
transform's name): treatment changes ranks and readers must see it.  The moments come from
:mod:`computestrata.maths.moments` (shared with every other use).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.maths.moments import skew_kurt, skew_kurt_cols

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]

__all__ = ["flagged", "passes", "skew_kurt", "skew_kurt_cols", "transform", "treat", "winsorise", "winsorise_cols"]


def flagged(col: Array, skew: float = 2.0, kurtosis: float = 3.5) -> bool:
    s, k = skew_kurt(col)
    return bool(abs(s) > skew and k > kurtosis)


def transform(col: Array, name: str, lam: float = 0.5) -> Array:
    """One of the log-type transforms of a column (see the module docstring)."""
    import numpy as np

    mn, mx = np.nanmin(col), np.nanmax(col)
    with np.errstate(divide="ignore", invalid="ignore"):
        if name in ("log", "log_CT_orig"):
            return np.asarray(np.log(col - mn + 1.0))
        a = 0.01 * (mx - mn)
        if name == "log_CT":
            return np.asarray(np.log(col - mn + a))
        if name == "log_CT_plus":
            s, _ = skew_kurt(col)
            return np.asarray(np.log(col - mn + a) if s > 0 else -np.log(mx + a - col))
        if name == "boxcox":
            y = col - mn + 1.0
            return np.asarray(np.log(y) if lam == 0 else (y**lam - 1.0) / lam)
    from computestrata.errors import unknown
    from computestrata.measure.index.config import LOG_TRANSFORMS

    raise unknown("outlier transform", name, LOG_TRANSFORMS)


def passes(col: Array, skew: float = 2.0, kurtosis: float = 3.5) -> bool:
    """COINr's ``check_SkewKurt``: passes when |skew| < threshold OR kurtosis < threshold
    (too few points to judge counts as passing: nothing to treat)."""
    s, k = skew_kurt(col)
    if s != s or k != k:
        return True
    return bool(abs(s) < skew or k < kurtosis)


def winsorise(
    col: Array, max_points: int = 5, skew: float = 2.0, kurtosis: float = 3.5, force: bool = False
) -> tuple[Array, int, Array]:
    """COINr's ``winsorise`` on one column: the column, the winsorised-point count, the marks."""
    import numpy as np

    x, nwin, hi, lo = winsorise_cols(np.asarray(col, dtype=float)[:, None], [max_points], [skew], [kurtosis], [force])
    marks = np.full(x.shape[0], "", dtype=object)
    marks[hi[:, 0]] = "winhi"
    marks[lo[:, 0]] = "winlo"
    return x[:, 0], int(nwin[0]), marks


def winsorise_cols(
    x: Array,
    max_points: Sequence[int],
    skew: Sequence[float],
    kurtosis: Sequence[float],
    force: Sequence[bool],
) -> tuple[Array, Array, Array, Array]:
    """COINr's ``winsorise`` on every column at once (per-column parameters).

    Each round, every column still failing (or forced) and under its point budget moves all
    its points at the extreme on the skewed side (high when skew ≥ 0) to the next value
    inward.  The count is COINr's: points moved in the latest high-side round plus those of
    the latest low-side round.  Returns the data, the counts, and the masks of the points
    moved in those latest rounds (COINr marks exactly these as ``winhi``/``winlo``)."""
    import numpy as np

    x = np.array(x, dtype=float, copy=True)
    n_cols = x.shape[1]
    budget = np.asarray(max_points, dtype=float)
    sk_t, ku_t = np.asarray(skew, dtype=float), np.asarray(kurtosis, dtype=float)
    forced = np.asarray(force, dtype=bool)
    hi = np.zeros(x.shape, dtype=bool)
    lo = np.zeros(x.shape, dtype=bool)
    n_hi = np.zeros(n_cols, dtype=np.int64)
    n_lo = np.zeros(n_cols, dtype=np.int64)
    stuck = np.zeros(n_cols, dtype=bool)
    s, k = skew_kurt_cols(x)
    while True:
        passing = np.isnan(s) | np.isnan(k) | (np.abs(s) < sk_t) | (k < ku_t)
        active = (~passing | forced) & (n_hi + n_lo < budget) & ~stuck
        if not active.any():
            break
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            top = np.nanmax(x, axis=0)
            low = np.nanmin(x, axis=0)
            at_top = x == top
            at_low = x == low
            next_top = np.nanmax(np.where(at_top, np.nan, x), axis=0)
            next_low = np.nanmin(np.where(at_low, np.nan, x), axis=0)
        up = active & (s >= 0)
        down = active & ~(s >= 0)
        stuck |= (up & np.isnan(next_top)) | (down & np.isnan(next_low))  # one distinct value left
        up &= ~np.isnan(next_top)
        down &= ~np.isnan(next_low)
        if not (up.any() or down.any()):
            break
        move_hi = at_top & up[None, :]
        move_lo = at_low & down[None, :]
        x = np.where(move_hi, next_top[None, :], np.where(move_lo, next_low[None, :], x))
        hi = np.where(up[None, :], move_hi, hi)
        lo = np.where(down[None, :], move_lo, lo)
        n_hi = np.where(up, move_hi.sum(axis=0), n_hi)
        n_lo = np.where(down, move_lo.sum(axis=0), n_lo)
        s, k = skew_kurt_cols(x)
    return x, n_hi + n_lo, hi, lo


def treat(
    x: Array,
    method: str = "winsorise",
    *,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    max_points: int = 5,
    fallback: str = "log",
    names: Sequence[str] | None = None,
    lam: float = 0.5,
    force: bool = False,
    specs: Sequence[dict[str, Any] | None] | None = None,
    record: Array | None = None,
) -> tuple[Array, list[dict[str, Any]]]:
    """Treat outliers column by column in a ``(units, indicators)`` array; returns a log.

    ``specs`` (one per column, None = the global choice) override the method and its
    parameters per indicator (COINr ``indiv_specs``; ``{"method": "none"}`` leaves a column
    alone).  ``record``, a ``(units, indicators)`` object array, receives each changed
    point's mark (COINr ``Treated_Points``).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    out = x.copy()
    log: list[dict[str, Any]] = []
    s_all, k_all = skew_kurt_cols(x)  # one pass over every column; only failing ones are looped
    cols_spec = [(specs[j] if specs is not None else None) or {} for j in range(x.shape[1])]
    sk_t = np.array([float(c.get("skew", skew)) for c in cols_spec])
    ku_t = np.array([float(c.get("kurtosis", kurtosis)) for c in cols_spec])
    failing = np.flatnonzero((np.abs(s_all) >= sk_t) & (k_all >= ku_t))  # NaN moments pass
    if failing.size == 0:
        return out, log
    sub = [cols_spec[j] for j in failing]
    win = np.full(x.shape, np.nan)
    win_hi = np.zeros(x.shape, dtype=bool)
    win_lo = np.zeros(x.shape, dtype=bool)
    win_n = np.zeros(x.shape[1], dtype=np.int64)
    win[:, failing], win_n[failing], win_hi[:, failing], win_lo[:, failing] = winsorise_cols(
        x[:, failing],
        [int(c.get("max_points", max_points)) for c in sub],
        sk_t[failing].tolist(),
        ku_t[failing].tolist(),
        [bool(c.get("force", force)) for c in sub],
    )
    s_win, k_win = skew_kurt_cols(win)
    for j in (int(v) for v in failing):
        spec = (specs[j] if specs is not None else None) or {}
        m = spec.get("method", method)
        if m == "none":
            continue
        sk, ku = float(spec.get("skew", skew)), float(spec.get("kurtosis", kurtosis))
        s0, k0 = float(s_all[j]), float(k_all[j])
        if s0 != s0 or k0 != k0 or abs(s0) < sk or k0 < ku:
            continue
        col = x[:, j]
        fb = spec.get("fallback", fallback)
        lam_j = float(spec.get("lambda", lam))
        marks = np.full(col.shape, "", dtype=object)
        points = 0
        if m == "winsorise":
            new, points = win[:, j], int(win_n[j])
            marks[win_hi[:, j]] = "winhi"
            marks[win_lo[:, j]] = "winlo"
            sw, kw = float(s_win[j]), float(k_win[j])
            if sw != sw or kw != kw or abs(sw) < sk or kw < ku:
                action = "winsorised"
            elif fb == "none":  # COINr keeps the winsorised values when there is no f2
                action = "still_failing"
            else:
                new, action, points = transform(col, fb, lam_j), "log", 0
                marks = np.where(np.isnan(col), "", fb).astype(object)
                m = fb
        else:  # a transform applied directly to a flagged indicator
            new, action = transform(col, m, lam_j), "log"
            marks = np.where(np.isnan(col), "", m).astype(object)
        out[:, j] = new
        if record is not None:
            record[:, j] = marks
        log.append(
            {
                "indicator": names[j] if names is not None else f"#{j}",
                "action": action,
                "transform": m if action == "log" else None,
                "points": points,
                "skew_before": float(s0),
                "kurtosis_before": float(k0),
                "column": j,
            }
        )
    if log:  # moments after treatment, for every treated column at once
        s1, k1 = skew_kurt_cols(out)
        for entry in log:
            j = entry.pop("column")
            entry["skew_after"], entry["kurtosis_after"] = float(s1[j]), float(k1[j])
    return out, log
