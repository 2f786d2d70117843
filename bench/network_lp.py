"""Benchmark: the hourly East-Data-West-Computing siting LP, linopy + HiGHS vs PuLP + CBC.

Ours (``computestrata.network.model.solve``): the model built with linopy, handed to HiGHS
through its direct API.  Without capacity build nothing couples one day to the next, so the
LP is solved day by day, each day warm-started from the previous day's basis (exact: the
objective equals the monolithic LP's, which the scaling rows check at small sizes).

Baseline (named ``pulp_cbc``): the same LP written in PuLP (3.x, Python 3.11) and solved as
one problem by its bundled CBC, as a user would.  CBC gets a time limit (``--cbc-limit``,
default 10x our time; CBC enforces it only in branch and bound, not in the root LP); if CBC
returns no optimal plan, the ratio is a lower bound and the line above the result says so.

Each measurement runs in its own process, so peak memory (max RSS) is per tool.

    python bench/network_lp.py [--quick] [--atlas DIR] [--cbc-limit SECONDS]

Sizes: periods of the EDWC case from a few hours (about 10^3 variables) to 8,760 hours
(about 10^6).  ``--quick`` stops at 480 hours.  Last line:
``RESULT network_lp seconds=<ours at the largest size> baseline=pulp_cbc ratio=<baseline/ours>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _instance(atlas: str | None, hours: int) -> Any:
    from computestrata.atlas import store
    from computestrata.network import case

    c = case.load("edwc", store.open(atlas))
    return case.instance(c, hours=hours, carbon_price=60.0)


def run_ours(atlas: str | None, hours: int) -> dict[str, Any]:
    import dask.array  # noqa: F401  (xarray imports it on the first DataArray: library import, not build)
    import linopy  # noqa: F401  (import time is not model build time)

    from computestrata.network.model import emissions_t, solve

    inst = _instance(atlas, hours)
    t0 = time.perf_counter()
    sol = solve(inst, duals=True)
    total = time.perf_counter() - t0
    return {
        "status": sol.status,
        "objective": sol.objective,
        "emissions_t": emissions_t(inst, sol),
        "n_variables": sol.n_variables,
        "n_constraints": sol.n_constraints,
        "build_s": sol.build_s,
        "solve_s": sol.solve_s,
        "total_s": total,
    }


def run_pulp(atlas: str | None, hours: int, limit: float) -> dict[str, Any]:
    """The same LP in PuLP, solved monolithically by CBC."""
    import math

    import numpy as np
    import pulp

    inst = _instance(atlas, hours)
    t0 = time.perf_counter()
    R, S, K, D, H = inst.shape
    w = inst.weight_h
    ok = inst.allowed()
    prob = pulp.LpProblem("edwc", pulp.LpMinimize)
    x: dict[tuple[int, ...], Any] = {}
    for i in range(R):
        for j in range(S):
            for k in range(K):
                if ok[i, j, k]:
                    for d in range(D):
                        for h in range(H):
                            x[i, j, k, d, h] = pulp.LpVariable(f"x_{i}_{j}_{k}_{d}_{h}", lowBound=0)
    u: dict[tuple[int, ...], Any] = {}
    for i in range(R):
        for k in range(K):
            if not math.isnan(inst.unserved_usd_mwh[k]):
                for d in range(D):
                    for h in range(H):
                        u[i, k, d, h] = pulp.LpVariable(f"u_{i}_{k}_{d}_{h}", lowBound=0)
    ren, grid = {}, {}
    for j in range(S):
        for d in range(D):
            for h in range(H):
                ren[j, d, h] = pulp.LpVariable(f"r_{j}_{d}_{h}", lowBound=0, upBound=float(inst.renewable_mw[j, d, h]))
                gl = inst.grid_limit_mw[j]
                grid[j, d, h] = pulp.LpVariable(
                    f"g_{j}_{d}_{h}", lowBound=0, upBound=float(gl) if np.isfinite(gl) else None
                )
    obj = []
    for (i, j, k, _d, _h), v in x.items():
        c = w * inst.net_cost_usd_mwh[i, j, k]
        if c:
            obj.append((v, float(c)))
    for (_i, k, _d, _h), v in u.items():
        obj.append((v, float(w * inst.unserved_usd_mwh[k])))
    for (j, _d, _h), v in grid.items():
        obj.append((v, float(w * (inst.price_usd_mwh[j] + inst.carbon_price * inst.ef_t_mwh[j]))))
    for (j, _d, _h), v in ren.items():
        obj.append((v, float(w * inst.ppa_usd_mwh[j])))
    prob += pulp.LpAffineExpression(obj)
    for i in range(R):
        for k in range(K):
            for d in range(D):
                hours_ = [list(range(H))] if inst.flexible[k] else [[h] for h in range(H)]
                for hs in hours_:
                    terms = [(x[i, j, k, d, h], 1.0) for j in range(S) for h in hs if (i, j, k, d, h) in x]
                    terms += [(u[i, k, d, h], 1.0) for h in hs if (i, k, d, h) in u]
                    prob += pulp.LpAffineExpression(terms) == float(inst.demand_mw[i, k, d, hs].sum())
    for j in range(S):
        for d in range(D):
            for h in range(H):
                load = [(x[i, j, k, d, h], 1.0) for i in range(R) for k in range(K) if (i, j, k, d, h) in x]
                prob += pulp.LpAffineExpression(load) <= float(inst.capacity_mw[j])
                pw = [(v, float(inst.pue[j])) for v, _ in load] + [(ren[j, d, h], -1.0), (grid[j, d, h], -1.0)]
                prob += pulp.LpAffineExpression(pw) == 0
    t1 = time.perf_counter()
    status = prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=limit))
    t2 = time.perf_counter()
    # CBC checks its time limit only in branch and bound, not in the root LP, so it may return
    # an optimal LP after the limit: then the time is real and the objective comparable.
    finished = pulp.LpStatus[status] == "Optimal"
    em = sum((grid[j, d, h].value() or 0.0) * inst.ef_t_mwh[j] for (j, d, h) in grid) * w
    return {
        "status": pulp.LpStatus[status] if finished else f"not solved ({pulp.LpStatus[status]})",
        "objective": pulp.value(prob.objective) if finished else None,
        "emissions_t": em if finished else None,
        "n_variables": len(prob.variables()),
        "build_s": t1 - t0,
        "solve_s": t2 - t1,
        "total_s": t2 - t0,
        "finished": finished,
    }


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        raise SystemExit(f"worker {args} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--atlas", default=None)
    ap.add_argument("--cbc-limit", type=float, default=None)
    ap.add_argument("--worker", choices=["ours", "pulp"], default=None)
    ap.add_argument("--hours", type=int, default=24)
    ap.add_argument("--limit", type=float, default=600.0)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    if a.worker:
        import resource

        res = run_ours(a.atlas, a.hours) if a.worker == "ours" else run_pulp(a.atlas, a.hours, a.limit)
        res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(res))
        return
    atlas = ["--atlas", a.atlas] if a.atlas else []
    sizes = [8, 96, 480] if a.quick else [8, 96, 960, 8760]
    rows = []
    print(
        f"{'hours':>6} {'vars':>10} {'ours build':>10} {'solve':>7} {'total':>7} {'RSS MB':>7} | "
        f"{'pulp build':>10} {'cbc':>8} {'total':>8} {'RSS MB':>7} {'ratio':>7} {'same obj':>8}"
    )
    for i, hours in enumerate(sizes):
        ours = _child(["--worker", "ours", "--hours", str(hours), *atlas])
        last = i == len(sizes) - 1
        limit = a.cbc_limit if a.cbc_limit is not None else max(60.0, 10 * ours["total_s"])
        base = _child(["--worker", "pulp", "--hours", str(hours), "--limit", str(limit), *atlas])
        ratio = base["total_s"] / ours["total_s"]
        same = (
            base["objective"] is not None
            and abs(base["objective"] - ours["objective"]) <= 1e-6 * abs(ours["objective"]) + 1e-3
        )
        rows.append((hours, ours, base, ratio, same))
        ge = "" if base["finished"] else ">="
        agree = "yes" if same else "n/a" if not base["finished"] else "NO"
        print(
            f"{hours:>6} {ours['n_variables']:>10,} {ours['build_s']:>10.2f} {ours['solve_s']:>7.2f} "
            f"{ours['total_s']:>7.2f} {ours['peak_rss_mb']:>7.0f} | {base['build_s']:>10.2f} {base['solve_s']:>8.2f} "
            f"{base['total_s']:>8.2f} {base['peak_rss_mb']:>7.0f} {ge}{ratio:>6.1f} {agree:>8}",
            flush=True,
        )
        if last:
            print(
                f"largest: {ours['n_variables']:,} variables, {ours['n_constraints']:,} constraints; "
                f"ours {ours['total_s']:.2f} s (build {ours['build_s']:.2f} s, solve {ours['solve_s']:.2f} s), "
                f"peak RSS {ours['peak_rss_mb']:.0f} MB; PuLP+CBC {base['status']} after {base['total_s']:.1f} s "
                f"(build {base['build_s']:.1f} s, CBC {base['solve_s']:.1f} s), peak RSS {base['peak_rss_mb']:.0f} MB"
            )
    hours, ours, base, ratio, _ = rows[-1]
    if not base["finished"]:
        print("note: PuLP+CBC stopped without an optimal plan: the ratio below is a lower bound")
    print(f"RESULT network_lp seconds={ours['total_s']:.3f} baseline=pulp_cbc ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
