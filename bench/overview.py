"""Benchmark: ``strata overview`` from a cold start (a fresh process, as a user runs it).

Target (issue 9): ``strata overview`` in at most 3 s wall on the 2-core machine, and
``strata --help`` cold in at most 0.3 s.  The RESULT line's baseline is that target
(``target_3s``) and its ratio is target ÷ measured median (≥ 1 meets it).

Each run is a new Python process (imports, atlas connection, every section), timed from
outside; its CPU time (user + system, from the operating system) is printed beside the wall
time: on the shared machine other jobs stretch the wall time, the CPU time says what the
command itself costs.  The per-section table (one process, after the imports) shows where the
time goes.  The environment is used as it is; when it forbids bytecode files
(``PYTHONDONTWRITEBYTECODE``, so every module is compiled from source on every start), the full
run also times starts with bytecode cached in a temporary folder, as an installed package has.

    python bench/overview.py [--quick] [--runs N] [--atlas DIR]

``--quick``: 3 runs and no bytecode comparison; the full run: 5 runs (the median is reported).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0
HELP_TARGET_SECONDS = 0.3
ENTRY = "from computestrata.cli import main; main()"  # what the ``strata`` script runs


def cold_run(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and output size of one fresh ``strata ARGS`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", ENTRY, *args], env=env, capture_output=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(out.stdout)


def series(label: str, args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU of ``runs`` cold runs, each printed."""
    walls, cpus = [], []
    for i in range(runs):
        wall, cpu, size = cold_run(args, env)
        walls.append(wall)
        cpus.append(cpu)
        print(f"  {label} run {i + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, {size:,} bytes")
    return statistics.median(walls), statistics.median(cpus)


def section_times(atlas: Path | None) -> list[tuple[str, float, float]]:
    """(section, wall, CPU) of one overview in this process (imports of the sections included)."""
    from computestrata import overview as ov
    from computestrata.atlas import store

    a = store.open(atlas)
    rows: list[tuple[str, float, float]] = []
    strat = None
    for make in ov.SECTIONS:
        t0, c0 = time.perf_counter(), time.process_time()
        if make in (ov.stratification_section, ov.trends_section):
            strat = strat if strat is not None else ov.overview_stratification(a)
            make(a, strat)
        else:
            make(a)
        rows.append((make.__name__, time.perf_counter() - t0, time.process_time() - c0))
    a.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 runs, no bytecode comparison")
    parser.add_argument("--runs", type=int, default=None, help="cold runs (default 5, quick 3)")
    parser.add_argument("--atlas", type=Path, default=None, help="atlas folder (default: $STRATA_ATLAS or shipped)")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    env = dict(os.environ)
    if args.atlas is not None:
        env["STRATA_ATLAS"] = str(args.atlas)
    atlas = Path(env["STRATA_ATLAS"]) if env.get("STRATA_ATLAS") else None

    print(f"strata overview --json, cold, {runs} runs (load average {os.getloadavg()[0]:.1f})")
    cold_run(["overview", "--json"], env)  # warm the file cache once, untimed
    wall, cpu = series("overview", ["overview", "--json"], env, runs)
    help_wall, _ = series("--help", ["--help"], env, runs)
    if not args.quick and env.get("PYTHONDONTWRITEBYTECODE"):
        with tempfile.TemporaryDirectory() as tmp:
            cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": tmp}
            cold_run(["overview", "--json"], cached)  # writes the bytecode
            c_wall, c_cpu = series("overview (bytecode cached)", ["overview", "--json"], cached, runs)
        print(f"bytecode cached: median {c_wall:.2f} s wall, {c_cpu:.2f} s CPU")

    print("\nsections (one process, after start-up):")
    for name, w, c in section_times(atlas):
        print(f"  {name:24s} {w:6.2f} s wall {c:6.2f} s CPU")
    print(f"\noverview: median {wall:.2f} s wall, {cpu:.2f} s CPU (target ≤ {TARGET_SECONDS} s wall)")
    print(f"--help:   median {help_wall:.3f} s wall (target ≤ {HELP_TARGET_SECONDS} s)")
    print(f"RESULT overview seconds={wall:.3f} baseline=target_3s ratio={TARGET_SECONDS / wall:.2f}")


if __name__ == "__main__":
    main()
