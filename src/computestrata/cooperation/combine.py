"""The combination rule: three dimensions → a score in [0, 1] → a class, with its drivers.

Pure functions on numbers and the validated :class:`~computestrata.cooperation.config.Rules`;
the same formulas run on scalars (:func:`classify_segment`) and on arrays over all pairs
(:func:`score_array`, :func:`class_array`) so the matrix and the pair command cannot disagree.

1. ``rho = max(rho(A→B), rho(B→A))`` from the control status per direction;
   ``kappa = (1 − rho) · (1 − discount · sigma)`` with sigma the sensitivity tier's value.
2. ``k`` = the larger directional complementarity (or a gap).
3. ``pi`` = the posture's value (by tier first, else by layer).
4. ``score = w_kappa·kappa + w_k·k + w_pi·pi`` (weights rescaled over the known dimensions);
   class by thresholds, then capped by the gates on ``rho``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from computestrata.cooperation.config import Rules

CLASSES = ("restricted", "limited", "open")


def posture_of(tier: str, layer: str, rules: Rules, fenced: bool = True) -> str:
    """The tiered-promotion posture of a segment: by its sensitivity tier when the pair's frontier
    is fenced (:func:`fenced`), else by its layer."""
    if fenced:
        by_tier = rules.posture.by_tier.get(tier)
        if by_tier:
            return by_tier
    return rules.posture.by_layer[layer]


def fenced(frontier_rhos: list[float], rules: Rules) -> bool:
    """Whether a pair's frontier is fenced: some frontier-tier segment carries a control at or
    above ``posture.fence_at`` in either direction (always true when ``fence_at`` is null)."""
    at = rules.posture.fence_at
    return at is None or any(r >= at for r in frontier_rhos)


def controllability(rho: float, tier: str, rules: Rules) -> float:
    """``(1 − rho) · (1 − discount · sigma)``."""
    return round((1.0 - rho) * (1.0 - rules.sensitivity_discount * rules.sensitivity[tier]), 12)


@dataclass(frozen=True)
class Scored:
    score: float
    klass: str
    by_threshold: str
    gate: str | None  # "restricted_at" / "limited_at" when a gate capped the class
    weights_used: dict[str, float]


def combine(kappa: float, k: float | None, pi: float, rho: float, rules: Rules) -> Scored:
    """Score and class of one segment (see module docstring)."""
    w = {
        "controllability": rules.weights.controllability,
        "complementarity": rules.weights.complementarity,
        "posture": rules.weights.posture,
    }
    if k is None:
        rest = w["controllability"] + w["posture"]
        w = {"controllability": w["controllability"] / rest, "complementarity": 0.0, "posture": w["posture"] / rest}
    raw = w["controllability"] * kappa + w["complementarity"] * (k or 0.0) + w["posture"] * pi
    raw = min(1.0, max(0.0, raw))
    # the class comes from the unrounded score (the array form does the same operations in the
    # same order, so both agree exactly); the score is rounded for display only
    score = round(raw, 6)
    by_t = threshold_class(raw, rules)
    klass, gate = by_t, None
    if rho >= rules.gates.restricted_at:
        klass, gate = "restricted", "restricted_at"
    elif rho >= rules.gates.limited_at and by_t == "open":
        klass, gate = "limited", "limited_at"
    return Scored(score, klass, by_t, gate if klass != by_t else None, w)


def threshold_class(score: float, rules: Rules) -> str:
    if score >= rules.thresholds.open:
        return "open"
    if score >= rules.thresholds.limited:
        return "limited"
    return "restricted"


# ---------------------------------------------------------------- arrays (all pairs at once)


def score_array(kappa: np.ndarray, k: np.ndarray, pi: np.ndarray, rules: Rules) -> np.ndarray:
    """:func:`combine`'s score over arrays, unrounded; NaN in ``k`` rescales the weights as for a gap."""
    import numpy as np

    wc, wk, wp = rules.weights.controllability, rules.weights.complementarity, rules.weights.posture
    gap = np.isnan(k)
    full = wc * kappa + wk * np.where(gap, 0.0, k) + wp * pi
    rest = wc + wp
    partial = (wc / rest) * kappa + (wp / rest) * pi
    return np.clip(np.where(gap, partial, full), 0.0, 1.0)


def class_array(score: np.ndarray, rho: np.ndarray, rules: Rules) -> np.ndarray:
    """Class codes 0 restricted, 1 limited, 2 open (index into :data:`CLASSES`), gates applied."""
    import numpy as np

    c = np.where(score >= rules.thresholds.open, 2, np.where(score >= rules.thresholds.limited, 1, 0))
    c = np.where(rho >= rules.gates.limited_at, np.minimum(c, 1), c)
    c = np.where(rho >= rules.gates.restricted_at, 0, c)
    return c.astype(np.int8)
