"""Benchmark: full atlas build from the raw files, cold CLI start, warm query.

Baseline (named ``pandas_naive``): what a user would write without computestrata —
read every raw file the build reads with plain ``pandas.read_csv`` / ``read_excel``
(pandas' default engines: xlrd for .xls, openpyxl for .xlsx; no validation, no unit
normalisation, no provenance).  The build reads spreadsheets with calamine.

    python bench/atlas_build.py [--quick] [--raw ../shared/data]

``--quick`` builds a smaller raw folder — the country files and the TOP500 lists from 2015
on (linked, not copied) — and compares against the baseline on the same files.  Last line:
``RESULT atlas_build seconds=<build> baseline=pandas_naive ratio=<baseline/build>``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# Raw files per loader, read by the naive baseline exactly as a user would.
BASELINE_FILES: dict[str, list[str]] = {
    "countries": ["country_codes/country-codes.csv", "wb_income_groups/wb_income_groups_FY2025.csv"],
    "top500": ["top500/raw/TOP500_*"],
    "epoch_hardware": ["epoch_ml_hardware/ml_hardware.csv"],
    "epoch_clusters": ["epoch_gpu_clusters/gpu_clusters.csv"],
    "epoch_models": ["epoch_ai_models/*.csv"],
    "epoch_chip_counts": ["epoch_ai_chip_counts/*.csv"],
    "epoch_data_centers": ["epoch_data_centers/*.csv"],
    "cset": ["eto_chip_explorer/*.csv"],
    "energy": ["codecarbon_energy/*.csv"],
    "worldbank": ["worldbank_gdp_population/*.csv"],
    "paper_figures": ["seed_paper/figures.csv"],
    "compiled": ["compiled/*.csv"],
}
QUICK = ["countries", "top500"]
QUICK_FROM_YEAR = 2015


def expectations(quick: bool) -> Any:
    """The shipped raw-data manifest; in quick mode without the SOURCES.csv floor (the quick
    folder keeps only the lists since ``QUICK_FROM_YEAR``, so its SOURCES.csv is shorter)."""
    from computestrata.atlas.expectations import RawManifest, shipped_manifest

    man = shipped_manifest()
    return RawManifest(tuple(e for e in man.entries if e.file != "top500/raw/SOURCES.csv")) if quick else man


def quick_raw(raw: Path, tmp: Path) -> Path:
    """A raw folder with the country files and the TOP500 lists since ``QUICK_FROM_YEAR`` (symlinks)."""
    out = tmp / "raw"
    for rel in BASELINE_FILES["countries"]:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).symlink_to(raw / rel)
    (out / "top500" / "raw").mkdir(parents=True)
    keep = [f for f in (raw / "top500" / "raw").glob("TOP500_*") if int(f.stem[7:11]) >= QUICK_FROM_YEAR]
    for f in keep:
        (out / "top500" / "raw" / f.name).symlink_to(f)
    lines = (raw / "top500" / "raw" / "SOURCES.csv").read_text(encoding="utf-8").splitlines()
    names = {f.name for f in keep}
    kept = [lines[0], *(ln for ln in lines[1:] if ln.split(",", 1)[0] in names)]
    (out / "top500" / "raw" / "SOURCES.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out


def naive_load(raw: Path, loaders: list[str]) -> float:
    """Seconds for the pandas-only baseline over the same files."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore")  # pandas 3 deprecation notes on the xlrd engine
    t0 = time.perf_counter()
    for name in loaders:
        for pattern in BASELINE_FILES[name]:
            for f in sorted(raw.glob(pattern)):
                if f.name == "SOURCES.csv":
                    continue
                if f.suffix == ".xls":
                    import io

                    import xlrd

                    # the same quiet xlrd book the loader opens (xlrd otherwise prints OLE2 warnings)
                    pd.read_excel(xlrd.open_workbook(str(f), logfile=io.StringIO()), engine="xlrd")
                elif f.suffix == ".xlsx":
                    pd.read_excel(f)
                else:
                    skip = 4 if f.name.startswith("API_") else 0  # World Bank API files: 4 preamble rows
                    try:
                        pd.read_csv(f, low_memory=False, skiprows=skip)
                    except UnicodeDecodeError:
                        pd.read_csv(f, low_memory=False, skiprows=skip, encoding="latin-1")
    return time.perf_counter() - t0


def cold(cmd: list[str], n: int = 3) -> float:
    """Median wall seconds of a command in a fresh Python process."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--raw", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args()

    import pandas  # noqa: F401  (imported up front: neither side is charged for it)

    from computestrata.atlas.build import build
    from computestrata.atlas.loaders import LOADERS

    loaders = QUICK if args.quick else list(LOADERS)
    with tempfile.TemporaryDirectory() as tmp:
        raw = quick_raw(args.raw, Path(tmp)) if args.quick else args.raw
        out = Path(tmp) / "atlas"
        t0 = time.perf_counter()
        report = build(raw, out, only=loaders, expectations=expectations(args.quick))
        ours = time.perf_counter() - t0
        print(f"build ({len(loaders)} loaders): {ours:.2f} s")
        for name, sec in sorted(report.seconds.items(), key=lambda kv: -kv[1]):
            print(f"  {name:<20} {sec:7.3f} s")
        base = naive_load(raw, loaders)
        print(f"baseline pandas_naive (same files, no validation): {base:.2f} s")

        if not args.quick:
            strata = [sys.executable, "-m", "computestrata.cli"]
            help_s = cold([*strata, "--help"])
            q_s = cold([*strata, "top500", "countries", "--list", "2024-11", "--atlas", str(out), "--json"])
            print(f"cold `strata --help`: {help_s:.3f} s")
            print(f"cold `strata top500 countries --list 2024-11`: {q_s:.3f} s")
            from computestrata import top500
            from computestrata.atlas import store

            a = store.open(out)
            top500.countries("2024-11", atlas=a)  # warm up views
            reps = []
            for _ in range(20):
                t0 = time.perf_counter()
                top500.countries("2024-11", atlas=a)
                reps.append(time.perf_counter() - t0)
            print(f"warm top500.countries query: {statistics.median(reps) * 1000:.1f} ms (median of 20)")
    print(f"RESULT atlas_build seconds={ours:.3f} baseline=pandas_naive ratio={base / ours:.3f}")


if __name__ == "__main__":
    main()
