"""Outlier treatment (handbook step 4, COINr defaults).

An indicator is flagged when |skewness| > 2 AND excess kurtosis > 3.5 (bias-corrected sample
estimates G1 and G2).  Flagged indicators are winsorised one point at a time (the most
extreme value on the skewed side takes the next value inward) up to ``max_points``; if the
rule still fails, the original column is log-transformed as log(1 + x − min) instead.  Every
action is reported: treatment changes ranks and readers must see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]


def skew_kurt(col: Array) -> tuple[float, float]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 of the non-missing values."""
    import numpy as np

    v = col[~np.isnan(col)]
    n = v.size
    if n < 4:
        return float("nan"), float("nan")
    m = v.mean()
    m2 = ((v - m) ** 2).mean()
    if m2 == 0:
        return 0.0, 0.0
    m3 = ((v - m) ** 3).mean()
    m4 = ((v - m) ** 4).mean()
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    big_g1 = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    big_g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    return float(big_g1), float(big_g2)


def skew_kurt_cols(x: Array) -> tuple[Array, Array]:
    """:func:`skew_kurt` of every column of a ``(units, indicators)`` array at once."""
    import numpy as np

    ok = ~np.isnan(x)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(ok, x, 0.0).sum(axis=0) / n
        dev = np.where(ok, x - m, 0.0)
        d2 = dev * dev
        m2 = d2.sum(axis=0) / n
        m3 = (d2 * dev).sum(axis=0) / n
        m4 = (d2 * d2).sum(axis=0) / n
        g1 = m3 / m2**1.5
        g2 = m4 / m2**2 - 3.0
        big_g1 = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        big_g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    big_g1 = np.where(m2 == 0, 0.0, big_g1)
    big_g2 = np.where(m2 == 0, 0.0, big_g2)
    small = n < 4
    return np.where(small, np.nan, big_g1), np.where(small, np.nan, big_g2)


def flagged(col: Array, skew: float = 2.0, kurtosis: float = 3.5) -> bool:
    s, k = skew_kurt(col)
    return bool(abs(s) > skew and k > kurtosis)


def treat(
    x: Array,
    method: str = "winsorise",
    *,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    max_points: int = 5,
    fallback: str = "log",
    names: Sequence[str] | None = None,
) -> tuple[Array, list[dict[str, Any]]]:
    """Treat outliers column by column in a ``(units, indicators)`` array; returns a log.

    Flagged columns are winsorised together, one point per round (the side follows the
    current skew), so the moments are computed once per round for all of them.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    out = x.copy()
    log: list[dict[str, Any]] = []
    if method == "none":
        return out, log
    s0, k0 = skew_kurt_cols(out)
    flag = (np.abs(s0) > skew) & (k0 > kurtosis)
    if not flag.any():
        return out, log
    cols = np.flatnonzero(flag)
    action = {int(j): "failed" for j in cols}
    points = {int(j): 0 for j in cols}
    if method == "winsorise":
        new = out[:, cols].copy()
        active = np.ones(cols.size, dtype=bool)
        cur = s0[cols]
        for rnd in range(1, max_points + 1):
            for c in np.flatnonzero(active):
                col = new[:, c]
                ok = ~np.isnan(col)
                vals = np.unique(col[ok])
                if vals.size < 3:
                    active[c] = False
                    continue
                if cur[c] > 0:
                    col[ok & (col == vals[-1])] = vals[-2]
                else:
                    col[ok & (col == vals[0])] = vals[1]
            if not active.any():
                break
            s1, k1 = skew_kurt_cols(new)
            fixed = active & ~((np.abs(s1) > skew) & (k1 > kurtosis))
            for c in np.flatnonzero(fixed):
                action[int(cols[c])] = "winsorised"
                points[int(cols[c])] = rnd
                out[:, cols[c]] = new[:, c]
            active &= ~fixed
            cur = s1
    for j in (int(c) for c in cols):
        if method == "log" or (action[j] == "failed" and fallback == "log"):
            out[:, j] = np.log1p(x[:, j] - np.nanmin(x[:, j]))
            action[j], points[j] = "log", 0
        elif action[j] == "failed":
            action[j] = "untreated"
    s1, k1 = skew_kurt_cols(out)
    for j in (int(c) for c in cols):
        name = names[j] if names is not None else f"#{j}"
        log.append(
            {
                "indicator": name,
                "action": action[j],
                "points": points[j],
                "skew_before": float(s0[j]),
                "kurtosis_before": float(k0[j]),
                "skew_after": float(s1[j]),
                "kurtosis_after": float(k1[j]),
            }
        )
    return out, log
