"""A bounded load check on loopback: 50 concurrent clients, 10,000 API requests, no errors.
The p95 latency is printed (no timing assertion: the machine is shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from computestrata.web.load import WARM_PATHS, Server, run_load

pytestmark = pytest.mark.integration


def test_fifty_clients_ten_thousand_requests(built_atlas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Server(built_atlas, timeout=120) as server:
        warm = run_load(server.url, WARM_PATHS, total=len(WARM_PATHS), clients=1)  # fill the cache
        assert warm.errors == []
        res = run_load(server.url, WARM_PATHS, total=10_000, clients=50)
    assert res.errors == [], res.errors[:5]
    assert len(res.latencies_ms) == 10_000
    with capsys.disabled():
        print(
            f"\nload: 10000 requests, 50 clients, {res.seconds:.1f} s; p50 {res.percentile(50):.1f} ms, "
            f"p95 {res.percentile(95):.1f} ms, max {max(res.latencies_ms):.1f} ms"
        )
