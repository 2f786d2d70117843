"""`strata chart` and the image renderer: names, suffixes, valid PNG/SVG/PDF, nothing half-written."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SPEC = {
    "data": [{"type": "bar", "x": ["대한민국", "中国", "USA"], "y": [1.0, float("nan"), 3.0]}],
    "layout": {"title": {"text": "연산력 · 算力", "x": 0}, "height": 400},
}


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and text as a person sees them: an InputError is exit 2 with message and hint."""
    res = runner.invoke(app, list(args))
    if isinstance(res.exception, InputError):
        return 2, f"{res.output}{res.exception.message}\n{res.exception.hint or ''}"
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


def _chromium() -> None:
    """Skip where no browser is installed (developers); CI installs Debian's, so it must be there."""
    from computestrata.imaging import find_chromium

    try:
        find_chromium()
    except InputError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("no Chromium here (apt-get install chromium fonts-noto-cjk)")


def test_chart_names_are_the_stable_public_list() -> None:
    from computestrata.report import charts

    assert charts.names() == list(charts.CHARTS)
    for name in charts.names():  # one function per name, with that name
        fn = getattr(charts, name)
        assert callable(fn) and fn.__name__ == name and name in charts.__all__
    from computestrata.report.api import SECTIONS

    assert {s for s, _ in charts.CHARTS.values()} <= set(SECTIONS)


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_every_chart_is_described_in_every_language(lang: str) -> None:
    from computestrata.report import charts

    rows = charts.describe(lang)
    assert [r["chart"] for r in rows] == charts.names()
    for r in rows:
        assert r["title"] and not r["title"].startswith("chart.describe."), r
        assert not r["section"].startswith("report."), r
    if lang != "en":
        assert {r["title"] for r in rows}.isdisjoint({r["title"] for r in charts.describe("en")})


def test_bad_chart_name_lists_the_names_closest_first() -> None:
    from computestrata.report import charts

    with pytest.raises(InputError) as err:
        charts.check_name("chip_perfomance")
    assert "chip_perfomance" in err.value.message
    assert err.value.hint and err.value.hint.index("chip_performance") < err.value.hint.index("stack_diagram")
    code, text = invoke("chart", "nope", "--out", "x.png")
    assert code == 2 and "stack_diagram" in text and "--list" in text


@pytest.mark.parametrize("out", ["chart.jpg", "chart", "chart.PNG.txt", "chart.pdf"])
def test_bad_out_suffix_is_refused_before_any_work(tmp_path: Path, out: str) -> None:
    code, text = invoke("chart", "chip_performance", "--out", str(tmp_path / out))
    assert code == 2, text
    assert ".png" in text and ".svg" in text
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_missing_folder_and_missing_arguments_are_clear(tmp_path: Path) -> None:
    code, text = invoke("chart", "chip_performance", "--out", str(tmp_path / "no" / "x.png"))
    assert code == 2 and "does not exist" in text
    code, text = invoke("chart")
    assert code == 2 and "--list" in text
    code, text = invoke("chart", "chip_performance")
    assert code == 2 and "--out" in text


def test_list_as_json_and_in_korean() -> None:
    from computestrata.report import charts

    code, text = invoke("chart", "--list", "--json")
    assert code == 0, text
    rows = json.loads(text)["rows"]
    assert [r["chart"] for r in rows] == charts.names()
    code, text = invoke("chart", "--list", "--lang", "ko")
    assert code == 0 and "계층형 연산력 스택" in text


def test_no_browser_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from computestrata import imaging

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("STRATA_CHROMIUM", raising=False)
    with pytest.raises(InputError) as err:
        imaging.find_chromium()
    assert "chromium" in err.value.message.lower() and "apt-get install chromium" in (err.value.hint or "")
    monkeypatch.setenv("STRATA_CHROMIUM", str(tmp_path / "nothing"))
    with pytest.raises(InputError, match="STRATA_CHROMIUM"):
        imaging.find_chromium()


def test_png_and_svg_are_valid_images_with_cjk_text() -> None:
    _chromium()
    from computestrata.imaging import render_images

    png, png2 = render_images([SPEC, SPEC], "png", lang="ko")
    assert png[:8] == PNG_MAGIC and len(png) > 5_000 and png2[:8] == PNG_MAGIC
    width = int.from_bytes(png[16:20], "big")
    assert width == 1200 * 2  # CSS width × scale
    (svg,) = render_images([SPEC], "svg", lang="zh")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg")
    text = svg.decode("utf-8")
    assert "中国" in text and "대한민국" in text  # the labels are text, not boxes


def test_unknown_image_format_is_refused() -> None:
    from computestrata.imaging import render_images

    with pytest.raises(InputError, match="jpeg"):
        render_images([SPEC], "jpeg")


def test_a_failed_render_leaves_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from computestrata import imaging
    from computestrata.report import charts

    def broken(*_a: object, **_k: object) -> list[bytes]:
        raise InputError("the browser failed (exit 1)", hint="x")

    monkeypatch.setattr(imaging, "render_images", broken)
    c = charts.Chart("chip_performance", "hardware", "en", "t", SPEC, "cap", [])
    out = tmp_path / "x.png"
    out.write_bytes(b"old")
    with pytest.raises(InputError):
        charts.write_chart(c, out)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.png"]


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    from computestrata.imaging import write_atomic

    out = write_atomic(tmp_path / "a.svg", b"<svg/>")
    assert out.read_bytes() == b"<svg/>" and [p.name for p in tmp_path.iterdir()] == ["a.svg"]


def test_index_plots_write_png_and_svg_beside_html(tmp_path: Path) -> None:
    _chromium()
    import plotly.graph_objects as go

    from computestrata.measure.index import plots

    fig = go.Figure(go.Bar(x=["KOR", "CHN"], y=[1, 2]))
    files, notes = plots.write({"scores": fig}, tmp_path)
    names = {p.name for p in files}
    assert {"scores.html", "scores.png", "scores.svg"} <= names, notes
    assert (tmp_path / "scores.png").read_bytes()[:8] == PNG_MAGIC
    ET.fromstring((tmp_path / "scores.svg").read_bytes())


@pytest.mark.integration
def test_chart_cli_writes_a_cited_png(built_atlas: Path, tmp_path: Path) -> None:
    _chromium()
    from computestrata.atlas import store

    out = tmp_path / "chips.png"
    args = ["chart", "chip_performance", "--out", str(out), "--atlas", str(built_atlas)]
    code, text = invoke(*args, "--json", "--lang", "zh")
    assert code == 0, text
    data = json.loads(text)
    assert data["path"] == str(out) and out.read_bytes()[:8] == PNG_MAGIC
    assert data["caption"].startswith("来源") and "CC-BY-4.0" in data["caption"]
    a = store.open(built_atlas)
    assert {r["source_id"] for r in a.sources(data["source_ids"])} == set(data["source_ids"]) != set()
    a.close()
    svg = tmp_path / "chips.svg"
    code, text = invoke("chart", "chip_performance", "--out", str(svg), "--atlas", str(built_atlas))
    assert code == 0 and ET.fromstring(svg.read_bytes()).tag.endswith("svg")
    assert "Epoch AI" in text  # the caption is printed under the file name


@pytest.mark.integration
def test_a_chart_hidden_by_the_licence_filter_says_so(built_atlas: Path) -> None:
    from computestrata.atlas import store
    from computestrata.report import charts

    a = store.open(built_atlas, exclude_licenses=["CC-BY-4.0"])  # Epoch AI's hardware data
    with pytest.raises(InputError) as err:
        charts.chart("chip_performance", a, lang="ko")
    assert "CC-BY-4.0" in err.value.message
    a.close()


def test_a_stranger_gets_exit_2_and_no_traceback(tmp_path: Path) -> None:
    """The real command line: bad input is one message and a hint, exit code 2."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "computestrata.cli", "chart", "no_such_chart", "--out", str(tmp_path / "x.png")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "stack_diagram" in done.stderr + done.stdout
    assert list(tmp_path.iterdir()) == []
