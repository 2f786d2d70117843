"""The report's charts on the built atlas: each cites sources that exist, shows data, and the
new sections (stack diagram, intelligent compute, chips, all-pairs map, index ranks) hold
what they say; --format png|pdf write real files and nothing half-written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from computestrata.errors import InputError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built(built_atlas: Path) -> Iterator[dict[str, Any]]:
    from computestrata.atlas import store
    from computestrata.report import api

    a = store.open(built_atlas)
    ctx = api.make_context(a, "ko", None, None)
    sections = {s.key: s for s in api.build_sections(ctx)}
    yield {"atlas": a, "sections": sections, "ctx": ctx}
    a.close()


def test_every_chart_cites_sources_that_exist(built: dict[str, Any]) -> None:
    from computestrata.report import charts

    a = built["atlas"]
    known = {r["source_id"] for r in a.sources()}
    for name, (key, _) in charts.CHARTS.items():
        c = charts.from_section(name, built["sections"][key], a, "ko", built["ctx"].pair)
        assert "출처:" in c.caption, (name, c.caption)  # after a sentence on what it shows, where needed
        assert c.source_ids or c.extra_source_ids, name
        assert set(c.source_ids) <= known, name
        assert c.title and not c.title.startswith("report."), name
        assert c.to_dict()["figure"]["data"], name


def test_every_caption_counts_every_cited_record(built: dict[str, Any]) -> None:
    """A caption that drops a cited record fails: each publisher and licence of the chart's
    sources is named with its number of records."""
    from computestrata.i18n import t
    from computestrata.report import api, charts

    a = built["atlas"]
    for name, (key, _) in charts.CHARTS.items():
        sec = built["sections"][key]
        c = charts.from_section(name, sec, a, "ko", built["ctx"].pair)
        recs = api._records(a, [sec], "ko")
        groups: dict[tuple[str, str], int] = {}
        for i in [*c.source_ids, *c.extra_source_ids]:
            r = recs[i]
            g = (str(r.get("publisher") or r["source_id"]), str(r.get("license") or "?"))
            groups[g] = groups.get(g, 0) + 1
        assert groups, name
        for (pub, lic), n in groups.items():
            more = t("report.caption.records", lang="ko", n=n) if n > 1 else ""
            item = t("report.caption.item", lang="ko", publisher=pub, license=lic, more=more)
            assert item + ";" in c.caption or item + "." in c.caption, (name, item, c.caption)


def test_stack_diagram_marks_every_chokepoint(built: dict[str, Any]) -> None:
    from computestrata.report.sections.chokepoints import CHOKE_COLOUR
    from computestrata.stack import api as stack
    from computestrata.stack.segments import LAYERS, segments

    sec = built["sections"]["chokepoints"]
    tree = sec.figures[0].spec["data"][0]
    assert tree["type"] == "treemap"
    red = {i for i, c in zip(tree["ids"], tree["marker"]["colors"], strict=True) if c == CHOKE_COLOUR}
    assert red == {c.segment_id for c in stack.chokepoints(built["atlas"])}
    assert set(tree["ids"]) == {*LAYERS, *(s.id for s in segments())}
    # each chokepoint tile names its largest holder with a share, in Korean
    for i, text in zip(tree["ids"], tree["text"], strict=True):
        if i in red:
            assert text.startswith("병목") and "%" in text


def test_intelligent_compute_bands_hold_the_median(built: dict[str, Any]) -> None:
    sec = built["sections"]["compute"]
    traces = sec.figures[0].spec["data"]
    assert sec.figures[0].spec["layout"]["yaxis"]["type"] == "log"
    for hi, lo, mid in zip(traces[0::3], traces[1::3], traces[2::3], strict=True):
        for h, lo_, m in zip(hi["y"], lo["y"], mid["y"], strict=True):
            if m is not None:
                assert lo_ <= m <= h
    assert "미국" in {t.get("name") for t in traces}  # country names through Babel


def test_chip_chart_is_log_scale_by_vendor_with_real_dates(built: dict[str, Any]) -> None:
    sec = built["sections"]["hardware"]
    spec = sec.figures[0].spec
    assert spec["layout"]["yaxis"]["type"] == "log"
    vendors = [t["name"] for t in spec["data"]]
    assert "NVIDIA" in vendors and "Huawei" in vendors
    ys = [y for t in spec["data"] if t.get("showlegend") is False for y in t["y"]]  # the drawn points
    assert all(y > 0 for y in ys)  # a chip without a 16-bit figure is left out, never drawn as 0
    assert sec.source_ids == {"epoch_ml_hardware"}


def test_chip_timeline_shows_the_2022_rule_closing_the_h100(built: dict[str, Any]) -> None:
    from computestrata.i18n import t

    sec = built["sections"]["controls"]
    traces = next(f for f in sec.figures if f.key == "timeline").spec["data"]
    status = {(x, y): tr["name"] for tr in traces for x, y in zip(tr["x"], tr["y"], strict=True)}
    chips = {y for _, y in status}
    assert any("H100" in c for c in chips) and any("H20" in c for c in chips)
    h100 = next(c for c in chips if c.startswith("NVIDIA H100"))
    dates = sorted({x for x, _ in status}, key=list(dict.fromkeys(x for x, _ in status)).index)
    free = t("controls.status_label.free", lang="ko")
    assert status[(dates[0], h100)] == free  # before the October 2022 rule
    assert status[(dates[-1], h100)] != free  # not after it
    assert len(status) == len(chips) * len(dates)  # every chip at every date, none dropped


def test_all_pairs_map_is_square_with_an_empty_diagonal(built: dict[str, Any]) -> None:
    from computestrata.report.sections.cooperation import MAP_COUNTRIES

    sec = built["sections"]["cooperation"]
    heat = next(f for f in sec.figures if f.key == "pairs").spec["data"][0]
    n = len(heat["z"])
    assert n == len(heat["x"]) == len(heat["y"]) >= len(MAP_COUNTRIES)
    assert all(heat["z"][i][i] is None for i in range(n))
    assert all(0 <= v <= 100 for row in heat["z"] for v in row if v is not None)
    assert any("strata coop matrix" in note for note in sec.notes)  # the smaller set is said


def test_index_ranks_sit_inside_their_intervals(built: dict[str, Any]) -> None:
    sec = built["sections"]["index"]
    med = sec.figures[0].spec["data"][0]
    for x, up, down in zip(med["x"], med["error_x"]["array"], med["error_x"]["arrayminus"], strict=True):
        assert up >= 0 and down >= 0 and x >= 1


def _one_section(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    from computestrata.report import api

    everything = api._sections
    monkeypatch.setattr(api, "_sections", lambda: [s for s in everything() if s[0] == key])


def _chromium() -> None:
    from computestrata.imaging import find_chromium

    try:
        find_chromium()
    except InputError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("no Chromium here")


def test_format_png_writes_one_image_per_chart(
    built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chromium()
    from computestrata.report.api import build_report

    _one_section(monkeypatch, "hardware")
    res = build_report(built_atlas, tmp_path / "r", lang="zh", fmt="png")
    assert res.images == ["png/01-chip_performance.png"]
    data = (tmp_path / "r" / res.images[0]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert res.path.is_file()


def test_format_pdf_prints_the_report(built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _chromium()
    from computestrata.report.api import build_report

    _one_section(monkeypatch, "hardware")
    res = build_report(built_atlas, tmp_path / "r", lang="ko", fmt="pdf")
    assert res.images == ["report.pdf"]
    pdf = (tmp_path / "r" / "report.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and len(pdf) > 20_000


def test_bad_format_and_failed_images_write_nothing(
    built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from computestrata import imaging
    from computestrata.report.api import build_report

    with pytest.raises(InputError, match="--format"):
        build_report(built_atlas, tmp_path / "r", fmt="jpeg")
    assert list(tmp_path.iterdir()) == []
    _one_section(monkeypatch, "hardware")

    def broken(*_a: object, **_k: object) -> list[bytes]:
        raise InputError("the browser failed (exit 1)", hint="x")

    monkeypatch.setattr(imaging, "render_images", broken)
    monkeypatch.setattr(imaging, "find_chromium", lambda: "/bin/true")
    with pytest.raises(InputError, match="browser"):
        build_report(built_atlas, tmp_path / "r", fmt="png")
    assert list(tmp_path.iterdir()) == []  # the folder was built aside and removed
