"""Monte Carlo helpers: sample uncertain inputs, combine samples, summarise as p5/median/p95.

Uncertain inputs published as p5/median/p95 (Epoch's chip-stock model) are sampled from a
**lognormal** whose median is the published median and whose log-spread σ is the mean of
the two one-sided fits, σ = (ln(p95/median) + ln(median/p5)) / (2 · 1.6449).  A lognormal
keeps stocks positive and matches Epoch's right-skewed bands; averaging the two sides keeps
the published median exact and the p5–p95 width close to the published one (reported by
:func:`lognormal_fit` as ``skew``, the ratio of the two sides).

Totals are formed from *summed samples*, never by adding percentiles; shares are formed by
normalising sampled totals within each draw, so they sum to one in every draw.  Every
function takes a :class:`numpy.random.Generator` so results are reproducible from a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    FloatArray = Any

DEFAULT_SEED = 20260301
DEFAULT_DRAWS = 4000
#: fewer draws leave p5/p95 resting on a handful of samples
MIN_DRAWS = 100
#: more draws would need gigabytes for the bootstrap (draws × clusters) for no visible precision
MAX_DRAWS = 20_000
#: numpy seeds must be non-negative; 2**63 − 1 keeps them within a signed 64-bit integer
MAX_SEED = 2**63 - 1
Z95 = 1.6448536269514722  # standard-normal 95th percentile


def check_draws(draws: int) -> int:
    """``--draws`` within [MIN_DRAWS, MAX_DRAWS], else an InputError naming it."""
    from computestrata.measure.checks import within

    return within("--draws", draws, MIN_DRAWS, MAX_DRAWS, DEFAULT_DRAWS)


def check_seed(seed: int | None) -> int | None:
    """``--seed`` within [0, MAX_SEED] (None = fresh entropy), else an InputError naming it."""
    from computestrata.measure.checks import within

    return None if seed is None else within("--seed", seed, 0, MAX_SEED, DEFAULT_SEED)


def rng(seed: int | None = DEFAULT_SEED) -> np.random.Generator:
    """A numpy Generator; the fixed default seed makes every estimate reproducible."""
    import numpy as np

    return np.random.default_rng(check_seed(seed))


@dataclass(frozen=True)
class LognormalFit:
    """A lognormal fitted through (p5, median, p95)."""

    mu: float
    sigma: float
    skew: float  # ln(p95/median) / ln(median/p5): 1 = the published band is log-symmetric


def lognormal_fit(p5: float, median: float, p95: float) -> LognormalFit:
    """Fit a lognormal through published percentiles (see module doc for the rule)."""
    import math

    if not (median > 0 and p5 > 0 and p95 > 0):
        raise InputError(
            f"percentiles must be positive, got p5={p5}, median={median}, p95={p95}", hint="a lognormal needs p5 > 0"
        )
    if not p5 <= median <= p95:
        raise InputError(
            f"percentiles out of order: p5={p5}, median={median}, p95={p95}", hint="need p5 ≤ median ≤ p95"
        )
    up = math.log(p95 / median)
    down = math.log(median / p5)
    sigma = (up + down) / (2 * Z95)
    skew = up / down if down > 0 else (1.0 if up == 0 else math.inf)
    return LognormalFit(mu=math.log(median), sigma=sigma, skew=skew)


def sample_lognormal(p5: float, median: float, p95: float, n: int, gen: np.random.Generator) -> FloatArray:
    """``n`` draws from the lognormal through (p5, median, p95)."""
    fit = lognormal_fit(p5, median, p95)
    if fit.sigma == 0:
        import numpy as np

        return np.full(n, median, dtype="float64")
    return gen.lognormal(fit.mu, fit.sigma, size=n)


def sample_uniform(low: float, high: float, n: int, gen: np.random.Generator) -> FloatArray:
    """``n`` draws from U(low, high): the prior for a range stated without a distribution."""
    if not 0 <= low <= high:
        raise InputError(f"bad range {low}–{high}", hint="need 0 ≤ low ≤ high")
    return gen.uniform(low, high, size=n)


def bootstrap_group_sums(
    values: FloatArray, groups: FloatArray | list[Any], n: int, gen: np.random.Generator
) -> tuple[list[Any], FloatArray]:
    """Resample units with replacement ``n`` times; return group labels and a draws×groups sum matrix.

    Why: a dataset that records some of the units (Epoch's clusters) is one sample of the
    world's units; resampling them shows how much the country totals depend on which units
    happened to be recorded.
    """
    import numpy as np

    vals = np.asarray(values, dtype="float64")
    labels = np.asarray(groups, dtype=object)
    uniq = list(dict.fromkeys(labels.tolist()))
    if vals.size == 0:
        return uniq, np.zeros((n, 0))
    index = {g: i for i, g in enumerate(uniq)}
    weights = np.zeros((vals.size, len(uniq)))
    weights[np.arange(vals.size), [index[g] for g in labels.tolist()]] = vals
    # how often each unit is picked in each draw (multinomial = resampling with replacement)
    counts = gen.multinomial(vals.size, np.full(vals.size, 1.0 / vals.size), size=n)
    out = counts.astype("float64") @ weights
    return uniq, out


def normalise_rows(totals: FloatArray) -> FloatArray:
    """Shares per draw (each row sums to one); a draw with a zero total gives NaN shares."""
    import numpy as np

    tot = totals.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, totals / tot, np.nan)


def summarise(samples: FloatArray) -> dict[str, float]:
    """p5 / median / p95 of a 1-D sample (NaN draws ignored; all-NaN gives NaNs)."""
    import numpy as np

    arr = np.asarray(samples, dtype="float64")
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return {"p5": float("nan"), "median": float("nan"), "p95": float("nan")}
    p5, med, p95 = np.percentile(arr, [5, 50, 95])
    return {"p5": float(p5), "median": float(med), "p95": float(p95)}


def summarise_columns(samples: FloatArray) -> list[dict[str, float]]:
    """:func:`summarise` of each column of a draws × columns matrix, the same numbers.

    Columns without NaN share one percentile call (the per-column calls were a tenth of
    Table 1's time); a percentile picks the same order statistics and interpolates them the
    same way along an axis as on one column.  Columns with NaN go through :func:`summarise`.
    """
    import numpy as np

    arr = np.asarray(samples, dtype="float64")
    out: list[dict[str, float]] = [{} for _ in range(arr.shape[1])]
    nan = np.isnan(arr).any(axis=0)
    full = np.flatnonzero(~nan)
    if full.size and arr.shape[0]:
        pct = np.percentile(arr[:, full], [5, 50, 95], axis=0)
        for c, col in enumerate(full.tolist()):
            out[col] = {"p5": float(pct[0, c]), "median": float(pct[1, c]), "p95": float(pct[2, c])}
    for j in range(arr.shape[1]):
        if not out[j]:
            out[j] = summarise(arr[:, j])
    return out
