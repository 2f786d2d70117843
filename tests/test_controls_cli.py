"""`strata controls` commands: JSON shape, notice, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError

runner = CliRunner()
# reference chips only, independent of the shipped atlas: an atlas with no chips (nor countries) table
REF_ATLAS = Path(__file__).parent / "fixtures" / "controls" / "atlas_reference_only"
NO_ATLAS = ["--atlas", str(REF_ATLAS)]


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, ["controls", *args, "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    return json.loads(res.output)


def test_classify_chip_json() -> None:
    d = run_json("classify", "--chip", "H800", "--dest", "CHN", "--date", "2023-06-01", *NO_ATLAS)
    assert d["eccn"] is None and d["license_required"] is False
    d = run_json("classify", "--chip", "H800", "--dest", "CHN", "--date", "2023-12-01", *NO_ATLAS)
    assert d["eccn"] == "3A090" and d["paragraph"] == "3A090.a.1" and d["license_required"] is True
    assert d["review_policy"] == "presumption_of_denial" and d["catalogue"]["origin"] == "reference"
    assert any(r["citation"] == "88 FR 73458" for r in d["reasons"])
    assert "eCFR" in d["notice"] and any("eCFR" in n for n in d["notes"])


def test_classify_spec_and_hbm() -> None:
    d = run_json(
        "classify", "--spec", "fp16_tflops=300", "--spec", "datacenter=true", "--dest", "CHN", "--date", "2024-01-01"
    )
    assert d["tpp"] == 4800 and d["paragraph"] == "3A090.a.1"
    d = run_json(
        "classify",
        "--item",
        "hbm",
        "--spec",
        "bandwidth_gbps=819",
        "--spec",
        "package_area_mm2=110",
        "--dest",
        "CHN",
        "--date",
        "2025-01-02",
    )
    assert d["eccn"] == "3A090.c" and d["license_required"] is True


def test_classify_posture() -> None:
    d = run_json(
        "classify",
        "--chip",
        "H200",
        "--dest",
        "CHN",
        "--date",
        "2026-03-01",
        "--posture",
        "small_yard_high_fence",
        *NO_ATLAS,
    )
    assert d["review_policy"] == "presumption_of_denial" and "small_yard_high_fence" in d["regime"]


def test_matrix_and_timeline() -> None:
    d = run_json("matrix", "--dest", "CHN", "--dates", "2022-12-01,2024-01-01", *NO_ATLAS)
    rows = {(r["chip"], r["date"]): r for r in d["rows"]}
    assert rows[("NVIDIA A800 SXM4 80GB", "2022-12-01")]["status"] == "free"
    assert rows[("NVIDIA A800 SXM4 80GB", "2024-01-01")]["status"] == "denial"
    assert any("eCFR" in n for n in d["notes"])
    t = run_json("timeline", "--chip", "H20", "--dest", "CHN", *NO_ATLAS)["rows"]
    assert [e["date"] for e in t] == ["2022-01-01", "2025-04-09"]
    assert any("nvidia_h20_2025" in c for c in t[1]["caused_by"])
    t = run_json("timeline", "--chip", "A800", "--dest", "CHN", *NO_ATLAS)["rows"]
    assert any(e["date"] == "2023-11-17" and any("88 FR 73458" in c for c in e["caused_by"]) for e in t)


def test_rules_and_eccns() -> None:
    rows = run_json("rules", "--date", "2025-03-01")["rows"]
    assert {r["citation"] for r in rows} >= {"87 FR 62186", "91 FR 1684"}
    ecc = run_json("eccns", "--posture", "no_yard", "--date", "2026-02-01")["rows"]
    assert "3A090.d*" in {r["eccn"] for r in ecc}


def test_table_output_has_notice() -> None:
    res = runner.invoke(
        app, ["controls", "classify", "--chip", "RTX 4090", "--dest", "CHN", "--date", "2024-06-01", *NO_ATLAS]
    )
    assert res.exit_code == 0 and "eCFR" in res.output and "3A090.a.1" in res.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["classify", "--chip", "H100", "--dest", "CHA", "--date", "2024-01-01"], "CHN"),
        (["classify", "--chip", "H100", "--dest", "CHN", "--date", "2021-05-01"], "2022-01-01"),
        (["classify", "--chip", "H100", "--dest", "CHN", "--date", "2024-1-1"], "YYYY-MM-DD"),
        (["classify", "--spec", "int8_tops=-1", "--dest", "CHN", "--date", "2024-01-01"], "negative"),
        (["classify", "--spec", "fp12_tflops=1", "--dest", "CHN", "--date", "2024-01-01"], "fp16_tflops"),
        (["classify", "--chip", "Voodoo 5 6000 Ultra", "--dest", "CHN", "--date", "2024-01-01"], "closest"),
        (["classify", "--dest", "CHN", "--date", "2024-01-01"], "nothing to classify"),
        (["matrix", "--dest", "CHN", "--dates", "2024-01-01,nope"], "malformed"),
    ],
)
def test_errors_are_clear(args: list[str], needle: str) -> None:
    res = runner.invoke(app, ["controls", *args, *NO_ATLAS])
    assert isinstance(res.exception, InputError)
    assert needle in str(res.exception)


def test_cli_exit_code_and_message() -> None:
    exe = Path(sys.executable).with_name("strata")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "computestrata.cli"]
    res = subprocess.run(
        [*cmd, "controls", "classify", "--chip", "H100", "--dest", "XXX", "--date", "2024-01-01", *NO_ATLAS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert "unknown destination" in res.stderr and "hint" in res.stderr


# ---- QA defects #7, #8, #9, #13, #17, #19, #21 --------------------------------------------


def _text(*args: str, env: dict[str, str] | None = None) -> str:
    res = runner.invoke(app, ["controls", *args], env=env)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


H20_CHN = ["--chip", "H20", "--dest", "CHN", "--date", "2025-06-01", *NO_ATLAS]


def test_h20_overall_licence_answer_json_and_text() -> None:
    """#7: the top-level answer counts the letter in force; the rules-only answer is kept apart."""
    d = run_json("classify", *H20_CHN)
    assert d["license_required"] is True and d["license_required_by_rules"] is False
    assert d["license_basis"] == ["is_informed_letter:nvidia_h20_2025"] and d["status"] == "measure"
    assert d["eccn"] is None and d["paragraph"] is None and d["measures"][0]["license_required"] is True
    out = _text("classify", *H20_CHN)
    assert "licence required: yes" in out and "licence required by the rules: no" in out
    assert "licence required by: letter nvidia_h20_2025" in out
    h100 = run_json("classify", "--chip", "H100", "--dest", "CHN", "--date", "2024-06-01", *NO_ATLAS)
    assert h100["license_basis"] == ["3A090.a.1"] and h100["license_required_by_rules"] is True


def test_matrix_rows_carry_both_answers() -> None:
    rows = run_json("matrix", "--dest", "CHN", "--dates", "2025-06-01", *NO_ATLAS)["rows"]
    h20 = next(r for r in rows if r["chip"] == "NVIDIA H20 (HGX/SXM 96GB)")
    assert (h20["license_required"], h20["license_required_by_rules"]) == (True, False)
    assert h20["license_basis"] == ["is_informed_letter:nvidia_h20_2025"]


def test_reference_chip_and_rules_are_sources() -> None:
    """#8: the shipped reference chips and the rule texts are cited like atlas sources."""
    d = run_json("classify", "--chip", "H800", "--dest", "CHN", "--date", "2023-06-01", *NO_ATLAS)
    src = {s["source_id"]: s for s in d["sources"]}
    ref = src["controls_reference_chips"]
    assert "RULES §7 (H100 compute; NVLink cut to 400 GB/s)" in ref["citation"]
    assert ref["license"] == "LicenseRef-compiled-facts" and ref["locator"] == "NVIDIA H800 SXM5"
    assert src["controls_rule_oct2022_ac"]["citation"].startswith("87 FR 62186")
    assert "controls_rule_oct2023_acs" not in src  # not yet in force on 2023-06-01
    assert all({"source_id", "citation", "license", "publisher", "title"} <= set(s) for s in d["sources"])
    # the H20's letter is cited too
    h20 = {s["source_id"] for s in run_json("classify", *H20_CHN)["sources"]}
    assert {"controls_reference_chips", "controls_letter_nvidia_h20_2025"} <= h20
    t = {s["source_id"]: s for s in run_json("timeline", "--chip", "A800", "--dest", "CHN", *NO_ATLAS)["sources"]}
    assert "controls_reference_chips" in t and t["controls_rule_oct2023_acs"]["citation"].startswith("88 FR 73458")
    m = {s["source_id"] for s in run_json("matrix", "--dest", "CHN", "--dates", "2024-01-01", *NO_ATLAS)["sources"]}
    assert {"controls_reference_chips", "controls_rule_oct2023_acs"} <= m
    out = _text("classify", "--chip", "H800", "--dest", "CHN", "--date", "2023-06-01", *NO_ATLAS)
    assert "[controls_reference_chips]" in out and "[controls_rule_oct2022_ac] 87 FR 62186" in out


@pytest.mark.parametrize(
    "args",
    [
        ["classify", *H20_CHN],
        ["matrix", "--dest", "CHN", "--dates", "2024-01-01", *NO_ATLAS],
        ["timeline", "--chip", "H20", "--dest", "CHN", *NO_ATLAS],
        ["rules"],
        ["eccns"],
    ],
)
def test_exclude_license_is_accepted(args: list[str]) -> None:
    """#9: every controls command takes --exclude-license (a licence no source has is an error)."""
    run_json(*args, "--exclude-license", "CC-BY-4.0")
    res = runner.invoke(app, ["controls", *args, "--exclude-license", "NOPE-1.0"])
    assert isinstance(res.exception, InputError) and "matches no source" in str(res.exception)


def test_exclude_license_filters_the_catalogue() -> None:
    """#9: excluding the reference chips' licence leaves them out, with a note; Epoch rows follow
    the atlas' exclusions (the shipped atlas)."""
    d = run_json("matrix", "--dest", "CHN", "--dates", "2024-01-01", *NO_ATLAS)
    assert {r["origin"] for r in d["rows"]} == {"reference"}
    d = run_json(
        "matrix", "--dest", "CHN", "--dates", "2024-01-01", *NO_ATLAS, "--exclude-license", "LicenseRef-compiled-facts"
    )
    assert d["rows"] == [] and any("LicenseRef-compiled-facts" in n for n in d["notes"])
    assert "controls_reference_chips" not in {s["source_id"] for s in d["sources"]}
    shipped = run_json("matrix", "--dest", "CHN", "--dates", "2024-01-01", "--exclude-license", "CC-BY-4.0")
    assert {r["origin"] for r in shipped["rows"]} == {"reference"}
    assert "epoch_ml_hardware" not in {s["source_id"] for s in shipped["sources"]}


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "--chip", "H20", "--dest", "CHN", "--date", "2025-06-01"],
        ["classify", "--spec", "int8_tops=600", "--dest", "CHN", "--date", "2025-06-01"],
        ["matrix", "--dest", "CHN", "--dates", "2024-01-01"],
        ["timeline", "--chip", "H20", "--dest", "CHN"],
    ],
)
def test_invalid_atlas_is_an_error(args: list[str], tmp_path: Path) -> None:
    """#17: an --atlas (or STRATA_ATLAS) that is not an atlas fails as in every other command."""
    from computestrata.errors import AtlasError

    res = runner.invoke(app, ["controls", *args, "--atlas", str(tmp_path)])
    assert isinstance(res.exception, AtlasError) and "no atlas at" in str(res.exception)
    res = runner.invoke(app, ["controls", *args], env={"STRATA_ATLAS": str(tmp_path)})
    assert isinstance(res.exception, AtlasError)


@pytest.mark.parametrize(("word", "code"), [("KOREA", "KOR"), ("中国", "CHN"), ("한국", "KOR"), ("china", "CHN")])
def test_dest_accepts_country_names(word: str, code: str) -> None:
    """#13: --dest/--hq resolve names (also Korean and Chinese) through the shipped atlas."""
    d = run_json("classify", "--chip", "H100", "--dest", word, "--date", "2024-06-01")
    assert d["destination"] == code
    d = run_json(
        "classify",
        "--spec",
        "int8_tops=700",
        "--spec",
        "datacenter=true",
        "--dest",
        "SGP",
        "--hq",
        word,
        "--date",
        "2024-06-01",
    )
    assert d["hq"] == code
    rows = run_json("matrix", "--dest", word, "--dates", "2024-01-01", "--origin", "reference")["rows"]
    assert {r["destination"] for r in rows} == {code}


def test_dest_unknown_name_lists_closest_and_no_atlas_falls_back_to_iso3() -> None:
    res = runner.invoke(app, ["controls", "classify", "--chip", "H100", "--dest", "Chna", "--date", "2024-06-01"])
    assert isinstance(res.exception, InputError) and "CHN" in str(res.exception)
    # an atlas without country tables: ISO3 codes only, as before
    assert (
        run_json("classify", "--chip", "H100", "--dest", "kor", "--date", "2024-06-01", *NO_ATLAS)["destination"]
        == "KOR"
    )
    res = runner.invoke(
        app, ["controls", "classify", "--chip", "H100", "--dest", "KOREA", "--date", "2024-06-01", *NO_ATLAS]
    )
    assert isinstance(res.exception, InputError)


def test_date_past_the_rule_data_note() -> None:
    """#19: a date past the rule data says where the data ends and what the verdict assumes."""
    from computestrata.controls import regime
    from computestrata.controls.classify import newest_rule_date

    newest = newest_rule_date(regime.load()).isoformat()  # from the rules: a newcomer's rule moves it
    d = run_json("classify", "--chip", "H20", "--dest", "CHN", "--date", "2099-01-01", *NO_ATLAS)
    assert any(newest in n and "assumes no later change" in n for n in d["notes"])
    d = run_json("matrix", "--dest", "CHN", "--dates", "2024-01-01,2099-01-01", *NO_ATLAS)
    assert any("assumes no later change" in n for n in d["notes"])
    d = run_json("matrix", "--dest", "CHN", "--dates", "2024-01-01", *NO_ATLAS)
    assert not any("assumes no later change" in n for n in d["notes"])


def test_british_spelling_and_dashes_for_empty_fields() -> None:
    """#21: "licence" in English display text (JSON keys keep "license"); empty fields show "—"."""
    for args in (
        ["classify", *H20_CHN],
        ["classify", "--chip", "H100", "--dest", "VNM", "--date", "2024-06-01", *NO_ATLAS],
        ["matrix", "--dest", "CHN", "--dates", "2022-01-01,2025-06-01", *NO_ATLAS],
        ["timeline", "--chip", "H20", "--dest", "CHN", *NO_ATLAS],
    ):
        out = _text(*args).lower().replace("licenseref", "")
        assert "license" not in out.replace("license exception", ""), args  # proper names: "License Exception NAC"
    out = _text("classify", *H20_CHN)
    assert "missing inputs: —" in out and "licence exceptions: —" in out and "low-confidence rules: —" in out
    from computestrata.controls import display

    assert display.status("free") == "no licence needed" and display.status("license") == "licence required"
