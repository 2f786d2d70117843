"""Frontier/rest tiers, their metrics and the verdict rule, on hand-made data."""

from __future__ import annotations

import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure import stratification as st


def top500(list_id: str = "2024-11") -> pd.DataFrame:
    # ranks 1-3 frontier (top=3): USA 100, USA 80, CHN 20; rest: 4 countries × 10
    return pd.DataFrame(
        {
            "list_id": [list_id] * 7,
            "rank": [1, 2, 3, 4, 5, 6, 7],
            "country_iso3": ["USA", "USA", "CHN", "DEU", "JPN", "FRA", "CHN"],
            "rmax_tflops": [100.0, 80.0, 20.0, 10.0, 10.0, 10.0, 10.0],
            "source_id": ["t"] * 7,
        }
    )


def test_top500_tiers_and_metrics_hand_computed() -> None:
    f = st.top500_tiers(top500(), "2024-11", top=3)
    assert (f.items["tier"] == "frontier").sum() == 3
    fr = st.tier_concentration(f, "frontier", seed=1)
    # USA 180/200 = 0.9, CHN 0.1 → HHI 8100 + 100
    assert fr["hhi"] == pytest.approx(8200)
    assert fr["cr1"] == pytest.approx(0.9)
    assert fr["n_units"] == 2 and fr["n_items"] == 3
    rest = st.tier_concentration(f, "rest")
    assert rest["hhi"] == pytest.approx(2500)  # four equal countries
    assert rest["gini"] == pytest.approx(0.0)
    assert "hhi_excess" not in rest
    # Theil over items splits exactly
    assert fr["theil_between"] + fr["theil_within"] == pytest.approx(fr["theil_items"])


def test_filtered_list_re_ranks_by_position() -> None:
    df = top500()
    df = df[df["country_iso3"] != "USA"]
    f = st.top500_tiers(df, "2024-11", top=3)
    assert (f.items["tier"] == "frontier").sum() == 3


def test_random_tier_baseline() -> None:
    # all items in one country: any random tier has HHI 10000, excess 0
    assert st.random_tier_hhi([1, 2, 3, 4], ["A"] * 4, 2, seed=1) == pytest.approx(10_000)
    # size ≥ n: the whole set
    assert st.random_tier_hhi([1, 1], ["A", "B"], 5) == pytest.approx(5000)
    # two countries with equal items: a random pair has HHI 10000 (same) w.p. 1/3, else 5000
    base = st.random_tier_hhi([1, 1, 1, 1], ["A", "A", "B", "B"], 2, draws=4000, seed=2)
    assert base == pytest.approx(10_000 / 3 + 5000 * 2 / 3, rel=0.03)


def test_cluster_tiers_take_the_largest_existing() -> None:
    clusters = pd.DataFrame(
        {
            "status": ["Existing"] * 4 + ["Planned"],
            "h100e": [50.0, 40.0, 5.0, 4.0, 1e6],
            "country_iso3": ["USA", "USA", "CHN", "DEU", "USA"],
            "first_operational_date": pd.to_datetime(["2024-01-01"] * 4 + [None]),
            "decommissioned_date": pd.to_datetime([None] * 5),
            "include_in_standard_analysis": [True] * 5,
            "source_id": ["c"] * 5,
        }
    )
    f = st.cluster_tiers(clusters, 2024, top=2)
    assert f.items.loc[f.items["tier"] == "frontier", "value"].tolist() == [50.0, 40.0]
    assert st.tier_concentration(f, "frontier")["hhi"] == pytest.approx(10_000)
    assert st.tier_concentration(f, "rest")["hhi"] == pytest.approx((5 / 9 * 100) ** 2 + (4 / 9 * 100) ** 2)


def chip_stocks() -> pd.DataFrame:
    rows = []
    for vendor, chip, units, h in [
        ("NVIDIA", "H100", 100, 100.0),
        ("NVIDIA", "A100", 300, 90.0),
        ("AMD", "MI300X", 10, 13.0),
        ("Google", "TPU v5e", 500, 100.0),
        ("NVIDIA", "total", 400, 190.0),
    ]:
        for metric, v in (("units", units), ("h100e", h)):
            rows.append(
                {
                    "vendor": vendor,
                    "chip": chip,
                    "owner": "all",
                    "period": pd.Timestamp("2024-12-31"),
                    "metric": metric,
                    "median": float(v),
                    "source_id": "chips",
                }
            )
    return pd.DataFrame(rows)


def test_chip_tiers_frontier_is_relative_to_the_best_chip() -> None:
    f = st.chip_tiers(chip_stocks(), 2024, fraction=0.5)
    tiers = dict(zip(f.items["chip"], f.items["tier"], strict=True))
    # per unit: MI300X 1.3 (best), H100 1.0 (≥ 0.65), A100 0.3, TPU v5e 0.2
    assert tiers == {"H100": "frontier", "MI300X": "frontier", "A100": "rest", "TPU v5e": "rest"}
    assert "total" not in tiers
    fr = st.tier_concentration(f, "frontier")
    assert fr["hhi"] == pytest.approx((100 / 113 * 100) ** 2 + (13 / 113 * 100) ** 2)
    with pytest.raises(InputError):
        st.chip_tiers(chip_stocks(), 2019)


def test_chip_frames_use_only_quarters_with_every_vendor() -> None:
    cs = chip_stocks()
    early = cs[cs["vendor"] == "NVIDIA"].assign(period=pd.Timestamp("2023-12-31"))
    frames = st.chip_frames(pd.concat([early, cs]), since=2020)
    assert [f.period for f in frames] == ["2024-12"]


def series_rows(frontier: list[float], rest: list[float], excess: float) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i, (f, r) in enumerate(zip(frontier, rest, strict=True)):
        rows.append({"tier": "frontier", "year": 2020 + i, "hhi": f, "hhi_excess": excess})
        rows.append({"tier": "rest", "year": 2020 + i, "hhi": r})
    return rows


def test_verdict_holds_partly_fails_and_no_data() -> None:
    holds = st.verdict("x", series_rows([4000, 5000, 6000], [3000, 2500, 2000], 500))
    assert holds.outcome == "holds"
    assert holds.numbers["frontier_slope"] == pytest.approx(1000)
    assert holds.numbers["rest_slope"] == pytest.approx(-500)
    assert "HOLDS" in holds.text
    partly = st.verdict("x", series_rows([4000, 5000, 6000], [2000, 2500, 3000], 500))
    assert partly.outcome == "partly" and len(partly.reasons) == 1
    fails = st.verdict("x", series_rows([6000, 5000, 4000], [2000, 2500, 3000], -10))
    assert fails.outcome == "fails" and len(fails.reasons) == 3
    short = st.verdict("x", series_rows([1, 2], [2, 1], 1))
    assert short.outcome == "no_data"


def test_series_skips_periods_without_a_tier() -> None:
    f = st.top500_tiers(top500(), "2024-11", top=10)  # everything is frontier
    rows = st.series([f])
    assert [r["tier"] for r in rows] == ["frontier"]


def test_unknown_tier_is_an_error() -> None:
    f = st.top500_tiers(top500(), "2024-11", top=3)
    with pytest.raises(InputError, match="closest"):
        st.tier_concentration(f, "frontiers")


# ---------------------------------------------------------------- issue 8 item 10


def test_slope_interval_matches_ols_standard_error() -> None:
    from scipy import stats

    x, y = [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023], [100, 180, 90, 260, 120, 300, 110, 190]
    s, lo, hi = st.slope_interval(x, y)
    ref = stats.linregress(x, y)
    half = stats.t.ppf(0.975, len(x) - 2) * ref.stderr
    assert (
        s == pytest.approx(ref.slope)
        and lo == pytest.approx(ref.slope - half)
        and hi == pytest.approx(ref.slope + half)
    )
    assert st.trend_direction(lo, hi) == "unclear" and st.trend_direction(1, 2) == "up"


def test_a_slope_sign_alone_is_not_a_trend() -> None:
    """+9.6 HHI/yr over 8 noisy points (the chips case): the interval spans 0 → no clear trend,
    where a sign-of-slope rule said "partly"."""
    fr = [4000, 4600, 3700, 4400, 3900, 4700, 3800, 4300]
    rs = [3000, 3500, 2800, 3400, 2900, 3300, 3100, 2950]
    v = st.verdict("chips", [r for i in range(8) for r in _pair(i, fr[i], rs[i])])
    assert v.outcome == "no_clear_trend"
    assert v.numbers["frontier_slope_lo"] < 0 < v.numbers["frontier_slope_hi"]
    assert "NO CLEAR TREND" in v.text and "95%" in v.text
    # one clear trend, one unclear: partly, and the unclear one is named as such
    up = [4000 + 300 * i for i in range(8)]
    p = st.verdict("x", [r for i in range(8) for r in _pair(i, up[i], rs[i])])
    assert p.outcome == "partly" and any("no clear trend in the rest" in r for r in p.reasons)
    assert "no_clear_trend" in st.OUTCOMES and st.outcome_label("no_clear_trend") == "no clear trend"


def _pair(i: int, f: float, r: float) -> list[dict[str, object]]:
    return [
        {"tier": "frontier", "year": 2016 + i, "hhi": f, "hhi_excess": 100.0},
        {"tier": "rest", "year": 2016 + i, "hhi": r},
    ]


class _Atlas:
    """Just enough of an atlas for :func:`concentration_for` on a TOP500 frame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.manifest = {"tables": {"top500_systems": {"columns": list(frame.columns)}}}

    def require(self, *tables: str) -> None:
        return None

    def has(self, table: str) -> bool:
        return table == "top500_systems"

    def df(self, sql: str) -> pd.DataFrame:
        return self.frame


def test_year_list_and_latest_agree_with_the_lists_held() -> None:
    """Lists 2024-11 and 2025-06: latest = 2025-06; --year 2025 = 2025-06 (said so); --year 2024 =
    2024-11; an unknown --list names the lists; a year outside is refused naming 2024–2025."""
    frame = pd.concat([top500("2024-11"), top500("2025-06")], ignore_index=True)
    a = _Atlas(frame)
    assert st.concentration_for(a, "top500", "all").period == "2025-06"  # type: ignore[arg-type]
    r = st.concentration_for(a, "top500", "all", year=2025)  # type: ignore[arg-type]
    assert r.period == "2025-06" and any("2025-06" in n and "November" in n for n in r.notes)
    assert st.concentration_for(a, "top500", "all", year=2024).period == "2024-11"  # type: ignore[arg-type]
    assert any("only the November list" in n for n in r.notes)
    with pytest.raises(InputError, match="2024–2025"):
        st.concentration_for(a, "top500", "all", year=2026)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        st.concentration_for(a, "top500", "all", list_id="2025-11")  # type: ignore[arg-type]


def test_random_tier_hhi_equals_grouping_each_draw_by_its_labels() -> None:
    """The fast path (label codes once, inline HHI) gives the numbers of the plain one."""
    import numpy as np

    from computestrata.maths import concentration as cmx

    rng = np.random.default_rng(1)
    vals = rng.lognormal(size=300)
    vals[:5] = [0.0, -1.0, np.nan, 2.0, 3.0]  # non-positive and missing items are left out
    labs = rng.choice(list("ABCDEFGHIJ"), size=300)
    keep = vals > 0
    v, lab = vals[keep], labs[keep]
    gen = np.random.default_rng(7)
    plain = []
    for _ in range(50):
        idx = gen.choice(v.size, size=12, replace=False)
        units, inv = np.unique(lab[idx].astype(str), return_inverse=True)
        plain.append(cmx.hhi(np.bincount(inv, weights=v[idx], minlength=units.size)))
    assert st.random_tier_hhi(vals, labs, 12, draws=50, seed=7) == float(np.mean(plain))
