"""The dashboard's scenario bands (``/api/scenarios/bands``) are the report's: same seed, same
sample, same numbers, and the caption states them in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(built_atlas: Path) -> TestClient:
    from computestrata.web.app import create_app

    return TestClient(create_app(built_atlas))


def test_dashboard_bands_equal_the_report_s(client: TestClient, built_atlas: Path) -> None:
    from computestrata.atlas import store
    from computestrata.scenarios import bands

    r = client.get("/api/scenarios/bands?name=big_yard_high_fence&lang=zh")
    assert r.status_code == 200, r.text[:300]
    body: dict[str, Any] = r.json()
    a = store.open(built_atlas)
    try:
        ref = bands.scenario_bands(a, "big_yard_high_fence", pair=("KOR", "CHN"))
    finally:
        a.close()
    assert body["seed"] == bands.BAND_SEED and body["n_base"] == bands.BAND_N
    for metric in bands.METRICS:
        got, want = body["bands"][metric], ref.band(metric)
        assert got["years"] == want.years
        for key in ("p5", "median", "p95", "central"):
            assert got[key] == pytest.approx(getattr(want, key)), (metric, key)
    assert "种子 0" in body["caption"] and "参数不确定性" in body["caption"]
    assert body["title"].startswith("2027 年起大院高墙")  # the scenario's title, translated
    assert body["sources"] and any(s["source_id"].startswith("scenario:") for s in body["sources"])


def test_another_seed_or_sample_is_another_answer(client: TestClient) -> None:
    first = client.get("/api/scenarios/bands?name=baseline&n=8&seed=1").json()
    other = client.get("/api/scenarios/bands?name=baseline&n=8&seed=2").json()
    again = client.get("/api/scenarios/bands?name=baseline&n=8&seed=1").json()
    assert first["bands"] == again["bands"]
    assert first["bands"]["share.CHN"]["p95"] != other["bands"]["share.CHN"]["p95"]
    rounded = client.get("/api/scenarios/bands?name=baseline&n=9&seed=1").json()
    assert rounded["n_base"] == 16 and any("16" in n for n in rounded["notes"])  # rounded up, and said
