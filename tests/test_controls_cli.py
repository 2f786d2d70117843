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
NO_ATLAS = ["--atlas", "/nonexistent/atlas"]  # reference chips only, independent of any shipped atlas


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
