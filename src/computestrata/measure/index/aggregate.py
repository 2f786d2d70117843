"""Aggregation (handbook step 6): power means and Copeland outranking.

Arithmetic means are fully compensatory, geometric and harmonic ones partly, Copeland not
at all.  Missing children drop out and the remaining weights are rescaled, unless the
available weight share falls below ``min_coverage`` (then the aggregate is missing).  Zeros
in a geometric/harmonic mean are handled by an explicit rule, never silently.  The power mean
itself lives in :mod:`computestrata.maths.means` (shared with the uncertainty run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.maths.means import power_mean

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]

__all__ = ["copeland", "outranking_matrix", "power_mean"]


def copeland(x: Array, w: Array) -> Array:
    """Copeland score per unit: pairwise wins minus losses under weighted majority.

    Unit a beats b when the weight of children where a > b (ties count half) exceeds half
    the total.  Non-compensatory: how much a unit is better does not matter, only where.
    """
    import numpy as np

    a = np.asarray(x, dtype=float)
    if np.isnan(a).any():
        raise InputError("Copeland aggregation needs complete data", hint="impute first")
    wv = np.asarray(w, dtype=float) / np.sum(w)
    gt = (a[:, None, :] > a[None, :, :]).astype(float)
    eq = (a[:, None, :] == a[None, :, :]).astype(float)
    c = (gt + 0.5 * eq) @ wv
    wins = (c > 0.5 + 1e-12).sum(axis=1)
    losses = (c < 0.5 - 1e-12).sum(axis=1)
    return (wins - losses).astype(float)


def outranking_matrix(x: Array, w: Array | None = None) -> tuple[Array, int, float]:
    """COINr ``outrankMatrix``: entry (a, b) is the weight share of children on which unit a
    beats unit b (ties count half; the diagonal is 0).  Also returns the number of pairs in
    which one unit beats the other on every child (``nDominant``) and their share of all pairs."""
    import numpy as np

    a = np.asarray(x, dtype=float)
    if np.isnan(a).any():
        raise InputError("the outranking matrix needs complete data", hint="impute first")
    k = a.shape[1]
    wv = np.full(k, 1.0 / k) if w is None else np.asarray(w, dtype=float) / np.sum(w)
    gt = (a[:, None, :] > a[None, :, :]).astype(float)
    eq = (a[:, None, :] == a[None, :, :]).astype(float)
    m = (gt + 0.5 * eq) @ wv
    np.fill_diagonal(m, 0.0)
    n = a.shape[0]
    upper = np.triu_indices(n, 1)
    dominant = int(((np.abs(m[upper] - 1.0) < 1e-12) | (np.abs(m.T[upper] - 1.0) < 1e-12)).sum())
    pairs = n * (n - 1) // 2
    return m, dominant, dominant / pairs if pairs else float("nan")
