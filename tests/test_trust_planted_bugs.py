"""Tests that catch bugs the rest of the suite let through (issue 8, item 14).

Each test names the deliberate bug it was written against.  ``bench/mutation.py --planted``
plants every one of these bugs in a copy of the source tree and checks that this file fails
for each; the ordinary mutation run (``bench/mutation.py``) scores the same modules.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from computestrata.controls import catalogue
from computestrata.controls import regime as rg
from computestrata.controls.classify import classify
from computestrata.measure import estimates as es
from computestrata.measure import montecarlo as mc
from computestrata.measure.index import outliers
from computestrata.measure.index import uncertainty as ua


def clusters(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    """Operating clusters (id, country, H100e, first operational date), all in Epoch's standard analysis."""
    n = len(rows)
    return pd.DataFrame(
        {
            "cluster_id": [r[0] for r in rows],
            "status": ["Existing"] * n,
            "h100e": [r[2] for r in rows],
            "country_iso3": [r[1] for r in rows],
            "first_operational_date": pd.to_datetime([r[3] for r in rows]),
            "decommissioned_date": pd.to_datetime([None] * n),
            "include_in_standard_analysis": [True] * n,
            "exclude": [None] * n,
            "op16_s": [None] * n,
            "source_id": ["epoch_clusters"] * n,
        }
    )


def china_chip_stock(median: float) -> pd.DataFrame:
    """Epoch's NVIDIA H100e sold to China, as a point (p5 = median = p95): no sampling noise."""
    return pd.DataFrame(
        {
            "vendor": ["NVIDIA"],
            "chip": ["total"],
            "owner": ["China"],
            "period": pd.to_datetime(["2024-12-31"]),
            "metric": ["h100e"],
            "p5": [median],
            "median": [median],
            "p95": [median],
            "source_id": ["epoch_chips"],
        }
    )


# ---- bug: China's pre-2022 clusters dropped from the chip-stock route ----------------------


def test_chip_route_adds_chinas_pre_2022_clusters_exactly() -> None:
    # One Chinese cluster before 2022 (1,000 H100e) and one after; coverage fixed at 50 %.
    # Chip route: China = NVIDIA stock sold since 2022 (4,000) + pre-2022 clusters / k.
    # Each unit is drawn ~Binomial(4, 1/4) times: the median draw picks it once → 4,000 + 2,000.
    frame = clusters(
        [
            ("old", "CHN", 1000.0, "2020-06-01"),
            ("new", "CHN", 1000.0, "2023-06-01"),
            ("us1", "USA", 1000.0, "2023-06-01"),
            ("us2", "USA", 1000.0, "2024-06-01"),
        ]
    )
    est = es.intelligent_compute(
        frame, china_chip_stock(4000.0), 2024, draws=2000, seed=11, coverage=(0.5, 0.5), china_chip_weight=1.0
    )
    chn = next(r for r in est.rows if r["country"] == "CHN")
    assert chn["value_median"] == pytest.approx(6000.0)
    assert chn["value_p5"] == pytest.approx(4000.0)  # draws that miss the old cluster
    assert chn["value_p95"] >= 8000.0  # draws that pick it twice


# ---- bug: bootstrap resampling disabled ------------------------------------------------------


def test_bootstrap_resamples_units_with_replacement() -> None:
    values = np.array([1.0, 10.0, 100.0])
    groups, sums = mc.bootstrap_group_sums(values, ["a", "b", "a"], 4000, mc.rng(3))
    assert groups == ["a", "b"]
    b = sums[:, 1]
    # b holds one unit of 10: a draw picks it k ~ Binomial(3, 1/3) times
    freq = {k: float(np.mean(b == 10.0 * k)) for k in range(4)}
    assert sum(freq.values()) == pytest.approx(1.0)
    assert freq[0] == pytest.approx(8 / 27, abs=0.03)
    assert freq[1] == pytest.approx(12 / 27, abs=0.03)
    assert freq[2] == pytest.approx(6 / 27, abs=0.03)
    assert freq[3] == pytest.approx(1 / 27, abs=0.015)
    # a holds 1 and 100: its total is 1·i + 100·j with i + j + (b's picks) = 3 in every draw
    a_picks = np.rint(sums[:, 0] % 100) + np.rint(sums[:, 0] // 100)
    assert np.array_equal(a_picks + b / 10.0, np.full(4000, 3.0))


def test_cluster_estimate_band_comes_from_resampling_when_coverage_is_fixed() -> None:
    # coverage fixed, no chip stocks: the only randomness left is which clusters were recorded
    frame = clusters([(f"u{i}", "USA" if i % 2 else "DEU", 100.0 * (i + 1), f"2024-0{i + 1}-01") for i in range(8)])
    est = es.intelligent_compute(frame, None, 2024, draws=1000, seed=4, coverage=(0.2, 0.2))
    rows = [r for r in est.rows if r["country"] in ("USA", "DEU")]
    assert len(rows) == 2
    for r in rows:
        assert r["value_p5"] < r["value_median"] < r["value_p95"], r
        assert r["share_p5"] < r["share_p95"], r


# ---- bug: data-noise bands made symmetric (or their sides swapped) ---------------------------


def test_data_noise_follows_an_asymmetric_band_on_each_side() -> None:
    # value 10, p5 = 9 (1 below), p95 = 14 (4 above): the draws must reproduce both sides
    raw = np.array([[10.0, 50.0]])
    prep = SimpleNamespace(raw=raw, p5=np.array([[9.0, 30.0]]), p95=np.array([[14.0, 52.0]]))
    draws = ua._draws(prep, 20_001, 5)  # type: ignore[arg-type]
    assert (draws[0] == raw).all()  # draw 0 is the nominal data
    q5, q50, q95 = np.percentile(draws[1:], [5, 50, 95], axis=0)
    assert q5[0, 0] == pytest.approx(9.0, abs=0.1)
    assert q95[0, 0] == pytest.approx(14.0, abs=0.15)
    assert q50[0, 0] == pytest.approx(10.0, abs=0.1)
    assert q5[0, 1] == pytest.approx(30.0, abs=0.5)
    assert q95[0, 1] == pytest.approx(52.0, abs=0.1)


# ---- bug: the destination-USA carve-out for China-headquartered firms removed ----------------


def test_china_headquartered_firm_in_the_usa_needs_no_licence() -> None:
    h100 = catalogue.from_frame(None).lookup("H100").spec
    on = "2024-06-01"  # after the headquarters rule of 2023-11-17
    abroad = classify(h100, "DEU", on, hq="CHN")
    assert abroad.license_required is True  # the headquarters rule reaches a Chinese firm in Germany
    home = classify(h100, "USA", on, hq="CHN")
    assert home.license_required is False  # ... but a shipment within the USA is no export
    assert home.review_policy is None


# ---- bug: AND → OR in the outlier rule (|skew| > 2 AND kurtosis > 3.5) ------------------------


def test_outlier_rule_needs_both_skew_and_kurtosis() -> None:
    # symmetric, heavy-tailed: kurtosis far above 3.5, skew 0 → not an outlier column
    heavy = np.array([0.0] * 30 + [-10.0, 10.0])
    s, k = outliers.skew_kurt(heavy)
    assert abs(s) < 1e-9 and k > 3.5
    assert outliers.flagged(heavy) is False
    skewed = np.array([1.0] * 30 + [100.0])
    assert outliers.flagged(skewed) is True
    x = np.column_stack([heavy, np.r_[skewed, 1.0]])
    out, log = outliers.treat(x, "winsorise", names=["heavy", "skewed"])
    assert [e["indicator"] for e in log] == ["skewed"]
    assert np.array_equal(out[:, 0], heavy)  # the heavy-tailed column is left as it is
    # a higher kurtosis bar that the skewed column does not pass: nothing is treated
    _, log2 = outliers.treat(x, "winsorise", kurtosis=1e6)
    assert log2 == []


# ---- bug: `action: remove` in a rule ignored ----------------------------------------------------


def test_removed_components_are_gone_from_the_state() -> None:
    regime = rg.load()
    before = {c.id for c in regime.at(date(2023, 11, 1)).components}
    after = regime.at(date(2024, 6, 1))
    assert "3A090.a" in before  # the 2022 paragraph a ...
    assert "3A090.a" not in {c.id for c in after.components}  # ... removed by 88 FR 73458
    assert all(c.action != "remove" for c in after.components)
    assert "3A090.a.1" in {c.id for c in after.components}
