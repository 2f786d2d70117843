"""Errors in the reader's language, one term per glossary concept, hints that name the
range, and ambiguous country names (issue 8, item 16)."""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError, unknown
from computestrata.i18n import catalog
from computestrata.measure.checks import within

runner = CliRunner()
CATALOG = Path(__file__).resolve().parents[1] / "src" / "computestrata" / "i18n" / "catalog"


def strata(*args: str, env_atlas: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("strata")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "computestrata.cli"]
    extra = ["--atlas", str(env_atlas)] if env_atlas else []
    return subprocess.run([*cmd, *args, *extra], capture_output=True, text=True, check=False)


# ---- keyed errors -----------------------------------------------------------------------------


def test_a_keyed_error_reads_in_each_language() -> None:
    with pytest.raises(InputError) as info:
        within("--draws", 5, 100, 20_000, 4000)
    err = info.value
    assert str(err) == "--draws must be between 100 and 20,000 (got 5)\n  hint: e.g. --draws 4000"
    assert err.shown("ko") == ("--draws 값은 100에서 20,000 사이여야 합니다 (입력값 5)", "예: --draws 4000")
    assert err.shown("zh") == ("--draws 必须在 100 到 20,000 之间（输入为 5）", "例如：--draws 4000")


def test_text_appended_to_a_hint_survives_translation() -> None:
    err = unknown("chip", "H100x", ["NVIDIA H100 SXM5 80GB", "AMD MI300X"])
    err.hint = (err.hint or "") + "; see `strata controls matrix --chips`"
    msg, hint = err.shown("ko")
    assert msg == "알 수 없는 칩: 'H100x'"
    assert hint is not None and hint.startswith("가장 가까운 값: ") and hint.endswith("matrix --chips`")


def test_a_replaced_message_is_shown_as_it_now_reads() -> None:
    err = unknown("chip", "X", ["A"])
    err.message = "something else"
    assert err.shown("zh")[0] == "something else"


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("2030-11", "latest TOP500 list is 2024-11 (available: 1993-06 to 2024-11, 4 in all)"),
        ("1980-06", "earliest TOP500 list is 1993-06 (available: 1993-06 to 2024-11, 4 in all)"),
        ("2021-06", "not in the data; nearest: 2020-11, 2021-11 (available: 1993-06 to 2024-11, 4 in all)"),
    ],
)
def test_out_of_range_periods_name_the_range_not_fuzzy_neighbours(word: str, hint: str) -> None:
    err = unknown("TOP500 list", word, ["1993-06", "2020-11", "2021-11", "2024-11"])
    assert err.message == f"unknown TOP500 list {word!r}"
    assert err.hint == hint


def test_words_still_get_the_closest_spellings() -> None:
    err = unknown("segment", "euv_litho", ["euv_lithography", "duv_lithography", "dram"])
    assert err.hint is not None and err.hint.startswith("closest: euv_lithography")


def test_unknown_language_is_keyed() -> None:
    from computestrata.i18n import set_lang

    with pytest.raises(InputError) as info:
        set_lang("fr")
    assert info.value.shown("ko") == ("알 수 없는 언어: 'fr'", "다음 중 하나를 사용하세요: en, ko, zh")


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "ko", "zh"),
    [
        (
            ["controls", "classify", "--chip", "H100", "--dest", "CHN", "--date", "2024-13-01"],
            "존재하지 않는 날짜",
            "不是有效的日历日期",
        ),
        (
            ["controls", "classify", "--chip", "H100", "--dest", "CHN", "--date", "2020-01-01"],
            "규정 자료가 다루는",
            "早于规则数据覆盖的起始日",
        ),
        (
            ["controls", "classify", "--chip", "H100zz", "--dest", "CHN", "--date", "2024-01-01"],
            "알 수 없는 칩",
            "未知的芯片",
        ),
        (["measure", "compute", "--kind", "super", "--year", "2024", "--draws", "5"], "사이여야 합니다", "必须在"),
    ],
)
def test_cli_errors_in_korean_and_chinese(args: list[str], ko: str, zh: str, built_atlas: Path) -> None:
    for lang, needle, label in (("ko", ko, "오류"), ("zh", zh, "错误")):
        proc = strata(*args, "--lang", lang, env_atlas=built_atlas if args[0] != "controls" else None)
        assert proc.returncode == 2, proc.stderr
        assert needle in proc.stderr and proc.stderr.startswith(label), proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.integration
def test_top500_list_out_of_range_names_the_latest(built_atlas: Path) -> None:
    proc = strata("top500", "countries", "--list", "2030-11", env_atlas=built_atlas)
    assert proc.returncode == 2
    assert "latest TOP500 list is 2024-11 (available: 1993-06 to 2024-11" in proc.stderr
    ko = strata("top500", "countries", "--list", "2030-11", "--lang", "ko", env_atlas=built_atlas)
    assert "가장 최근 TOP500 목록: 2024-11" in ko.stderr
    gap = strata("top500", "countries", "--list", "2021-06", "--lang", "zh", env_atlas=built_atlas)
    assert "此图集中没有 TOP500 榜单 2021-06" in gap.stderr and "相邻榜单：2021-11" in gap.stderr


# ---- ambiguous country names --------------------------------------------------------------------


@pytest.mark.integration
def test_korea_is_read_as_kor_with_a_warning_naming_both(built_atlas: Path) -> None:
    args = ["top500", "history", "--country", "Korea", "--atlas", str(built_atlas), "--json"]
    data = json.loads(runner.invoke(app, args).output)
    assert data["rows"] and any(r["systems"] for r in data["rows"])
    warn = [n for n in data["notes"] if "Korea" in n]
    assert warn == [
        "'Korea' could mean KOR (South Korea), PRK (North Korea); read as KOR — type the ISO3 code to choose another"
    ]
    plain = json.loads(runner.invoke(app, [*args[:3], "KOR", *args[4:]]).output)
    assert not any("could mean" in n for n in plain["notes"])


@pytest.mark.integration
def test_congo_warns_in_korean_and_an_unresolved_name_lists_candidates(built_atlas: Path) -> None:
    out = runner.invoke(
        app, ["controls", "classify", "--chip", "H100", "--dest", "Congo", "--date", "2024-01-01", "--lang", "ko"]
    ).output
    assert "COG (콩고-브라자빌), COD (콩고-킨샤사)" in out
    res = runner.invoke(app, ["top500", "history", "--country", "Virgin Islands", "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError)
    assert "VGB" in res.exception.message and "VIR" in res.exception.message
    assert res.exception.hint == "type one of the codes: VGB, VIR"


@pytest.mark.integration
def test_unknown_country_hint_uses_the_readers_language(built_atlas: Path) -> None:
    proc = strata("top500", "history", "--country", "콩고민주", "--lang", "ko", env_atlas=built_atlas)
    assert proc.returncode == 2 and "콩고-킨샤사" in proc.stderr


# ---- catalogues: every language, and one term per glossary concept ------------------------------


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_error_catalogue_is_complete_and_placeholders_agree() -> None:
    data = yaml.safe_load((CATALOG / "errors.yaml").read_text(encoding="utf-8"))
    for key, texts in data.items():
        assert set(texts) == {"en", "ko", "zh"}, key
        assert _fields(texts["ko"]) == _fields(texts["en"]) == _fields(texts["zh"]), key


#: concept → (the glossary's term, variants that must not appear), per language
GLOSSARY = {
    "ko": {
        "stratification": ("분층화", ["계층화"]),
        "frontier": ("첨단", ["최전선"]),
        "compute": ("연산력", ["계산력"]),
    },
    "zh": {
        "chokepoint": ("卡脖子", ["瓶颈"]),
        "atlas": ("图集", ["数据图集"]),
        "stratification": ("分层化", ["分层："]),
        "core and periphery": ("外围", ["核心—边缘", "核心-边缘"]),
    },
}


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_one_term_per_glossary_concept(lang: str) -> None:
    texts = {k: v.get(lang, "") for k, v in catalog().items()}
    for concept, (term, variants) in GLOSSARY[lang].items():
        for bad in variants:
            hits = sorted(k for k, v in texts.items() if bad in v)
            assert not hits, f"{concept}: use {term!r}, not {bad!r}, in {hits}"
        assert any(term in v for v in texts.values()), concept


def test_stratification_titles_use_the_glossary_term() -> None:
    titles = {k: v for k, v in catalog().items() if re.search(r"stratification", v.get("en", ""), re.I)}
    assert titles
    for key, v in titles.items():
        if v["en"].lower().startswith("stratification"):
            assert v["ko"].startswith("분층화"), key
            assert v["zh"].startswith("分层化"), key


# ---- usage errors (from the argument parser, before any command runs) ----------------------------


@pytest.mark.parametrize(
    ("message", "ko"),
    [
        ("Missing option '--country'.", "필수 옵션 '--country'이(가) 없습니다."),
        ("No such command 'histry'. Did you mean 'history'?", "없는 명령입니다: 'histry'. 'history'을(를) 뜻했나요?"),
        ("No such option: --lis (Possible options: --list)", "없는 옵션입니다: --lis (가능한 옵션: --list)"),
        ("Option '--year' requires an argument.", "옵션 '--year'에는 값이 필요합니다."),
        ("Missing argument 'COUNTRY'.", "필수 인자 'COUNTRY'이(가) 없습니다."),
    ],
)
def test_usage_errors_are_reworded(message: str, ko: str) -> None:
    from computestrata.usage_errors import translate

    assert translate(message, "ko") == ko
    assert translate(message, "en") == message


def test_usage_error_in_chinese_from_the_command_line() -> None:
    proc = strata("top500", "history", "--lang", "zh")
    assert proc.returncode == 2
    assert "缺少选项 '--country'" in proc.stderr and "错误" in proc.stderr
    assert "Missing option" in strata("top500", "history").stderr


def test_missing_atlas_and_ambiguous_chip_in_korean_and_chinese(tmp_path: Path) -> None:
    proc = strata("top500", "countries", "--atlas", str(tmp_path / "nope"), "--lang", "zh")
    assert proc.returncode == 2 and "处没有图集（缺少 manifest.json）" in proc.stderr
    proc = strata("controls", "classify", "--chip", "TPU", "--dest", "CHN", "--date", "2024-01-01", "--lang", "ko")
    assert proc.returncode == 2 and "칩 이름 'TPU'이(가) 모호합니다" in proc.stderr and "Google TPU v5e" in proc.stderr
