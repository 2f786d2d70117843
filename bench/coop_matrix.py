"""Benchmark: the cooperation space of every ordered pair of 200 countries on one date.

Ours: :func:`computestrata.cooperation.api.matrix` — vectorised over pairs (N×N arrays per
segment), the controls engine asked once per segment and destination group.  Timed cold: the
caches of evidence and controls verdicts are cleared first, so the time includes reading the
atlas, the stack shares, the trade tables and classifying the representative items.

Baseline (named ``pair_per_pair``): what the CLI's ``strata coop pair`` does, called once per
ordered pair — :func:`computestrata.cooperation.api.pair` — on a random sample of pairs in the
same run, with its caches warm (the most favourable case for the baseline), extrapolated
linearly to all pairs.  The sample's classes are also checked against the matrix.

    python bench/coop_matrix.py [--quick] [--atlas DIR] [--date 2025-06-01]

``--quick``: 60 countries (3,540 pairs), 15 sampled pairs.  Last line:
``RESULT coop_matrix seconds=<ours> baseline=pair_per_pair ratio=<baseline/ours>``.
"""

from __future__ import annotations

import argparse
import random
import time


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--atlas", default=None)
    p.add_argument("--date", default="2025-06-01")
    p.add_argument("--countries", type=int, default=None, help="how many countries (default 200; 60 with --quick)")
    p.add_argument("--sample", type=int, default=None, help="pairs for the baseline (default 60; 15 with --quick)")
    args = p.parse_args()
    n = args.countries or (60 if args.quick else 200)
    k = args.sample or (15 if args.quick else 60)

    from computestrata.atlas import store
    from computestrata.controls.regime import load
    from computestrata.cooperation import api, controls_view, evidence
    from computestrata.cooperation.matrix import default_countries

    atlas = store.open(args.atlas)
    regime = load()
    pool = default_countries(atlas, regime)
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} countries with data; ask for --countries {len(pool)} or fewer")
    countries = pool[:n]
    pairs = n * (n - 1)

    controls_view.clear_caches()
    evidence.clear_caches()
    t0 = time.perf_counter()
    m = api.matrix(atlas, args.date, countries, regime=regime)
    ours = time.perf_counter() - t0
    assert len(m.frame) == pairs

    rng = random.Random(11)
    sample = [tuple(rng.sample(countries, 2)) for _ in range(k)]
    api.pair(atlas, sample[0][0], sample[0][1], args.date, regime=regime)  # warm the baseline's caches
    t0 = time.perf_counter()
    results = [api.pair(atlas, a, b, args.date, regime=regime) for a, b in sample]
    per_pair = (time.perf_counter() - t0) / k
    baseline = per_pair * pairs

    mismatches = 0
    for (a, b), r in zip(sample, results, strict=True):
        i, j = m.countries.index(a), m.countries.index(b)
        for s in r.segments:
            mismatches += ("restricted", "limited", "open")[m.classes[s.segment_id][i, j]] != s.klass
    print(f"countries {n}, ordered pairs {pairs}, segments {len(m.classes)}, destination groups {m.destination_groups}")
    print(f"ours (vectorised matrix, cold): {ours:.2f} s  (target <= 60 s for 200 countries)")
    print(
        f"baseline pair_per_pair: {per_pair * 1000:.1f} ms per pair on {k} sampled pairs (warm)"
        f" -> {baseline:.0f} s extrapolated"
    )
    print(
        f"sampled pairs whose segment classes differ from the matrix: {mismatches}"
        f" of {k * len(m.classes)} segment classes"
    )
    print(f"RESULT coop_matrix seconds={ours:.3f} baseline=pair_per_pair ratio={baseline / ours:.1f}")


if __name__ == "__main__":
    main()
