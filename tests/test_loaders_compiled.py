"""Paper figures (claims of the paper) and hand-compiled facts on tiny mock files."""

from __future__ import annotations

import pandas as pd
import pytest

from computestrata.atlas.loaders import compiled, paper_figures
from computestrata.errors import RawDataError
from loaders_support import make_ctx, run, skipped


def test_paper_figures_are_claims_citing_the_paper() -> None:
    res, ctx = run(paper_figures)
    df = res.tables["paper_figures"]
    assert set(df["source_id"]) == {paper_figures.SOURCE_ID}
    assert res.sources[0].title.startswith("Korean 2026 paper: The Structural Characteristics")
    t1 = df[(df["figure_id"] == "T1") & (df["entity"] == "CHN")].iloc[0]
    assert t1["original_source"].startswith("CAICT") and t1["year"] == "2020"
    ali = df[df["entity"] == "CHN:Alibaba Cloud"].iloc[0]
    assert (ali["entity_iso3"], ali["entity_org"], ali["year"]) == ("CHN", "Alibaba Cloud", "2024Q3")
    nv = df[df["entity"] == "WLD:NVIDIA"].iloc[0]
    assert pd.isna(nv["entity_iso3"]) and pd.isna(nv["year"])  # no year given: missing
    f = res.facts
    assert f is not None and f["variable"].str.startswith("Paper|").all()
    assert f["note"].str.startswith("claim by the paper, citing ").all()
    assert skipped(ctx) == [("seed_paper/figures.csv", 9, "entity")]


def test_paper_bad_entity_strict() -> None:
    with pytest.raises(RawDataError, match="entity is not ISO3"):
        paper_figures.load(make_ctx())


def test_compiled_one_source_per_org_and_url() -> None:
    res, _ = run(compiled)
    ids = [s.source_id for s in res.sources]
    assert len(ids) == len(set(ids))
    by_id = {s.source_id: s for s in res.sources}
    for name, df in res.tables.items():
        assert set(df["source_id"]) <= set(by_id), name
    cloud = res.tables["cloud_market_share"]
    assert cloud["source_id"].nunique() == 1
    src = by_id[cloud["source_id"].iloc[0]]
    assert src.license == "LicenseRef-compiled-facts" and src.url.startswith("https://www.srgresearch.com")


def test_compiled_assumptions_and_confidence() -> None:
    res, _ = run(compiled)
    eds = res.tables["eds_hubs"].set_index("cluster_en")
    assert eds.loc["Chongqing cluster", "confidence_level"] == "low"
    assert bool(eds.loc["Chongqing cluster", "is_assumption"])  # low, and no source page
    assert pd.isna(eds.loc["Chongqing cluster", "source_urls"])
    assert bool(eds.loc["Zhangjiakou cluster", "is_assumption"])  # unrated ("from recollection")
    yrd = eds.loc["YRD Eco-Green Integrated Development Demonstration Zone cluster"]
    assert yrd["confidence_level"] == "high" and not bool(yrd["is_assumption"])
    assert eds["coords_are_estimates"].all()
    assert len(eds.loc["Zhangjiakou cluster", "source_urls"]) == 4
    korea = res.tables["korea_datacenter_facts"].set_index("metric")
    assert bool(korea.loc["dc_count_total", "is_assumption"])  # "secondary AI-generated report"
    assert bool(korea.loc["new_dc_demand_by_2029", "is_projection"])
    market = res.tables["semi_market_facts"].set_index("metric")
    rng = market.loc["memory_share_of_market_typical"]
    assert pd.isna(rng["value"]) and (rng["value_low"], rng["value_high"]) == (35, 40)
    assert bool(market.loc["china_eds_10_clusters_racks", "is_assumption"])


def test_compiled_tables_and_facts() -> None:
    res, ctx = run(compiled)
    grid = res.tables["china_grid_factors"]
    beijing = grid[grid["name_en"] == "Beijing"]
    assert list(beijing["year"]) == [2022]  # the empty 2021 cell stays missing
    assert beijing["ef_gco2_kwh"].iloc[0] == pytest.approx(558)
    bill = res.tables["semi_equipment_billings"].set_index("region")
    assert bill.loc["China", "region_iso3"] == "CHN" and pd.isna(bill.loc["Total", "region_iso3"])
    f = res.facts
    assert f is not None
    dc = f[f["variable"] == "Infrastructure|Data centers"].set_index(["entity", "period"])
    assert dc.loc[("USA", "2024-03"), "value"] == 5388
    assert "undercounts China" in dc.loc[("CHN", "2024-03"), "note"]
    assert skipped(ctx) == [
        ("compiled/korea_datacenter_facts.csv", 6, "source_url"),
        ("compiled/datacenter_counts_cloudscene.csv", 4, "iso3"),
    ]


def test_compiled_row_without_url_is_bad_when_strict() -> None:
    with pytest.raises(RawDataError, match="names no source URL"):
        compiled.load(make_ctx())
