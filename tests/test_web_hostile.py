"""Hostile text in the data (a TOP500 site name that is a script tag) comes out as plain
data in JSON and escaped in HTML and in chart labels."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from web_support import HOSTILE_LIST, HOSTILE_NAME, HOSTILE_SITE, hostile_atlas

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def evil(built_atlas: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_atlas(built_atlas, tmp_path_factory.mktemp("hostile") / "atlas")


@pytest.fixture(scope="module")
def client(evil: Path) -> TestClient:
    from computestrata.web.app import create_app

    return TestClient(create_app(evil))


def test_json_carries_the_text_as_plain_data(client: TestClient) -> None:
    rows = client.get(f"/api/top500/systems?list={HOSTILE_LIST}&top=3").json()["rows"]
    assert rows[0]["site"] == HOSTILE_SITE
    assert rows[0]["name"] == HOSTILE_NAME


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_html_escapes_it(client: TestClient, lang: str) -> None:
    html = client.get(f"/top500?lang={lang}").text
    assert HOSTILE_SITE not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_report_chart_labels_escape_it(client: TestClient) -> None:
    """The report charts the dashboard draws carry data text escaped (plotly reads some HTML)."""
    body = client.get("/api/report/figures?section=top500").text
    assert "<script>" not in body
