"""The dashboard in a real browser (Playwright driving Debian's Chromium): every page in
en/ko/zh loads without console errors or failed requests, a changed control re-draws the
chart with other data, hostile data text stays text, and screenshots are kept in
``tests/artifacts/`` to look at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("httpx")

from computestrata.web.load import Server  # noqa: E402
from web_support import HOSTILE_SITE, hostile_atlas  # noqa: E402

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def server(built_atlas: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # the hostile copy: every page must also survive a site name that is a script tag
    evil = hostile_atlas(built_atlas, tmp_path_factory.mktemp("browser") / "atlas")
    with Server(evil, timeout=120) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Watch:
    """Console errors, page errors, failed and 4xx/5xx requests and dialogs of one page."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))


def _idle(page: Any, timeout: float = 120_000) -> None:
    # a selector, not wait_for_function: the page's CSP (rightly) forbids eval
    page.wait_for_selector("main#page[data-state='idle']", state="attached", timeout=timeout)


def _data(page: Any, div: str) -> Any:
    return page.evaluate(
        "(id) => { const d = document.getElementById(id);"
        " return d && d.data ? JSON.parse(JSON.stringify(d.data)) : null; }",
        div,
    )


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _open(browser: Any, url: str) -> tuple[Any, Any, Watch]:
    # the reader's browser speaks the page's language (Chromium draws date inputs in its own locale)
    lang = url.rpartition("lang=")[2][:2] or "en"
    locale = {"en": "en-US", "ko": "ko-KR", "zh": "zh-CN"}.get(lang, "en-US")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(url)
    _idle(page)
    return ctx, page, watch


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_top500_page(server: Server, browser: Any, lang: str) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/top500?lang={lang}")
    before = _data(page, "countries-chart")
    assert before and before[0]["y"], "the countries chart has no data"
    history = _data(page, "history-chart")
    assert history and len(history[0]["x"]) > 10
    # the hostile site name is shown as text, never run
    cells = page.eval_on_selector_all("#systems-table tbody td", "tds => tds.map(t => t.textContent)")
    assert HOSTILE_SITE in cells
    _shot(page, f"top500-{lang}")
    page.select_option("#list", "2010-11")
    _idle(page)
    after = _data(page, "countries-chart")
    assert after[0]["y"] != before[0]["y"]
    cells = page.eval_on_selector_all("#systems-table tbody td", "tds => tds.map(t => t.textContent)")
    assert HOSTILE_SITE not in cells  # the table follows the list
    page.select_option("#country", "CHN")
    _idle(page)
    assert _data(page, "history-chart")[0]["y"] != history[0]["y"]
    _shot(page, f"top500-{lang}-changed")
    assert watch.problems == []
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_coop_page(server: Server, browser: Any, lang: str) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/coop?lang={lang}")
    before = _data(page, "pair-chart")
    assert before and before[0]["x"]
    _shot(page, f"coop-{lang}")
    page.select_option("#b", "USA")
    _idle(page)
    after = _data(page, "pair-chart")
    assert after[0]["x"] != before[0]["x"]
    assert watch.problems == []
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_controls_page(server: Server, browser: Any, lang: str) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/controls?lang={lang}")
    before = _data(page, "matrix-chart")
    assert before and sum(sum(t["y"]) for t in before) > 0
    _shot(page, f"controls-{lang}")
    page.select_option("#dates", "2022-06-01,2023-12-01")
    _idle(page)
    after = _data(page, "matrix-chart")
    assert json.dumps(after) != json.dumps(before)
    assert watch.problems == []
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_report_page(server: Server, browser: Any, lang: str) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/report?lang={lang}")
    first = _data(page, "figure-0")
    assert first
    _shot(page, f"report-{lang}")
    page.select_option("#section", "chokepoints")
    _idle(page)
    second = _data(page, "figure-0")
    assert second and json.dumps(second) != json.dumps(first)
    _shot(page, f"report-{lang}-chokepoints")
    assert watch.problems == []
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_scenarios_page(server: Server, browser: Any, lang: str) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/scenarios?lang={lang}")
    before = _data(page, "scenario-chart")
    assert before and before[0]["y"]
    # shares drawn in percent, like the bands below: the leading country holds more than 1 %
    assert max(v for t in before for v in t["y"] if v is not None) > 1
    bands = _data(page, "bands-chart")
    _assert_bands(bands)
    caption = page.text_content("#bands-caption") or ""
    assert "seed 0" in caption or "시드 0" in caption or "种子 0" in caption  # the sample is stated
    _shot(page, f"scenarios-{lang}")
    page.select_option("#scenario", "no_yard")
    _idle(page)
    after = _data(page, "scenario-chart")
    assert json.dumps(after) != json.dumps(before)
    fenced = _data(page, "bands-chart")
    _assert_bands(fenced)
    assert json.dumps(fenced) != json.dumps(bands)
    # the posture's start date is drawn: the open-share band is wider than a line somewhere
    lower, upper = _band_edges(fenced, "y2")
    assert any(hi - lo > 1 for lo, hi in zip(lower, upper, strict=True))
    _shot(page, f"scenarios-{lang}-no_yard")
    assert watch.problems == []
    ctx.close()


def _band_edges(traces: list[dict[str, Any]], axis: str) -> tuple[list[float], list[float]]:
    """The p5 (filled) and p95 edges of the band drawn on ``axis``."""
    on = [t for t in traces if t.get("yaxis", "y") == axis]
    i = next(i for i, t in enumerate(on) if t.get("fill") == "tonexty")
    return on[i]["y"], on[i - 1]["y"]


def _assert_bands(traces: list[dict[str, Any]]) -> None:
    """Two panels, each a p5–p95 band (p5 filled up to p95) with the median inside it."""
    assert traces, "no band chart"
    for axis in ("y", "y2"):
        lower, upper = _band_edges(traces, axis)
        median = next(t for t in traces if t.get("yaxis", "y") == axis and t.get("legendgroup") == "median")["y"]
        assert len(lower) == len(upper) == len(median) >= 10
        assert all(lo <= mid + 1e-9 and mid <= hi + 1e-9 for lo, mid, hi in zip(lower, median, upper, strict=True))
    lower, upper = _band_edges(traces, "y")
    assert any(hi - lo > 1 for lo, hi in zip(lower, upper, strict=True))  # China's share: a real band (points)


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_date_is_typed_as_iso_in_every_browser_locale(server: Server, browser: Any, lang: str) -> None:
    """An American browser on a Korean or Chinese page: the date reads 2025-06-01, not 06/01/2025;
    a mistyped date is marked and not sent; a good one redraws the chart."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(f"{server.url}/coop?lang={lang}")
    _idle(page)
    date = page.locator("#date")
    assert date.get_attribute("type") == "text" and date.input_value() == "2025-06-01"
    assert date.get_attribute("lang") == lang
    before = _data(page, "pair-chart")
    requests: list[str] = []
    page.on("request", lambda r: "/api/coop/pair" in r.url and requests.append(r.url))
    for bad in ("06/01/2025", "2025-02-30", "1999-01-01"):
        date.fill(bad)
        date.press("Tab")  # commits the value: "change"
        assert date.get_attribute("aria-invalid") == "true", bad
    assert requests == []
    date.fill("2019-06-01")
    date.press("Tab")
    _idle(page)
    assert date.get_attribute("aria-invalid") == "false"
    assert requests and "date=2019-06-01" in requests[-1]
    assert json.dumps(_data(page, "pair-chart")) != json.dumps(before)
    _shot(page, f"coop-{lang}-date")
    assert watch.problems == []
    ctx.close()


def test_home_and_language_switch(server: Server, browser: Any) -> None:
    ctx, page, watch = _open(browser, f"{server.url}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#lang-select", "ko")
    page.wait_for_url("**lang=ko**")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert "대시보드" in page.title()
    _shot(page, "home-ko")
    assert watch.problems == []
    ctx.close()
