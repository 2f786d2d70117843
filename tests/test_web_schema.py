"""Property tests of the JSON API against its own OpenAPI schema (schemathesis): generated
parameters never make a 5xx, and every answer conforms to what `/openapi.json` says.

Bounded: a few examples per route (slow routes fewer), so the run takes a minute or two."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

pytestmark = pytest.mark.integration

#: routes whose every call recomputes seconds of work: fewer examples
SLOW = (
    "/api/trends",
    "/api/coop/matrix",
    "/api/coop/timeline",
    "/api/coop/third-markets",
    "/api/network/solve",
    "/api/measure/estimates",
    "/api/measure/table1",
    "/api/controls/matrix",
    "/api/report/figures",
    "/api/scenarios/run",
    "/api/scenarios/bands",
)


@pytest.fixture(scope="module")
def operations(built_atlas: Path) -> dict[str, object]:
    from computestrata.web.app import create_app

    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(built_atlas))
    return {op.ok().path: op.ok() for op in schema.get_all_operations()}


def test_schema_lists_every_route(operations: dict[str, object]) -> None:
    assert len(operations) >= 20
    assert set(SLOW) <= set(operations)


ROUTES = [
    "/api/meta",
    "/api/top500/countries",
    "/api/top500/systems",
    "/api/top500/series",
    "/api/stack/segments",
    "/api/stack/chokepoints",
    "/api/stack/concentration",
    "/api/stack/exposure",
    "/api/controls/classify",
    "/api/controls/matrix",
    "/api/controls/screen",
    "/api/measure/estimates",
    "/api/measure/table1",
    "/api/measure/concentration",
    "/api/index/ranks",
    "/api/coop/pair",
    "/api/coop/timeline",
    "/api/coop/matrix",
    "/api/coop/third-markets",
    "/api/trends",
    "/api/network/cases",
    "/api/network/solve",
    "/api/report/figures",
    "/api/scenarios",
    "/api/scenarios/run",
    "/api/scenarios/bands",
]


def _bound(path: str, query: dict[str, object], keep: bool = False) -> dict[str, object]:
    """The slow routes keep generated values but cheap settings, so the run stays bounded
    (``keep``: only fill parameters the case does not set, so an invalid one stays invalid)."""
    if keep:
        return {**_bound(path, {}), **query}
    q = dict(query)
    if path == "/api/trends":
        q.update(kind="institutions", robust="false")
    if path == "/api/coop/matrix":
        q["countries"] = "KOR,CHN,USA"
    if path in ("/api/measure/estimates", "/api/measure/table1"):
        q["draws"] = 100
    if path == "/api/network/solve":
        q["hours"] = 1
    if path == "/api/scenarios/bands":
        q["n"] = 8
    if path in ("/api/coop/timeline",):
        q.update({"from": 2024, "to": 2025})
    return q


@pytest.mark.parametrize("path", ROUTES)
def test_route_conforms_to_its_schema(operations: dict[str, object], path: str) -> None:
    from hypothesis import given

    op = operations[path]
    n = 2 if path in SLOW else 8

    @given(case=op.as_strategy())  # type: ignore[attr-defined]
    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case: object) -> None:
        case.query = _bound(path, case.query or {})  # type: ignore[attr-defined]
        response = case.call(timeout=600)  # type: ignore[attr-defined]
        assert response.status_code < 500, (path, case.query, response.text[:500])  # type: ignore[attr-defined]
        ctype = response.headers.get("content-type") or [""]  # type: ignore[attr-defined]
        assert (ctype[0] if isinstance(ctype, list) else ctype).startswith("application/json")
        if response.status_code >= 400:
            assert response.json()["error"], response.text
        op.validate_response(response)  # type: ignore[attr-defined]

    check()


@pytest.mark.parametrize("path", [r for r in ROUTES if r not in ("/api/meta", "/api/network/cases", "/api/scenarios")])
def test_invalid_parameters_get_4xx_never_5xx(operations: dict[str, object], path: str) -> None:
    """schemathesis' negative mode: parameters that break the schema (wrong types, out of range,
    bad patterns) are refused with a 4xx and a message before any work is done."""
    from hypothesis import given
    from schemathesis import GenerationMode

    op = operations[path]

    @given(case=op.as_strategy(generation_mode=GenerationMode.NEGATIVE))  # type: ignore[attr-defined]
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case: object) -> None:
        case.query = _bound(path, case.query or {}, keep=True)  # type: ignore[attr-defined]
        response = case.call(timeout=600)  # type: ignore[attr-defined]
        assert response.status_code < 500, (path, case.query, response.text[:500])  # type: ignore[attr-defined]
        if response.status_code >= 400:
            assert response.json()["error"], response.text

    check()
