"""QA2 N6/#10/N5 in `strata controls`: rule listings cite the rules as source records, letter
titles and reference-chip notes in ko/zh, and the note on Epoch chips a licence filter hides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.controls import display, regime, sources
from computestrata.errors import InputError

runner = CliRunner()
NO_ATLAS = ["--atlas", str(Path(__file__).parent / "fixtures" / "controls" / "atlas_reference_only")]
H20_CHN = ["--chip", "H20", "--dest", "CHN", "--date", "2025-06-01", *NO_ATLAS]


def _run(*args: str) -> str:
    res = runner.invoke(app, ["controls", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def test_rules_lists_every_real_instrument_and_letter_as_a_source() -> None:
    reg = regime.load()
    d = json.loads(_run("rules", "--json"))
    ids = {s["source_id"] for s in d["sources"]}
    assert {f"controls_letter_{m.id}" for m in reg.measures} <= ids
    assert {f"controls_rule_{i.id}" for i in reg.instruments if not i.hypothetical} <= ids
    assert not any(f"controls_rule_{i.id}" in ids for i in reg.instruments if i.hypothetical)
    # the listing collapses per publisher by default; --sources full cites each instrument
    full = runner.invoke(app, ["--sources", "full", "controls", "rules", "--lang", "en"]).output
    assert "[controls_rule_oct2022_ac] 87 FR 62186" in full
    assert "controls_rule_oct2022_ac" in _run("rules", "--lang", "en")


def test_eccns_cite_the_real_rules_in_force_that_day() -> None:
    d = json.loads(_run("eccns", "--date", "2023-06-01", "--json"))
    ids = {s["source_id"] for s in d["sources"]}
    assert "controls_rule_oct2022_ac" in ids and "controls_rule_oct2023_acs" not in ids
    posture = json.loads(_run("eccns", "--date", "2025-06-01", "--posture", "no_yard", "--json"))
    assert posture["sources"] and all(s["source_id"].startswith("controls_rule_") for s in posture["sources"])
    assert json.loads(_run("eccns", "--json"))["sources"]  # default date: the latest rule data


def test_all_rules_reuses_the_record_builder() -> None:
    recs = sources.all_rules(regime.load())
    assert all(set(recs[0]) == set(r) for r in recs)
    assert set(recs[0]) == set(sources.record("x", "p", "t", "c", "l"))


@pytest.mark.parametrize(("lang", "word"), [("ko", "미국 정부 통지"), ("zh", "美国政府通知")])
def test_letter_title_is_translated(lang: str, word: str) -> None:
    out = _run("classify", *H20_CHN, "--lang", lang)
    assert word in out and "USG notice: licence required" not in out
    d = json.loads(_run("classify", *H20_CHN, "--json"))
    assert d["measures"][0]["title"].startswith("USG notice: licence required for the H20")  # JSON unchanged


def test_every_letter_has_titles_in_all_languages() -> None:
    for m in regime.load().measures:
        assert m.title_in("en") == m.title
        assert m.title_in("ko") != m.title and m.title_in("zh") != m.title, m.id


def test_letter_title_without_english_is_an_error() -> None:
    raw = {
        "measures": [
            {
                "id": "x",
                "title": {"ko": "제목"},
                "citation": "c",
                "effective": "2025-01-01",
                "confidence": "H",
                "items": {"names": [["h20"]]},
                "destinations": {"countries": ["CHN"]},
            }
        ]
    }
    with pytest.raises(InputError, match="title has no 'en' text"):
        regime.parse_measures(raw, {"CHN": "China"}, [])


def test_reference_chip_note_is_labelled_as_source_text() -> None:
    from computestrata.i18n import set_lang

    text = "reference chip (medium confidence): no official NVIDIA datasheet"
    set_lang("ko")
    assert display.note(text) == "기준 칩 (신뢰도 중간): (원자료 문구, 영어 원문) no official NVIDIA datasheet"
    set_lang("en")
    assert display.note(text) == text


def test_matrix_says_how_many_epoch_chips_the_licence_filter_hides() -> None:
    """The shipped atlas: its Epoch chips are CC-BY-4.0."""
    full = json.loads(_run("matrix", "--dest", "CHN", "--dates", "2025-06-01", "--json"))
    epoch = sum(r["origin"] == "epoch" for r in full["rows"]) if "origin" in full["rows"][0] else None
    cut = json.loads(
        _run("matrix", "--dest", "CHN", "--dates", "2025-06-01", "--exclude-license", "CC-BY-4.0", "--json")
    )
    note = next(n for n in cut["notes"] if "Epoch ML hardware chips are hidden" in n)
    assert "CC-BY-4.0" in note and f"{len(full['rows']) - len(cut['rows'])} of " in note
    if epoch is not None:
        assert note.startswith(f"{epoch} of {epoch} ")
    assert not any("Epoch ML hardware chips are hidden" in n for n in full["notes"])
    # the reference chips alone are not hidden by the filter: no note
    ref = json.loads(
        _run(
            "matrix",
            "--dest",
            "CHN",
            "--dates",
            "2025-06-01",
            "--origin",
            "reference",
            "--exclude-license",
            "CC-BY-4.0",
            "--json",
        )
    )
    assert not any("Epoch ML hardware chips are hidden" in n for n in ref["notes"])
