"""`strata controls` in Korean and Chinese: labels in tables, stable codes in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.controls import display
from computestrata.i18n import set_lang

runner = CliRunner()
# reference chips only: an atlas with no chips (nor countries) table
NO_ATLAS = ["--atlas", str(Path(__file__).parent / "fixtures" / "controls" / "atlas_reference_only")]
H100_CHN = ["--chip", "H100", "--dest", "CHN", "--date", "2024-01-01", *NO_ATLAS]


def _out(*args: str) -> str:
    res = runner.invoke(app, ["controls", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def test_classify_table_in_korean_shows_labels_not_codes() -> None:
    out = _out("classify", *H100_CHN, "--lang", "ko")
    assert "심사 정책: 거부 추정" in out  # review policy presumption_of_denial
    assert "허가 필요: 예" in out and "판정 근거" in out
    assert "충족" in out and "≥ (이상)" in out  # test results and comparators
    assert "presumption_of_denial" not in out and "passed" not in out


def test_classify_json_keeps_codes_in_any_language() -> None:
    d = json.loads(_out("classify", *H100_CHN, "--lang", "zh", "--json"))
    assert d["status"] == "denial" and d["review_policy"] == "presumption_of_denial"
    assert {r["comparator"] for r in d["reasons"]} <= {">=", ">", "<", "<=", "==", "in", "applies"}
    assert all(r["passed"] in (True, False, None) for r in d["reasons"])


def test_classify_table_fits_80_columns() -> None:
    out = _out("classify", "--chip", "H20", "--dest", "CHN", "--date", "2025-06-01", "--hq", "CHN", *NO_ATLAS)
    table = [ln for ln in out.splitlines() if ln[:1] in "┏┃┡│└"]
    assert table and max(len(ln) for ln in table) <= 80
    assert "3A090.b.2" in out and "88 FR 73458" in out  # rule ids and citations still shown


def test_matrix_status_labels_per_language() -> None:
    args = ("matrix", "--dest", "CHN", "--dates", "2024-01-01", "--origin", "reference")
    assert "推定拒绝" in _out(*args, "--lang", "zh")
    ko = _out(*args, "--lang", "ko")
    assert "거부 추정" in ko and "| denial" not in ko and "presumption_of_denial" not in ko
    rows = json.loads(_out(*args, "--lang", "ko", "--json"))["rows"]
    assert "denial" in {r["status"] for r in rows} and "presumption_of_denial" in {r["review_policy"] for r in rows}


def test_timeline_adds_labels_and_keeps_english_codes() -> None:
    events = json.loads(_out("timeline", "--chip", "A100", "--dest", "CHN", "--lang", "ko", "--json"))["rows"]
    first, letter = events[0], events[1]
    assert first["caused_by"] == ["start of the rule data (2022-01-01)"]
    assert first["caused_by_label"] == ["규정 자료 시작 (2022-01-01)"]
    assert letter["summary"].endswith("letter nvidia_amd_letters_2022") and "개별 통지" in letter["summary_label"]
    assert any(c.endswith("letter starts)") for c in letter["caused_by"])
    table = _out("timeline", "--chip", "A100", "--dest", "CHN", "--lang", "ko")
    assert "통지 시작" in table and "letter starts" not in table and "거부 추정" in table


def test_rules_kind_and_in_force_translated() -> None:
    out = _out("rules", "--date", "2024-01-01", "--lang", "zh")
    assert "规则" in out and "是" in out and "否" in out and "| rule " not in out
    rows = json.loads(_out("rules", "--date", "2024-01-01", "--lang", "zh", "--json"))["rows"]
    assert {"rule", "is_informed_letter"} <= {r["kind"] for r in rows}


def test_eccns_hypothetical_citations_translated() -> None:
    out = _out("eccns", "--posture", "no_yard", "--date", "2025-06-01", "--lang", "ko")
    assert "가상 (posture:no_yard.segments)" in out and "as modified by" not in out
    assert "고대역폭 메모리" in out  # segment name, not its id


@pytest.mark.parametrize(
    ("lang", "code", "label"),
    [("ko", "denial", "거부 추정"), ("zh", "denial", "推定拒绝"), ("en", "case_by_case", "case-by-case review")],
)
def test_status_label(lang: str, code: str, label: str) -> None:
    set_lang(lang)
    assert display.status(code) == label


def test_display_helpers_fall_back_to_the_code() -> None:
    set_lang("ko")
    assert display.comparator(">=") == "≥ (이상)" and display.passed(None).startswith("알 수 없음")
    assert display.status("no_such_status") == "no_such_status" and display.policy(None) is None
    assert display.selector("D:5, MAC (not A:5, A:6)") == "D:5, MAC (A:5, A:6 제외)"
    assert (
        display.note("reference chip (high confidence): io = 900")
        == "기준 칩 (신뢰도 높음): (원자료 문구, 영어 원문) io = 900"
    )


def test_english_catalogue_spells_licence_the_british_way() -> None:
    """#21: one spelling in English text ("licence"); codes and JSON keys keep "license"."""
    import yaml

    from computestrata.i18n import catalog

    raw = yaml.safe_load((Path(display.__file__).parents[1] / "i18n" / "catalog" / "controls.yaml").read_text("utf-8"))
    english = {k: v["en"] for k, v in raw.items()}
    assert not [k for k, v in english.items() if "license" in v.lower().replace("--exclude-license", "")]
    assert catalog()["controls.status.measure"]["en"].startswith("licence required")


def test_h20_overall_answer_in_korean() -> None:
    out = _out("classify", "--chip", "H20", "--dest", "CHN", "--date", "2025-06-01", *NO_ATLAS, "--lang", "ko")
    assert "허가 필요: 예" in out and "규정상 허가 필요: 아니요" in out and "개별 통지 nvidia_h20_2025" in out
