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


def drop_one(fw: Framework, panel: Panel, year: int, nominal: IndexResult | None = None) -> list[dict[str, Any]]:
    """Rebuild without each indicator in turn: mean |rank shift| of the index (COINr
    ``remove_elements``); large shifts mean the ranking leans on that one indicator."""
    nominal = nominal or build(fw, panel, year)
    out: list[dict[str, Any]] = []
    for ind in nominal.indicators:
        inds = tuple(
            replace(i, available=False, unavailable_reason={"en": "drop-one test"}) if i.id == ind else i
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
