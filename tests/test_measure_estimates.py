"""National compute estimates on small hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure import estimates as es


def top500_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "list_id": ["2024-11"] * 4 + ["2023-11"] * 2,
            "rank": [1, 2, 3, 4, 1, 2],
            "country_iso3": ["USA", "CHN", "USA", None, "USA", "CHN"],
            "rmax_tflops": [600.0, 200.0, 100.0, 100.0, 50.0, 50.0],
            "year": [2024, 2016, 2024, 2020, 2023, 2016],
            "source_id": ["t24"] * 4 + ["t23"] * 2,
        }
    )


def clusters_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cluster_id": list("abcdefg"),
            "status": ["Existing", "Existing", "Existing", "Planned", "Decommissioned", "Existing", "Existing"],
            "h100e": [300.0, 100.0, 100.0, 5000.0, 1000.0, 100.0, 50.0],
            "country_iso3": ["USA", "CHN", "CHN", "USA", "USA", "DEU", None],
            "first_operational_date": pd.to_datetime(
                ["2023-05-01", "2021-03-01", "2024-02-01", None, "2019-01-01", "2024-12-31", "2024-01-01"]
            ),
            "decommissioned_date": pd.to_datetime([None, None, None, None, "2023-06-01", None, None]),
            "include_in_standard_analysis": [True, True, True, True, True, True, True],
            "exclude": [None] * 7,
            "op16_s": [3e18, 1e18, 1e18, None, None, 1e18, None],
            "source_id": ["epoch_clusters"] * 7,
        }
    )


def chip_frame(median: float = 400.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vendor": ["NVIDIA", "NVIDIA"],
            "chip": ["total", "total"],
            "owner": ["China", "all"],
            "period": pd.to_datetime(["2024-12-31", "2024-12-31"]),
            "metric": ["h100e", "h100e"],
            "p5": [median * 0.8, 1000.0],
            "median": [median, 1200.0],
            "p95": [median * 1.25, 1500.0],
            "source_id": ["epoch_chips", "epoch_chips"],
        }
    )


def test_super_compute_sums_rmax_by_country() -> None:
    est = es.super_compute(top500_frame(), 2024)
    assert est.data["list_id"] == "2024-11"
    by = {r["country"]: r for r in est.rows}
    assert by["USA"]["value_median"] == 700.0
    assert by["USA"]["share_median"] == pytest.approx(0.7)
    assert by["USA"]["share_p5"] == by["USA"]["share_p95"]  # census: a point
    assert by["CHN"]["systems"] == 1
    assert by["UNK"]["share_median"] == pytest.approx(0.1)  # unknown country kept, not dropped
    assert est.rows[0]["country"] == "USA"
    assert est.source_ids == ["t24"]


def test_super_compute_unknown_year_names_the_lists_held() -> None:
    with pytest.raises(InputError, match="2019") as exc:
        es.super_compute(top500_frame(), 2019)
    assert "latest list is 2024-11" in (exc.value.hint or "")


def test_super_compute_year_without_november_uses_its_latest_list_and_says_so() -> None:
    """--year, --list and "latest" agree with the lists the atlas holds (issue 8 item 10)."""
    june = top500_frame().assign(list_id=lambda d: d["list_id"].str.replace("2024-11", "2025-06"))
    frame = pd.concat([top500_frame(), june[june["list_id"] == "2025-06"]], ignore_index=True)
    est = es.super_compute(frame, 2025)
    assert est.data["list_id"] == "2025-06" and "2025-06" in est.notes[0]
    assert es.super_compute(frame, 2024).data["list_id"] == "2024-11"


def test_existing_clusters_filters_planned_decommissioned_future_and_countryless() -> None:
    ex = es.existing_clusters(clusters_frame(), 2024)
    assert sorted(ex["cluster_id"]) == ["a", "b", "c", "f"]
    # e was decommissioned in mid-2023: it counts at the end of 2022, not of 2023
    assert sorted(es.existing_clusters(clusters_frame(), 2022)["cluster_id"]) == ["b", "e"]
    assert "e" not in set(es.existing_clusters(clusters_frame(), 2023)["cluster_id"])
    df = clusters_frame()
    df["include_in_standard_analysis"] = pd.array([None, True, True, True, True, True, True], dtype="boolean")
    assert "a" not in set(es.existing_clusters(df, 2024)["cluster_id"])
    assert "a" in set(es.existing_clusters(df, 2024, standard_only=False)["cluster_id"])


def test_intelligent_clusters_only_shares_sum_to_one_and_center_on_observed() -> None:
    est = es.intelligent_compute(clusters_frame(), None, 2024, draws=3000, seed=1)
    med = {r["country"]: r["share_median"] for r in est.rows}
    # observed: USA 300, CHN 200, DEU 100 of 600
    assert med["USA"] == pytest.approx(0.5, abs=0.12)
    obs = {r["country"]: r["observed_h100e"] for r in est.rows}
    assert obs == {"USA": 300.0, "CHN": 200.0, "DEU": 100.0}
    assert "china_share_chip_stocks" not in est.data["components"]
    # coverage 10–20 %: world stock = 600 / k lies within [3000, 6000] around the median draw
    w = est.data["world_value"]["median"]
    assert 2000 < w < 7000
    for r in est.rows:
        assert r["share_p5"] <= r["share_median"] <= r["share_p95"]


def test_intelligent_chip_route_uses_chip_stock_for_china() -> None:
    # chip route only (weight 1): China = chip stock (400) + pre-2022 clusters (100/k)
    est = es.intelligent_compute(
        clusters_frame(), chip_frame(400.0), 2024, draws=2000, seed=2, coverage=(0.5, 0.5), china_chip_weight=1.0
    )
    chn = next(r for r in est.rows if r["country"] == "CHN")
    # pre-2022 Chinese cluster b: 100 H100e / 0.5 coverage = 200 (when resampled once)
    assert chn["value_median"] == pytest.approx(400 + 200, rel=0.35)
    comp = est.data["components"]
    assert comp["china_nvidia_h100e_median"] == 400.0
    assert "epoch_chips" in est.source_ids


def test_intelligent_mixture_spans_both_routes() -> None:
    lo = es.intelligent_compute(clusters_frame(), chip_frame(10.0), 2024, draws=4000, seed=3, china_chip_weight=1.0)
    hi = es.intelligent_compute(clusters_frame(), chip_frame(10.0), 2024, draws=4000, seed=3, china_chip_weight=0.0)
    mix = es.intelligent_compute(clusters_frame(), chip_frame(10.0), 2024, draws=4000, seed=3)
    s = {n: next(r for r in e.rows if r["country"] == "CHN") for n, e in (("lo", lo), ("hi", hi), ("mix", mix))}
    assert s["lo"]["share_median"] < s["hi"]["share_median"]
    assert s["mix"]["share_p5"] <= s["lo"]["share_median"] + 0.05
    assert s["mix"]["share_p95"] >= s["hi"]["share_median"] - 0.05


def test_intelligent_before_chip_stocks_says_clusters_only() -> None:
    est = es.intelligent_compute(clusters_frame(), chip_frame(), 2021, draws=200, seed=1)
    assert sorted(r["country"] for r in est.rows) == ["CHN", "USA"]
    assert "china_share_chip_stocks" not in est.data["components"]
    assert any("2021" in n for n in est.notes)


def test_intelligent_errors() -> None:
    with pytest.raises(InputError, match="before the first cluster in the data"):
        es.intelligent_compute(clusters_frame(), None, 2010)
    only_planned = clusters_frame().assign(status="Planned")
    with pytest.raises(InputError, match="no operating clusters"):
        es.intelligent_compute(only_planned, None, 2024)
    with pytest.raises(InputError, match="draws"):
        es.intelligent_compute(clusters_frame(), None, 2024, draws=10)


def test_basic_is_empty_and_says_why() -> None:
    est = es.basic_compute(2024)
    assert est.rows == []
    assert "not open" in est.method
    assert est.share("USA") is None


def test_estimate_shares_are_stock_over_world_in_every_draw() -> None:
    # coverage fixed and China on the cluster route: a share is the country's resampled
    # stock over the world's, so it brackets the observed share and the medians nearly add up
    est = es.intelligent_compute(clusters_frame(), chip_frame(), 2024, draws=2000, seed=5, china_chip_weight=0.0)
    by = {r["country"]: r for r in est.rows}
    observed = {"USA": 300 / 600, "CHN": 200 / 600, "DEU": 100 / 600}
    for c, share in observed.items():
        assert by[c]["share_p5"] < share < by[c]["share_p95"], c
        assert by[c]["share_median"] == pytest.approx(share, abs=0.1), c
    assert sum(r["share_median"] for r in est.rows) == pytest.approx(1.0, abs=0.1)


def test_tracked_stock_is_a_sum_of_samples_not_of_percentiles() -> None:
    cs = pd.DataFrame(
        {
            "vendor": ["NVIDIA", "Google", "NVIDIA"],
            "chip": ["total", "total", "total"],
            "owner": ["all", "all", "China"],
            "period": pd.to_datetime(["2024-12-31"] * 3),
            "metric": ["h100e"] * 3,
            "p5": [50.0, 50.0, 1.0],
            "median": [100.0, 100.0, 2.0],
            "p95": [200.0, 200.0, 4.0],
        }
    )
    res = es.tracked_accelerator_stock(cs, 2024, 20_000, np.random.default_rng(0))
    assert res is not None
    draws, vendors = res
    assert vendors == ["Google", "NVIDIA"]  # China is an owner slice, not added again
    p5, med, p95 = np.percentile(draws, [5, 50, 95])
    assert p95 < 400 * 0.95  # independent draws: the sum's p95 is below the sum of p95s
    assert p5 > 100 * 1.05
    assert 200 < med < 230  # lognormal sum: median a little above the sum of medians
    assert es.tracked_accelerator_stock(cs, 2023, 10, np.random.default_rng(0)) is None


# ---------------------------------------------------------------- issue 8 items 9 and 13


def phased_frame() -> pd.DataFrame:
    """Alps-like: phase 1 (6400) superseded by phase 2 (10000, cumulative); a multi-site Chinese
    record dropped by Epoch's standard filter; an undated existing record."""
    return pd.DataFrame(
        {
            "cluster_id": list("pqrstu"),
            "name": ["Alps Phase 1", "Alps Phase 2", "US big", "CN multi-site", "CN single", "Undated"],
            "status": ["Existing"] * 6,
            "certainty": ["Confirmed"] * 6,
            "single_cluster": pd.array([True, True, True, False, True, True], dtype="boolean"),
            "possible_duplicate": pd.array([False] * 6, dtype="boolean"),
            "h100e": [6400.0, 10000.0, 50000.0, 30000.0, 5000.0, 800.0],
            "country_iso3": ["CHE", "CHE", "USA", "CHN", "CHN", "USA"],
            "first_operational_date": pd.to_datetime(
                ["2024-06-01", "2024-10-01", "2023-01-01", "2023-06-01", "2023-06-01", None]
            ),
            "decommissioned_date": pd.to_datetime([None] * 6),
            "include_in_standard_analysis": pd.array([True, True, True, False, True, True], dtype="boolean"),
            "exclude": [None] * 6,
            "superseded_by": [
                "Alps Phase 2",
                None,
                None,
                None,
                None,
                None,
            ],
            "source_id": ["epoch_clusters"] * 6,
        }
    )


def test_superseded_phases_are_dropped_once_the_later_phase_runs() -> None:
    ex = es.existing_clusters(phased_frame(), 2024)
    assert "p" not in set(ex["cluster_id"]) and "q" in set(ex["cluster_id"])
    assert ex.attrs["superseded"] == 1 and ex.attrs["superseded_h100e"] == 6400.0
    assert ex.attrs["superseded_names"] == ["Alps Phase 1"]
    # before phase 2 operates, phase 1 is the cluster
    df = phased_frame()
    df.loc[1, "first_operational_date"] = pd.Timestamp("2025-03-01")
    assert "p" in set(es.existing_clusters(df, 2024)["cluster_id"])
    assert ex.attrs["undated"] == 1 and ex.attrs["undated_h100e"] == 800.0
    est = es.intelligent_compute(phased_frame(), None, 2024, draws=200, seed=1, multi_site_weight=0.0)
    assert next(r for r in est.rows if r["country"] == "CHE")["observed_h100e"] == 10000.0
    assert any("Alps Phase 1" in n for n in est.notes)
    assert any("no first-operational date" in n for n in est.notes)


def test_standard_filter_rule_is_described_exactly() -> None:
    df = phased_frame()
    assert es.standard_rule_agreement(df) == (6, 6)
    assert list(es.multi_site(df)) == [False, False, False, True, False, False]
    df.loc[3, "possible_duplicate"] = True  # a duplicate is not a multi-site record to add back
    assert not es.multi_site(df).any()


def test_filter_choice_is_a_monte_carlo_factor() -> None:
    """The multi-site Chinese record (30000) is counted in a share of draws: China's band spans
    the standard-only value and the value with it."""
    kw = {"draws": 3000, "seed": 4, "coverage": (0.5, 0.5)}
    std = es.intelligent_compute(phased_frame(), None, 2024, multi_site_weight=0.0, **kw)
    all_ = es.intelligent_compute(phased_frame(), None, 2024, multi_site_weight=1.0, **kw)
    mix = es.intelligent_compute(phased_frame(), None, 2024, **kw)

    def chn(e: es.Estimate) -> dict[str, float]:
        return next(r for r in e.rows if r["country"] == "CHN")

    assert chn(std)["value_median"] < chn(all_)["value_median"]
    assert chn(mix)["value_p5"] <= chn(std)["value_median"] * 1.01
    assert chn(mix)["value_p95"] >= chn(all_)["value_median"] * 0.6
    assert mix.data["filter"]["multi_site_records"] == 1 and mix.data["filter"]["multi_site_h100e"] == 30000.0
    assert any("multi-site" in n for n in mix.notes)
    with pytest.raises(InputError):
        es.intelligent_compute(phased_frame(), None, 2024, multi_site_weight=1.5, draws=200)


def test_cross_check_cites_every_vendor_file_it_reads() -> None:
    cs = pd.DataFrame(
        {
            "vendor": ["NVIDIA", "Google", "NVIDIA"],
            "chip": ["total", "total", "total"],
            "owner": ["all", "all", "China"],
            "period": pd.to_datetime(["2024-12-31"] * 3),
            "metric": ["h100e"] * 3,
            "p5": [50.0, 50.0, 1.0],
            "median": [100.0, 100.0, 2.0],
            "p95": [200.0, 200.0, 4.0],
            "source_id": ["nvidia_totals", "tpu_totals", "nvidia_owners"],
        }
    )
    est = es.intelligent_compute(clusters_frame(), cs, 2024, draws=200, seed=1)
    assert est.data["world_tracked_sales"] is not None
    assert {"nvidia_totals", "tpu_totals", "nvidia_owners"} <= set(est.source_ids)
