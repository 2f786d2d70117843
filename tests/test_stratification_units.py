"""Boundary tests for the stratification maths: slope intervals against scipy, the frontier
threshold, tier filters, the verdict's minimum length and the year checks."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure import stratification as st
from computestrata.measure.statuses import Trend


def test_slope_interval_matches_scipy_linregress() -> None:
    from scipy import stats as sps

    x = [2019.0, 2020.0, 2021.0, 2023.0, 2024.0]
    y = [10.0, 14.0, 13.0, 20.0, 19.0]
    ref = sps.linregress(x, y)
    q = float(sps.t.ppf(0.975, len(x) - 2))
    s, lo, hi = st.slope_interval(x, y)
    assert s == pytest.approx(ref.slope, rel=1e-9)
    assert lo == pytest.approx(ref.slope - q * ref.stderr, rel=1e-9)
    assert hi == pytest.approx(ref.slope + q * ref.stderr, rel=1e-9)


def test_slope_interval_three_points_hand_worked() -> None:
    # slope 1, intercept 1/3: residuals −1/3, 2/3, −1/3 → s² = (2/3)/1, Sxx = 2 → se = √(1/3)
    s, lo, hi = st.slope_interval([0, 1, 2], [0, 2, 2])
    assert s == pytest.approx(1.0)
    half = 12.706204736174694 * math.sqrt(2 / 3 / 2)
    assert (lo, hi) == pytest.approx((1 - half, 1 + half))


def test_slope_interval_too_few_or_flat_x() -> None:
    assert all(math.isnan(v) for v in st.slope_interval([0, 1], [0, 1]))
    assert all(math.isnan(v) for v in st.slope_interval([1, 1, 1], [0, 1, 2]))


def test_trend_direction_needs_the_whole_interval_off_zero() -> None:
    assert st.trend_direction(0.0, 1.0) == Trend.UNCLEAR
    assert st.trend_direction(-1.0, 0.0) == Trend.UNCLEAR
    assert st.trend_direction(1e-9, 1.0) == Trend.UP
    assert st.trend_direction(-1.0, -1e-9) == Trend.DOWN


def chips(spec: Sequence[tuple[str, str, float, float]], owner: str = "all") -> pd.DataFrame:
    rows = [
        {
            "vendor": vendor,
            "chip": chip,
            "owner": owner,
            "period": pd.Timestamp("2024-12-31"),
            "metric": metric,
            "median": float(v),
            "source_id": "chips",
        }
        for vendor, chip, units, h in spec
        for metric, v in (("units", units), ("h100e", h))
    ]
    return pd.DataFrame(rows)


def test_chip_exactly_at_the_threshold_is_frontier() -> None:
    # best 2.0 H100e per unit; half of it = 1.0 exactly
    f = st.chip_tiers(chips([("A", "best", 10, 20.0), ("B", "half", 10, 10.0), ("C", "less", 10, 9.0)]), 2024)
    tiers = dict(zip(f.items["chip"], f.items["tier"], strict=True))
    assert tiers == {"best": "frontier", "half": "frontier", "less": "rest"}
    assert f.items.set_index("chip")["h100e_per_unit"].to_dict() == pytest.approx(
        {"best": 2.0, "half": 1.0, "less": 0.9}
    )


def test_chips_with_zero_units_or_zero_h100e_are_dropped() -> None:
    spec = [("A", "a", 10, 20.0), ("B", "b", 10, 5.0), ("C", "no_units", 0, 50.0), ("D", "no_h", 10, 0.0)]
    f = st.chip_tiers(chips(spec), 2024)
    assert sorted(f.items["chip"]) == ["a", "b"]
    assert f.items.set_index("chip")["tier"].to_dict() == {"a": "frontier", "b": "rest"}
    assert f.period == "2024-12" and f.year == pytest.approx(2024 + 11.5 / 12)


def test_chip_rows_for_one_owner_are_not_the_total() -> None:
    cs = pd.concat([chips([("A", "a", 10, 20.0)]), chips([("B", "b", 10, 30.0)], owner="China")])
    f = st.chip_tiers(cs, 2024)
    assert f.items["chip"].tolist() == ["a"]


def frame(values: list[float], units: list[str], tiers: list[str]) -> st.TierFrame:
    items = pd.DataFrame({"value": values, "unit": units, "tier": tiers})
    return st.TierFrame(period="2024-12", year=2024.9, items=items)


def test_series_skips_an_empty_or_all_zero_tier() -> None:
    full = frame([5.0, 3.0, 1.0, 1.0], ["A", "B", "A", "C"], ["frontier", "frontier", "rest", "rest"])
    zero_rest = frame([5.0, 0.0], ["A", "B"], ["frontier", "rest"])
    no_rest = frame([5.0, 1.0], ["A", "B"], ["frontier", "frontier"])
    rows = st.series([full, zero_rest, no_rest], seed=1)
    assert [(r["tier"], r["year"]) for r in rows] == [
        ("frontier", 2024.9),
        ("rest", 2024.9),
        ("frontier", 2024.9),
        ("frontier", 2024.9),
    ]
    assert rows[1]["hhi"] == pytest.approx(5000.0)


def rows(n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        out.append({"tier": "frontier", "year": 2020 + i, "hhi": 4000.0 + 1000 * i, "hhi_excess": 100.0})
        out.append({"tier": "rest", "year": 2020 + i, "hhi": 3000.0 - 500 * i})
    return out


def test_verdict_needs_three_periods_per_tier() -> None:
    assert st.verdict("x", rows(3)).outcome == "holds"
    assert st.verdict("x", rows(2)).outcome == "no_data"
    only_frontier = [r for r in rows(4) if r["tier"] == "frontier"] + rows(2)[1::2]
    assert st.verdict("x", only_frontier).outcome == "no_data"


def test_data_years_ignores_june_lists_and_planned_clusters() -> None:
    t = pd.DataFrame({"list_id": ["2019-11", "2020-06", "2021-11", "2023-06"]})
    assert st.data_years(t, "top500") == (2019, 2021)
    c = pd.DataFrame(
        {
            "first_operational_date": ["2018-05-01", "2022-01-01", "2030-01-01"],
            "status": ["Existing", "existing", "Planned"],
        }
    )
    assert st.data_years(c, "clusters") == (2018, 2022)
    assert st.data_years(c.iloc[:0], "clusters") is None


def test_check_years_boundaries() -> None:
    spans = [(2015, 2020), (2018, 2024)]
    st.check_years(2024, None, spans)  # since = last year with data
    st.check_years(2010, 2015, spans)  # until = first year with data
    st.check_years(2020, 2020, spans)
    st.check_years(2030, 2010, [])  # nothing to check against
    for since, until in ((2025, None), (2021, 2020), (2000, 2014)):
        with pytest.raises(InputError):
            st.check_years(since, until, spans)


def test_top500_frames_include_the_since_and_until_years() -> None:
    lists = ["2018-11", "2019-06", "2019-11", "2020-11", "2021-11"]
    t = pd.DataFrame(
        {
            "list_id": [lid for lid in lists for _ in range(4)],
            "rank": [1, 2, 3, 4] * len(lists),
            "country_iso3": ["USA", "CHN", "USA", "DEU"] * len(lists),
            "rmax_tflops": [4.0, 3.0, 2.0, 1.0] * len(lists),
            "source_id": ["t"] * 4 * len(lists),
        }
    )
    frames = st.frames_from_table(t, "top500", since=2019, until=2020, top=2)
    assert [f.period for f in frames] == ["2019-11", "2020-11"]


def test_random_tier_baseline_with_one_draw_and_small_chips() -> None:
    assert st.random_tier_hhi([1.0, 1.0, 1.0], ["A", "A", "A"], 2, draws=1, seed=1) == pytest.approx(10_000)
    f = st.chip_tiers(chips([("A", "a", 1, 2.0), ("B", "tiny", 1, 0.5)]), 2024)
    assert f.items.set_index("chip")["tier"].to_dict() == {"a": "frontier", "tiny": "rest"}
