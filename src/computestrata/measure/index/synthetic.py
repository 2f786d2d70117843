"""A synthetic index and panel of any size: for tests, benchmarks and demos.

Values are log-normal (skewed, like most capacity data) with a share missing and a ±band
recorded as p5/p95, so every step — imputation, outlier treatment, data noise — has work.
"""

from __future__ import annotations

from typing import Any

from computestrata.measure.index.config import Framework, parse
from computestrata.measure.index.engine import Panel


def framework_dict(
    n_ind: int = 30,
    pillars: int = 6,
    subindices: int = 2,
    steps: dict[str, Any] | None = None,
    uncertainty: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Framework config: indicators → pillars → sub-indices → index (sub-indices optional)."""
    inds = [
        {
            "id": f"x{i:02d}",
            "name": f"indicator {i}",
            "source": f"Synthetic|x{i:02d}",
            "parent": f"p{i % pillars}",
            "direction": -1 if i % 7 == 3 else 1,
            "weight": 1 + (i % 3),
        }
        for i in range(n_ind)
    ]
    aggs: list[dict[str, Any]] = []
    for p in range(pillars):
        parent = f"s{p % subindices}" if subindices else "index"
        aggs.append({"id": f"p{p}", "name": f"pillar {p}", "parent": parent})
    for s in range(subindices):
        aggs.append({"id": f"s{s}", "name": f"sub-index {s}", "parent": "index"})
    aggs.append({"id": "index", "name": "Synthetic index"})
    return {
        "id": "synthetic",
        "name": "Synthetic index",
        "indicators": inds,
        "aggregates": aggs,
        "steps": steps or {"normalise": {"method": "minmax", "range": [1, 100]}},
        "uncertainty": uncertainty or {},
    }


def framework(**kw: Any) -> Framework:
    return parse(framework_dict(**kw), origin="synthetic")


def panel(
    units: int = 200,
    n_ind: int = 30,
    years: tuple[int, ...] = (2023,),
    missing: float = 0.05,
    band: float = 0.2,
    seed: int = 0,
) -> Panel:
    """Long panel with ``missing`` share of gaps and p5/p95 = value·(1 ∓ band)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    unit_ids = [f"U{u:03d}" for u in range(units)]
    level = rng.normal(0, 1, size=units)
    rows = []
    for yi, y in enumerate(years):
        vals = (
            np.exp(0.6 * level[:, None] + rng.normal(0, 0.8, size=(units, n_ind)) + 0.05 * yi)
            * (1 + np.arange(n_ind))[None, :]
        )
        gone = rng.random((units, n_ind)) < missing
        for u in range(units):
            for i in range(n_ind):
                if gone[u, i]:
                    continue
                v = float(vals[u, i])
                rows.append((unit_ids[u], y, f"x{i:02d}", v, v * (1 - band), v * (1 + band), "synthetic"))
    df = pd.DataFrame(rows, columns=["unit", "year", "indicator", "value", "p5", "p95", "source_id"])
    groups = {u: ("high" if level[k] > 0 else "low") for k, u in enumerate(unit_ids)}
    return Panel(df, groups=groups)
