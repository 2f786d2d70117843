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


def test_super_compute_unknown_list_names_the_closest() -> None:
    with pytest.raises(InputError, match="2019-11"):
        es.super_compute(top500_frame(), 2019)


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


def test_estimate_shares_are_probabilities() -> None:
    est = es.intelligent_compute(clusters_frame(), chip_frame(), 2024, draws=500, seed=5)
    medians = np.array([r["share_median"] for r in est.rows])
    assert np.all((medians >= 0) & (medians <= 1))


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
