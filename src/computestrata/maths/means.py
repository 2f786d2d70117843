"""Weighted power (generalised) means: one implementation for the index build and the
uncertainty run.

A power mean with exponent p is an arithmetic mean in a transformed space: x → x^p
(x → ln x for p = 0, the geometric mean), averaged, then mapped back.  The build calls
:func:`power_mean` on one array; the uncertainty run calls :func:`to_mean_space` once per
data variant and does the averaging as matrix products over thousands of weight sets, then
:func:`from_mean_space` — the same two maps, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]

#: exponent of each named mean; ``generalised`` takes the framework's ``power``
POWER = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0}
#: zero rules for means with p ≤ 0 (where 0 has no transform): see :func:`power_mean`
ZERO_RULES = ("error", "zero", "epsilon", "shift")


def exponent(method: str, power: float = 2.0) -> float:
    """The exponent p of a named power mean (``generalised``: ``power``)."""
    return POWER.get(method, power)


def to_mean_space(x: Array, p: float, shift: float = 0.0) -> Array:
    """x ↦ (x + shift)^p, or ln(x + shift) when p = 0 (no copy when p = 1)."""
    import numpy as np

    if p == 1.0 and shift == 0.0:
        return x
    with np.errstate(divide="ignore"):
        return np.log(x + shift) if p == 0 else (x + shift) ** p


def from_mean_space(y: Array, p: float, shift: float = 0.0) -> Array:
    """Inverse of :func:`to_mean_space`: y^(1/p) − shift, or exp(y) − shift when p = 0."""
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if p == 1.0 and shift == 0.0:
            return y
        if p == 0:
            return np.exp(y) - shift
        return y ** (1.0 / p) - shift


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

    ``w`` is ``(k,)`` or broadcastable to ``x``.  Missing children drop out and the other
    weights are rescaled, unless the available weight share (``by_count``: child share, as
    COINr's ``dat_thresh``) is below ``min_coverage`` (then NaN).  Zero rules for
    geometric/harmonic means (and generalised means with power ≤ 0): ``error`` (name the
    units), ``zero`` (the mean is 0, its mathematical limit), ``epsilon`` (zeros become
    ``epsilon``), ``shift`` (mean of x + epsilon, minus epsilon).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), x.shape)
    have = ~np.isnan(x)
    ww = np.where(have, w, 0.0)
    tot = w.sum(axis=-1)
    got = ww.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cover = have.mean(axis=-1) if by_count else got / tot
        wn = ww / got[..., None]
    x0 = np.where(have, x, 0.0)
    p = exponent(method, power)
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
            out = from_mean_space((wn * to_mean_space(xs, p)).sum(axis=-1), p, shift)
        if p <= 0 and zeros == "zero":
            out = np.where(zero.any(axis=-1), 0.0, out)
    else:
        raise InputError(
            f"aggregation {method!r} is not a power mean", hint="use arithmetic, geometric, harmonic or generalised"
        )
    return np.where(cover + 1e-12 >= min_coverage, out, np.nan)
