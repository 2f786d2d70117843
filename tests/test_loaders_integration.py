"""The data loaders against the real raw files in ../shared/data (one build per module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from computestrata.atlas import store
from computestrata.atlas.build import build

pytestmark = pytest.mark.integration

MINE = [
    "epoch_hardware",
    "epoch_clusters",
    "epoch_models",
    "epoch_chip_counts",
    "epoch_data_centers",
    "energy",
    "worldbank",
    "paper_figures",
    "compiled",
]


@pytest.fixture(scope="module")
def data_atlas(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[store.Atlas]:
    out = tmp_path_factory.mktemp("loaders") / "atlas"
    report = build(shared_data, out, only=MINE)  # strict: any bad raw row fails here
    assert not report.skipped
    a = store.open(out)
    yield a
    a.close()


def test_row_counts(data_atlas: store.Atlas) -> None:
    n = {
        t: data_atlas.rows(f'SELECT count(*) AS n FROM "{t}"')[0]["n"]
        for t in (
            "chips",
            "gpu_clusters",
            "data_centers",
            "data_center_timelines",
            "energy_mix",
            "cloud_regions",
            "eds_hubs",
        )
    }
    assert n == {
        "chips": 170,
        "gpu_clusters": 786,
        "data_centers": 16,
        "data_center_timelines": 112,
        "energy_mix": 213,
        "cloud_regions": 40,
        "eds_hubs": 10,
    }
    flags = data_atlas.rows(
        "SELECT sum(is_notable::INT) AS notable, sum(is_large_scale::INT) AS large, "
        "sum(is_frontier::INT) AS frontier, count(*) AS models FROM ai_models"
    )[0]
    assert (flags["notable"], flags["large"], flags["frontier"]) == (952, 473, 131)
    assert flags["models"] == 1286  # distinct models across the three files


def test_h100_has_sensible_flops(data_atlas: store.Atlas) -> None:
    h = data_atlas.rows("SELECT * FROM chips WHERE chip_id = 'nvidia-h100-sxm5-80gb'")[0]
    assert 9e14 < h["tensor_fp16_flops"] < 1.1e15  # ~989 TFLOP/s dense BF16
    assert 3e13 < h["fp64_flops"] < 4e13 and h["tdp_w"] == 700  # ~34 TFLOP/s vector FP64
    assert h["epoch_tpp"] == pytest.approx(16 * h["tensor_fp16_flops"], rel=0.01)  # TPP = bits × OP/s


def test_china_h100e_stock_band(data_atlas: store.Atlas) -> None:
    rows = data_atlas.rows(
        "SELECT * FROM facts WHERE entity = 'CHN' AND variable = 'Compute|Intelligent|Stock|H100e' ORDER BY period"
    )
    assert rows and rows[-1]["period"] >= "2025Q4"
    for r in rows:
        assert r["p5"] <= r["value"] <= r["p95"]
    stocks = data_atlas.df("SELECT * FROM chip_stocks")
    assert (stocks["p5"].isna() | (stocks["p5"] <= stocks["median"])).all()
    assert (stocks["p95"].isna() | (stocks["median"] <= stocks["p95"])).all()
    nvidia = stocks[
        (stocks.vendor == "NVIDIA") & (stocks.chip == "total") & (stocks.owner == "all") & (stocks.metric == "h100e")
    ].sort_values("period")
    assert nvidia["median"].is_monotonic_increasing  # cumulative, no retirements


def test_country_traps_on_real_files(data_atlas: store.Atlas) -> None:
    clusters = data_atlas.df("SELECT country_raw, country_iso3 FROM gpu_clusters WHERE country_raw IS NOT NULL")
    assert clusters["country_iso3"].notna().all()
    assert set(clusters.loc[clusters.country_raw == "Korea (Republic of)", "country_iso3"]) == {"KOR"}
    assert set(clusters.loc[clusters.country_raw == "Taiwan", "country_iso3"]) == {"TWN"}
    assert set(clusters.loc[clusters.country_raw == "Hong Kong", "country_iso3"]) == {"HKG"}
    dcs = data_atlas.df("SELECT country_iso3, count(*) AS n FROM data_centers GROUP BY 1")
    assert set(dcs["country_iso3"]) == {"USA", "CHN", "ARE"}
    assert (
        data_atlas.rows("SELECT country_iso3 FROM cloud_regions WHERE region = 'asia-east2'")[0]["country_iso3"]
        == "HKG"
    )
    models = data_atlas.df("SELECT country_raw, country_iso3s FROM ai_models WHERE country_raw LIKE '%Korea%'")
    assert all("KOR" in list(c) and "PRK" not in list(c) for c in models["country_iso3s"])


def test_worldbank_and_energy_facts(data_atlas: store.Atlas) -> None:
    f = data_atlas.df(
        "SELECT entity, variable, period, value FROM facts WHERE variable IN "
        "('Economy|GDP','Population','Economy|GDP per capita PPP')"
    )
    assert not f["entity"].isin(["WLD", "EUU", "AFE", "TWN", "XKX"]).any()
    chn = f[(f.entity == "CHN") & (f.variable == "Population") & (f.period == "2023")]["value"].iloc[0]
    assert 1.3e9 < chn < 1.5e9
    ci = data_atlas.rows("SELECT value FROM facts WHERE entity='CHN' AND variable='Energy|Carbon intensity'")
    assert 400 < ci[0]["value"] < 800


def test_energy_json_and_csv_agree(shared_data: Path) -> None:
    csv = pd.read_csv(shared_data / "codecarbon_energy" / "global_energy_mix.csv").set_index("iso_code")
    js = pd.DataFrame(
        json.loads((shared_data / "codecarbon_energy" / "global_energy_mix.json").read_text(encoding="utf-8")).values()
    ).set_index("iso_code")
    assert set(js.columns) == set(csv.columns)  # the JSON is not richer: reading the CSV loses nothing
    pd.testing.assert_frame_equal(csv.sort_index(), js[csv.columns].sort_index(), check_dtype=False)


def test_every_row_cites_a_known_source(data_atlas: store.Atlas) -> None:
    known = {r["source_id"] for r in data_atlas.rows("SELECT source_id FROM sources")}
    for t in data_atlas.tables:
        if t in ("sources", "countries", "country_aliases"):
            continue
        cited = {r["source_id"] for r in data_atlas.rows(f'SELECT DISTINCT source_id FROM "{t}"')}
        assert None not in cited and cited <= known, t
    lic = {r["license"] for r in data_atlas.rows("SELECT DISTINCT license FROM sources")}
    assert {"CC-BY-4.0", "LicenseRef-compiled-facts", "LicenseRef-paper-claims"} <= lic


def test_paper_claims_and_compiled_counts(data_atlas: store.Atlas) -> None:
    n = data_atlas.rows("SELECT count(*) AS n FROM paper_figures")[0]["n"]
    assert n == 61
    top = data_atlas.rows(
        "SELECT value, note FROM facts WHERE variable = 'Paper|Supercomputers|TOP500|Systems' AND entity = 'CHN'"
    )[0]
    assert top["value"] == 63 and "TOP500.org" in top["note"]
    dc = data_atlas.rows(
        "SELECT value FROM facts WHERE variable = 'Infrastructure|Data centers' "
        "AND entity = 'USA' AND period = '2024-03'"
    )
    assert dc[0]["value"] == 5388
    assumptions = data_atlas.rows("SELECT count(*) AS n FROM eds_hubs WHERE is_assumption")[0]["n"]
    assert 1 <= assumptions < 10
