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
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[np.float64]


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
    """Treat outliers column by column in a ``(units, indicators)`` array; returns a log."""
    import numpy as np

    out = np.asarray(x, dtype=float).copy()
    log: list[dict[str, Any]] = []
    if method == "none":
        return out, log
    for j in range(out.shape[1]):
        col = out[:, j]
        name = names[j] if names is not None else f"#{j}"
        s0, k0 = skew_kurt(col)
        if not (abs(s0) > skew and k0 > kurtosis):
            continue
        action, pts, new = "none", 0, col.copy()
        if method == "winsorise":
            for pts in range(1, max_points + 1):  # noqa: B007
                ok = ~np.isnan(new)
                vals = np.unique(new[ok])
                if vals.size < 3:
                    break
                s, _ = skew_kurt(new)
                if s > 0:
                    new[ok & (new == vals[-1])] = vals[-2]
                else:
                    new[ok & (new == vals[0])] = vals[1]
                if not flagged(new, skew, kurtosis):
                    action = "winsorised"
                    break
            else:
                action = "failed"
        if method == "log" or (action in ("failed", "none") and fallback == "log"):
            new = np.log1p(col - np.nanmin(col))
            action, pts = "log", 0
        elif action != "winsorised":
            new, action = col, "untreated"
        out[:, j] = new
        s1, k1 = skew_kurt(new)
        log.append({"indicator": name, "action": action, "points": pts,
                    "skew_before": s0, "kurtosis_before": k0, "skew_after": s1, "kurtosis_after": k1})
    return out, log
