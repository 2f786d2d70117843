"""`strata stack …` on a mock atlas (fast) and on the real data (integration: the 'done when' checks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from loaders_support import build_cset_mock_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def mock_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cset_mock_atlas(tmp_path_factory.mktemp("stack_mock"))


def _json(args: list[str], atlas: Path) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, [*args, "--atlas", str(atlas), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)  # type: ignore[no-any-return]


def test_show_lists_segments_by_layer() -> None:
    res = runner.invoke(app, ["stack", "show", "--layer", "L5", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    assert {r["layer"] for r in rows} == {"L5"} and "app_medical" in {r["id"] for r in rows}
    res = runner.invoke(app, ["stack", "show", "--lang", "zh"])
    assert res.exit_code == 0 and "EUV光刻" in res.output


def test_graph_formats(mock_atlas: Path) -> None:
    res = runner.invoke(app, ["stack", "graph", "--format", "json", "--atlas", str(mock_atlas)])
    data = json.loads(res.output)
    edge = next(e for e in data["edges"] if (e["from"], e["to"]) == ("euv_lithography", "advanced_logic_fab"))
    assert edge["cset_confirmed"] is True and edge["source_id"] == "cset_chip_explorer_sequence"
    edge = next(e for e in data["edges"] if (e["from"], e["to"]) == ("fab_equipment_other", "advanced_logic_fab"))
    assert edge["cset_confirmed"] is False  # the mock sequence lacks deposition (N36 → N35)
    res = runner.invoke(app, ["stack", "graph", "--format", "dot"])
    assert res.exit_code == 0 and res.output.startswith("digraph")
    res = runner.invoke(app, ["stack", "graph", "--format", "png"])
    assert isinstance(res.exception, InputError)


def test_chokepoints_and_shares_on_mock(mock_atlas: Path) -> None:
    data = _json(["stack", "chokepoints"], mock_atlas)
    segs = {r["segment"]: r for r in data["rows"]}
    assert segs["euv_lithography"]["n90"] == 1 and segs["euv_lithography"]["leader"] == "NLD"
    assert "advanced_logic_fab" in segs  # curated <10 nm capacity (cited)
    assert any(s["source_id"] == "cset_chip_explorer_provision" for s in data["sources"])
    assert any("BCG" in c for c in data["citations"])
    data = _json(["stack", "shares", "duv_lithography", "--year", "2020"], mock_atlas)
    assert {(r["entity"], r["year"]) for r in data["rows"]} == {("NLD", 2019), ("JPN", 2019)}


def test_exposure_json_on_mock(mock_atlas: Path) -> None:
    data = _json(["stack", "exposure", "CHN", "--cut", "euv_lithography", "--from", "NLD"], mock_atlas)
    rows = {r["segment"]: r for r in data["rows"]}
    assert rows["euv_lithography"]["available"] == 0.0 and rows["euv_lithography"]["cut"]
    assert rows["advanced_logic_fab"]["available"] == pytest.approx(0.2)
    assert rows["frontier_training"]["path"].startswith("euv_lithography → advanced_logic_fab")
    assert "Substitution" in data["assumption"] and data["layers"]


def test_exposure_takes_country_names_in_korean_and_chinese() -> None:
    """Country arguments go through the atlas's names (CLDR ko/zh): 中国 = CHN, 한국 = KOR (shipped atlas)."""
    res = runner.invoke(app, ["stack", "exposure", "中国", "--cut", "hbm", "--from", "한국", "--json"])
    assert res.exit_code == 0, (res.output, res.exception)
    d = json.loads(res.output)
    assert d["country"] == "CHN" and d["from"] == ["KOR"]
    assert d["supply"]["hbm"]["lost_from"] == {"KOR": pytest.approx(0.9)}  # only Korea is cut; USA's 10 % is kept
    assert d["supply"]["hbm"]["kept_from"] == {"USA": pytest.approx(0.1)}


def test_coverage_column_has_one_format() -> None:
    """QA #21: coverage showed 100%, 99%, 1.02 and 1.00 in one column."""
    from computestrata.stack.cli import _fmt

    assert [_fmt("coverage", v) for v in (1.0, 0.99, 1.02, 0.68)] == ["100%", "99%", "102%", "68%"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["stack", "exposure", "CHN", "--cut", "euv_litho"], "closest: euv_lithography"),
        (["stack", "exposure", "CHN", "--cut", "hbm", "--from", "CHN"], "country itself"),
        (["stack", "exposure", "CHN", "--cut", "hbm", "--assume", "hbm=2"], "within 0–1"),
        (["stack", "chokepoints", "--year", "1990"], "closest: 2019"),
        (["stack", "shares", "hbmm"], "closest: hbm"),
        (["stack", "show", "--layer", "L9"], "unknown layer"),
    ],
)
def test_bad_input_lists_valid_choices(mock_atlas: Path, args: list[str], needle: str) -> None:
    res = runner.invoke(app, [*args, "--atlas", str(mock_atlas)] if args[1] != "show" else args)
    assert isinstance(res.exception, InputError), res.output
    assert needle in str(res.exception)


def test_error_exit_code_through_main(mock_atlas: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "computestrata.cli",
            "stack",
            "exposure",
            "CHN",
            "--cut",
            "hbmx",
            "--atlas",
            str(mock_atlas),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "hbm" in proc.stderr


# ------------------------------------------------------------------ real data ('done when')


@pytest.fixture(scope="module")
def real_atlas(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("STRATA_TEST_ATLAS")
    if env and (Path(env) / "manifest.json").is_file() and "sc_provision" in (Path(env) / "manifest.json").read_text():
        return Path(env)
    from computestrata.atlas.build import build

    out = tmp_path_factory.mktemp("stack_real") / "atlas"
    build(shared_data, out, only=["cset", "top500", "epoch_clusters", "paper_figures", "epoch_models", "compiled"])
    return out


@pytest.mark.integration
def test_chokepoints_name_euv_and_advanced_logic(real_atlas: Path) -> None:
    data = _json(["stack", "chokepoints"], real_atlas)
    segs = {r["segment"]: r for r in data["rows"]}
    assert segs["euv_lithography"]["leader"] == "NLD" and segs["euv_lithography"]["n90"] == 1
    assert segs["advanced_logic_fab"]["n90"] <= 2
    assert {"eda", "hbm"} <= set(segs)
    assert "mature_logic_fab" not in segs and "assembly_test" not in segs  # diffused segments are not


@pytest.mark.integration
def test_exposure_china_euv_hbm(real_atlas: Path) -> None:
    data = _json(
        ["stack", "exposure", "CHN", "--cut", "euv_lithography,hbm", "--from", "USA,NLD,JPN,KOR,TWN"], real_atlas
    )
    rows = {r["segment"]: r for r in data["rows"]}
    ft = rows["frontier_training"]
    assert ft["available"] <= 0.25
    assert ft["path"].split(" → ")[0] in {"hbm", "euv_lithography"} and ft["path"].endswith("frontier_training")
    apps = [r for s, r in rows.items() if s.startswith("app_")]
    assert len(apps) == 6
    assert all(a["available"] >= 0.5 and a["available"] >= 3 * ft["available"] for a in apps)
    assert data["supply"]["euv_lithography"]["lost_from"] == {"NLD": 1.0}


@pytest.mark.integration
def test_unknown_country_lists_closest(real_atlas: Path) -> None:
    res = runner.invoke(app, ["stack", "exposure", "CHX", "--cut", "hbm", "--atlas", str(real_atlas)])
    assert isinstance(res.exception, InputError) and "unknown country 'CHX'" in str(res.exception)
    assert "CHN" in str(res.exception.hint)
    res = runner.invoke(app, ["stack", "exposure", "China", "--cut", "hbm", "--atlas", str(real_atlas), "--json"])
    assert json.loads(res.output)["country"] == "CHN"  # names resolve through the atlas aliases


@pytest.mark.integration
def test_real_shares_cite_sources(real_atlas: Path) -> None:
    data = _json(["stack", "shares", "frontier_training"], real_atlas)
    assert data["rows"] and {s["source_id"] for s in data["sources"]} == {"epoch_gpu_clusters"}
    data = _json(["stack", "shares", "cloud_platforms", "--year", "2024", "--country", "USA"], real_atlas)
    assert data["rows"][0]["share"] >= 0.6 and data["rows"][0]["year"] == 2024
    ids = {s["source_id"] for s in data["sources"]}
    assert "stack_curated_shares_cloud_hq" in ids  # the headquarters mapping is cited too (QA2 N6)
    assert all("synergy" in i for i in ids - {"stack_curated_shares_cloud_hq"}) and len(ids) > 1
    data = _json(["stack", "concentration", "--year", "2022"], real_atlas)
    euv = [r for r in data["rows"] if r["segment"] == "euv_lithography"]
    assert euv == []  # EUV data are 2025 only: as of 2022 the segment has no shares
    assert "euv_lithography" in data["missing"]
    assert any("EUV lithography (2025)" in n for n in data["notes"])  # names, not ids


@pytest.mark.integration
def test_real_shares_shown_agree_with_cr1_and_hhi(real_atlas: Path) -> None:
    """QA #5: EDA showed 'USA 96%' beside CR1 94 %; Frontier training's CR3 counted the hidden UNK."""
    data = _json(["stack", "concentration"], real_atlas)
    rows = {r["segment"]: r for r in data["rows"]}
    for r in rows.values():
        assert r["coverage"] <= 1.0 + 1e-9 and r["raw_coverage"] >= r["coverage"] - 1e-9
        if r["cr1"] is not None:  # the leading share shown is CR1, at whole percent
            assert r["top"].split(", ")[0].endswith(f" {r['cr1']:.0%}"), r
    eda = rows["eda"]
    assert eda["raw_coverage"] == pytest.approx(1.02) and eda["top"].startswith("USA 94%")
    assert eda["cr1"] == pytest.approx(0.96 / 1.02) and eda["hhi"] == pytest.approx(8870, abs=1)
    assert any("EDA software" in n and "102%" in n for n in data["notes"])
    ft = rows["frontier_training"]
    assert "UNK" in ft["non_holders"] and "UNK" not in ft["top"]
    top3 = sum(float(x.split()[1].rstrip("%")) for x in ft["top"].split(", ")) / 100
    assert ft["cr3"] == pytest.approx(top3, abs=0.02)
    shares = _json(["stack", "shares", "eda"], real_atlas)
    assert shares["rows"][0]["share"] == pytest.approx(eda["cr1"])  # `stack shares` shows the same number
    text = runner.invoke(app, ["stack", "concentration", "--atlas", str(real_atlas)]).output
    assert "1.02" not in text and "1.00 " not in text
