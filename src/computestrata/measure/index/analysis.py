"""Look inside a built index (handbook steps 4 and 8): structure, consistency, robustness.

Correlations within and across levels show whether children move with their parent (a child
uncorrelated or negatively correlated with its pillar is measuring something else);
Cronbach's α and PCA say whether a pillar is one latent dimension; strengths and weaknesses
decompose a unit's score; comparisons and drop-one tests show how much the ranking depends
on one version or one indicator.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from computestrata.errors import InputError
from computestrata.i18n import t
from computestrata.measure.index.config import Framework
from computestrata.measure.index.engine import IndexResult, Panel, build

CorrMethod = Literal["pearson", "kendall", "spearman"]

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    Array = NDArray[Any]


def cronbach_alpha(x: Array) -> float:
    """α = k/(k−1)·(1 − Σ var(child) / var(Σ children)) on complete rows (sample variances)."""
    import numpy as np

    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a).any(axis=1)]
    k = a.shape[1]
    if k < 2 or a.shape[0] < 2:
        return float("nan")
    total = a.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - a.var(axis=0, ddof=1).sum() / total))


def _parent_of(res: IndexResult, node: str) -> str | None:
    for parent, kids in res.children.items():
        if node in kids:
            return parent
    return None


def correlations(res: IndexResult, method: CorrMethod = "pearson") -> list[dict[str, Any]]:
    """Each node's correlation with its parent and with the index (across levels)."""
    root = res.fw.root.id
    sc = res.scores
    rows = []
    for node in sc.columns:
        if node == root:
            continue
        parent = _parent_of(res, node)
        rows.append(
            {
                "node": node,
                "parent": parent,
                "level": 1 if node in res.indicators else next(lvl for lvl, ns in res.levels.items() if node in ns),
                "corr_parent": float(sc[node].corr(sc[parent], method=method)) if parent else None,
                "corr_index": float(sc[node].corr(sc[root], method=method)),
            }
        )
    return rows


def within(res: IndexResult, node: str, method: CorrMethod = "pearson") -> dict[str, Any]:
    """Correlation matrix of one aggregate's children (within a level), α and PCA."""
    import numpy as np

    if node not in res.children:
        from computestrata.errors import unknown

        raise unknown("aggregate", node, list(res.children))
    kids = res.children[node]
    x = res.scores[kids]
    corr = x.corr(method=method)
    out: dict[str, Any] = {
        "node": node,
        "children": kids,
        "corr": corr.round(6).to_dict(),
        "alpha": cronbach_alpha(x.to_numpy()),
    }
    if len(kids) >= 2:
        c = x.dropna().to_numpy()
        if c.shape[0] >= 3 and (c.std(axis=0) > 0).all():
            vals, vecs = np.linalg.eigh(np.corrcoef(c, rowvar=False))
            order = np.argsort(vals)[::-1]
            vals, vecs = vals[order], vecs[:, order]
            out["pca"] = {
                "eigenvalues": vals.tolist(),
                "explained": (vals / vals.sum()).tolist(),
                "pc1_loadings": dict(
                    zip(kids, (vecs[:, 0] * np.sign(vecs[:, 0].sum()) * np.sqrt(vals[0])).tolist(), strict=True)
                ),
            }
    return out


def structure(res: IndexResult) -> list[dict[str, Any]]:
    """Per aggregate: number of children, α, PC1 share, weakest child correlation."""
    rows = []
    for node in res.children:
        w = within(res, node)
        corr = [c for c in correlations(res) if c["parent"] == node]
        weakest = min(corr, key=lambda c: c["corr_parent"] if c["corr_parent"] is not None else 1.0) if corr else None
        rows.append(
            {
                "node": node,
                "children": len(res.children[node]),
                "alpha": w["alpha"],
                "pc1_share": w["pca"]["explained"][0] if "pca" in w else None,
                "weakest_child": weakest["node"] if weakest else None,
                "weakest_corr": weakest["corr_parent"] if weakest else None,
            }
        )
    return rows


def strengths_weaknesses(res: IndexResult, unit: str, n: int = 3) -> dict[str, Any]:
    """A unit's best and worst indicators by its rank among all units on each indicator."""
    if unit not in res.units:
        from computestrata.errors import unknown

        raise unknown("unit", unit, res.units)
    ranks = res.scores[res.indicators].rank(ascending=False, method="min")
    r: Any = ranks.loc[unit]
    r = r.dropna().sort_values()
    raw: Any = res.raw.loc[unit]
    index_ranks: Any = res.ranks

    def rows(ids: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "indicator": i,
                "rank": int(r[i]),
                "of": int(ranks[i].notna().sum()),
                "value": float(raw[i]),
                "imputed": bool(res.imputed.loc[unit, i]),
            }
            for i in ids
        ]

    return {
        "unit": unit,
        "index_rank": float(index_ranks.loc[unit, res.fw.root.id]),
        "strengths": rows(list(r.index[:n])),
        "weaknesses": rows(list(r.index[::-1][:n])),
    }


def compare(a: IndexResult, b: IndexResult) -> dict[str, Any]:
    """Two index versions: rank change per common unit, mean |shift|, rank correlation."""
    ra = a.ranks[a.fw.root.id]
    rb = b.ranks[b.fw.root.id]
    common = [u for u in a.units if u in set(b.units)]
    if len(common) < 2:
        raise InputError(
            "the two index versions share fewer than two units", hint="compare versions built on the same units"
        )
    d = rb[common] - ra[common]
    rows: list[dict[str, Any]] = [
        {"unit": u, "rank_a": float(ra[u]), "rank_b": float(rb[u]), "change": float(d[u])} for u in common
    ]
    rows.sort(key=lambda x: x["rank_a"])
    return {
        "units": len(common),
        "mean_abs_shift": float(d.abs().mean()),
        "spearman": float(ra[common].corr(rb[common], method="spearman")),
        "only_a": [u for u in a.units if u not in set(common)],
        "only_b": [u for u in b.units if u not in set(common)],
        "rows": rows,
    }


def drop_one(
    fw: Framework, panel: Panel, year: int, nominal: IndexResult | None = None, aggregates: bool = False
) -> list[dict[str, Any]]:
    """Rebuild without each indicator (and, with ``aggregates``, each aggregate below the
    index) in turn: mean |rank shift| of the index (COINr ``remove_elements`` at any level);
    large shifts mean the ranking leans on that one element."""
    nominal = nominal or build(fw, panel, year)
    out: list[dict[str, Any]] = []
    elements = list(nominal.indicators)
    if aggregates:
        elements += [n for lvl in sorted(nominal.levels) for n in nominal.levels[lvl] if n != fw.root.id]
    for ind in elements:
        gone = {ind} if ind in nominal.indicators else {i.id for i in fw.indicators_below(ind)}
        inds = tuple(
            replace(i, available=False, unavailable_reason={"en": "drop-one test"}) if i.id in gone else i
            for i in fw.indicators
        )
        fw2 = replace(fw, indicators=inds)
        try:
            res = build(fw2, panel, year)
        except InputError as exc:  # e.g. the indicator was a pillar's last one with data
            out.append(
                {
                    "indicator": ind,
                    "mean_abs_shift": None,
                    "max_abs_shift": None,
                    "note": t("index.note.drop_one_failed"),
                    "reason": exc.message,
                }
            )
            continue
        c = compare(nominal, res)
        out.append(
            {
                "indicator": ind,
                "mean_abs_shift": c["mean_abs_shift"],
                "max_abs_shift": max(abs(r["change"]) for r in c["rows"]),
                "note": t("index.note.drop_one_units", n=len(c["only_a"])) if c["only_a"] else "",
                "reason": None,
            }
        )
    out.sort(key=lambda r: -(r["mean_abs_shift"] or 0.0))
    return out


# --- COINr's analysis functions -------------------------------------------------------------


def cronbach_pairwise(x: Array) -> float:
    """Cronbach's α as COINr's ``get_cronbach``: from the covariance matrix on pairwise-complete
    observations, α = k²·mean(off-diagonal covariances) / sum(all covariances).

    Equals :func:`cronbach_alpha` on complete data; with gaps it uses every observed pair
    instead of dropping incomplete rows (so it reads 0.0513 on COINr's ASEM example where the
    complete-rows form reads 0.0494)."""
    import numpy as np
    import pandas as pd

    a = pd.DataFrame(np.asarray(x, dtype=float))
    k = a.shape[1]
    if k < 2:
        return float("nan")
    cov = a.cov().to_numpy()
    total = np.nansum(cov)
    if total == 0:
        return float("nan")
    off = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    return float(k * k * off / total)


def indicator_stats(x: pd.DataFrame, skew: float = 2.0, kurtosis: float = 3.5) -> list[dict[str, Any]]:
    """Per column (COINr ``get_stats``): availability, unique values, zeros, negatives,
    moments, skew/kurtosis flag, and outliers (outside 1.5 IQR of the quartiles)."""
    import numpy as np

    from computestrata.measure.index.outliers import skew_kurt

    rows = []
    for col in x.columns:
        v = x[col].to_numpy(dtype=float)
        ok = v[~np.isnan(v)]
        s, k = skew_kurt(v)
        q1, q3 = np.percentile(ok, [25, 75]) if ok.size else (np.nan, np.nan)
        iqr = q3 - q1
        rows.append(
            {
                "indicator": str(col),
                "min": float(ok.min()) if ok.size else None,
                "max": float(ok.max()) if ok.size else None,
                "mean": float(ok.mean()) if ok.size else None,
                "median": float(np.median(ok)) if ok.size else None,
                "std": float(ok.std(ddof=1)) if ok.size > 1 else None,
                "skew": s,
                "kurtosis": k,
                "n_available": int(ok.size),
                "share_available": float(ok.size / v.size) if v.size else None,
                "n_unique": int(np.unique(ok).size),
                "n_zero": int((ok == 0).sum()),
                "share_zero": float((ok == 0).mean()) if ok.size else None,
                "n_negative": int((ok < 0).sum()),
                "n_outliers": int(((ok < q1 - 1.5 * iqr) | (ok > q3 + 1.5 * iqr)).sum()) if ok.size else 0,
                "flag_skew_kurtosis": bool(abs(s) >= skew and k >= kurtosis) if s == s and k == k else False,
            }
        )
    return rows


def unit_availability(x: pd.DataFrame) -> list[dict[str, Any]]:
    """Per unit (COINr ``get_data_avail``): indicators present, their share, and zeros."""
    rows = []
    for unit, row in x.iterrows():
        have = row.notna()
        rows.append(
            {
                "unit": str(unit),
                "n_available": int(have.sum()),
                "share_available": float(have.mean()),
                "n_zero": int((row[have] == 0).sum()),
            }
        )
    return rows


def correlation_table(x: pd.DataFrame, method: CorrMethod = "pearson", flag: float = 0.9) -> list[dict[str, Any]]:
    """Every pair of columns: correlation on pairwise-complete data, its p-value (COINr
    ``get_pvals``, H0: no correlation), n, and flags for |r| ≥ ``flag`` (collinear) or r < 0."""
    import numpy as np
    from scipy import stats

    cols = list(x.columns)
    rows = []
    for a_i, a in enumerate(cols):
        for b in cols[a_i + 1 :]:
            pair = x[[a, b]].dropna()
            n = len(pair)
            r = p = float("nan")
            if n >= 3 and pair[a].std() > 0 and pair[b].std() > 0:
                fn = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}[method]
                res = fn(pair[a].to_numpy(), pair[b].to_numpy())
                r, p = float(res[0]), float(res[1])
            rows.append(
                {
                    "a": str(a),
                    "b": str(b),
                    "r": r,
                    "p_value": p,
                    "n": n,
                    "flag": "collinear" if abs(r) >= flag else "negative" if r < 0 else "" if np.isfinite(r) else "n/a",
                }
            )
    return rows


def effective_weights(res: IndexResult) -> dict[str, float]:
    """Each node's share of the index (COINr ``get_eff_weights``): its weight within its
    parent, normalised to sum to 1 there, times its parent's effective weight."""
    import numpy as np

    eff: dict[str, float] = {res.fw.root.id: 1.0}
    for lvl in sorted(res.levels, reverse=True):
        for node in res.levels[lvl]:
            w = np.asarray(res.weights[node], dtype=float)
            if w.ndim != 1:
                continue  # benefit of the doubt: per-unit weights, no single effective weight
            w = w / w.sum()
            for kid, wk in zip(res.children[node], w, strict=True):
                eff[kid] = float(wk) * eff.get(node, float("nan"))
    return eff


def group_ranks(res: IndexResult, groups: dict[str, str]) -> list[dict[str, Any]]:
    """Index rank of each unit within its group (COINr ``get_results(use_group=)``)."""
    import pandas as pd

    score = res.index
    g = pd.Series({u: groups.get(u) for u in res.units})
    rows = []
    for unit in res.units:
        label = g[unit]
        if label is None:
            continue
        peers = score[g[g == label].index]
        rows.append(
            {"unit": unit, "group": label, "group_rank": int((peers > score[unit]).sum() + 1), "of": len(peers)}
        )
    return rows


def cagr(results: dict[int, IndexResult], node: str | None = None) -> list[dict[str, Any]]:
    """Compound annual growth of each unit's score (COINr ``CAGR``/``get_trends``): from its
    first to its last year with a score, (last/first)^(1/years) − 1; missing when fewer than
    two years or a non-positive first score."""
    import math

    years = sorted(results)
    any_res = results[years[0]]
    key = node or any_res.fw.root.id
    units = sorted({u for r in results.values() for u in r.units})
    rows = []
    for unit in units:
        got: list[tuple[int, Any]] = [(y, results[y].scores.loc[unit, key]) for y in years if unit in results[y].units]
        pts = [(y, float(v)) for y, v in got if not math.isnan(float(v))]
        growth = None
        if len(pts) >= 2 and pts[0][1] > 0 and pts[-1][0] > pts[0][0]:
            growth = (pts[-1][1] / pts[0][1]) ** (1.0 / (pts[-1][0] - pts[0][0])) - 1.0
        rows.append(
            {
                "unit": unit,
                "first_year": pts[0][0] if pts else None,
                "last_year": pts[-1][0] if pts else None,
                "first": pts[0][1] if pts else None,
                "last": pts[-1][1] if pts else None,
                "cagr": growth,
            }
        )
    return rows


def reaggregate(res: IndexResult, level: int, level_weights: dict[str, float]) -> pd.DataFrame:
    """The scores above ``level`` recomputed with new weights for that level's nodes (the
    levels at and below it are kept): what :func:`optimal_weights` varies."""
    import numpy as np

    from computestrata.measure.index import aggregate as agg

    s = res.fw.steps
    scores = res.scores.copy()
    for lvl in sorted(k for k in res.levels if k > level):
        for node in res.levels[lvl]:
            kids = res.children[node]
            w = np.asarray(res.weights[node], dtype=float)
            if lvl == level + 1:
                w = np.array([level_weights.get(k, 0.0) for k in kids])
            method = res.fw.method_at(node)
            scores[node] = agg.power_mean(
                scores[kids].to_numpy(),
                w,
                method,
                power=s.power_at(lvl),
                zeros=s.zeros,
                epsilon=s.epsilon,
                min_coverage=s.coverage_at(lvl),
                by_count=s.coverage == "count",
            )
    return scores


def optimal_weights(
    res: IndexResult,
    level: int,
    target: str | list[float] = "equal",
    kind: str = "balance",
    tol: float = 1e-6,
    max_iter: int = 2000,
) -> dict[str, Any]:
    """COINr ``get_opt_weights``: weights of the nodes of ``level`` such that their Pearson
    correlations with the index match ``target`` shares (``balance``: minimise
    log(mean squared gap of normalised correlations), from the targets as start), or their
    sum is largest (``infomax``).  Nelder-Mead like R's ``optim``; weights are normalised to 1."""
    import numpy as np
    from scipy.optimize import minimize

    if level not in res.levels or level == max(res.levels):
        raise InputError(
            f"optimal weights: no level {level} below the index", hint=f"use a level from 2 to {max(res.levels) - 1}"
        )
    nodes = res.levels[level]
    root = res.fw.root.id
    if kind == "balance":
        t = np.ones(len(nodes)) if target == "equal" else np.asarray(target, dtype=float)
        if t.shape != (len(nodes),) or not t.sum() > 0:
            raise InputError(
                f"optimal weights: target needs {len(nodes)} positive numbers (one per node of level {level})",
                hint=f"nodes: {', '.join(nodes)}",
            )
        t = t / t.sum()
        start = t
    elif kind == "infomax":
        t = None
        start = np.array([res.fw.weight_of(n) for n in nodes], dtype=float)
    else:
        raise InputError(f"optimal weights: unknown kind {kind!r}", hint="use balance or infomax")

    def corr(w: Any) -> Any:
        w = np.abs(np.asarray(w, dtype=float))
        w = w / w.sum()
        sc = reaggregate(res, level, dict(zip(nodes, w, strict=True)))
        return np.array([sc[n].corr(sc[root]) for n in nodes])

    def objective(w: Any) -> float:
        if not np.abs(w).sum() > 0:
            return float("inf")
        c = corr(w)
        if t is None:
            return -float(c.sum())
        return float(np.log(np.mean((t - c / c.sum()) ** 2) + 1e-300))

    opt = minimize(objective, start, method="Nelder-Mead", options={"xatol": tol, "fatol": tol, "maxiter": max_iter})
    w = np.abs(opt.x) / np.abs(opt.x).sum()
    c = corr(w)
    return {
        "level": level,
        "nodes": nodes,
        "weights": dict(zip(nodes, w.tolist(), strict=True)),
        "target": None if t is None else t.tolist(),
        "obtained": (c / c.sum()).tolist() if t is not None else c.tolist(),
        "converged": bool(opt.success),
        "iterations": int(opt.nit),
    }
