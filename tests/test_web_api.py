"""The JSON API of `strata serve`: same envelope as the CLI, languages per request, bad
parameters answered with 4xx and a message, security headers, read-only atlas."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")

#: one cheap call per route (the slow ones — trends, coop matrix — have their own tests)
ROUTES = [
    "/api/top500/countries?list=2024-11",
    "/api/top500/systems?list=2024-11&top=5",
    "/api/top500/series?country=KOR",
    "/api/stack/segments?layer=L1",
    "/api/stack/chokepoints",
    "/api/stack/concentration",
    "/api/stack/exposure?country=CHN&cut=euv_lithography,hbm&from=USA,NLD,JPN",
    "/api/controls/classify?dest=CHN&date=2025-01-01&chip=H100",
    "/api/controls/matrix?dest=CHN&dates=2023-01-01,2025-01-01",
    "/api/controls/screen?name=Huawei",
    "/api/measure/estimates?kind=super&year=2024&draws=200",
    "/api/measure/table1?draws=200",
    "/api/measure/concentration",
    "/api/index/ranks?framework=gci",
    "/api/coop/pair?a=KOR&b=CHN&date=2025-01-01",
    "/api/coop/timeline?a=KOR&b=CHN&from=2023&to=2025",
    "/api/coop/third-markets?a=KOR&b=CHN&top=5&date=2025-01-01",
    "/api/network/cases",
    "/api/network/solve?case=korea&hours=2",
    "/api/report/figures?section=top500",
    "/api/scenarios",
    "/api/scenarios/run?name=no_yard",
    "/api/scenarios/bands?name=no_yard",
]


@pytest.fixture(scope="module")
def client(built_atlas: Path) -> TestClient:
    from computestrata.web.app import create_app

    return TestClient(create_app(built_atlas))


def _get(client: TestClient, url: str, **kw: Any) -> Any:
    r = client.get(url, **kw)
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    return r.json()


def test_every_route_answers_the_envelope(client: TestClient) -> None:
    for url in ROUTES:
        body = _get(client, url)
        assert isinstance(body["title"], str) and body["title"], url
        assert isinstance(body["sources"], list), url
        assert isinstance(body["notes"], list), url


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_every_route_speaks_the_language_asked(client: TestClient, lang: str) -> None:
    script = HANGUL if lang == "ko" else HAN
    for url in ROUTES:
        sep = "&" if "?" in url else "?"
        body = _get(client, f"{url}{sep}lang={lang}")
        text = json.dumps(body, ensure_ascii=False)
        assert script.search(text), (url, lang, body["title"])


CN_GALLIUM = ["controls", "classify", "--item", "material", "--eccn", "CN.gallium", "--dest", "USA"]
CN_GALLIUM += ["--date", "2025-06-01"]
SME_TO_CHN = ["controls", "classify", "--item", "equipment", "--eccn", "3B001", "--dest", "CHN"]
SME_TO_CHN += ["--date", "2025-06-01"]
SPEC = ["controls", "classify", "--spec", "fp16_tflops=990", "--spec", "die_area_mm2=814"]


def _cli_json(atlas: Path, args: list[str]) -> dict[str, Any]:
    from typer.testing import CliRunner

    from computestrata.cli import app

    res = CliRunner().invoke(app, [*args, "--json"], env={"STRATA_ATLAS": str(atlas), "COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    data: dict[str, Any] = json.loads(res.stdout)
    return data


@pytest.mark.parametrize(
    ("cli", "url"),
    [
        (["top500", "countries", "--list", "2024-11"], "/api/top500/countries?list=2024-11"),
        (["top500", "history", "--country", "KOR"], "/api/top500/series?country=KOR"),
        (["stack", "chokepoints"], "/api/stack/chokepoints"),
        (["controls", "screen", "Huawei"], "/api/controls/screen?name=Huawei"),
        (["coop", "pair", "KOR", "CHN", "--date", "2025-01-01"], "/api/coop/pair?a=KOR&b=CHN&date=2025-01-01"),
        # The exporter's own rules: China's gallium controls deny this export (``free`` without them).
        (
            [*CN_GALLIUM, "--exporter", "CHN"],
            "/api/controls/classify?item=material&eccn=CN.gallium&dest=USA&date=2025-06-01&exporter=CHN",
        ),
        (
            [*SME_TO_CHN, "--made-in", "KOR", "--us-tech", "yes", "--end-use", "logic:14nm", "--end-user", "SMIC"],
            "/api/controls/classify?item=equipment&eccn=3B001&dest=CHN&date=2025-06-01"
            "&made_in=KOR&us_tech=yes&end_use=logic:14nm&end_user=SMIC",
        ),
        (
            [*SPEC, "--dest", "CHN", "--date", "2025-06-01"],
            "/api/controls/classify?spec=fp16_tflops=990&spec=die_area_mm2=814&dest=CHN&date=2025-06-01",
        ),
    ],
)
def test_api_mirrors_the_cli_json(client: TestClient, built_atlas: Path, cli: list[str], url: str) -> None:
    """The API answers exactly what `strata … --json` prints (it may add a title)."""
    want = _cli_json(built_atlas, cli)
    got = _get(client, url)
    for key in want:
        assert got[key] == want[key], key
    assert set(got) - set(want) <= {"title"}


def test_classify_route_takes_the_exporter(client: TestClient, built_atlas: Path) -> None:
    """`exporter=CHN` reaches the verdict: without it the gallium export is free, with it denied."""
    base = "/api/controls/classify?item=material&eccn=CN.gallium&dest=USA&date=2025-06-01"
    assert _get(client, base)["status"] != "denial"
    assert _get(client, base + "&exporter=CHN")["status"] == "denial"
    assert _cli_json(built_atlas, [*CN_GALLIUM, "--exporter", "CHN"])["status"] == "denial"


def test_trends_route_mirrors_the_cli(client: TestClient, built_atlas: Path) -> None:
    want = _cli_json(built_atlas, ["trends", "institutions", "--no-robust"])
    got = _get(client, "/api/trends?kind=institutions&robust=false")
    assert got == want


def test_languages_do_not_leak_between_concurrent_requests(built_atlas: Path) -> None:
    """Korean and English requests at the same time each get their own text (per-call language)."""
    from computestrata.web.app import create_app

    fresh = TestClient(create_app(built_atlas))  # empty cache: every call computes
    lists = ["2024-11", "2024-06", "2023-11", "2023-06", "2022-11", "2022-06", "2021-11", "2020-11"]
    jobs = [(lid, lang) for lid in lists for lang in ("ko", "en", "zh")]

    def ask(job: tuple[str, str]) -> tuple[str, str, str]:
        lid, lang = job
        r = fresh.get(f"/api/top500/countries?list={lid}&lang={lang}")
        assert r.status_code == 200
        return lid, lang, r.json()["title"] + " " + r.json()["rows"][0]["country"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, jobs))
    for lid, lang, text in results:
        assert lid in text
        assert bool(HANGUL.search(text)) == (lang == "ko"), (lang, text)
        assert bool(HAN.search(text)) == (lang == "zh"), (lang, text)


def test_accept_language_picks_the_language(client: TestClient) -> None:
    ko = _get(client, "/api/top500/countries?list=2024-11", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert HANGUL.search(ko["title"])
    zh = _get(client, "/api/top500/countries?list=2024-11", headers={"Accept-Language": "fr, zh-CN;q=0.8"})
    assert HAN.search(zh["title"])
    # ?lang= wins over the header
    en = _get(client, "/api/top500/countries?list=2024-11&lang=en", headers={"Accept-Language": "ko"})
    assert not HANGUL.search(en["title"])


BAD = [
    "/api/top500/countries?list=2030-11",
    "/api/top500/countries?list=24-11",
    "/api/top500/countries?list=",
    "/api/top500/countries?lang=fr",
    "/api/top500/systems?top=0",
    "/api/top500/systems?top=100000000000000000000",
    "/api/top500/systems?top=abc",
    "/api/top500/systems?country=Atlantis",
    "/api/top500/series",
    "/api/top500/series?country=",
    "/api/top500/series?country=%E2%98%83%E2%98%83",
    "/api/top500/series?country=Narnia&lang=ko",
    "/api/top500/series?country=%00",
    "/api/stack/segments?layer=L9",
    "/api/stack/segments?date=2024-02-30",
    "/api/stack/segments?date=tomorrow",
    "/api/stack/chokepoints?year=99999",
    "/api/stack/exposure?country=CHN&cut=nonsense_segment",
    "/api/stack/exposure?country=XXX&cut=hbm",
    "/api/controls/classify?dest=CHN&date=2019-01-01&chip=H100",
    "/api/controls/classify?dest=Mordor&date=2025-01-01&chip=H100",
    "/api/controls/classify?dest=CHN&date=2025-01-01&chip=NoSuchChipAtAll9000",
    "/api/controls/classify?dest=CHN&date=2025-13-01&chip=H100",
    "/api/controls/matrix?dest=CHN&dates=2025-01-01,nope",
    "/api/controls/matrix?dest=CHN&dates=1999-01-01",
    "/api/controls/screen?name=",
    "/api/controls/screen?name=Huawei&list=nsa",
    "/api/measure/estimates?kind=quantum",
    "/api/measure/estimates?draws=1",
    "/api/measure/estimates?year=1800",
    "/api/measure/concentration?dataset=clusters&list=1900-01",
    "/api/index/ranks?framework=nope",
    "/api/index/ranks?framework=gci&year=1991",
    "/api/coop/pair?a=KOR",
    "/api/coop/pair?a=KOR&b=KOR",
    "/api/coop/pair?a=KOR&b=Wakanda",
    "/api/coop/pair?a=KOR&b=CHN&date=1900-01-01",
    "/api/coop/pair?a=KOR&b=CHN&date=2999-01-01",
    "/api/coop/timeline?a=KOR&b=CHN&from=2026&to=2022",
    "/api/coop/third-markets?a=KOR&b=CHN&region=atlantis",
    "/api/trends?kind=astrology",
    "/api/trends?from=2030&to=2010",
    "/api/network/solve?hours=99999",
    "/api/network/solve?case=mars",
    "/api/network/solve?carbon_price=-5",
    "/api/report/figures?section=nope",
    "/api/report/figures?section=top500&a=KOR&b=Oz",
    "/api/scenarios/run",
    "/api/scenarios/run?name=nope",
    "/api/scenarios/run?name=..%2F..%2Fetc%2Fpasswd",
    "/api/scenarios/run?name=baseline&to=2050",
    "/api/scenarios/run?name=baseline&a=KOR&b=KOR",
    "/api/scenarios/bands",
    "/api/scenarios/bands?name=nope",
    "/api/scenarios/bands?name=..%2Fbaseline",
    "/api/scenarios/bands?name=baseline&n=2048",
    "/api/scenarios/bands?name=baseline&seed=-1",
    "/api/scenarios/bands?name=baseline&a=KOR&b=KOR",
    "/api/top500/countries?exclude_license=NOT-A-LICENCE",
    "/api/controls/classify?item=material&eccn=CN.gallium&dest=USA&date=2025-06-01&exporter=KOR",
    "/api/controls/classify?item=equipment&eccn=3B001&dest=CHN&date=2025-06-01&end_use=logic:abc",
    "/api/controls/classify?item=equipment&eccn=3B001&dest=CHN&date=2025-06-01&us_tech=maybe",
    "/api/controls/classify?dest=CHN&date=2025-06-01&spec=fp16",
    "/api/top500/countries?exclude_license=%3Cscript%3E",
]


@pytest.mark.parametrize("url", BAD)
def test_bad_parameters_get_4xx_with_a_message(client: TestClient, url: str) -> None:
    for lang in ("en", "ko"):
        r = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}" if "lang=" not in url else url)
        assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:300])
        body = r.json()
        assert isinstance(body["error"], str) and body["error"].strip(), body
        assert "Traceback" not in r.text


def test_errors_are_in_the_language_asked(client: TestClient) -> None:
    r = client.get("/api/top500/countries?list=2030-11&lang=ko")
    assert r.status_code == 400
    assert HANGUL.search(r.json()["error"] + (r.json()["hint"] or ""))


def test_security_headers_and_no_inline_script(client: TestClient) -> None:
    for url in ["/", "/top500", "/controls", "/coop", "/report", "/api/network/cases", "/openapi.json"]:
        r = client.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src and "unsafe-inline" not in script_src.group(1) and "unsafe-eval" not in script_src.group(1)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        if r.headers["content-type"].startswith("text/html"):
            # every <script> has a src on this server; no handlers in attributes
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text), url
            assert not re.search(r"\son[a-z]+=", r.text), url
            assert "http://" not in r.text.replace("http://127.0.0.1", "") and "https://" not in r.text


def test_no_sql_endpoint_and_no_unknown_static(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert not [p for p in spec["paths"] if "sql" in p or "query" in p]
    assert client.get("/api/atlas/query?sql=SELECT%201").status_code == 404
    assert client.get("/static/..%2F..%2Fapp.py").status_code == 404
    assert client.get("/static/plotly.min.js").headers["content-type"].startswith("text/javascript")


def test_openapi_documents_typed_parameters(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for want in ("/api/top500/countries", "/api/coop/pair", "/api/controls/classify", "/api/trends"):
        assert want in paths
    params = {p["name"]: p for p in paths["/api/top500/systems"]["get"]["parameters"]}
    assert params["top"]["schema"]["maximum"] == 500
    assert params["list"]["schema"]["anyOf"][0]["pattern"]
    lang = {p["name"]: p for p in paths["/api/coop/pair"]["get"]["parameters"]}["lang"]
    assert "ko" in json.dumps(lang["schema"])


def test_atlas_is_opened_through_the_sandbox(client: TestClient, built_atlas: Path) -> None:
    """The server's connection reads the atlas folder only and cannot change its settings."""
    import duckdb

    from computestrata.web.runner import sandboxed_atlas

    a = sandboxed_atlas(built_atlas.resolve())
    with pytest.raises(duckdb.Error):
        a.con.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        a.con.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()


def test_serve_refuses_a_bad_port_and_flags_non_loopback() -> None:
    import subprocess
    import sys

    from computestrata.web.cli import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    res = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "serve", "--port", "70000"], capture_output=True, text=True
    )
    assert res.returncode == 2 and "65535" in res.stderr and "Traceback" not in res.stderr


def test_country_names_in_korean_and_chinese_resolve(client: TestClient) -> None:
    body = _get(client, "/api/coop/pair?a=%ED%95%9C%EA%B5%AD&b=%E4%B8%AD%E5%9B%BD&date=2025-01-01")  # 한국, 中国
    assert (body["a"], body["b"]) == ("KOR", "CHN")
    assert _get(client, "/api/top500/series?country=%ED%95%9C%EA%B5%AD")["rows"]


def test_server_default_language(built_atlas: Path) -> None:
    from computestrata.web.app import create_app

    ko = TestClient(create_app(built_atlas, lang="ko"))
    assert HANGUL.search(_get(ko, "/api/network/cases")["title"] + json.dumps(_get(ko, "/api/top500/countries")))
    assert not HANGUL.search(_get(ko, "/api/top500/countries?lang=en")["title"])


def test_result_cache_is_bounded_in_entries_and_bytes() -> None:
    from computestrata.web.runner import Call, ResultCache

    cache = ResultCache(size=3, max_bytes=10)
    calls = [Call("x", (("i", i),), "en", Path("/a")) for i in range(5)]
    for c in calls:
        cache.put(c, b"1234")
    assert [cache.get(c) for c in calls] == [None, None, None, b"1234", b"1234"]  # 10 bytes hold two
    cache.put(calls[0], b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get(calls[0]) is None
    cache.put(calls[3], b"12")  # replacing an entry frees its bytes
    assert cache.get(calls[3]) == b"12" and cache.get(calls[4]) == b"1234"


def test_a_command_that_bound_emit_at_import_is_captured(built_atlas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Commands that did ``from computestrata.cli_common import emit, open_atlas`` at import time
    (measure/cli.py does) are captured too: the web call's sink and atlas are context hooks that
    ``emit``/``open_atlas`` consult, not a rebinding of the module attribute that such names miss
    (which printed the envelope to stdout and answered an empty title in a full-suite run)."""
    from computestrata import cli_common
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.web.runner import Call, run_command

    seen: list[Any] = []

    def command(as_json: bool, lang: str, atlas: Path | None = None) -> None:
        a = open_atlas(atlas)
        seen.append(a)
        emit(Output(title="bound", rows=[{"x": 1}]), as_json, a)

    body = run_command(command, Call("test.bound", (), "en", built_atlas))
    assert body["title"] == "bound" and body["rows"] == [{"x": 1}]
    assert capsys.readouterr().out == ""
    assert seen[0].path == built_atlas.resolve() or seen[0].path == built_atlas
    assert cli_common.emit is emit and cli_common.EMIT_HOOK.get() is None  # nothing left behind


def test_report_figures_apply_the_licence_filter(client: TestClient) -> None:
    """A section whose data a licence filter hides says so and draws nothing (as the report and
    `strata chart` do); otherwise its charts come through report.charts with captions."""
    shown = _get(client, "/api/report/figures?section=hardware")
    assert shown["hidden"] is None and [f["name"] for f in shown["figures"]] == ["chip_performance"]
    assert "CC-BY-4.0" in shown["figures"][0]["caption"]
    for lang in ("en", "ko", "zh"):
        hidden = _get(client, f"/api/report/figures?section=hardware&exclude_license=CC-BY-4.0&lang={lang}")
        assert hidden["figures"] == [] and "CC-BY-4.0" in hidden["hidden"], lang


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_coop_pair_has_no_english_left_in_korean_or_chinese(client: TestClient, lang: str) -> None:
    body = _get(client, f"/api/coop/pair?a=KOR&b=CHN&date=2025-01-01&lang={lang}")
    text = json.dumps(body, ensure_ascii=False)
    for english in ("not assessed for the pair", "not modelled by the engine", "the exporter's own export"):
        assert english not in text, (lang, english)


def test_pages_carry_translated_segment_names(client: TestClient) -> None:
    """The cooperation chart labels segments by name in the page's language (not ids like "eda")."""
    import html as html_mod

    for lang, script in (("ko", HANGUL), ("zh", HAN)):
        page = client.get(f"/coop?lang={lang}").text
        raw = re.search(r'data-labels="([^"]*)"', page)
        assert raw is not None
        names = json.loads(html_mod.unescape(raw.group(1)))["segments"]
        assert set(names) >= {"eda", "hbm", "euv_lithography"} and script.search(names["eda"]), lang
        assert re.search(r'<html lang="' + lang, page)
