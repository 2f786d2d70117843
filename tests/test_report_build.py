"""The report builds in every language on the built atlas, with every section, cited sources
that exist, and a page that works offline (plotly.js local, no http script)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration


class Page(HTMLParser):
    """The bits of the page the tests check: scripts, stylesheets, sections, charts, sources."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.links: list[str | None] = []
        self.sections: list[str] = []
        self.figures: list[dict[str, Any]] = []
        self.source_rows: list[str] = []
        self.figcaptions = 0
        self._in_caption = False
        self.captions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a.get("src"))
        elif tag == "link":
            self.links.append(a.get("href"))
        elif tag == "section" and a.get("id"):
            self.sections.append(str(a["id"]))
        elif tag == "div" and a.get("data-figure") is not None:
            self.figures.append(json.loads(str(a["data-figure"])))
        elif tag == "tr" and str(a.get("id", "")).startswith("src-"):
            self.source_rows.append(str(a["id"])[4:])
        elif tag == "figcaption":
            self._in_caption = True
            self.captions.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.captions[-1] += data


@pytest.fixture(scope="module")
def reports(built_atlas: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from computestrata.atlas import store
    from computestrata.report.api import build_report

    a = store.open(built_atlas)
    out = {}
    for lang in ("en", "ko", "zh"):
        res = build_report(a, tmp_path_factory.mktemp("report") / f"r-{lang}", lang=lang)
        page = Page()
        page.feed(res.path.read_text(encoding="utf-8"))
        out[lang] = (res, page)
    yield out
    a.close()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_every_section_is_present_in_order_and_drawn(reports: dict[str, Any], lang: str) -> None:
    from computestrata.report.api import SECTIONS

    res, page = reports[lang]
    assert res.sections == list(SECTIONS)
    assert page.sections == [*SECTIONS, "sources"]
    assert res.hidden == {}  # the full atlas hides nothing
    # every chart of the charts module, once, in the report's order
    from computestrata.report.charts import CHARTS

    assert len(page.figures) == len(CHARTS)
    for fig in page.figures:
        assert fig["data"], "a chart without traces"
        values = [v for t in fig["data"] for key in ("x", "values", "z") for v in t.get(key) or []]
        assert any(v is not None for v in values), "a chart without data"


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_every_chart_and_table_carries_a_caption_with_licences(reports: dict[str, Any], lang: str) -> None:
    from computestrata.i18n import t

    _res, page = reports[lang]
    word = t("report.caption.sources", lang=lang, items="").strip(" .。:：")
    # "Sources: …" — after a sentence on what the chart shows where it needs one (how a band was sampled)
    assert page.captions and all(word in c for c in page.captions)
    assert all("(" in c or "（" in c for c in page.captions)  # "(licence)" after each publisher
    assert "LicenseRef-TOP500-no-open-licence" in page.captions[0]


def test_texts_follow_the_language(reports: dict[str, Any]) -> None:
    pages = {lang: reports[lang][0].path.read_text(encoding="utf-8") for lang in ("en", "ko", "zh")}
    assert "슈퍼 연산력" in pages["ko"] and "超算算力" in pages["zh"]
    assert "TOP500 systems and Rmax shares" in pages["en"]
    assert "Rmax shares" not in pages["ko"] and "Rmax shares" not in pages["zh"]
    assert '<html lang="ko">' in pages["ko"] and '<html lang="zh">' in pages["zh"]
    # the China caveat, in the reader's language
    from computestrata.i18n import t

    for lang, text in pages.items():
        assert t("top500.note.china", lang=lang).replace("'", "&#39;") in text


SCRIPT = {"ko": r"[\uac00-\ud7a3]", "zh": r"[\u4e00-\u9fff]"}


def _chart_texts(fig: dict[str, Any]) -> list[str]:
    """The chart's own words: its title and every axis title (legend names are often data names)."""
    lay = fig.get("layout", {})
    out = [str((lay.get("title") or {}).get("text") or "")]
    for k, v in lay.items():
        if k.startswith(("xaxis", "yaxis")) and isinstance(v, dict):
            out.append(str((v.get("title") or {}).get("text") or ""))
    return out


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_every_chart_speaks_the_reader_s_language(reports: dict[str, Any], lang: str) -> None:
    """A chart whose title or axis is English in a Korean or Chinese report fails (English words of
    four letters or more must come out in the reader's script), and so do the legends fixed by hand."""
    import re

    en, other = reports["en"][1].figures, reports[lang][1].figures
    assert len(en) == len(other) >= 15
    for fe, fo in zip(en, other, strict=True):
        for te, to in zip(_chart_texts(fe), _chart_texts(fo), strict=True):
            if re.search(r"[a-z]{4,}", te):
                assert re.search(SCRIPT[lang], to), f"{lang} chart text left in English: {to!r}"
    names = {str(t.get("name")) for f in other for t in f.get("data", [])}
    from computestrata.i18n import t

    assert t("report.hardware.key.tensor", lang=lang) in names  # filled vs hollow explained
    panels = {str(a.get("text")) for f in other for a in f.get("layout", {}).get("annotations") or []}
    assert any(t("scenario.title.baseline", lang=lang) in x for x in panels)  # scenario panels from the catalogue
    assert t("report.hardware.key.tensor", lang="en") not in names
    page = reports[lang][0].path.read_text(encoding="utf-8")
    assert t("scenario.title.baseline", lang="en") not in page  # nor in the scenario table


def test_holder_bars_name_countries_not_codes(reports: dict[str, Any]) -> None:
    from computestrata.i18n import t

    holder = t("report.stack.holder", lang="ko", n=1)
    bars = [tr for f in reports["ko"][1].figures for tr in f.get("data", []) if tr.get("name") == holder]
    assert bars and "네덜란드" in bars[0]["text"] and "NLD" not in bars[0]["text"]


def test_cited_sources_exist_in_the_atlas(reports: dict[str, Any], built_atlas: Path) -> None:
    from computestrata.atlas import store

    a = store.open(built_atlas)
    known = {r["source_id"] for r in a.sources()}
    res, page = reports["en"]
    assert res.unknown_source_ids == []
    assert set(res.source_ids) <= known
    assert {"top500_2024_11", "epoch_ml_hardware"} <= set(res.source_ids)
    # the closing list holds every cited record exactly once: atlas ones and the cited rule texts
    assert sorted(page.source_rows) == sorted(set(res.source_ids) | set(res.extra_source_ids))
    assert not set(res.extra_source_ids) & known
    a.close()


def test_page_works_offline(reports: dict[str, Any]) -> None:
    res, page = reports["en"]
    folder = res.path.parent
    assert page.scripts == ["plotly.min.js", "report.js"]
    for ref in [*page.scripts, *page.links]:
        assert ref and "://" not in ref and not ref.startswith("//")
        assert (folder / ref).is_file()
    text = res.path.read_text(encoding="utf-8")
    assert "cdn.plot.ly" not in text and "<script>" not in text  # no inline script either
    assert (folder / "plotly.min.js").stat().st_size > 1_000_000  # the real bundle, not a stub
    assert json.loads((folder / ".strata-report").read_text())["lang"] == "en"
