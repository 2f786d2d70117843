"""Cooperation results as people read them (``cooperation/display.py``): the same rows and notes
for the command, the dashboard and the report, every text through the catalogues."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.cooperation import api, display
from computestrata.cooperation.mechanisms import segment_tag, split_tag
from computestrata.cooperation.third import controls_text, split_controls
from computestrata.i18n import set_lang, t


@pytest.fixture
def korean() -> Iterator[None]:
    set_lang("ko")
    yield
    set_lang("en")


@given(st.from_regex(r"[a-z_0-9]{1,20}", fullmatch=True), st.sampled_from(["restricted", "limited", "open"]))
def test_a_mechanism_segment_tag_reads_back(segment: str, klass: str) -> None:
    assert split_tag(segment_tag(segment, klass)) == (segment, klass)


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Z]{3}→[A-Z]{3}", fullmatch=True),
            st.sampled_from(["free", "license", "denial", "case_by_case", "indeterminate"]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_third_market_controls_text_reads_back(flows: list[tuple[str, str]]) -> None:
    assert split_controls(controls_text(flows)) == flows


def test_a_text_without_a_class_is_left_as_it_is() -> None:
    assert split_tag("dram") == ("dram", None)
    assert split_tag("dram (open") == ("dram (open", None)


def _pair(asymmetry: list[dict[str, Any]], mechanisms: list[dict[str, Any]]) -> Any:
    return SimpleNamespace(a="KOR", b="CHN", asymmetry=asymmetry, mechanisms=mechanisms, notes=["own note"])


def test_pair_notes_say_the_rule_file_and_symmetry(korean: None) -> None:
    rules = api.load_rules()
    sym = display.pair_notes(_pair([], []), rules)
    assert "cooperation/rules.yaml" in sym[0] and str(rules.thresholds.open) in sym[0]
    assert sym[1] == t("coop.note.symmetric", a="KOR", b="CHN") and "대칭" in sym[1]
    assert sym[-1] == "own note"
    asym = display.pair_notes(_pair([{"segment_id": "hbm", "why": ["x"]}], []), rules, Path("my.yaml"))
    assert "my.yaml" in asym[0] and asym[1] == t("coop.note.asymmetric", n=1, a="KOR", b="CHN")


def test_mechanism_rows_translate_the_class_of_each_segment(korean: None) -> None:
    mech = {
        "name": "m",
        "supported": True,
        "opening": "o",
        "segments": [segment_tag(f"s{i}", k) for i, k in enumerate(["open", "limited", "open", "open", "open"])],
        "evidence": ["a", "b"],
    }
    (row,) = display.mechanism_rows(_pair([], [mech]))
    assert row["supported"] == t("coop.word.yes")
    assert row["segments"] == f"s0 ({t('coop.class.open')}), s1 ({t('coop.class.limited')}), " + (
        f"s2 ({t('coop.class.open')}), s3 ({t('coop.class.open')}) +1"
    )
    assert "(open)" not in row["segments"] and row["evidence"] == "a | b"


def test_third_rows_show_statuses_and_income_groups_in_the_readers_language(korean: None) -> None:
    row = {"country": "VNM", "controls": "USA→VNM free, CHN→VNM license", "income_group": "Lower middle income"}
    shown = display.third_row(row)
    assert shown["income_group"] == t("coop.income.lower_middle_income") != row["income_group"]
    assert shown["controls"].startswith("USA→VNM ") and "free" not in shown["controls"]
    assert row["controls"] == "USA→VNM free, CHN→VNM license"  # the JSON row keeps its codes
    assert display.third_row({"income_group": "Unknown group"})["income_group"] == "Unknown group"


def test_timeline_rows_and_notes(korean: None) -> None:
    rows = display.timeline_rows([{"class": "open", "previous": None}, {"class": "limited", "previous": "open"}])
    assert rows == [
        {"class": t("coop.class.open"), "previous": None},
        {"class": t("coop.class.limited"), "previous": t("coop.class.open")},
    ]
    (row,) = display.timeline_rows([{"class": "open", "previous": None, "controls_status": "KOR→CHN free"}])
    assert row["controls_status"] == f"KOR→CHN {display.status_label('free')}" != "KOR→CHN free"
    (note,) = display.timeline_notes([date(2024, 1, 1), date(2025, 1, 1)])
    assert "2개" in note and "dates evaluated" not in note


def test_matrix_rows_cut_for_tables_and_say_where_the_rest_are() -> None:
    frame = pd.DataFrame({"a": ["KOR"] * 5, "b": list("ABCDE"), "mean_score": [0.1, 0.2, None, 0.4, 0.5]})
    res = SimpleNamespace(frame=frame, records=lambda: [dict(r) for r in frame.to_dict(orient="records")])
    rows, notes = display.matrix_rows(res)  # type: ignore[arg-type]
    assert len(rows) == 5 and notes == []
    rows, notes = display.matrix_rows(res, 2)  # type: ignore[arg-type]
    assert [r["b"] for r in rows] == ["A", "B"] and notes == [t("coop.note.rows_cut", shown=2, total=5)]
    _, notes = display.matrix_rows(res, 2, Path("x.parquet"))  # type: ignore[arg-type]
    assert "Parquet" in notes[0]


@pytest.mark.integration
def test_a_real_pair_reads_the_same_in_every_table(atlas: Any, korean: None) -> None:
    res = api.pair(atlas, "KOR", "CHN", "2025-06-01")
    rows = display.pair_rows(res)
    assert [r["segment"] for r in rows] == [s.name for s in res.segments]
    assert {r["class"] for r in rows} <= {t(f"coop.class.{c}") for c in ("restricted", "limited", "open")}
    assert set(rows[0]) == set(display.PAIR_COLUMNS)
    assert len(display.driver_rows(res)) == sum(len(s.drivers) for s in res.segments)
    summary = display.summary_rows(res)
    assert len(summary) == len(res.summary) and t("col.layer") in summary[0]
    assert len(display.mechanism_rows(res)) == len(res.mechanisms)
    assert [r["segment"] for r in display.asymmetry_rows(res)] == [x["segment_id"] for x in res.asymmetry]
