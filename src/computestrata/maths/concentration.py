"""Concentration and inequality metrics: pure functions on arrays of non-negative values.

A leaf module: the stack (segment chokepoints), measure (TOP500 and national estimates) and
any later part compute HHI, CR-k, Gini and Theil here, so the figures agree everywhere.

Conventions (the same everywhere in computestrata, so numbers can be compared):

* inputs are *values* (Rmax, H100e, market share …) or shares; every function normalises
  them to shares itself, so passing values or shares gives the same result;
* ``hhi`` is on the **0–10 000** scale (shares in percent, squared and summed — the
  antitrust convention: 10 000 = monopoly, 10 000/n = n equal units);
* ``cr_k``, ``gini`` and the Theil components are **fractions** (0–1 for CR and Gini;
  Theil T lies in [0, ln n]);
* missing values are an error, not silently zero: drop them explicitly before calling
  (``values[~np.isnan(values)]``) so the caller decides what a gap means;
* negative values are an error; zeros are valid units (they count in ``n`` for Gini,
  Theil and Lorenz, and add nothing to HHI or CR-k).

Gini uses the population formula G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ) (no n/(n−1)
small-sample correction), so n equal units give 0 and one holder among n gives 1 − 1/n.
Theil T = (1/n) Σ (xᵢ/μ) ln(xᵢ/μ), with 0·ln 0 = 0; for groups it splits exactly into
a between-group part Σ_g s_g ln(s_g / (n_g/n)) and a within-group part Σ_g s_g T_g,
where s_g is group g's share of the total and n_g its number of units.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    ArrayLike = npt.ArrayLike
    FloatArray = npt.NDArray[np.float64]
else:
    ArrayLike = Any
    FloatArray = Any


def _values(values: ArrayLike, name: str = "values") -> FloatArray:
    """Validate and return a 1-D float array (no NaN, no negatives, not empty)."""
    import numpy as np

    arr = np.asarray(values, dtype="float64").ravel()
    if arr.size == 0:
        raise InputError(f"{name}: no units to measure", hint="pass at least one value")
    if np.isnan(arr).any():
        raise InputError(
            f"{name}: {int(np.isnan(arr).sum())} missing value(s)",
            hint="drop missing units explicitly before measuring concentration",
        )
    if (arr < 0).any():
        raise InputError(
            f"{name}: negative value {arr[arr < 0][0]!r}", hint="concentration needs non-negative sizes or shares"
        )
    if not np.isfinite(arr).all():
        raise InputError(f"{name}: infinite value", hint="pass finite sizes or shares")
    return arr


def matrix(values: ArrayLike, name: str = "values") -> FloatArray:
    """Validate and return a 2-D float array, one distribution per row (the ``*_rows`` functions'
    input): checked ONCE for a whole batch, so a sweep does not pay a check per metric and row."""
    import numpy as np

    arr = np.asarray(values, dtype="float64")
    if arr.ndim != 2:
        raise InputError(f"{name}: expected rows × units, got {arr.ndim} dimension(s)", hint="pass a 2-D array")
    _values(arr, name)  # the same checks as for one distribution, on every cell
    if arr.shape[1] == 0:
        raise InputError(f"{name}: no units to measure", hint="pass at least one value per row")
    return arr


def _row_totals(x: FloatArray) -> FloatArray:
    """Row totals, NaN where a row sums to zero (its metrics are undefined)."""
    import numpy as np

    tot = x.sum(axis=1)
    return np.where(tot > 0, tot, np.nan)


def hhi_rows(x: FloatArray) -> FloatArray:
    """HHI (0–10 000) of each row of a :func:`matrix`-checked array; NaN for an all-zero row."""
    s = x / _row_totals(x)[:, None]
    out: FloatArray = ((100.0 * s) ** 2).sum(axis=1)
    return out


def cr_k_rows(x: FloatArray, k: int) -> FloatArray:
    """CR-k (0–1) of each row of a :func:`matrix`-checked array; NaN for an all-zero row."""
    import numpy as np

    if k < 1:
        raise InputError(f"k must be ≥ 1, got {k}", hint="use e.g. k=1 or k=3")
    s = np.sort(x / _row_totals(x)[:, None], axis=1)[:, ::-1]
    out: FloatArray = s[:, :k].sum(axis=1)
    return out


def gini_rows(x: FloatArray) -> FloatArray:
    """Gini (population formula) of each row of a :func:`matrix`-checked array; NaN for an all-zero row."""
    import numpy as np

    xs = np.sort(x, axis=1)
    n = xs.shape[1]
    # Σᵢ Σⱼ |xᵢ−xⱼ| = 2 Σᵢ (2i − n − 1) x₍ᵢ₎ for sorted x (i = 1..n)
    i = np.arange(1, n + 1, dtype="float64")
    out: FloatArray = ((2 * i - n - 1) * xs).sum(axis=1) / (n * _row_totals(xs))
    return out


def theil_rows(x: FloatArray) -> FloatArray:
    """Theil T of each row of a :func:`matrix`-checked array (0·ln 0 = 0); NaN for an all-zero row."""
    import numpy as np

    n = x.shape[1]
    r = x / _row_totals(x)[:, None] * n  # xᵢ/μ as n·shareᵢ: no underflow of μ for tiny values
    pos = r > 0
    terms = np.where(pos, r * np.log(np.where(pos, r, 1.0)), 0.0)
    out: FloatArray = np.where(np.isnan(r).any(axis=1), np.nan, terms.sum(axis=1) / n)
    return out


def _one(values: ArrayLike, what: str) -> FloatArray:
    """One checked distribution with a positive total, as a one-row matrix for the ``*_rows`` functions."""
    arr = _values(values)
    if arr.sum() <= 0:
        raise InputError(f"values: the total is zero, {what} undefined", hint="pass at least one positive value")
    return arr[None, :]


def shares(values: ArrayLike) -> FloatArray:
    """Values normalised to shares summing to one (all-zero input is an error)."""
    arr = _values(values)
    total = arr.sum()
    if total <= 0:
        raise InputError("values: the total is zero, shares are undefined", hint="pass at least one positive value")
    return arr / total


def hhi(values: ArrayLike) -> float:
    """Herfindahl–Hirschman index on the 0–10 000 scale (Σ (100·sᵢ)²)."""
    return float(hhi_rows(_one(values, "shares are"))[0])


def equivalent_units(values: ArrayLike) -> float:
    """Number of equal-sized units with the same HHI (10 000 / HHI): an intuitive reading."""
    return 10_000.0 / hhi(values)


def cr_k(values: ArrayLike, k: int) -> float:
    """Concentration ratio: combined share (0–1) of the ``k`` largest units."""
    if k < 1:
        raise InputError(f"k must be ≥ 1, got {k}", hint="use e.g. k=1 or k=3")
    return float(cr_k_rows(_one(values, "shares are"), k)[0])


def gini(values: ArrayLike) -> float:
    """Gini coefficient (0 = equal, → 1 = one unit holds all), population formula."""
    return float(gini_rows(_one(values, "Gini is"))[0])


def theil(values: ArrayLike) -> float:
    """Theil T index: (1/n) Σ (xᵢ/μ) ln(xᵢ/μ); 0 = equal, ln n = one unit holds all."""
    return float(theil_rows(_one(values, "Theil is"))[0])


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T split into between-group and within-group parts (total = between + within)."""

    total: float
    between: float
    within: float
    groups: dict[Hashable, dict[str, float]] = field(default_factory=dict)

    @property
    def between_share(self) -> float:
        """Fraction of inequality explained by differences between groups."""
        return self.between / self.total if self.total > 0 else 0.0


def theil_decompose(values: ArrayLike, groups: Sequence[Hashable]) -> TheilDecomposition:
    """Theil T with its exact between/within decomposition by ``groups`` (one label per unit).

    ``groups[g]`` reports each group's ``share`` of the total, ``units`` and its own
    ``theil`` and ``contribution`` (= share × group Theil) to the within part.
    """
    import numpy as np

    x = _values(values)
    labels = list(groups)
    if len(labels) != x.size:
        raise InputError(
            f"groups: {len(labels)} labels for {x.size} values", hint="give exactly one group label per value"
        )
    total = x.sum()
    if total <= 0:
        raise InputError("values: the total is zero, Theil is undefined", hint="pass at least one positive value")
    n = x.size
    between = 0.0
    within = 0.0
    detail: dict[Hashable, dict[str, float]] = {}
    lab = np.asarray(labels, dtype=object)
    for g in dict.fromkeys(labels):
        xg = x[lab == g]
        sg = float(xg.sum() / total)
        ng = xg.size
        tg = theil(xg) if xg.sum() > 0 else 0.0
        if sg > 0:
            between += sg * float(np.log(sg / (ng / n)))
        within += sg * tg
        detail[g] = {"share": sg, "units": float(ng), "theil": tg, "contribution": sg * tg}
    return TheilDecomposition(total=theil(x), between=between, within=within, groups=detail)


def lorenz(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Lorenz curve points: cumulative population share and value share, from (0, 0) to (1, 1).

    Units are sorted from smallest to largest, so the curve lies on or below the diagonal.
    """
    import numpy as np

    x = np.sort(_values(values))
    total = x.sum()
    if total <= 0:
        raise InputError(
            "values: the total is zero, the Lorenz curve is undefined", hint="pass at least one positive value"
        )
    pop = np.arange(0, x.size + 1, dtype="float64") / x.size
    cum = np.concatenate([[0.0], np.cumsum(x) / total])
    return pop, cum


def summary(values: ArrayLike, ks: Sequence[int] = (1, 3, 5)) -> dict[str, float]:
    """The standard set of metrics for one distribution (keys: hhi, cr1, cr3…, gini, theil, n_units)."""
    x = _values(values)
    out: dict[str, float] = {"hhi": hhi(x)}
    for k in ks:
        out[f"cr{k}"] = cr_k(x, k)
    out["gini"] = gini(x)
    out["theil"] = theil(x)
    out["n_units"] = int(x.size)
    out["equivalent_units"] = equivalent_units(x)
    return out
