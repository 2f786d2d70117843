"""`strata trends` on the built atlas: JSON shape, languages, the overview section, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.trends.stats import OUTCOMES

runner = CliRunner()
pytestmark = pytest.mark.integration


def run_json(atlas_path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, ["trends", *args, "--atlas", str(atlas_path), "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    return json.loads(res.output)


def test_all_four_side_by_side(built_atlas: Path) -> None:
    d = run_json(built_atlas, "--no-robust")
    assert [t["kind"] for t in d["trends"]] == ["stratification", "regionalisation", "fragmentation", "institutions"]
    for t in d["trends"]:
        assert t["outcome"] in OUTCOMES and t["verdict"]
        for i in t["indicators"]:
            if i["direction"] in ("supports", "contradicts", "unclear"):
                assert i["lo"] is not None and i["hi"] is not None and i["lo"] <= i["hi"] and i["method"]
    ids = {s["source_id"] for s in d["sources"]}
    assert {"comtrade_semis_network", "taiwan_customs_8542_by_country", "epoch_notable_models"} <= ids
    assert {"computestrata_instruments", "computestrata_blocs"} <= ids  # curated data cited as ours
    assert "Verdict rule" in d["notes"][0]


def test_regionalisation_figures_and_robustness(built_atlas: Path) -> None:
    d = run_json(built_atlas, "regionalisation")
    by = {i["key"]: i for i in d["indicators"]}
    assert by["intra_bloc_share"]["years"] == "2019→2022" and "29" in by["intra_bloc_share"]["method"]
    assert by["taiwan_ic_china_share"]["years"] == "2013–2025"
    tw = {r["year"]: r for r in d["series"] if r["series"] == "taiwan_ic_exports"}
    assert 0.5 < tw[2022]["china_hk_share"] < 0.65  # Taiwan customs: ~58 % of HS 8542 exports to China+HK
    cp = [r for r in d["series"] if r["series"] == "network_structure"]
    assert [r["year"] for r in cp] == [2019, 2022] and all(r["core_exporters"] for r in cp)
    variants = {r["variant"] for r in d["robustness"]}
    assert any("chip_alliance" in v for v in variants) and any("Hong Kong" in v for v in variants)
    assert any("partner World" in n or "World only" in n for n in d["notes"])  # says what SME data cannot show


def test_fragmentation_says_coverage_and_in_korean(built_atlas: Path) -> None:
    d = run_json(built_atlas, "fragmentation", "--no-robust", "--lang", "ko")
    assert "생태계" in d["claim"] and any("수록 범위" in n for n in d["notes"])
    assert {i["key"] for i in d["indicators"]} >= {"china_domestic_hw_share", "cross_bloc_lineage_share"}


def test_stratification_reuses_measure(built_atlas: Path) -> None:
    d = run_json(built_atlas, "stratification", "--no-robust", "--from", "2016")
    assert d["window"]["from"] == 2016
    assert any(i["key"] == "top500_frontier_hhi_slope" for i in d["indicators"])
    assert any("measure stratification" in n for n in d["notes"])


def test_human_output_in_chinese(built_atlas: Path) -> None:
    res = runner.invoke(app, ["trends", "institutions", "--no-robust", "--atlas", str(built_atlas), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "制度分化" in res.output and "编码由本项目完成" in res.output


def test_overview_has_the_trends_section(built_atlas: Path) -> None:
    res = runner.invoke(app, ["overview", "--atlas", str(built_atlas), "--json"])
    assert res.exit_code == 0, res.output
    sec = next(s for s in json.loads(res.output)["sections"] if s["key"] == "trends")
    assert [r["trend"] for r in sec["rows"]] == ["stratification", "regionalisation", "fragmentation", "institutions"]
    assert all(r["outcome"] in OUTCOMES for r in sec["rows"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["regionalism"], "unknown trend kind 'regionalism'"),
        (["--from", "2030", "--to", "2010"], "--from 2030 is after --to 2010"),
        (["regionalisation", "--from", "2040"], "years outside the data: regionalisation has data for 2013–2025"),
        (["fragmentation", "--to", "1900"], "years outside the data: fragmentation"),
        (["institutions", "--from", "2099"], "years outside the data: institutions"),
        (["--from", "2099"], "years outside the data"),
    ],
)
def test_bad_arguments(built_atlas: Path, args: list[str], needle: str) -> None:
    res = runner.invoke(app, ["trends", *args, "--no-robust", "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError), res.output
    assert needle in str(res.exception)


def test_bad_bloc_and_instrument_files(built_atlas: Path, tmp_path: Path) -> None:
    blocs = tmp_path / "blocs.yaml"
    blocs.write_text(
        "definitions:\n  x:\n    as_of: 2024-01-01\n    blocs:\n"
        "      a: {members: [USA, Narnia]}\n      b: {members: [CHN, USA]}\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["trends", "regionalisation", "--blocs", str(blocs), "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError) and "unknown country 'Narnia'" in str(res.exception)
    blocs.write_text(
        "definitions:\n  x:\n    as_of: 2024-01-01\n    blocs:\n"
        "      a: {members: [USA]}\n      b: {members: [CHN, United States]}\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["trends", "regionalisation", "--blocs", str(blocs), "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError) and "USA is in bloc 'a' and bloc 'b'" in str(res.exception)
    inst = tmp_path / "inst.yaml"
    inst.write_text(
        "jurisdictions: {USA: US}\ninstruments:\n  - {id: x, jurisdiction: USA, title: t, type: law, scope: ai,"
        " adopted: 2020-01-01, binding: sort_of, ai_approach: risk_based, data_localisation: n/a,"
        " state_compute_role: n/a, confidence: H, source: s}\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["trends", "institutions", "--instruments", str(inst), "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError) and "unknown binding value 'sort_of'" in str(res.exception)


def test_exit_code_2_and_no_traceback(built_atlas: Path) -> None:
    exe = Path(sys.executable).with_name("strata")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "computestrata.cli"]
    res = subprocess.run(
        [*cmd, "trends", "fragmentaton", "--atlas", str(built_atlas)], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 2
    assert "unknown trend kind" in res.stderr and "fragmentation" in res.stderr and "Traceback" not in res.stderr
