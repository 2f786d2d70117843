"""Data-derived text is escaped, licence-hidden sections say so, the folder is never clobbered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from computestrata.errors import InputError

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _only(monkeypatch: pytest.MonkeyPatch, *keys: str) -> None:
    """Build only some sections (the others take tens of seconds and are tested elsewhere)."""
    from computestrata.report import api

    everything = api._sections

    monkeypatch.setattr(api, "_sections", lambda: [s for s in everything() if s[0] in keys])


@pytest.mark.integration
def test_hostile_names_in_data_come_out_escaped(
    built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import computestrata.top500 as top500

    real = top500.countries

    def poisoned(*args: Any, **kwargs: Any) -> Any:
        res = real(*args, **kwargs)
        for r in res:
            if r["country_iso3"] == "USA":
                r["country"] = HOSTILE  # as if a site or country name in the raw data carried markup
        return res

    monkeypatch.setattr(top500, "countries", poisoned)
    _only(monkeypatch, "top500")
    from computestrata.report.api import build_report

    res = build_report(built_atlas, tmp_path / "r", lang="en")
    text = res.path.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert" in text  # in the table, escaped once
    assert "&amp;lt;script&amp;gt;" in text  # in the chart: escaped for plotly, then for the attribute


def test_escaping_is_on_for_every_template() -> None:
    from computestrata.report.render import environment

    env = environment()
    out = env.from_string("{{ x }}").render(x=HOSTILE)
    assert "<" not in out and "&lt;script&gt;" in out


def test_chart_labels_are_escaped_for_plotly() -> None:
    from computestrata.report.model import label

    assert label("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


@pytest.mark.integration
def test_licence_filter_hides_a_section_and_says_so(
    built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from computestrata.atlas import store
    from computestrata.report.api import build_report

    _only(monkeypatch, "top500", "chokepoints")
    lic = "LicenseRef-TOP500-no-open-licence"
    a = store.open(built_atlas, exclude_licenses=[lic, "CC-BY-NC-4.0"])
    res = build_report(a, tmp_path / "r", lang="ko")
    assert set(res.hidden) == {"top500"}  # wholly hidden: one line instead of charts
    assert lic in res.hidden["top500"] and "라이선스 필터" in res.hidden["top500"]
    text = res.path.read_text(encoding="utf-8")
    assert 'class="hidden-note"' in text and lic in text
    assert not any(i.startswith(("top500_", "cset_")) for i in res.source_ids)  # nothing cited from hidden data
    # partly hidden (CSET shares): said above the chart, not folded away in the notes
    caveats = re.findall(r'<p class="caveat">([^<]*)</p>', text)
    assert any("CC-BY-NC-4.0" in c and "EUV" in c for c in caveats)
    a.close()


@pytest.mark.integration
def test_unknown_source_ids_are_listed_not_dropped(
    built_atlas: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from computestrata.report import api
    from computestrata.report.model import ReportSection, Table

    def fake(ctx: Any) -> ReportSection:
        return ReportSection(
            key="top500", title="t", tables=[Table("x", ["a"], [["1"]])], source_ids={"no_such_source", "country_codes"}
        )

    monkeypatch.setattr(api, "_sections", lambda: [("top500", "report.top500.title", (), fake)])
    res = api.build_report(built_atlas, tmp_path / "r")
    assert res.unknown_source_ids == ["no_such_source"]
    assert res.source_ids == ["country_codes"]
    assert 'id="src-no_such_source"' in res.path.read_text(encoding="utf-8")


def test_refuses_to_overwrite_a_folder_it_did_not_write(tmp_path: Path) -> None:
    from computestrata.report.output import MARKER, write_folder

    precious = tmp_path / "project"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(InputError, match="refusing to overwrite"):
        write_folder(precious, lambda d: (d / "index.html").write_text("x"), {})
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # no temporary folder left
    # a report folder is replaced whole; an empty one is taken
    rep = tmp_path / "rep"
    write_folder(rep, lambda d: (d / "old.html").write_text("1"), {})
    write_folder(rep, lambda d: (d / "index.html").write_text("2"), {})
    assert sorted(p.name for p in rep.iterdir()) == sorted([MARKER, "index.html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "rep"]


def test_a_failed_build_leaves_the_old_report_untouched(tmp_path: Path) -> None:
    from computestrata.report.output import write_folder

    rep = tmp_path / "rep"
    write_folder(rep, lambda d: (d / "index.html").write_text("good"), {})

    def broken(d: Path) -> None:
        (d / "index.html").write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_folder(rep, broken, {})
    assert (rep / "index.html").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_bad_out_paths_are_input_errors(tmp_path: Path) -> None:
    from computestrata.report.output import check_target

    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        check_target(f)
    with pytest.raises(InputError, match="does not exist"):
        check_target(tmp_path / "no" / "deeper")
    check_target(tmp_path / "new")  # fine: created on write


def test_captions_group_records_by_publisher_and_licence() -> None:
    from computestrata.report.captions import caption, safe_url

    recs = [
        {"source_id": "a", "publisher": "TOP500.org", "license": "L1"},
        {"source_id": "b", "publisher": "TOP500.org", "license": "L1"},
        {"source_id": "c", "publisher": "Epoch AI", "license": "CC-BY-4.0"},
    ]
    assert caption(recs, "en") == "Sources: Epoch AI (CC-BY-4.0); TOP500.org (L1), 2 records."
    assert caption([], "en") == ""
    assert caption(recs[:1], "zh").startswith("来源：TOP500.org（L1）")
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.org/a") == "https://x.org/a"
