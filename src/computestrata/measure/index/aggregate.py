"""Aggregation (handbook step 6): power means and Copeland outranking.

Arithmetic means are fully compensatory, geometric and harmonic ones partly, Copeland not
at all.  Missing children drop out and the remaining weights are rescaled, unless the
available weight share falls below ``min_coverage`` (then the aggregate is missing).  Zeros
in a geometric/harmonic mean are handled by an explicit rule, never silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]


def _where(mask: NDArray[np.bool_], units: Sequence[str] | None) -> str:
    import numpy as np

    rows = np.nonzero(mask.reshape(-1, mask.shape[-1]).any(axis=-1))[0][:5]
    if units is not None and mask.ndim == 2:
        return ", ".join(units[i] for i in rows)
    return ", ".join(f"#{i}" for i in rows)


def power_mean(
    x: Array,
    w: Array,
    method: str = "arithmetic",
    *,
    power: float = 2.0,
    zeros: str = "error",
    epsilon: float = 1e-6,
    min_coverage: float = 0.5,
    units: Sequence[str] | None = None,
    by_count: bool = False,
) -> Array:
    """Weighted power mean of the children on the last axis of ``x`` (``(..., units, k)``).

    ``w`` is ``(k,)`` or broadcastable to ``x``.  Zero rules for geometric/harmonic means
    (and generalised means with power ≤ 0): ``error`` (name the units), ``zero`` (the mean is
    0, its mathematical limit), ``epsilon`` (zeros become ``epsilon``), ``shift`` (mean of
    x + epsilon, minus epsilon).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), x.shape)
    have = ~np.isnan(x)
    ww = np.where(have, w, 0.0)
    tot = w.sum(axis=-1)
    got = ww.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # COINr dat_thresh counts children present; the default counts their weight
        cover = have.mean(axis=-1) if by_count else got / tot
        wn = ww / got[..., None]
    x0 = np.where(have, x, 0.0)
    p = 0.0 if method == "geometric" else -1.0 if method == "harmonic" else power
    if method == "arithmetic" or (method == "generalised" and p == 1.0):
        out = (wn * x0).sum(axis=-1)
    elif method in ("geometric", "harmonic", "generalised"):
        if (x0 < 0).any():
            raise InputError(
                f"{method} mean of negative values (units {_where(x0 < 0, units)})",
                hint="normalise onto a non-negative range, e.g. `range: [1, 100]`",
            )
        zero = have & (x0 == 0) & (ww > 0)
        shift = 0.0
        if p <= 0 and zero.any():
            if zeros == "error":
                raise InputError(
                    f"{method} mean of zero values (units {_where(zero, units)})",
                    hint="set `steps.normalise.range: [1, 100]`, or `steps.aggregate.zeros:` zero | epsilon | shift",
                )
            if zeros == "epsilon":
                x0 = np.where(zero, epsilon, x0)
            elif zeros == "shift":
                shift = epsilon
        xs = np.where(have, x0 + shift, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 0:
                out = np.exp((wn * np.log(xs)).sum(axis=-1)) - shift
            else:
                out = (wn * xs**p).sum(axis=-1) ** (1.0 / p) - shift
        if p <= 0 and zeros == "zero":
            out = np.where(zero.any(axis=-1), 0.0, out)
    else:
        raise InputError(
            f"aggregation {method!r} is not a power mean", hint="use arithmetic, geometric, harmonic or generalised"
        )
    return np.where(cover + 1e-12 >= min_coverage, out, np.nan)


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
