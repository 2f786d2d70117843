"""Benchmark: the intervals behind the trend verdicts, vectorised vs the plain per-replicate path.

Two interval computations dominate `strata trends`:

* the institutions jackknife — 66 delete-one replicates, each recomputing every
  jurisdiction's profile, the Gower distance matrix and the summaries for every year;
* the regionalisation bootstrap of the bloc modularity — 1,000 reweighted trade networks.

Ours: ``institutions.Engine`` (matrix profiles for all years at once) and
``regionalisation.modularity_from_arrays`` (numpy).  Baseline (named ``per_replicate``): the
readable path a contributor would write first — ``institutions.profile``/``gower``/``summary``
per replicate and year, and ``networkx.community.modularity`` on a graph built per draw —
the same functions the tests use as reference.  Both paths give the same numbers (checked
here).  ``--quick`` times 10 jackknife replicates and 50 draws and scales up.

    python bench/trends_intervals.py [--quick]

Last line: ``RESULT trends_intervals seconds=<ours> baseline=per_replicate ratio=<baseline/ours>``.
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np
import pandas as pd

from computestrata.trends import institutions as ins
from computestrata.trends import regionalisation as reg


def synthetic_trade(n: int = 29, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """A dense 29-economy trade table like the Comtrade extract (values lognormal)."""
    rng = np.random.default_rng(seed)
    econ = [f"E{k:02d}" for k in range(n)]
    rows = [(a, b, float(rng.lognormal(18, 2))) for a in econ for b in econ if a != b]
    return pd.DataFrame(rows, columns=["exporter", "importer", "value"]), econ


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps, draws = (10, 50) if args.quick else (66, 1000)

    inst = ins.load()
    years = list(range(2015, 2027))
    n = len(inst.instruments)
    # ours: the jackknife through the engine
    t0 = time.perf_counter()
    eng = ins.Engine(inst, years)
    ours_j = []
    for k in range(reps):
        w = np.ones(n)
        w[k] = 0.0
        ours_j.append(eng.summaries(w))
    t_ours_j = (time.perf_counter() - t0) * 66 / reps
    # baseline: profile/gower/summary per replicate and year
    t0 = time.perf_counter()
    base_j = []
    for k in range(reps):
        kept = ins.InstrumentFile(
            inst.path, inst.version, inst.coder, inst.jurisdictions, inst.instruments[:k] + inst.instruments[k + 1 :]
        )
        base_j.append([ins.summary(ins.distances(kept, y))["mean_distance"] for y in years])
    t_base_j = (time.perf_counter() - t0) * 66 / reps
    assert np.allclose([r[:, 0] for r in ours_j], base_j, equal_nan=True)

    flows, econ = synthetic_trade()
    labels = ["us" if k < 12 else "cn" if k < 15 else "rest" for k in range(len(econ))]
    pos = {c: k for k, c in enumerate(econ)}
    e = flows["exporter"].map(pos).to_numpy()
    i = flows["importer"].map(pos).to_numpy()
    v = flows["value"].to_numpy()
    rng = np.random.default_rng(1)
    weights = [
        np.bincount(rng.integers(0, len(econ), len(econ)), minlength=len(econ))[e].astype(float) for _ in range(draws)
    ]
    t0 = time.perf_counter()
    c = reg.one_hot(labels)
    ours_m = [reg._modularity(len(econ), e, i, v * w, c) for w in weights]
    t_ours_m = (time.perf_counter() - t0) * 1000 / draws
    t0 = time.perf_counter()
    comms = [{econ[k] for k in range(len(econ)) if labels[k] == lab} for lab in ("us", "cn", "rest")]
    base_m = []
    for w in weights:
        g = nx.Graph()
        g.add_nodes_from(econ)
        for a, b, val in zip(e, i, v * w, strict=True):
            if val > 0:
                ea, eb = econ[a], econ[b]
                g.add_edge(ea, eb, weight=g[ea][eb]["weight"] + val if g.has_edge(ea, eb) else val)
        base_m.append(nx.community.modularity(g, comms, weight="weight"))
    t_base_m = (time.perf_counter() - t0) * 1000 / draws
    assert np.allclose(ours_m, base_m)

    ours = t_ours_j + t_ours_m
    base = t_base_j + t_base_m
    print(f"institutions jackknife (66 replicates × 12 years): ours {t_ours_j:.3f} s, per_replicate {t_base_j:.3f} s")
    print(f"modularity bootstrap (1,000 draws, 29 economies): ours {t_ours_m:.3f} s, per_replicate {t_base_m:.3f} s")
    print(f"RESULT trends_intervals seconds={ours:.3f} baseline=per_replicate ratio={base / ours:.1f}")


if __name__ == "__main__":
    main()
