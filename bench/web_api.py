"""Warm API latency of `strata serve` at 50 concurrent clients (issue 14: p95 <= 100 ms).

Starts `strata serve` on a free loopback port (a separate process), asks each question
once to warm the per-(atlas, parameters, language) result cache, then sends N requests
from 50 concurrent clients and reports the latency percentiles.  The baseline is the
target itself: ratio = 100 ms / measured p95 (>= 1 meets it).

    python bench/web_api.py [--quick] [--atlas DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics

from computestrata.web.load import WARM_PATHS, Server, run_load

TARGET_MS = 100.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 requests instead of 10,000")
    ap.add_argument("--atlas", default=os.environ.get("STRATA_ATLAS"), help="atlas folder (default: shipped)")
    ap.add_argument("--clients", type=int, default=50)
    args = ap.parse_args()
    total = 2_000 if args.quick else 10_000
    with Server(args.atlas, timeout=120) as server:
        warm = run_load(server.url, WARM_PATHS, total=len(WARM_PATHS), clients=1)
        if warm.errors:
            raise SystemExit(f"warm-up failed: {warm.errors[:3]}")
        res = run_load(server.url, WARM_PATHS, total=total, clients=args.clients)
    p50, p95, p99 = (res.percentile(q) for q in (50, 95, 99))
    print(
        f"requests {total}, clients {args.clients}, errors {len(res.errors)}, {res.seconds:.1f} s "
        f"({total / res.seconds:.0f} req/s)"
    )
    print(
        f"latency ms: mean {statistics.fmean(res.latencies_ms):.1f}, p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f}, "
        f"max {max(res.latencies_ms):.1f}"
    )
    if res.errors:
        raise SystemExit(f"{len(res.errors)} errors, e.g. {res.errors[:3]}")
    print(f"RESULT web_api p95_ms={p95:.1f} baseline=target_100ms ratio={TARGET_MS / p95:.2f}")


if __name__ == "__main__":
    main()
