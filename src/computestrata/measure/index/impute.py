"""Imputation of missing values (handbook step 3).

Cross-sectional imputation (mean, median, group mean/median) fills a unit's gap from other
units in the same year; panel imputation fills it from the same unit's other years.  Every
function returns which cells it filled, so the imputed share can be reported — an index
that hides how much of it is imputed misleads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import t

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[Any]


def impute_cross(
    x: Array, method: str, groups: Sequence[str | None] | None = None
) -> tuple[Array, NDArray[np.bool_], list[str]]:
    """Fill NaNs column-wise (axis -2 = units) by mean/median, overall or within groups.

    Returns the filled array, the mask of filled cells, and notes (e.g. a group with no
    value for an indicator falls back to the overall statistic — said, not hidden).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    miss = np.isnan(x)
    notes: list[str] = []
    if method in ("none", "panel_linear", "panel_locf", "panel_latest") or not miss.any():
        return x.copy(), np.zeros_like(miss), notes
    if method.startswith("custom:"):
        done = _custom(x, method[7:])
        return done, miss & ~np.isnan(done), notes
    if method == "em":
        return impute_em(x), miss, notes
    stats: dict[str, Callable[..., Any]] = {
        "mean": np.nanmean,
        "median": np.nanmedian,
        "group_mean": np.nanmean,
        "group_median": np.nanmedian,
    }
    stat = stats.get(method)
    if stat is None:
        from computestrata.errors import unknown
        from computestrata.measure.index.config import IMPUTE_METHODS

        raise unknown("imputation method", method, IMPUTE_METHODS)
    if (~miss).sum(axis=-2).min() == 0:
        raise InputError("impute: an indicator has no value for any unit", hint="drop it (screening) before imputing")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        overall = stat(x, axis=-2, keepdims=True)
        fill = np.broadcast_to(overall, x.shape).copy()
        if method.startswith("group_"):
            if groups is None or len(groups) != x.shape[-2]:
                raise InputError(
                    f"impute ({method}): no group for every unit",
                    hint="give the data a group per unit (e.g. income group)",
                )
            labels = np.array([g if g is not None else "" for g in groups], dtype=object)
            for g in sorted(set(labels.tolist())):
                rows = labels == g
                if not g:
                    notes.append(t("index.note.no_group", n=int(rows.sum()), method=method[6:]))
                    continue
                gs = stat(x[..., rows, :], axis=-2, keepdims=True)
                empty = np.isnan(gs)
                if empty.any():
                    notes.append(t("index.note.empty_group", group=g, n=int(empty.sum()), method=method[6:]))
                gs = np.where(empty, overall, gs)
                fill[..., rows, :] = np.broadcast_to(gs, fill[..., rows, :].shape)
    return np.where(miss, fill, x), miss, notes


def impute_panel(
    panel: Array, years: Sequence[int], method: str, max_age: int | None = None
) -> tuple[Array, NDArray[np.bool_]]:
    """Fill NaNs along the year axis (axis 0 of ``(years, units, indicators)``).

    ``panel_linear``: linear interpolation between observed years, constant beyond the
    first/last observation; ``panel_locf``: last observation carried forward (earlier gaps
    take the first observation).  A series with a single value is held constant (COINr
    issue #63 crashed here); a series with none stays missing.  With ``max_age``, a gap
    more than ``max_age`` years from every observation stays missing (no stale values).
    """
    import numpy as np

    p = np.asarray(panel, dtype=float)
    yrs = np.asarray(years, dtype=float)
    if p.shape[0] != len(yrs) or (np.diff(yrs) <= 0).any():
        raise InputError("impute_panel: years must be increasing and match the panel", hint="sort the panel by year")
    out = p.copy()
    miss = np.isnan(p)
    flat = out.reshape(len(yrs), -1)
    for j in np.nonzero(miss.reshape(len(yrs), -1).any(axis=0))[0]:
        col = flat[:, j]
        ok = ~np.isnan(col)
        if not ok.any():
            continue
        if method == "panel_linear":
            flat[:, j] = np.interp(yrs, yrs[ok], col[ok])
        elif method in ("panel_locf", "panel_latest"):
            idx = np.where(ok, np.arange(len(yrs)), -1)
            idx = np.maximum.accumulate(idx)
            first = int(np.argmax(ok))
            if method == "panel_latest":  # the latest value so far; nothing before the first
                flat[:, j] = np.where(idx >= 0, col[np.maximum(idx, 0)], np.nan)
            else:
                idx[idx < 0] = first
                flat[:, j] = col[idx]
        else:
            raise InputError(
                f"impute_panel: unknown panel method {method!r}", hint="use panel_linear, panel_locf or panel_latest"
            )
        if max_age is not None:
            obs = yrs[ok]
            if method in ("panel_locf", "panel_latest"):
                # the value used is the last observation at or before the year (else the first)
                prev = np.array([obs[obs <= y].max() if (obs <= y).any() else obs.min() for y in yrs])
                age = np.abs(yrs - prev)
            else:
                age = np.abs(yrs[:, None] - obs[None, :]).min(axis=1)
            flat[(age > max_age) & ~ok, j] = np.nan
    return out, miss & ~np.isnan(out)


#: Python imputation functions registered by name (``method: custom:NAME``)
CUSTOM: dict[str, Callable[[Array], Array]] = {}


def register(name: str, fn: Callable[[Array], Array]) -> None:
    """Make ``fn`` usable as ``steps.impute.method: custom:NAME`` (COINr: a custom ``f_i``).

    ``fn`` takes the ``(units, indicators)`` array with NaNs and returns one of the same
    shape; cells it leaves NaN stay missing, and values it changes that were present are
    refused (an imputer fills gaps, it does not rewrite data)."""
    CUSTOM[name] = fn


def _custom(x: Array, name: str) -> Array:
    import numpy as np

    fn = CUSTOM.get(name)
    if fn is None:
        from computestrata.errors import unknown

        raise unknown("custom imputation function", name, sorted(CUSTOM) or ["(none registered)"])
    out = np.asarray(fn(x.copy()), dtype=float)
    if out.shape != x.shape:
        raise InputError(f"custom imputer {name!r} returned shape {out.shape}, not {x.shape}", hint="return x's shape")
    ok = ~np.isnan(x)
    if not np.array_equal(out[ok], x[ok]):
        raise InputError(f"custom imputer {name!r} changed observed values", hint="fill only the NaN cells")
    return out


def impute_rows(x: Array, groups: Sequence[Sequence[int]], direction: Array, stat: str = "mean") -> Array:
    """Fill a unit's gap from its own values on the sibling indicators of the same aggregate
    (COINr ``impute_by = "row"`` with ``normalise_first = TRUE``): columns are put on a 0–1
    scale with their direction (x·d − min)/(max − min), the row mean (median) of the unit's
    siblings is taken there and mapped back to the column's own scale."""
    import warnings

    import numpy as np

    x = np.asarray(x, dtype=float)
    d = np.asarray(direction, dtype=float)
    xn = x * d
    mn = np.nanmin(xn, axis=0)
    span = np.nanmax(xn, axis=0) - mn
    span = np.where(span > 0, span, 1.0)
    y = (xn - mn) / span
    out = x.copy()
    f = np.nanmean if stat == "mean" else np.nanmedian
    for cols in groups:
        c = list(cols)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            row = f(y[:, c], axis=1)
        for j in c:
            gap = np.isnan(x[:, j]) & ~np.isnan(row)
            out[gap, j] = (row[gap] * span[j] + mn[j]) * d[j]
    return out


def impute_em(x: Array, tol: float = 1e-8, max_iter: int = 500) -> Array:
    """Whole-table imputation by EM for a multivariate normal (Dempster, Laird & Rubin
    1977): each gap takes its conditional mean given the unit's observed values, with the
    mean and covariance re-estimated (including the conditional covariance) until stable."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    miss = np.isnan(x)
    if (~miss).sum(axis=0).min() < 2:
        raise InputError("EM imputation: an indicator has fewer than two values", hint="screen it out first")
    n, k = x.shape
    mu = np.nanmean(x, axis=0)
    filled = np.where(miss, mu, x)
    sigma = np.cov(filled, rowvar=False) + 1e-9 * np.eye(k)
    for _ in range(max_iter):
        c_sum = np.zeros((k, k))
        for i in np.flatnonzero(miss.any(axis=1)):
            m, o = miss[i], ~miss[i]
            if not o.any():
                filled[i] = mu
                c_sum += sigma
                continue
            s_oo = sigma[np.ix_(o, o)]
            s_mo = sigma[np.ix_(m, o)]
            beta = np.linalg.solve(s_oo, s_mo.T).T
            filled[i, m] = mu[m] + beta @ (x[i, o] - mu[o])
            c_sum[np.ix_(m, m)] += sigma[np.ix_(m, m)] - beta @ s_mo.T
        new_mu = filled.mean(axis=0)
        dev = filled - new_mu
        new_sigma = (dev.T @ dev + c_sum) / n + 1e-9 * np.eye(k)
        done = np.abs(new_mu - mu).max() < tol * (1 + np.abs(mu).max())
        mu, sigma = new_mu, new_sigma
        if done:
            break
    return filled
