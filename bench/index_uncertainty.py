"""Benchmark: uncertainty analysis of a composite index, vectorised vs rebuilt per replication.

Index: 200 units × 30 indicators, three aggregation levels (30 indicators → 6 pillars → 2
sub-indices → index), 5% of values missing, p5/p95 bands on every value.  Eight uncertain
factors: imputation (mean/median), normalisation (min-max/percentile/rank), aggregation at
levels 2 and 3 (arithmetic/geometric), weights at levels 2, 3 and 4 (100 noisy sets each),
and data noise (32 draws from the p5/p95 bands).

Ours: ``computestrata.measure.index.uncertainty`` — precompute the 192 data × imputation ×
normalisation variants, then every replication is array work (matrix products per group of
replications sharing a variant).  Timed end to end: plan (incl. the nominal build) + all
replications + rank statistics.

Baseline ``pandas_rebuild``: what COINr does — rebuild the whole index per replication
(impute, treat outliers, normalise, weight, aggregate level by level, rank) with pandas.
It is timed on a subset of replications and extrapolated linearly to the full count; its
scores are checked against ours on that subset, so both do the same work.

Arithmetic floor: the multiply-adds the replications must do (units × children summed over
all aggregates, per replication) at the machine's GEMM rate measured here with numpy matmul.

Usage: python bench/index_uncertainty.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from typing import Any

import numpy as np
import pandas as pd

from computestrata.measure.index import synthetic
from computestrata.measure.index import uncertainty as ua

UNITS, N_IND, PILLARS, SUBS = 200, 30, 6, 2
FACTORS = {
    "n": 100_000,
    "seed": 1,
    "factors": {
        "impute": ["mean", "median"],
        "normalise": ["minmax", "percentile", "rank"],
        "aggregate": {2: ["arithmetic", "geometric"], 3: ["arithmetic", "geometric"]},
        "weights": {"noise": 0.25, "sets": 100, "levels": [2, 3, 4]},
        "data_noise": {"draws": 32},
    },
}


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def gemm_rate(n: int = 2000, reps: int = 5) -> float:
    """Best-of float64 matmul rate in FLOP/s (2·n³ per product)."""
    a = np.random.default_rng(0).random((n, n))
    b = np.random.default_rng(1).random((n, n))
    a @ b
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best


# --- baseline: rebuild with pandas per replication ----------------------------------------------


def _skew_kurt(col: pd.Series) -> tuple[float, float]:
    return float(col.skew()), float(col.kurt())


def pandas_rebuild(plan: ua.Plan, raw: pd.DataFrame, choice: dict[str, Any]) -> pd.Series:
    """One replication, rebuilt from raw data with pandas (the COINr way)."""
    fw = plan.prep.fw
    s = fw.steps
    df = raw.copy()
    # impute
    fill = df.mean() if choice["impute"] == "mean" else df.median()
    df = df.fillna(fill)
    # outliers (skew/kurtosis rule, winsorise up to max_points, else log)
    for c in df.columns:
        col = df[c]
        sk, ku = _skew_kurt(col)
        if not (abs(sk) > s.skew and ku > s.kurtosis):
            continue
        new = col.copy()
        ok = False
        for _ in range(s.max_points):
            vals = np.unique(new.to_numpy())
            if vals.size < 3:
                break
            sk, _ = _skew_kurt(new)
            if sk > 0:
                new[new == vals[-1]] = vals[-2]
            else:
                new[new == vals[0]] = vals[1]
            sk, ku = _skew_kurt(new)
            if not (abs(sk) > s.skew and ku > s.kurtosis):
                ok = True
                break
        df[c] = new if ok else np.log1p(col - col.min())
    # normalise (direction first), onto the range
    lo, hi = s.range
    direction = pd.Series({i: fw.indicator(i).direction for i in df.columns})
    m = choice["normalise"]
    if m == "minmax":
        y = (df - df.min()) / (df.max() - df.min())
        y = y.where(np.broadcast_to((direction > 0).to_numpy(), y.shape), 1 - y)
    else:
        r = (df * direction).rank(method="average")
        n = len(df)
        y = r / n if m == "percentile" else (r - 1) / (n - 1)
    y = lo + (hi - lo) * y
    # weight and aggregate level by level
    scores = y
    for k, nodes in enumerate(plan.node_levels):
        w = pd.Series(choice["weights"][k], index=scores.columns)
        method = choice["aggregate"][k]
        out = {}
        for node in nodes:
            kids = plan.prep.children[node]
            ww = w[kids] / w[kids].sum()
            if method == "geometric":
                out[node] = np.exp((np.log(scores[kids]) * ww).sum(axis=1))
            else:
                out[node] = (scores[kids] * ww).sum(axis=1)
        scores = pd.DataFrame(out)
    root = scores.iloc[:, 0]
    return root.rank(ascending=False, method="min")  # the package's one tie rule (maths.ranking)


def baseline_choices(plan: ua.Plan, codes: np.ndarray) -> list[dict[str, Any]]:
    col = {f.name: i for i, f in enumerate(plan.factors)}
    out = []
    for row in codes:
        aggs = []
        for k, lvl in enumerate(range(2, len(plan.node_levels) + 2)):
            ch = plan.agg_choices[k]
            aggs.append(ch[row[col[f"aggregate_L{lvl}"]]] if ch else plan.node_method[k][0])
        out.append(
            {
                "impute": plan.impute[row[col["impute"]]],
                "normalise": plan.normalise[row[col["normalise"]]],
                "aggregate": aggs,
                "weights": [
                    plan.weight_sets[k][row[col[f"weights_L{lvl}"]]]
                    for k, lvl in enumerate(range(2, len(plan.node_levels) + 2))
                ],
                "draw": int(row[col["data"]]),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10,000 replications, small baseline")
    args = ap.parse_args()
    n = 10_000 if args.quick else FACTORS["n"]
    n_base = 20 if args.quick else 200
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}, pandas {pd.__version__}")
    print(
        f"index: {UNITS} units x {N_IND} indicators, {PILLARS} pillars -> {SUBS} sub-indices "
        f"-> index (3 aggregation levels); {n:,} replications"
    )

    import scipy.stats  # noqa: F401  (import cost is not part of the analysis)

    fw = synthetic.framework(n_ind=N_IND, pillars=PILLARS, subindices=SUBS, uncertainty=FACTORS)
    panel = synthetic.panel(units=UNITS, n_ind=N_IND, seed=0)

    # ours, end to end
    t0 = time.perf_counter()
    plan = ua.make_plan(fw, panel, 2023)
    t_plan = time.perf_counter() - t0
    res = ua.run_ua(fw, panel, 2023, n=n, plan=plan)
    rows = res.rank_table()
    ours = time.perf_counter() - t0
    print("factors: " + ", ".join(f"{f.name}({len(f.levels)})" for f in plan.factors))
    print(
        f"ours: plan (nominal build + {plan.variants.shape[0] * plan.variants.shape[1] * plan.variants.shape[2]}"
        f" variants) {t_plan:.2f} s, replications + rank stats {ours - t_plan:.2f} s, "
        f"total {ours:.2f} s; median 90% rank interval width "
        f"{np.median([r['rank_p95'] - r['rank_p5'] for r in rows]):.0f}"
    )

    # baseline on a subset, checked against ours
    codes = plan.codes(ua._sobol_points(n, plan.d, fw.uncertainty.seed))[:n_base]
    draws = ua._draws(plan.prep, max(fw.uncertainty.data_draws, 1), fw.uncertainty.seed)
    frames = [pd.DataFrame(d, index=plan.prep.units, columns=plan.prep.indicators) for d in draws]
    choices = baseline_choices(plan, codes)
    t0 = time.perf_counter()
    base_ranks = [pandas_rebuild(plan, frames[c["draw"]], c) for c in choices]
    t_sub = time.perf_counter() - t0
    baseline = t_sub * n / n_base
    agree = np.mean(
        [np.array_equal(b.to_numpy().astype(int), res.ranks[i].astype(int)) for i, b in enumerate(base_ranks)]
    )
    print(
        f"baseline pandas_rebuild: {n_base} replications in {t_sub:.2f} s "
        f"({t_sub / n_base * 1e3:.1f} ms each), extrapolated linearly to {n:,}: {baseline:.0f} s; "
        f"identical rank vectors in {agree:.0%} of the subset"
    )

    # arithmetic floor
    rate = gemm_rate()
    macs = sum(UNITS * len(plan.prep.children[node]) for lvl in plan.node_levels for node in lvl)
    floor = 2 * macs * n / rate
    print(
        f"GEMM rate (numpy float64 matmul 2000^2): {rate / 1e9:.1f} GFLOP/s; "
        f"multiply-adds per replication {macs:,} -> {macs * n / 1e9:.2f} G MAC; "
        f"arithmetic floor {floor * 1e3:.0f} ms; ours = {ours / floor:.0f}x the floor "
        f"(replications alone {(ours - t_plan) / floor:.0f}x)"
    )
    print(f"RESULT index_uncertainty seconds={ours:.3f} baseline=pandas_rebuild ratio={baseline / ours:.1f}")


if __name__ == "__main__":
    main()
