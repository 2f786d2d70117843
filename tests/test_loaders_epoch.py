"""Epoch AI loaders on tiny mock files (tests/fixtures/loaders/epoch_*)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from computestrata.atlas.loaders import (
    epoch_chip_counts,
    epoch_clusters,
    epoch_data_centers,
    epoch_hardware,
    epoch_models,
)
from computestrata.errors import RawDataError
from loaders_support import MOCK_RAW, make_ctx, run, skipped


def _strict_error(loader: object) -> tuple[str, int | None, str | None]:
    with pytest.raises(RawDataError) as exc:
        loader.load(make_ctx())  # type: ignore[attr-defined]
    e = exc.value.errors[0]
    assert e.problem and e.fix
    return e.file, e.row, e.column


# -- chips ------------------------------------------------------------------------------------


def test_chips_units_and_ids() -> None:
    res, _ = run(epoch_hardware)
    chips = res.tables["chips"].set_index("chip_id")
    h100 = chips.loc["nvidia-h100-sxm5-80gb"]
    assert h100["tensor_fp16_flops"] == pytest.approx(9.894e14)
    assert h100["tdp_w"] == 700 and h100["epoch_tpp"] == pytest.approx(1.5832e16)
    assert h100["release_date"] == date(2022, 9, 20)
    assert pd.isna(h100["fp8_flops"])  # empty in Epoch's file: missing, never zero
    assert chips.loc["huawei-ascend-910b", "manufacturer"] == "Huawei"
    assert chips.loc["nvidia-hgx-h20", "notes"] == "line one\nline two"
    assert set(res.tables["chips"]["source_id"]) == {"epoch_ml_hardware"}
    assert res.sources[0].license == "CC-BY-4.0" and res.sources[0].publisher == "Epoch AI"


def test_chips_bad_row_names_line_after_multiline_note() -> None:
    # the broken chip starts on line 6 because the H20 note above spans two lines
    assert _strict_error(epoch_hardware) == ("epoch_ml_hardware/ml_hardware.csv", 6, "TDP (W)")
    res, ctx = run(epoch_hardware)
    assert "broken-chip-x" not in set(res.tables["chips"]["chip_id"])
    assert skipped(ctx) == [("epoch_ml_hardware/ml_hardware.csv", 6, "TDP (W)")]


# -- clusters ---------------------------------------------------------------------------------


def test_clusters_ids_flags_and_country_traps() -> None:
    res, _ = run(epoch_clusters)
    df = res.tables["gpu_clusters"].set_index("cluster_id")
    assert list(df.index[:3]) == [
        "xai-colossus-memphis-phase-1",
        "anonymized-chinese-system",
        "anonymized-chinese-system-2",
    ]
    assert df.index.is_unique
    anon = df.loc["anonymized-chinese-system"]
    assert anon["country_iso3"] == "CHN" and bool(anon["anonymized"])
    assert anon["op32_s"] == pytest.approx(4e15)
    assert bool(df.loc["anonymized-chinese-system-2", "possible_duplicate"])
    assert pd.isna(df.loc["anonymized-chinese-system-2", "single_cluster"])  # "Unclear"
    sk = df.loc["sk-telecom-titan"]
    assert sk["country_iso3"] == "KOR"  # "Korea (Republic of)", never PRK
    assert sk["decommissioned_date"] == date(2021, 7, 1)
    assert not bool(sk["include_in_standard_analysis"])  # unchecked box = False
    joint = df.loc["joint-campus-phase-1"]
    assert joint["country_iso3"] == "USA" and joint["country_raw"].endswith("United Arab Emirates")
    xai = df.loc["xai-colossus-memphis-phase-1"]
    assert xai["latitude_third_party"] == pytest.approx(35.06)
    assert list(xai["source_urls"]) == ["https://example.org/a"]
    assert xai["h100e"] == 100000 and xai["power_mw"] == 150


def test_clusters_unknown_country_is_bad_row() -> None:
    assert _strict_error(epoch_clusters) == ("epoch_gpu_clusters/gpu_clusters.csv", 7, "Country")


# -- models -----------------------------------------------------------------------------------


def test_models_one_row_per_model_with_dataset_flags() -> None:
    res, ctx = run(epoch_models)
    df = res.tables["ai_models"].set_index("model")
    assert df.index.is_unique and len(df) == 5
    assert int(df["is_notable"].sum()) == 4 and int(df["is_large_scale"].sum()) == 2
    assert int(df["is_frontier"].sum()) == 1
    ds = df.loc["DeepSeek-V3"]
    assert bool(ds["is_notable"]) and bool(ds["is_large_scale"]) and not bool(ds["is_frontier"])
    assert list(ds["source_ids"]) == ["epoch_notable_models", "epoch_large_scale_models"]
    assert ds["source_id"] == "epoch_notable_models"
    assert ds["training_compute_flop"] == pytest.approx(3.4e24) and ds["training_chip_quantity"] == 2048
    assert skipped(ctx) == [("epoch_ai_models/notable_ai_models.csv", 6, "Publication date")]


def test_models_multi_country_lists() -> None:
    res, _ = run(epoch_models)
    df = res.tables["ai_models"].set_index("model")
    assert list(df.loc["Gemini 1.0 Ultra", "country_iso3s"]) == ["USA", "GBR"]  # deduplicated
    assert df.loc["BLOOM", "country_raw"] == "Multinational"
    assert df.loc["BLOOM", "country_iso3s"] is None or pd.isna(df.loc["BLOOM", "country_iso3s"])
    assert list(df.loc["EXAONE 3.0", "country_iso3s"]) == ["KOR"]
    # several dataset sizes in one cell: no single value, raw kept
    assert pd.isna(df.loc["Gemini 1.0 Ultra", "training_dataset_size"])
    assert df.loc["Gemini 1.0 Ultra", "training_dataset_size_raw"] == "2260275840,2290000001"
    assert df.loc["GPT-4", "training_dataset_size"] == 4.9e12
    assert bool(df.loc["GPT-4", "frontier_flag"]) and not bool(df.loc["BLOOM", "frontier_flag"])


def test_models_bad_date_strict() -> None:
    assert _strict_error(epoch_models) == ("epoch_ai_models/notable_ai_models.csv", 6, "Publication date")


# -- chip stocks ------------------------------------------------------------------------------


def test_chip_stocks_long_table() -> None:
    res, _ = run(epoch_chip_counts)
    df = res.tables["chip_stocks"]
    assert set(df["vendor"]) == {"NVIDIA", "Google", "AMD", "Amazon"}
    assert set(df["metric"]) == {"units", "h100e", "power_mw", "tdp_w"}
    assert df["cumulative"].all()
    china = df[(df["owner"] == "China") & (df["metric"] == "h100e")].sort_values("period")
    assert list(china["quarter"]) == ["2025Q4", "2026Q1"]
    last = china.iloc[-1]
    assert (last["p5"], last["median"], last["p95"]) == (324871, 401698, 496849)
    assert bool(last["incomplete"]) and last["period"] == date(2026, 3, 31)
    assert last["estimates_generated"] == date(2026, 4, 15)
    # trainium's by-chip file has the median without a "(median)" suffix
    tr = df[(df["chip"] == "Trainium1") & (df["metric"] == "units")].iloc[0]
    assert (tr["p5"], tr["median"], tr["p95"]) == (50000, 110000, 250000)
    assert (df["p5"].fillna(-1) <= df["median"]).all() and (df["median"] <= df["p95"]).all()


def test_chip_stock_facts_entities() -> None:
    res, _ = run(epoch_chip_counts)
    f = res.facts
    assert f is not None
    assert set(f["variable"]) == {"Compute|Intelligent|Stock|H100e"}
    chn = f[f["entity"] == "CHN"].sort_values("period")
    assert list(chn["period"]) == ["2025Q4", "2026Q1"]
    assert (chn["p5"] <= chn["value"]).all() and (chn["value"] <= chn["p95"]).all()
    assert chn["note"].str.contains("NVIDIA chips only").all()
    assert {"ORG:Microsoft", "WLD:NVIDIA", "WLD:Google", "WLD:AMD", "WLD:Amazon"} <= set(f["entity"])


def test_chip_stocks_inverted_band_and_wrong_quarter_are_bad_rows() -> None:
    owners = "epoch_ai_chip_counts/nvidia_owners_cumulative_totals.csv"
    assert _strict_error(epoch_chip_counts)[:2] == (owners, 3)
    _, ctx = run(epoch_chip_counts)
    assert [(f, r) for f, r, _ in skipped(ctx)] == [(owners, 3), ("epoch_ai_chip_counts/amd_cumulative_totals.csv", 4)]
    assert "Q3 2024" in ctx.skipped[1].problem


# -- data centers -----------------------------------------------------------------------------


def test_data_centers_country_from_address_not_iso2_state_codes() -> None:
    res, _ = run(epoch_data_centers)
    sites = res.tables["data_centers"].set_index("site_id")
    # "IN 46552" is Indiana, not India; "TX 79601" is Texas
    assert sites.loc["anthropic-amazon-project-rainier-new-carlisle-indiana", "country_iso3"] == "USA"
    assert sites.loc["openai-oracle-stargate-abilene-texas", "country_basis"] == "us_state"
    assert sites.loc["alibaba-zhangbei-zhangjiakou-hebei", "country_iso3"] == "CHN"
    assert sites.loc["openai-oracle-stargate-abu-dhabi", "country_iso3"] == "ARE"
    ab = sites.loc["openai-oracle-stargate-abilene-texas"]
    assert ab["owner"] == "Oracle" and ab["owner_confidence"] == "confident"
    assert ab["latitude"] == pytest.approx(32.4997, abs=1e-3)
    assert ab["longitude"] == pytest.approx(-99.7839, abs=1e-3)
    assert sites.loc["openai-oracle-stargate-abu-dhabi", "owner_confidence"] == "likely"


def test_data_center_timelines_and_operational_dates() -> None:
    res, ctx = run(epoch_data_centers)
    tl = res.tables["data_center_timelines"]
    ali = tl[tl["site_id"] == "alibaba-zhangbei-zhangjiakou-hebei"]
    assert list(ali["power_mw"]) == [0.0, 76.0, 108.0]  # a real zero before operation
    site = res.tables["data_centers"].set_index("site_id").loc["alibaba-zhangbei-zhangjiakou-hebei"]
    assert site["first_milestone_date"] == date(2016, 9, 20)
    assert site["first_operational_date"] == date(2018, 1, 28)
    assert skipped(ctx) == [
        ("epoch_data_centers/data_centers.csv", 6, "Address"),
        ("epoch_data_centers/data_center_timelines.csv", 7, "Data center"),
    ]


def test_missing_column_or_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "epoch_ml_hardware"
    folder.mkdir()
    text = (MOCK_RAW / "epoch_ml_hardware" / "ml_hardware.csv").read_text(encoding="utf-8")
    (folder / "ml_hardware.csv").write_text(text.replace("TDP (W)", "Power"), encoding="utf-8")
    with pytest.raises(RawDataError) as exc:
        epoch_hardware.load(make_ctx(raw=tmp_path))
    assert (exc.value.errors[0].row, exc.value.errors[0].column) == (1, "TDP (W)")
    with pytest.raises(RawDataError, match="file is missing"):
        epoch_clusters.load(make_ctx(raw=tmp_path))
