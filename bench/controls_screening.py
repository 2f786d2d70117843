"""Benchmark: screening party names against every list (26,161 parties with aliases).

Ours: :class:`computestrata.controls.screening.Lists` (names normalised once; the slow string
similarity only where a word prefix is shared).  Baseline (named ``difflib_all``): what a user
would write without computestrata — ``difflib.SequenceMatcher(...).ratio()`` of the lower-cased
query against every listed name and alias.  The run prints for how many of the timed names both
return the same top party (plain similarity misses acronyms such as "SMIC" that our alias and
word matching finds).  Also times one equipment verdict with an end user (screening + FDP +
end-use layers; includes the first load of the rule data).

    python bench/controls_screening.py [--quick] [--raw ../shared/data]

Last line: ``RESULT controls_screening ms_per_name=<ours> baseline=difflib_all ratio=<baseline/ours>``.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NAMES = [
    "SMIC",
    "Yangtze Memory Technologies",
    "YMTC",
    "Huawei Technologies",
    "Inspur",
    "Sugon",
    "Biren Technology",
    "Moore Threads",
    "Cambricon",
    "Shanghai Micro Electronics Equipment",
    "Zhipu AI",
    "Sophgo",
    "TechInsights",
    "Fujian Jinhua",
    "National University of Defense Technology",
    "Phytium",
    "Hygon",
    "Nettrix",
    "Peng Cheng Laboratory",
    "Wuhan Xinxin",
]


def rows(raw: Path) -> list[dict[str, Any]]:
    """The ``screening_parties`` rows, straight from the raw files (no atlas needed)."""
    from computestrata.atlas.loaders import get
    from computestrata.atlas.loaders.base import BuildContext

    ctx = BuildContext(raw=raw)
    get("countries")(ctx)
    res = get("entity_lists")(ctx)
    return [{str(k): v for k, v in r.items()} for r in res.tables["screening_parties"].to_dict("records")]


def baseline(parties: list[dict[str, Any]], name: str) -> str:
    q = name.lower()
    best, who = 0.0, ""
    for p in parties:
        for n in [p["name"], *(p.get("aliases") or [])]:
            r = difflib.SequenceMatcher(None, q, str(n).lower()).ratio()
            if r > best:
                best, who = r, p["name"]
    return who


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="5 names instead of 20")
    ap.add_argument("--raw", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args()
    from computestrata.controls.screening import Lists

    parties = rows(args.raw)
    names = NAMES[:5] if args.quick else NAMES
    t0 = time.perf_counter()
    lists = Lists(parties)
    prep = time.perf_counter() - t0
    ours = []
    for n in names:
        t = time.perf_counter()
        lists.screen(n, date(2026, 7, 31), "all")
        ours.append(time.perf_counter() - t)
    base = []
    same = 0
    for n in names[:3]:  # the baseline is slow; three names give a stable per-name figure
        t = time.perf_counter()
        who = baseline(parties, n)
        base.append(time.perf_counter() - t)
        top = lists.screen(n, date(2026, 7, 31), "all").rows
        same += bool(top) and top[0]["name"] == who
    from computestrata.controls.items_beyond import classify_item

    t = time.perf_counter()
    classify_item(
        "equipment", "3B993.f.1", "CHN", "2025-06-01", end_user="SMIC", made_in="KOR", us_tech=True, screening=lists
    )
    verdict = time.perf_counter() - t
    ms_ours = 1000 * statistics.median(ours)
    ms_base = 1000 * statistics.median(base)
    print(f"parties: {len(parties):,}; normalising once: {prep:.2f} s")
    print(f"ours: median {ms_ours:.1f} ms per name over {len(names)} names (all lists)")
    print(f"baseline difflib_all: median {ms_base:.1f} ms per name over {len(base)} names")
    print(f"same top party as the baseline: {same} of {len(base)}")
    print(f"one equipment verdict with --end-user (screening + FDP + layers): {1000 * verdict:.1f} ms")
    print(f"RESULT controls_screening ms_per_name={ms_ours:.1f} baseline=difflib_all ratio={ms_base / ms_ours:.2f}")


if __name__ == "__main__":
    main()
