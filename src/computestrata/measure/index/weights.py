"""Weights (handbook step 6): equal, manual, PCA-derived, entropy, benefit of the doubt.

Weights act on the children of one aggregate.  Vector weights sum to 1; benefit-of-the-doubt
weights are per unit (each unit gets the weights most favourable to it) and are returned
unnormalised together with the BoD score, because the LP's optimum *is* the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]


def equal(k: int) -> Array:
    import numpy as np

    return np.full(k, 1.0 / k)


def manual(w: Sequence[float]) -> Array:
    """Configured weights, scaled to sum to 1 (negative or all-zero weights are refused)."""
    import numpy as np

    a = np.asarray(w, dtype=float)
    if (a < 0).any() or not a.sum() > 0:
        raise InputError(
            f"manual weights {a.tolist()} must be >= 0 and not all zero",
            hint="fix the `weight:` values in the framework",
        )
    return a / a.sum()


def _complete(x: Array, what: str) -> Array:
    import numpy as np

    rows = ~np.isnan(x).any(axis=1)
    if rows.sum() < 3 or x.shape[1] < 2:
        raise InputError(
            f"{what} weights need >= 3 complete units and >= 2 children (have {int(rows.sum())} and {x.shape[1]})",
            hint="impute missing values first, or use equal/manual weights",
        )
    return x[rows]


def pca(x: Array, signed: bool = False) -> tuple[Array, dict[str, object]]:
    """Weights = squared loadings of the first principal component (correlation matrix).

    Squared normalised loadings sum to 1, so they are weights directly; the report gives the
    eigenvalues and PC1's share of variance, because PC1 weights only mean something when
    PC1 explains much of the variance.  ``signed`` gives COINr's ``get_PCA`` weights instead:
    PC1's eigenvector itself (signed, unit length), oriented so its components sum to > 0
    (an eigenvector's sign is arbitrary; COINr leaves it to the SVD).  A negative weight
    means the child runs against the others.
    """
    import numpy as np

    c = _complete(x, "PCA")
    sd = c.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise InputError("PCA weights: a child is constant", hint="drop it or use equal weights")
    corr = np.corrcoef(c, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    v1 = vecs[:, 0] * (1.0 if vecs[:, 0].sum() >= 0 else -1.0)
    w = v1 if signed else v1**2 / (v1**2).sum()
    return w, {
        "eigenvalues": vals.tolist(),
        "pc1_share": float(vals[0] / vals.sum()),
        "pc1_loadings": (v1 * np.sqrt(vals[0])).tolist(),
    }


def entropy(x: Array) -> Array:
    """Entropy weights: children whose values differ more across units weigh more.

    p_ij = x_ij / Σ_i x_ij; e_j = −Σ_i p_ij ln p_ij / ln n; w_j ∝ 1 − e_j.  Needs x ≥ 0.
    """
    import numpy as np

    c = _complete(x, "entropy")
    if (c < 0).any():
        raise InputError("entropy weights need non-negative values", hint="normalise with minmax/percentile first")
    n = c.shape[0]
    tot = c.sum(axis=0)
    if (tot == 0).any():
        raise InputError("entropy weights: a child is zero for every unit", hint="drop it")
    p = c / tot
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    if not d.sum() > 0:
        return equal(c.shape[1])
    return d / d.sum()


def bod(x: Array) -> tuple[Array, Array]:
    """Benefit of the doubt: for each unit c, max Σ w_i x_ci s.t. Σ w_i x_ki ≤ 1 ∀k, w ≥ 0.

    Solved with HiGHS (scipy ``linprog``).  Returns per-unit weights ``(units, children)`` and
    scores in [0, 1] (1 = on the frontier).
    """
    import numpy as np
    from scipy.optimize import linprog

    a = np.asarray(x, dtype=float)
    if np.isnan(a).any():
        raise InputError(
            "benefit-of-the-doubt weights need complete data", hint="impute missing values first (steps.impute.method)"
        )
    if (a < 0).any():
        raise InputError(
            "benefit-of-the-doubt weights need non-negative values", hint="use a normaliser with a non-negative range"
        )
    n, k = a.shape
    w = np.zeros((n, k))
    score = np.zeros(n)
    for c in range(n):
        res = linprog(-a[c], A_ub=a, b_ub=np.ones(n), bounds=[(0, None)] * k, method="highs")
        if res.status != 0:
            raise InputError(
                f"benefit-of-the-doubt LP failed for unit #{c}: {res.message}",
                hint="check that every unit has a positive value somewhere",
            )
        w[c] = res.x
        score[c] = -res.fun
    return w, score


def noisy(w: Array, noise: float, sets: int, seed: int) -> Array:
    """``sets`` perturbed copies of ``w``: w_i·(1 + noise·U(−1, 1)), rescaled to sum to 1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = w[None, :] * (1.0 + noise * rng.uniform(-1.0, 1.0, size=(sets, w.size)))
    out = np.maximum(out, 0.0)
    return out / out.sum(axis=1, keepdims=True)
