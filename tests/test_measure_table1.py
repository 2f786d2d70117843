"""Table 1: CAICT's shares beside open estimates, on a tiny hand-made atlas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from computestrata.atlas import store
from computestrata.atlas.build import write_atlas
from computestrata.atlas.sources import Source
from computestrata.measure import table1 as t1
from computestrata.measure.estimates import Estimate


def _source(sid: str, lic: str = "CC-BY-4.0") -> dict[str, str | None]:
    return Source(
        source_id=sid,
        publisher="test",
        title=sid,
        url="https://example.org",
        license=lic,
        citation=f"citation of {sid}",
    ).record()


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Two TOP500 lists, a few clusters, chip stocks, Table 1 rows and a CSET network."""
    top_rows = []
    for year in range(2020, 2025):
        for rank, (c, rmax, inst) in enumerate(
            [
                ("USA", 500.0, year),
                ("CHN", 300.0 - 50 * (year - 2020), 2016),
                ("JPN", 100.0, 2020),
                ("USA", 50.0, 2018),
                ("DEU", 50.0, year),
            ],
            start=1,
        ):
            top_rows.append(
                {
                    "list_id": f"{year}-11",
                    "list_date": pd.Timestamp(f"{year}-11-15"),
                    "rank": rank,
                    "name": f"sys{rank}",
                    "site": "s",
                    "country_iso3": c,
                    "rmax_tflops": rmax,
                    "rpeak_tflops": rmax * 1.5,
                    "year": inst,
                    "source_id": "top500",
                }
            )
    clusters = pd.DataFrame(
        {
            "cluster_id": [str(i) for i in range(8)],
            "name": [f"c{i}" for i in range(8)],
            "status": ["Existing"] * 8,
            "h100e": [1000.0, 800.0, 600.0, 300.0, 200.0, 100.0, 50.0, 50.0],
            "country_iso3": ["USA", "USA", "CHN", "CHN", "USA", "DEU", "CHN", "FRA"],
            "first_operational_date": pd.to_datetime(
                [
                    "2019-06-01",
                    "2023-01-01",
                    "2020-01-01",
                    "2024-01-01",
                    "2021-01-01",
                    "2019-01-01",
                    "2018-01-01",
                    "2022-01-01",
                ]
            ),
            "decommissioned_date": pd.to_datetime([None] * 8),
            "include_in_standard_analysis": [True] * 8,
            "exclude": [False] * 8,
            "op16_s": [1e18] * 8,
            "source_id": ["clusters"] * 8,
        }
    )
    chip_rows = []
    for year in (2022, 2023, 2024):
        chip_rows.append(
            {
                "vendor": "NVIDIA",
                "chip": "total",
                "owner": "China",
                "period": pd.Timestamp(f"{year}-12-31"),
                "metric": "h100e",
                "p5": 800.0,
                "median": 1000.0,
                "p95": 1250.0,
                "source_id": "chips",
            }
        )
        for vendor, chip, units, h in (
            ("NVIDIA", "H100", 100, 100.0),
            ("NVIDIA", "A100", 100, 30.0),
            ("Google", "TPU v5e", 100, 20.0),
        ):
            for metric, v in (("units", units), ("h100e", h * (year - 2021))):
                chip_rows.append(
                    {
                        "vendor": vendor,
                        "chip": chip,
                        "owner": "all",
                        "period": pd.Timestamp(f"{year}-12-31"),
                        "metric": metric,
                        "p5": None,
                        "median": float(v),
                        "p95": None,
                        "source_id": "chips",
                    }
                )
    paper = []
    for year in range(2020, 2025):
        for kind, usa, chn in (("Total", 40, 30), ("Basic", 36, 28), ("Intelligent", 45, 20), ("Super", 50, 15)):
            for c, v in (("USA", usa), ("CHN", chn)):
                paper.append(
                    {
                        "figure_id": "T1",
                        "entity": c,
                        "variable": f"Compute|{kind}|Share",
                        "unit": "%",
                        "year": str(year),
                        "value": float(v),
                        "source_id": "paper",
                    }
                )
    providers = pd.DataFrame(
        {
            "provider_id": ["P1", "P2", "P3", "P4"],
            "provider_type": ["country"] * 4,
            "country_iso3": ["USA", "JPN", "KOR", "CHN"],
            "source_id": "cset",
        }
    )
    provision = pd.DataFrame(
        {
            "provider_id": ["P1", "P2", "P1", "P2", "P3", "P4", "P3"],
            "input_id": ["N1", "N1", "N2", "N2", "N3", "N4", "N4"],
            "input_name": ["a", "a", "b", "b", "c", "d", "d"],
            "year": [2022] * 7,
            "share": [0.6, 0.4, 0.5, 0.5, 0.1, 0.2, 0.05],
            "source_id": "cset",
        }
    )
    sources = pd.DataFrame(
        [_source(s) for s in ("top500", "clusters", "chips", "paper")] + [_source("cset", "CC-BY-NC-4.0")]
    )
    return {
        "top500_systems": pd.DataFrame(top_rows),
        "gpu_clusters": clusters,
        "chip_stocks": pd.DataFrame(chip_rows),
        "paper_figures": pd.DataFrame(paper),
        "sc_providers": providers,
        "sc_provision": provision,
        "sources": sources,
    }


@pytest.fixture(scope="module")
def tiny_atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("measure") / "atlas"
    write_atlas(tiny_tables(), out, {"built_at": "test"})
    return out


def test_caict_shares_parse_table1_rows() -> None:
    shares = t1.caict_shares(tiny_tables()["paper_figures"])
    assert shares[(2024, "intelligent", "CHN")] == (20.0, "paper")
    assert len(shares) == 40


def test_compare_gaps_and_missing_stay_missing() -> None:
    est = Estimate(
        kind="super",
        year=2024,
        unit="x",
        method="m",
        rows=[{"country": "USA", "share_p5": 0.5, "share_median": 0.6, "share_p95": 0.7}],
    )
    rows = t1.compare(
        {(2024, "super", "USA"): (52.0, "p"), (2024, "super", "CHN"): (13.0, "p"), (2024, "basic", "USA"): (36.0, "p")},
        {(2024, "super"): est, (2024, "basic"): None},
        {(2024, "super"): "why"},
        years=[2024],
    )
    by = {(r["kind"], r["country"]): r for r in rows}
    assert by[("super", "USA")]["gap_pp"] == pytest.approx(8.0)
    assert by[("super", "USA")]["open_p95_pct"] == pytest.approx(70.0)
    # CHN absent from an estimate that has rows: it holds 0 % of it
    assert by[("super", "CHN")]["open_share_pct"] == 0.0
    assert by[("super", "CHN")]["gap_pp"] == pytest.approx(-13.0)
    assert by[("basic", "USA")]["open_share_pct"] is None
    assert by[("basic", "USA")]["gap_pp"] is None
    assert "Not estimated" in by[("basic", "USA")]["explanation"]
    assert by[("total", "USA")]["caict_share_pct"] is None


def test_top500_submissions_counts_new_installations() -> None:
    top = tiny_tables()["top500_systems"]
    sub = t1.top500_submissions(top, "2024-11")
    assert sub["USA"] == (2, 1)  # two systems, one installed in 2024
    assert sub["CHN"] == (1, 0)


def test_build_table1_on_tiny_atlas(tiny_atlas: Path) -> None:
    tab = t1.build_table1(store.open(tiny_atlas), draws=300, seed=1)
    assert len(tab.rows) == 40
    by = {(r["year"], r["kind"], r["country"]): r for r in tab.rows}
    # 2024 list: USA 550 of 800 (CHN 100, JPN 100, DEU 50); CAICT (fixture) 50
    assert by[(2024, "super", "USA")]["open_share_pct"] == pytest.approx(68.75)
    assert by[(2024, "super", "USA")]["gap_pp"] == pytest.approx(18.75)
    assert by[(2024, "super", "CHN")]["open_share_pct"] == pytest.approx(12.5)
    assert "0 of them installed in 2024" in by[(2024, "super", "CHN")]["explanation"]
    assert by[(2022, "basic", "CHN")]["open_share_pct"] is None
    assert by[(2024, "intelligent", "CHN")]["open_share_pct"] is not None
    assert "NVIDIA chip stocks" in by[(2024, "intelligent", "CHN")]["explanation"]
    assert "NVIDIA chip stocks" not in by[(2021, "intelligent", "CHN")]["explanation"]
    assert {"top500", "clusters", "chips", "paper"} <= set(tab.source_ids)


def run(*args: str) -> str:
    from computestrata.cli import app

    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_cli_table1_json(tiny_atlas: Path) -> None:
    data = json.loads(run("measure", "table1", "--atlas", str(tiny_atlas), "--draws", "200", "--json"))
    assert len(data["rows"]) == 40
    assert set(data["rows"][0]) == set(t1.COLUMNS)
    assert {s["source_id"] for s in data["sources"]} >= {"top500", "paper"}


def test_cli_table1_text_shows_both_sides(tiny_atlas: Path) -> None:
    out = run("measure", "table1", "--atlas", str(tiny_atlas), "--draws", "200")
    assert "CAICT" in out and "[1]" in out


def test_cli_compute_super_and_basic(tiny_atlas: Path) -> None:
    data = json.loads(
        run("measure", "compute", "--kind", "super", "--year", "2024", "--atlas", str(tiny_atlas), "--json")
    )
    assert data["rows"][0]["country"] == "USA"
    assert data["rows"][0]["share_pct_median"] == pytest.approx(68.75)
    assert data["method"]
    from computestrata.cli import app
    from computestrata.errors import InputError

    basic = CliRunner().invoke(app, ["measure", "compute", "--kind", "basic", "--atlas", str(tiny_atlas), "--json"])
    assert isinstance(basic.exception, InputError)  # `strata` turns it into exit 2
    assert "cannot be estimated from open data" in basic.exception.message and "IDC" in basic.exception.message


def test_cli_compute_intelligent_has_band(tiny_atlas: Path) -> None:
    data = json.loads(
        run(
            "measure",
            "compute",
            "--kind",
            "intelligent",
            "--year",
            "2024",
            "--draws",
            "300",
            "--allow-thin",  # the tiny atlas has 8 clusters: below the sufficiency rule
            "--atlas",
            str(tiny_atlas),
            "--json",
        )
    )
    assert data["sufficiency"]["level"] == "insufficient"
    usa = next(r for r in data["rows"] if r["country"] == "USA")
    assert usa["value_p5"] <= usa["value_median"] <= usa["value_p95"]
    assert {"clusters", "chips"} <= {s["source_id"] for s in data["sources"]}


def test_cli_unknown_kind_is_a_clear_error(tiny_atlas: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["measure", "compute", "--kind", "supper", "--atlas", str(tiny_atlas)])
    assert res.exit_code != 0
    assert "super" in str(res.exception) or "super" in res.output


def test_cli_concentration_json_fields(tiny_atlas: Path) -> None:
    data = json.loads(
        run(
            "measure",
            "concentration",
            "--dataset",
            "top500",
            "--tier",
            "frontier",
            "--top",
            "2",
            "--list",
            "2024-11",
            "--atlas",
            str(tiny_atlas),
            "--json",
        )
    )
    assert {"hhi", "cr1", "cr3", "gini", "n_units"} <= set(data)
    # ranks 1-2 of 2024: USA 500, CHN 100
    assert data["hhi"] == pytest.approx((500 / 6) ** 2 + (100 / 6) ** 2, rel=1e-4)
    assert data["cr1"] == pytest.approx(500 / 600, rel=1e-3)
    assert data["n_units"] == 2
    chips = json.loads(
        run(
            "measure",
            "concentration",
            "--dataset",
            "chips",
            "--tier",
            "rest",
            "--year",
            "2024",
            "--atlas",
            str(tiny_atlas),
            "--json",
        )
    )
    assert chips["n_units"] == 2  # A100 (NVIDIA) and TPU v5e (Google)


def test_cli_stratification_reports_verdicts(tiny_atlas: Path) -> None:
    data = json.loads(
        run("measure", "stratification", "--since", "2020", "--top", "2", "--atlas", str(tiny_atlas), "--json")
    )
    outcomes = {v["dataset"]: v["outcome"] for v in data["verdicts"]}
    assert set(outcomes) == {"top500", "clusters", "chips"}
    assert set(outcomes.values()) <= {"holds", "partly", "fails", "no_clear_trend", "no_data"}
    assert outcomes["chips"] != "no_data"  # three Q4s with every vendor: enough for a verdict
    assert any(r["dataset"] == "top500" for r in data["rows"])
    variants = {(r["dataset"], r["variant"]) for r in data["robustness"]}
    assert ("top500", "top 10 without CHN") in variants
    assert ("chips", "frontier ≥ 50% of best") in variants
    quick = json.loads(
        run("measure", "stratification", "--no-robust", "--dataset", "top500", "--atlas", str(tiny_atlas), "--json")
    )
    assert quick["robustness"] == []
    assert [v["dataset"] for v in quick["verdicts"]] == ["top500"]


def test_cli_coreperiphery(tiny_atlas: Path) -> None:
    data = json.loads(run("measure", "coreperiphery", "--atlas", str(tiny_atlas), "--json"))
    assert set(data["core_countries"]) <= {"USA", "JPN"}
    assert data["countries"] == 4
