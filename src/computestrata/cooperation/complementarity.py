"""Complementarity maths: pure functions on numbers, arrays and frames (no atlas, no I/O).

* :func:`capability` and :func:`demand_index` turn world shares into [0, 1] scores that
  saturate at a "significant" share (a country with 10 % of world memory output is a full
  memory supplier for a partner; the leader is not the only one who counts).
* :func:`directional` is the paper's principle 2 for one direction: A's capability where B
  has demand or a gap, ``k(A→B) = c_A · (w·D_B + (1−w)·(1−c_B))``.
* :func:`balassa_rca` and :func:`michaely` are the trade measures (Balassa 1965; Michaely
  1962/1996) on long trade frames; they serve once bilateral trade is in the atlas.

Missing stays missing: ``None``/NaN in gives ``None``/NaN out, never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def saturate(share: float | None, saturation: float) -> float | None:
    """``min(1, share / saturation)``; ``None`` stays ``None``.

    >>> saturate(0.6, 0.1), saturate(0.03, 0.1), saturate(None, 0.1)
    (1.0, 0.3, None)
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return None
    if share < 0:
        raise ValueError(f"a share cannot be negative ({share})")
    return min(1.0, round(share / saturation, 12))


def capability(share: float | None, saturation: float) -> float | None:
    """A country's capability in a segment from its world share (see module docstring)."""
    return saturate(share, saturation)


def demand_index(shares: Sequence[float | None], saturation: float) -> float | None:
    """Mean of the saturated demand indicators that are known; ``None`` when none is."""
    known = [s for s in (saturate(x, saturation) for x in shares) if s is not None]
    return sum(known) / len(known) if known else None


def directional(c_a: float | None, c_b: float | None, d_b: float | None, demand_weight: float) -> float | None:
    """``k(A→B) = c_A · (w·D_B + (1−w)·(1−c_B))``: what A can supply that B wants or lacks.

    >>> directional(1.0, 0.3, 1.0, 0.5)
    0.85
    >>> directional(None, 0.3, 1.0, 0.5) is None
    True
    """
    if c_a is None or c_b is None or d_b is None:
        return None
    return round(c_a * (demand_weight * d_b + (1.0 - demand_weight) * (1.0 - c_b)), 12)


def directional_array(c_a: np.ndarray, c_b: np.ndarray, d_b: np.ndarray, demand_weight: float) -> np.ndarray:
    """:func:`directional` broadcast over arrays (NaN where any input is NaN)."""
    return c_a * (demand_weight * d_b + (1.0 - demand_weight) * (1.0 - c_b))


def balassa_rca(
    frame: pd.DataFrame, country: str = "reporter", product: str = "product", value: str = "value"
) -> pd.DataFrame:
    """Balassa's revealed comparative advantage per country and product.

    ``RCA_cp = (X_cp / X_c) / (X_wp / X_w)`` where X are exports, ``c`` a country, ``p`` a product
    and ``w`` all countries in the frame.  Rows with a missing value are left out of every sum
    (and get RCA NaN); a country with no known exports gets NaN, not 0.  Returns the columns
    ``country, product, value, rca``.
    """
    import numpy as np

    df = frame[[country, product, value]].copy()
    known = df[value].notna()
    k = df[known]
    x_c = k.groupby(country)[value].transform("sum")
    x_p = k.groupby(product)[value].transform("sum")
    x_w = float(k[value].sum())
    rca = (k[value] / x_c) / (x_p / x_w)
    df["rca"] = np.nan
    df.loc[known, "rca"] = rca.replace([np.inf, -np.inf], np.nan)
    return df.rename(columns={country: "country", product: "product", value: "value"})


def michaely(exports: pd.Series, imports: pd.Series) -> float | None:
    """Michaely's trade-complementarity index between A's exports and B's imports, in [0, 1].

    ``TC = 1 − Σ_p |m_Bp − x_Ap| / 2`` with ``x_Ap`` the share of product p in A's exports and
    ``m_Bp`` its share in B's imports, over the products either series lists (a product absent
    from one side has share 0 there).  1 = A exports exactly what B imports.  ``None`` when
    either side has no known trade (missing is not "no trade").
    """
    xa = exports.dropna()
    mb = imports.dropna()
    if xa.empty or mb.empty or float(xa.sum()) <= 0 or float(mb.sum()) <= 0:
        return None
    x = xa / float(xa.sum())
    m = mb / float(mb.sum())
    products = x.index.union(m.index)
    diff = (m.reindex(products, fill_value=0.0) - x.reindex(products, fill_value=0.0)).abs().sum()
    return float(1.0 - diff / 2.0)
