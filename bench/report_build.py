"""Benchmark: full ``strata report`` build (every section, page, plotly.js copy).

Target (issue 14): a full report build in at most 20 s on the 2-core machine.  The RESULT
line's baseline is that target (``target_20s``) and its ratio is target ÷ measured (≥ 1 meets
it).  Per-section times show where the time goes (each section calls its part's API), and
the process CPU time is printed beside the wall time: on the shared machine other jobs
stretch the wall time, the CPU time says what the build itself costs.

    python bench/report_build.py [--quick] [--atlas DIR]

``--quick`` builds once in English; the full run builds en, ko and zh and reports the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0


def section_times(atlas: object, lang: str) -> dict[str, tuple[float, float]]:
    from computestrata.i18n import use_lang
    from computestrata.report import api
    from computestrata.report.sections.common import Context

    out = {}
    with use_lang(lang):
        for key, _title, _tables, build in api._sections():
            t0, c0 = time.perf_counter(), time.process_time()
            build(Context(atlas=atlas, lang=lang, pair=api.DEFAULT_PAIR, on=None))  # type: ignore[arg-type]
            out[key] = (time.perf_counter() - t0, time.process_time() - c0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--atlas", type=Path, default=None)
    args = parser.parse_args()
    from computestrata.atlas import store
    from computestrata.report.api import build_report

    langs = ["en"] if args.quick else ["en", "ko", "zh"]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in langs:
            a = store.open(args.atlas)  # a fresh atlas each run: no warm caches from the last build
            t0, c0 = time.perf_counter(), time.process_time()
            res = build_report(a, Path(tmp) / f"r-{lang}", lang=lang)
            times.append(time.perf_counter() - t0)
            cpu = time.process_time() - c0
            size = res.path.stat().st_size
            print(f"{lang}: {times[-1]:.2f} s wall, {cpu:.2f} s CPU, {len(res.sections)} sections, {size:,} bytes")
            a.close()
    a = store.open(args.atlas)
    for key, (wall, cpu) in section_times(a, "en").items():
        print(f"  section {key}: {wall:.2f} s wall, {cpu:.2f} s CPU (warm)")
    med = statistics.median(times)
    print(f"RESULT report_build seconds={med:.2f} baseline=target_20s ratio={TARGET_SECONDS / med:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
