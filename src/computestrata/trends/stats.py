"""Trend statistics shared by the four trends: slopes with intervals, and verdict rules.

Pure functions.  A trend is judged by its **interval**, never by the sign of a point
estimate: an interval that excludes zero on the claim's side *supports* the claim, one that
excludes zero on the other side *contradicts* it, and one that straddles zero is *unclear*.
Several indicators are combined by :func:`combine` (rule documented in ``docs/trends.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    FloatArray = Any

#: verdict outcomes of a trend, as codes (labels via i18n ``trends.outcome.<code>``)
OUTCOMES = ("holds", "partly", "does_not_hold", "no_clear_trend")
#: what one indicator's interval says about the claim
DIRECTIONS = ("supports", "contradicts", "unclear", "no_data")
LEVEL = 0.90  # two-sided interval level used throughout
DRAWS = 1000
VARIANT_DRAWS = 300  # robustness variants only need the interval's side of zero
SEED = 20260101


def ols_slope(x: Sequence[float], y: Sequence[float], level: float = LEVEL) -> tuple[float, float, float]:
    """Least-squares slope of ``y`` on ``x`` and its t-interval (NaN when fewer than 3 points).

    Points with a missing ``y`` are dropped (missing stays missing, never zero).
    """
    import numpy as np

    from computestrata.maths.quantiles import t_quantile  # scipy's stdtrit, without importing scipy

    pts = [(float(a), float(b)) for a, b in zip(x, y, strict=True) if b is not None and not math.isnan(float(b))]
    if len(pts) < 2:
        return (math.nan, math.nan, math.nan)
    xa = np.array([p[0] for p in pts])
    ya = np.array([p[1] for p in pts])
    if np.ptp(xa) == 0:
        return (math.nan, math.nan, math.nan)
    slope, intercept = np.polyfit(xa, ya, 1)
    n = len(pts)
    if n < 3:
        return (float(slope), math.nan, math.nan)
    resid = ya - (slope * xa + intercept)
    s2 = float((resid**2).sum()) / (n - 2)
    se = math.sqrt(s2 / float(((xa - xa.mean()) ** 2).sum()))
    q = t_quantile(n - 2, 0.5 + level / 2)
    return (float(slope), float(slope - q * se), float(slope + q * se))


def slope(x: FloatArray, y: FloatArray) -> float:
    """Least-squares slope of ``y`` on ``x`` (NaN with fewer than two distinct x); no polyfit overhead."""

    if len(x) < 2:
        return math.nan
    xc = x - x.mean()
    den = float((xc * xc).sum())
    return float((xc * (y - y.mean())).sum() / den) if den > 0 else math.nan


def slopes_by_pattern(x: FloatArray, num: Any, den: Any, use: Any, min_points: int = 3) -> FloatArray:
    """Per row: :func:`slope` of ``num / den`` on ``x`` over the columns ``use`` marks (NaN with
    fewer than ``min_points``), the same numbers as calling :func:`slope` row by row.

    Rows that use the same columns are fitted together as one contiguous block, so every sum
    runs over the same values in the same order as on one row.
    """
    import numpy as np

    out = np.full(len(use), math.nan)
    if not len(use):
        return out
    patterns, which = np.unique(use, axis=0, return_inverse=True)
    for p, cols in enumerate(patterns):
        if cols.sum() < min_points:
            continue
        rows = np.flatnonzero(which.ravel() == p)
        xs = x[cols]
        if len(xs) < 2:
            continue
        xc = xs - xs.mean()
        d = float((xc * xc).sum())
        if not d > 0:
            continue
        y = np.ascontiguousarray(num[np.ix_(rows, np.flatnonzero(cols))]) / np.ascontiguousarray(
            den[np.ix_(rows, np.flatnonzero(cols))]
        )
        out[rows] = (xc * (y - y.mean(axis=1)[:, None])).sum(axis=1) / d
    return out


def bootstrap(
    n_units: int,
    statistic: Callable[[FloatArray], float],
    draws: int = DRAWS,
    seed: int = SEED,
    level: float = LEVEL,
    batch: Callable[[FloatArray], FloatArray] | None = None,
) -> tuple[float, float, float]:
    """Point estimate and percentile interval of ``statistic`` under resampling of units.

    ``statistic(weights)`` receives integer resampling weights per unit (all ones = the
    data as observed) and returns a number; NaN draws are dropped.  Resampling whole units
    (countries, models, instruments) keeps their internal structure, which is what the
    interval should be honest about.

    ``batch(weights)``, when given, takes every draw's weights at once (draws × units) and
    returns each draw's value — the same numbers as ``statistic`` row by row, only without
    a thousand Python calls.  The draws are taken in one call, which yields the very numbers
    one call per draw gave (the generator hands out its stream in the same order).
    """
    import numpy as np

    point = float(statistic(np.ones(n_units)))
    if n_units < 2:
        return (point, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_units, (draws, n_units))
    offsets = (n_units * np.arange(draws))[:, None]
    counts = np.bincount((picks + offsets).ravel(), minlength=draws * n_units)
    weights: FloatArray = counts.reshape(draws, n_units).astype(float)
    values = batch(weights) if batch is not None else [statistic(w) for w in weights]
    out = [float(v) for v in values if not math.isnan(v)]
    if len(out) < draws // 2:
        return (point, math.nan, math.nan)
    lo, hi = np.quantile(out, [0.5 - level / 2, 0.5 + level / 2])
    return (point, float(lo), float(hi))


def jackknife(
    n_units: int, statistic: Callable[[FloatArray], FloatArray], level: float = LEVEL
) -> list[tuple[float, float, float]]:
    """Point estimates and delete-one jackknife normal intervals of a vector statistic.

    ``statistic(weights)`` gets 0/1 weights per unit (one unit left out per replicate) and
    returns an array.  Used where resampling with replacement would bias the statistic
    (presence-based codings: dropping a third of the instruments changes every profile);
    the jackknife answers "how much does the result depend on any single unit".
    """
    import numpy as np

    from computestrata.maths.quantiles import normal_quantile

    point = np.asarray(statistic(np.ones(n_units)), dtype=float)
    if n_units < 3:
        return [(float(p), math.nan, math.nan) for p in point]
    reps = []
    for k in range(n_units):
        w = np.ones(n_units)
        w[k] = 0.0
        reps.append(np.asarray(statistic(w), dtype=float))
    r = np.array(reps)
    z = normal_quantile(0.5 + level / 2)
    out = []
    for c, p in enumerate(point):
        col = r[:, c]
        col = col[~np.isnan(col)]
        if math.isnan(p) or len(col) < 3:
            out.append((float(p), math.nan, math.nan))
            continue
        se = math.sqrt((len(col) - 1) / len(col) * float(((col - col.mean()) ** 2).sum()))
        out.append((float(p), float(p - z * se), float(p + z * se)))
    return out


def direction(lo: float, hi: float, claim_sign: int) -> str:
    """What an interval says about a claim that the quantity moves in ``claim_sign`` (+1/−1)."""
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "no_data"
    if lo > 0:
        return "supports" if claim_sign > 0 else "contradicts"
    if hi < 0:
        return "supports" if claim_sign < 0 else "contradicts"
    return "unclear"


def combine(directions: Sequence[str]) -> str:
    """The trend's outcome from its judged indicators' directions (n = those with data).

    * none contradicts and at least half support → ``holds``;
    * none supports and at least half contradict → ``does_not_hold``;
    * at least a third support → ``partly``;
    * at least a third contradict → ``does_not_hold``;
    * otherwise (including every indicator unclear, or none with data) → ``no_clear_trend``.

    The thirds guard against chance: with 90 % intervals each indicator lands on a given side
    of zero by chance 5 % of the time, so one significant indicator out of six is not a trend.
    """
    known = [d for d in directions if d in ("supports", "contradicts", "unclear")]
    n = len(known)
    sup = sum(d == "supports" for d in known)
    con = sum(d == "contradicts" for d in known)
    if n == 0 or sup == con == 0:
        return "no_clear_trend"
    if con == 0 and 2 * sup >= n:
        return "holds"
    if sup == 0 and 2 * con >= n:
        return "does_not_hold"
    if 3 * sup >= n:
        return "partly"
    if 3 * con >= n:
        return "does_not_hold"
    return "no_clear_trend"


def agreement(main: str, variants: Sequence[str]) -> tuple[int, int]:
    """How many robustness variants reach the main outcome, out of how many."""
    return (sum(v == main for v in variants), len(variants))
