"""What people read from `strata measure …`: translated headers, notes and codes; one number format
per column; JSON unchanged (field names and codes).  QA defects #10 and #21.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.atlas.build import write_atlas
from computestrata.i18n import set_lang, t
from computestrata.measure import stratification as st
from test_measure_table1 import tiny_tables


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    yield
    set_lang(None)


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("measure_display") / "atlas"
    write_atlas(tiny_tables(), out, {"built_at": "test"})
    return out


def run(*args: str) -> str:
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["measure", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


COMMANDS = {
    # the tiny atlas has 8 clusters, below the sufficiency rule: shown with its warning
    "compute": ("compute", "--kind", "intelligent", "--year", "2024", "--draws", "200", "--allow-thin"),
    "table1": ("table1", "--draws", "200"),
    "stratification": ("stratification", "--since", "2020", "--top", "2"),
    "concentration": ("concentration", "--dataset", "top500", "--top", "2"),
    "coreperiphery": ("coreperiphery",),
}
#: raw field names, codes and English fragments QA found in ko/zh output
RAW = {
    "compute": ["value_p5", "value_median", "share_pct_median", "observed_h100e", "clusters"],
    "table1": ["open %", "gap pp", "why", "November", "intelligent", "super:"],
    "stratification": [
        "period",
        "tier",
        "theil",
        "n_items",
        "hhi_excess",
        "lead_unit",
        "lead_share",
        "frontier",
        "'holds'",
        "'partly'",
        "'fails'",
        "without CHN",
        "top 5",
        ": partly",
        ": fails",
        ": holds",
    ],
    "concentration": ["period:", "tier:", "frontier", "cr5", "theil", "equivalent_units", "n_items", "top_units"],
    "coreperiphery": ["role", "coreness", "fit =", "core =", "segments in the core block", "periphery"],
}


@pytest.mark.parametrize("lang", ["ko", "zh"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_raw_field_names_or_english_labels_in_ko_zh(atlas_dir: Path, command: str, lang: str) -> None:
    out = run(*COMMANDS[command], "--atlas", str(atlas_dir), "--lang", lang)
    shown = out.split(t("common.sources", lang))[0] + out.split(t("common.notes", lang))[-1]  # not citations
    for raw in RAW[command]:
        assert raw not in shown, f"{raw!r} in {command} --lang {lang}:\n{out}"


def test_english_output_keeps_its_wording(atlas_dir: Path) -> None:
    out = run(*COMMANDS["table1"], "--atlas", str(atlas_dir), "--lang", "en")
    assert "CHN open % (p5–p95)" in out and "USA gap pp" in out and "(November of each year)" in out
    out = run(*COMMANDS["coreperiphery"], "--atlas", str(atlas_dir), "--lang", "en")
    assert re.search(r"fit = \d\.\d{3}; core = [A-Z, ]+; \d+/\d+ segments in the core block", out)


@pytest.mark.parametrize("command", ["compute", "stratification", "coreperiphery", "table1"])
def test_json_keeps_field_names_and_codes_in_every_language(atlas_dir: Path, command: str) -> None:
    en = json.loads(run(*COMMANDS[command], "--atlas", str(atlas_dir), "--lang", "en", "--json"))
    ko = json.loads(run(*COMMANDS[command], "--atlas", str(atlas_dir), "--lang", "ko", "--json"))
    assert [list(r) for r in en["rows"]] == [list(r) for r in ko["rows"]]
    if command == "stratification":
        assert [r["tier"] for r in ko["rows"]] == [r["tier"] for r in en["rows"]]
        assert {r["tier"] for r in ko["rows"]} == {"frontier", "rest"}
        assert [v["outcome"] for v in ko["verdicts"]] == [v["outcome"] for v in en["verdicts"]]
        assert [r["variant"] for r in ko["robustness"]] == [r["variant"] for r in en["robustness"]]
        assert "top 5 without CHN" in {r["variant"] for r in ko["robustness"]}
    if command == "table1":
        assert "(November of each year)" in en["methods"]["super"]


def test_outcome_label_translates_every_code_and_rejects_others() -> None:
    from computestrata.errors import InputError

    for lang in ("en", "ko", "zh"):
        set_lang(lang)
        labels = [st.outcome_label(c) for c in st.OUTCOMES]
        assert len(set(labels)) == len(st.OUTCOMES)
        if lang != "en":
            assert not set(labels) & set(st.OUTCOMES)
    set_lang("ko")
    assert st.outcome_label("holds") == "성립"
    with pytest.raises(InputError):
        st.outcome_label("maybe")


def test_robust_note_uses_outcome_labels(atlas_dir: Path) -> None:
    from computestrata.atlas import store

    set_lang("zh")
    a = store.open(atlas_dir)
    try:
        res = st.analyse(a, ["top500"], since=2020, top=2)
    finally:
        a.close()
    v = res.verdicts[0]
    note = next(n for n in res.notes if n.startswith("top500：判定"))
    assert f"“{st.outcome_label(v.outcome)}”" in note
    assert res.robustness and res.robustness[0]["variant"] == "top 5"  # JSON name stays English


# ---------------------------------------------------------------- one number format per column


def test_column_digits_one_rule_per_column() -> None:
    from computestrata.measure import display

    assert display.column_digits([323.36, 2_783_172.0, None, float("nan")]) == 0
    assert display.column_digits([0.01, 86.18, 0.0]) == 2
    assert display.column_digits([0.0057, 0.0032]) == 4
    assert display.column_digits([3, 490]) == 0
    assert display.column_digits(["USA", None]) == 0


def test_table_formats_each_numeric_column_alike_and_translates_headers() -> None:
    from computestrata.measure import display

    set_lang("en")
    rows = [
        {"country": "USA", "value_p5": 2_783_172.0, "share_pct_median": 79.32, "clusters": 111},
        {"country": "CHE", "value_p5": 323.36, "share_pct_median": 0.0, "clusters": 4},
        {"country": "XXX", "value_p5": None, "share_pct_median": 1.5, "clusters": 0},
    ]
    shown, headers = display.table(rows, ["country", "value_p5", "share_pct_median", "clusters"])
    assert headers == ["country", "value p5", "share % median", "clusters"]
    assert [r["value p5"] for r in shown] == ["2,783,172", "323", "—"]
    assert [r["share % median"] for r in shown] == ["79.32", "0.00", "1.50"]
    assert [r["clusters"] for r in shown] == ["111", "4", "0"]


def test_compute_table_has_one_decimal_count_per_column(atlas_dir: Path) -> None:
    out = run(*COMMANDS["compute"], "--atlas", str(atlas_dir), "--lang", "en")
    body = [line for line in out.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in body]
    assert cells
    for j in range(1, len(cells[0])):
        decimals = {len(c.split(".")[1]) if "." in c else 0 for c in (row[j] for row in cells) if c != "—"}
        assert len(decimals) == 1, [row[j] for row in cells]


def test_every_measure_col_key_is_used_by_a_shown_column() -> None:
    """No dead header keys: each measure.col.* names a field some measure table shows."""
    from computestrata.i18n import catalog
    from computestrata.measure import coreperiphery, estimates, table1

    shown = {
        *st.STRATIFICATION_COLUMNS,
        *coreperiphery.CP_COLUMNS,
        *estimates._BAND_COLUMNS,
        *(c for cols in estimates._KIND_COLUMNS.values() for c in cols),
        "why",
        "caict_pct",
        "open_band",
        "gap_pp",
        "theil_items",
        "theil_within",
        "hhi_random_tier",
        "equivalent_units",
        "top_units",
        "cr5",
    }
    keys = {k.removeprefix("measure.col.") for k in catalog() if k.startswith("measure.col.")}
    assert keys <= shown
    assert table1.layout_label("why") == "why"
