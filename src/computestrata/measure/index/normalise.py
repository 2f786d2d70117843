"""Normalisation: bring indicators with different units onto one scale (handbook step 5).

Every function works on arrays shaped ``(..., units, indicators)`` so the same code serves one
build and a stack of Monte Carlo variants.  Statistics ignore missing values and missing
values stay missing.  Direction (+1 higher is better, -1 lower is better) is applied here, so
every output is "higher is better".  Each method has a natural scale; bounded methods are
mapped onto the configured output ``range`` (e.g. ``[1, 100]`` keeps geometric means away
from zero — COINr issues #47/#65 asked for this on every normaliser, not only min-max).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]

#: method → what its natural (pre-range) output is, for documentation and output
NATURAL = {
    "minmax": "(x − min)/(max − min), 0–1",
    "zscore": "centre + spread·(x − mean)/sd (range not applied)",
    "rank": "(rank − 1)/(n − 1), ties by the tie rule (COINr n_prank with ties: min), 0–1",
    "percentile": "rank/n, ties by the tie rule, 1/n–1",
    "ordinal_rank": "rank itself, 1 = worst (COINr n_rank; range not applied)",
    "scaled": "(x − low)/(high − low) × scale factor (COINr n_scaled; range not applied)",
    "dist_ref": "1 − (x_ref − x)/(x_ref − min), optionally capped at 1 (COINr n_dist2ref)",
    "dist_target": "(x − min)/(target − min), capped at 1 unless cap: false (COINr n_dist2targ)",
    "dist_frontier": "x / max (share of the leader), 0–1",
    "goalposts": "(x − low)/(high − low), clipped to 0–1 unless trunc: false (COINr n_goalposts)",
    "borda": "units strictly below / (n − 1), 0–1",
    "ratio_ref": "x / x(reference unit); the reference gets the range top",
}


def _names(names: Sequence[str] | None, mask: NDArray[np.bool_]) -> str:
    import numpy as np

    idx = np.nonzero(mask.reshape(-1, mask.shape[-1]).any(axis=0))[0]
    if names is None:
        return ", ".join(f"#{int(i)}" for i in idx)
    return ", ".join(names[int(i)] for i in idx)


def normalise(
    x: Array,
    method: str,
    direction: Array,
    *,
    out_range: tuple[float, float] = (0.0, 100.0),
    centre: float = 0.0,
    spread: float = 1.0,
    target: Array | None = None,
    goalposts: Array | None = None,
    ref_index: int | None = None,
    stats_from: Array | None = None,
    names: Sequence[str] | None = None,
    ties: str = "average",
    cap: bool = True,
    trunc: bool = True,
    scaled: tuple[float, float, float] = (0.0, 100.0, 100.0),
) -> Array:
    """Normalise ``x`` (``(..., units, indicators)``) column-wise by ``method``.

    ``stats_from`` (same indicator axis) supplies min/max/mean/sd instead of ``x`` itself —
    used for panels normalised on one set of bounds across years.
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    d = np.asarray(direction, dtype=float)
    s = x if stats_from is None else np.asarray(stats_from, dtype=float)
    lo, hi = out_range
    present = ~np.isnan(s)
    empty = np.asarray(~present.any(axis=-2))
    if empty.any():
        raise InputError(
            f"normalise: indicator(s) {_names(names, empty)} have no values",
            hint="drop them or lower the coverage threshold",
        )

    def span(a: Array, b: Array) -> Array:
        gap = b - a
        bad = ~(gap > 0)
        if bad.any():
            raise InputError(
                f"normalise ({method}): indicator(s) {_names(names, bad)} are constant across units",
                hint="a constant indicator cannot rank units; drop it from the framework",
            )
        return gap

    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            mn = np.nanmin(s, axis=-2, keepdims=True)
            mx = np.nanmax(s, axis=-2, keepdims=True)
            y = (x - mn) / span(mn, mx)
            y = np.where(d > 0, y, 1.0 - y)
        elif method == "zscore":
            mu = np.nanmean(s, axis=-2, keepdims=True)
            sd = np.nanstd(s, axis=-2, ddof=1, keepdims=True)
            z = d * (x - mu) / span(np.zeros_like(sd), sd)
            return centre + spread * z
        elif method in ("rank", "percentile", "borda", "ordinal_rank"):
            from scipy.stats import rankdata

            signed = d * x
            n = (~np.isnan(x)).sum(axis=-2, keepdims=True).astype(float)
            if method == "borda":
                r = rankdata(signed, method="min", axis=-2, nan_policy="omit") - 1.0
                y = r / np.maximum(n - 1.0, 1.0)
            else:
                r = rankdata(signed, method=ties, axis=-2, nan_policy="omit")
                if method == "ordinal_rank":
                    return np.asarray(r, dtype=float)
                y = r / n if method == "percentile" else (r - 1.0) / np.maximum(n - 1.0, 1.0)
        elif method == "scaled":
            low, high, factor = scaled
            if not high > low:
                raise InputError("normalise (scaled): high must exceed low", hint="write `scaled: [low, high, factor]`")
            # COINr mirrors the parameters for direction −1: (high − x)/(high − low)
            return np.where(d > 0, (x - low) / (high - low), (high - x) / (high - low)) * factor
        elif method == "dist_ref":
            if ref_index is None:
                raise InputError(
                    "normalise (dist_ref): no reference unit", hint="set `reference_unit:` to a unit in the data"
                )
            sx = d * x
            ref = sx[..., ref_index : ref_index + 1, :]
            mn = np.nanmin(d * s, axis=-2, keepdims=True)
            if np.isnan(ref).any():
                raise InputError(
                    f"normalise (dist_ref): the reference unit has no value for {_names(names, np.isnan(ref))}",
                    hint="choose another reference unit or impute its values",
                )
            worst = ~(ref > mn)
            if worst.any():
                raise InputError(
                    f"normalise (dist_ref): the reference unit is the worst unit on {_names(names, worst)}",
                    hint="choose a reference unit that is better than the minimum on every indicator",
                )
            y = 1.0 - (ref - sx) / (ref - mn)
            if cap:
                y = np.minimum(y, 1.0)
        elif method == "dist_target":
            if target is None or np.isnan(np.asarray(target, dtype=float)).any():
                raise InputError(
                    "normalise (dist_target): every indicator needs a target",
                    hint="add `target:` to each indicator in the framework",
                )
            t = np.asarray(target, dtype=float)
            mn = np.nanmin(s, axis=-2, keepdims=True)
            mx = np.nanmax(s, axis=-2, keepdims=True)
            up = (x - mn) / (t - mn)
            down = (mx - x) / (mx - t)
            bad = np.where(d > 0, ~(t > mn), ~(t < mx))
            if bad.any():
                raise InputError(
                    f"normalise (dist_target): target not beyond the worst value for "
                    f"{_names(names, np.broadcast_to(bad, mn.shape))}",
                    hint="set the target above the minimum (below the maximum for direction -1)",
                )
            y = np.where(d > 0, up, down)
            if cap:
                y = np.minimum(y, 1.0)
        elif method == "dist_frontier":
            if (s < 0).any():
                raise InputError(
                    f"normalise (dist_frontier): negative values in {_names(names, s < 0)}",
                    hint="share-of-leader needs non-negative data; use minmax",
                )
            mx = np.nanmax(s, axis=-2, keepdims=True)
            mn = np.nanmin(s, axis=-2, keepdims=True)
            if (d < 0).any() and (np.broadcast_to(mn, mx.shape)[..., d < 0] <= 0).any():
                raise InputError(
                    "normalise (dist_frontier): direction -1 needs positive values",
                    hint="use minmax for this indicator set",
                )
            y = np.where(d > 0, x / span(np.zeros_like(mx), mx), mn / x)
        elif method == "goalposts":
            if goalposts is None or np.isnan(np.asarray(goalposts, dtype=float)).any():
                raise InputError(
                    "normalise (goalposts): every indicator needs goalposts",
                    hint="add `goalposts: [low, high]` to each indicator",
                )
            g = np.asarray(goalposts, dtype=float)
            g_low, g_high = g[:, 0], g[:, 1]
            y = (x - g_low) / (g_high - g_low)
            y = np.where(d > 0, y, 1.0 - y)
            if trunc:
                y = np.clip(y, 0.0, 1.0)
        elif method == "ratio_ref":
            if ref_index is None:
                raise InputError(
                    "normalise (ratio_ref): no reference unit", hint="set `reference_unit:` to a unit in the data"
                )
            ref = x[..., ref_index : ref_index + 1, :]
            if not (ref > 0).all():
                raise InputError(
                    "normalise (ratio_ref): the reference unit has a missing or "
                    f"non-positive value in {_names(names, ~(ref > 0))}",
                    hint="choose another reference unit or impute its values",
                )
            y = np.where(d > 0, x / ref, ref / x)
        else:
            from computestrata.errors import unknown
            from computestrata.measure.index.config import NORMALISE_METHODS

            raise unknown("normalisation method", method, NORMALISE_METHODS)
    return lo + (hi - lo) * y
