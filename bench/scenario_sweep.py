"""Benchmark: scenario sweep throughput, local processes vs a Dask LocalCluster, and where an
evaluation's time goes.

The workload is the issue's: 10,000 evaluations of the ``baseline`` scenario, 2025–2035, the
KOR–CHN pair — scrambled Sobol rows over every uncertain parameter, run through
:func:`computestrata.scenarios.sweep.evaluate_rows` (the parallel part of every sweep).  The
named baseline is the target (``target_10000``: 10,000 evaluations per minute on this 2-core
machine with the local executor), so the ratio is evaluations per minute ÷ 10,000.

Then the same rows on a Dask ``LocalCluster`` (2 worker processes, 1 thread each, loopback):
its overhead over local must stay ≤ 25 %; the results must be identical.  Last, a profile of
``model.evaluate`` (cProfile, in this process) says where an evaluation's time goes.

    python bench/scenario_sweep.py [--quick] [--n N] [--atlas DIR] [--no-dask]

``--quick``: 1,000 evaluations.  Last line:
``RESULT scenario_sweep evals_per_min=<v> baseline=target_10000 ratio=<v/10000>``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path
from typing import Any

TARGET = 10_000  # evaluations per minute (issue 13)


def _rows(params: list[Any], n: int, seed: int) -> Any:
    """The first ``n`` points of a scrambled Sobol sample (the index engine's sampler), scaled."""
    import numpy as np

    from computestrata.measure.index.uncertainty import _sobol_points

    sampled = [p for p in params if p.uncertain]
    u = _sobol_points(n, len(sampled), seed)
    lows = np.array([p.low for p in sampled])
    highs = np.array([p.high for p in sampled])
    return sampled, np.clip(lows + u * (highs - lows), lows, highs)


def _cpu() -> float:
    """CPU seconds of the calling process (user + system, all its threads)."""
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _profile(chunk: Any, job: Any, rows: Any, n: int) -> tuple[list[tuple[str, float]], list[tuple[str, float, int]]]:
    """Share of a sweep chunk's time per function (``chunk(job, rows)``, what a worker runs, ``n``
    times): own time (biggest first), and cumulative time with calls per chunk for the model's
    and the concentration maths' functions."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        chunk(job, rows)
    prof.disable()
    stats = pstats.Stats(prof)
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in table.values())
    own, cumulative = [], []
    for (file, line, fn), v in table.items():
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}({fn})" if file != "~" else fn
        own.append((where, v[2] / total))
        if file.endswith(("scenarios/model.py", "scenarios/sweep.py", "maths/concentration.py")) and not fn.startswith(
            "<"
        ):
            cumulative.append((where, v[3] / total, v[1] // n))
    return sorted(own, key=lambda r: -r[1]), sorted(cumulative, key=lambda r: -r[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1,000 evaluations instead of 10,000")
    ap.add_argument("--atlas", default=os.environ.get("STRATA_ATLAS"), help="atlas directory (default: shipped)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument(
        "--n",
        type=int,
        default=None,
        help="evaluations (default 10,000; e.g. 200,000 to see Dask's fixed cost amortised)",
    )
    args = ap.parse_args()

    import numpy as np

    from computestrata.atlas import store
    from computestrata.scenarios import model, spec
    from computestrata.scenarios.executor import DaskExecutor, LocalExecutor, default_workers
    from computestrata.scenarios.sweep import Job, Range, evaluate_chunk, evaluate_rows

    n = args.n or (1_000 if args.quick else 10_000)
    print(f"machine: {os.cpu_count()} cores, {default_workers()} usable; load average {os.getloadavg()[0]:.1f}")
    atlas = store.open(Path(args.atlas) if args.atlas else None)
    sc = spec.load_scenario(args.scenario)
    t0 = time.perf_counter()
    prepared = model.prepare(atlas, sc, pair=("KOR", "CHN"), to_year=2035)
    t_prep = time.perf_counter() - t0
    params = [Range(k, p.central, p.low, p.high, p.source) for k, p in sc.parameters.items()]
    sampled, rows = _rows(params, n, seed=1)
    central = {p.name: p.central for p in params}
    outputs = tuple(model.evaluate(prepared, central))
    job = Job(
        evaluate=model.evaluate,
        prepared=prepared,
        names=tuple(p.name for p in sampled),
        fixed=central,
        outputs=outputs,
        evaluate_many=getattr(model, "evaluate_many", None),
    )
    print(
        f"scenario {args.scenario}, KOR–CHN, {prepared.years[0]}–{prepared.years[-1]}: {len(sampled)} uncertain "
        f"parameters, {len(outputs)} outputs; prepare (atlas reads, controls, cooperation) {t_prep:.2f} s, once"
    )

    # one process, no executor: the floor the pool divides
    k = min(300, n)
    t0 = time.perf_counter()
    evaluate_chunk(job, rows[:k])
    serial = (time.perf_counter() - t0) / k
    print(f"serial, in process: {serial * 1e3:.2f} ms per evaluation ({60 / serial:,.0f} per minute on one core)")

    import resource

    before, me = resource.getrusage(resource.RUSAGE_CHILDREN), _cpu()
    t0 = time.perf_counter()
    local_y = evaluate_rows(job, rows, LocalExecutor())  # the pool is joined on exit: its CPU time is ours
    t_local = time.perf_counter() - t0
    after, me = resource.getrusage(resource.RUSAGE_CHILDREN), _cpu() - me
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu_local = cpu + me  # workers + this process (cutting chunks, collecting results)
    rate = n / t_local * 60
    print(
        f"local executor ({default_workers()} processes): {n:,} evaluations in {t_local:.2f} s = "
        f"{rate:,.0f} per minute ({t_local / n * 1e3:.2f} ms each)"
    )
    print(
        f"  worker CPU time {cpu:.1f} s = {cpu / n * 1e3:.2f} ms per evaluation; with {default_workers()} free cores "
        f"that is {default_workers() * 60 * n / cpu:,.0f} per minute (load average now {os.getloadavg()[0]:.1f}: "
        f"the wall-clock figure above shares the cores with it)"
    )

    if not args.no_dask:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        with (
            LocalCluster(
                n_workers=default_workers(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
            ) as cluster,
            Client(cluster, set_as_default=False) as meter,  # reads the workers' CPU clocks
        ):
            t_up = time.perf_counter() - t0
            runs = []
            for _ in ("cold", "warm"):  # cold: fresh workers import numpy, scipy, the model; warm: a running cluster
                w0, me = sum(meter.run(_cpu).values()), _cpu()
                t0 = time.perf_counter()
                dask_y = evaluate_rows(job, rows, DaskExecutor(cluster.scheduler_address, timeout=30))
                t_dask = time.perf_counter() - t0
                # workers + this process (scheduler, nannies and client run in it)
                cpu_dask = sum(meter.run(_cpu).values()) - w0 + _cpu() - me
                runs.append((t_dask, cpu_dask))
                if not np.array_equal(local_y, dask_y, equal_nan=True):
                    raise SystemExit("dask and local results differ")
        for label, (t_dask, cpu_dask) in zip(("cold workers", "warm workers"), runs, strict=True):
            print(
                f"dask LocalCluster ({default_workers()} worker processes, {label}): {t_dask:.2f} s incl. connect "
                f"+ scatter ({n / t_dask * 60:,.0f} per minute); overhead over local: wall clock "
                f"{t_dask / t_local - 1:+.1%}, CPU time {cpu_dask / cpu_local - 1:+.1%} "
                f"({cpu_dask:.1f} s vs {cpu_local:.1f} s) (target ≤ +25 %)"
            )
        print(f"  cluster start {t_up:.2f} s (not counted); results identical to local: True")

    from computestrata.scenarios.sweep import chunk_rows

    size = chunk_rows(n)
    reps = max(1, 2_000 // size)
    t0 = time.perf_counter()
    for _ in range(reps):
        evaluate_chunk(job, rows[:size])
    per = (time.perf_counter() - t0) / (reps * size)
    print(f"one sweep chunk of {size} rows (unprofiled): {per * 1e6:.1f} µs per evaluation")
    own, cumulative = _profile(evaluate_chunk, job, rows[:size], reps)
    print(f"where a chunk's time goes (cProfile, {reps} chunks of {size} rows) — cumulative, with calls per chunk:")
    for where, share, calls in cumulative[:10]:
        print(f"  {share:6.1%}  {calls:4d}×  {where}")
    print("  own time, biggest first:")
    for where, share in own[:8]:
        print(f"  {share:6.1%}  {where}")
    print(f"RESULT scenario_sweep evals_per_min={rate:.0f} baseline=target_{TARGET} ratio={rate / TARGET:.2f}")


if __name__ == "__main__":
    main()
