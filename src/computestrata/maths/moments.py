"""Sample skewness and excess kurtosis, bias-corrected (G1, G2) — COINr's and Excel's.

One implementation for the index build (outlier screening, indicator statistics) and the
uncertainty run (which screens every data variant): :func:`skew_kurt_cols` does every column
at once; :func:`skew_kurt` is the one-column view of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]

#: fewer non-missing values than this give NaN (G2 divides by (n − 2)(n − 3))
MIN_N = 4


def skew_kurt_cols(x: Array) -> tuple[Array, Array]:
    """Bias-corrected skewness G1 and excess kurtosis G2 of every column of ``(units, k)``,
    missing values left out; a constant column gives (0, 0), fewer than 4 values NaN."""
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
    small = n < MIN_N
    return np.where(small, np.nan, big_g1), np.where(small, np.nan, big_g2)


def skew_kurt(col: Array) -> tuple[float, float]:
    """:func:`skew_kurt_cols` of one column (1-D array) as two floats."""
    import numpy as np

    s, k = skew_kurt_cols(np.asarray(col, dtype=float).reshape(-1, 1))
    return float(s[0]), float(k[0])
