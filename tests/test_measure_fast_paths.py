"""The fast paths behind ``strata overview`` give the same numbers, to the last bit, as the
code they replaced.

Each test keeps the replaced implementation as a reference (``_old_*``) and compares on
generated inputs (hypothesis) and, where an atlas is at hand, on the real data.  Equality is
exact (``==``, ``check_exact``): a rewrite that moves a float by one ulp fails here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.maths.quantiles import NORMAL_QUANTILES, T_QUANTILES, normal_quantile, t_quantile
from computestrata.measure import estimates as es
from computestrata.measure import montecarlo as mc
from computestrata.measure import stratification as strat
from computestrata.stack.shares import cset_input_shares
from computestrata.trends import regionalisation, stats

# ---------------------------------------------------------------- references (replaced code)


def _old_cset_input_shares(provision: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    p = provision.merge(
        providers[["provider_id", "provider_type", "country_iso3", "group_code"]], on="provider_id", how="left"
    )
    p = p[p["share"].notna()]
    p = p.assign(entity=p["country_iso3"].fillna(p["group_code"]).fillna("UNK"))
    out = []
    for (iid, year), grp in p.groupby(["input_id", "year"], sort=True):
        countries = grp[grp["provider_type"] == "country"]
        method, rows = "country_rows", countries
        if countries.empty:
            rows, method = grp[grp["provider_type"] != "country"], "firm_rollup"
        for ent, g in rows.groupby("entity"):
            out.append(
                {
                    "input_id": iid,
                    "year": int(year),  # type: ignore[call-overload]
                    "entity": ent,
                    "share": float(g["share"].sum()),
                    "method": method,
                    "source_id": g["source_id"].iloc[0],
                }
            )
    return pd.DataFrame(out, columns=["input_id", "year", "entity", "share", "method", "source_id"])


def _old_random_tier_hhi(values: Any, units: Any, size: int, draws: int, seed: int) -> float:
    vals = np.asarray(values, dtype=float)
    labs = np.asarray(list(units), dtype=object)
    keep = vals > 0
    vals, labs = vals[keep], labs[keep]
    gen = np.random.default_rng(seed)
    uniq, codes = np.unique(labs.astype(str), return_inverse=True)
    res = []
    for _ in range(draws):
        idx = gen.choice(vals.size, size=size, replace=False)
        tot = np.bincount(codes[idx], weights=vals[idx], minlength=uniq.size)
        tot = tot[tot > 0]
        res.append(float(((100.0 * (tot / tot.sum())) ** 2).sum()))
    return float(np.mean(res))


def _old_existing_clusters(clusters: pd.DataFrame, year: int, multi_site_only: bool = False) -> pd.DataFrame:
    end = pd.Timestamp(f"{year}-12-31")
    fod = pd.to_datetime(clusters["first_operational_date"], errors="coerce")
    dec = pd.to_datetime(clusters["decommissioned_date"], errors="coerce")
    status = clusters["status"].astype("string").str.lower().fillna("")
    live = (status != "planned") & (fod <= end) & ~(dec <= end)
    keep = live & clusters["h100e"].notna() & (clusters["h100e"] > 0)
    keep &= ~clusters["exclude"].fillna(False).astype(bool)
    if multi_site_only:
        keep &= es.multi_site(clusters)
    else:
        keep &= clusters["include_in_standard_analysis"].fillna(False).astype(bool)
    live_names = set(clusters.loc[live, "name"].dropna().astype(str))
    superseded = keep & clusters["superseded_by"].astype("string").isin(live_names).fillna(False)
    keep &= ~superseded
    no_country = keep & clusters["country_iso3"].isna()
    keep &= clusters["country_iso3"].notna()
    out = clusters[keep].copy()
    out["first_operational_date"] = fod[keep]
    out.attrs["without_country"] = int(no_country.sum())
    out.attrs["without_country_h100e"] = float(clusters.loc[no_country, "h100e"].sum())
    out.attrs["superseded"] = int(superseded.sum())
    out.attrs["superseded_h100e"] = float(clusters.loc[superseded, "h100e"].sum())
    out.attrs["superseded_names"] = sorted(clusters.loc[superseded, "name"].astype(str)) if superseded.any() else []
    undated = (status == "existing") & fod.isna()
    out.attrs["undated"] = int(undated.sum())
    out.attrs["undated_h100e"] = float(clusters.loc[undated, "h100e"].sum())
    return out


def _old_bootstrap(n_units: int, statistic: Any, draws: int, seed: int = stats.SEED) -> tuple[float, float, float]:
    point = float(statistic(np.ones(n_units)))
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        w = np.bincount(rng.integers(0, n_units, n_units), minlength=n_units).astype(float)
        v = statistic(w)
        if not math.isnan(v):
            out.append(v)
    if len(out) < draws // 2:
        return (point, math.nan, math.nan)
    lo, hi = np.quantile(out, [0.5 - stats.LEVEL / 2, 0.5 + stats.LEVEL / 2])
    return (point, float(lo), float(hi))


# ---------------------------------------------------------------- CSET shares


@st.composite
def _provision(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    kinds = ["country", "organization", None]
    n_prov = draw(st.integers(1, 8))
    providers = pd.DataFrame(
        {
            "provider_id": [f"P{i}" for i in range(n_prov)],
            "provider_type": [draw(st.sampled_from(kinds)) for _ in range(n_prov)],
            "country_iso3": [draw(st.sampled_from(["USA", "CHN", "JPN", None])) for _ in range(n_prov)],
            "group_code": [draw(st.sampled_from(["EUR", "VAR", None])) for _ in range(n_prov)],
        }
    )
    rows = draw(st.integers(0, 30))
    shares = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
    provision = pd.DataFrame(
        {
            "provider_id": [f"P{draw(st.integers(0, n_prov))}" for _ in range(rows)],  # P{n}: no provider
            "input_id": [draw(st.sampled_from(["N1", "N2", "S3"])) for _ in range(rows)],
            "year": [draw(st.sampled_from([2019, 2021, 2025])) for _ in range(rows)],
            "share": [draw(shares) for _ in range(rows)],
            "source_id": [draw(st.sampled_from(["a", "b"])) for _ in range(rows)],
        }
    )
    provision["share"] = provision["share"].astype(float)
    return provision, providers


@given(_provision())
@settings(max_examples=150)
def test_cset_input_shares_equals_the_group_by_it_replaced(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    provision, providers = frames
    new, old = cset_input_shares(provision, providers), _old_cset_input_shares(provision, providers)
    assert len(new) == len(old)
    if len(old):
        pd.testing.assert_frame_equal(new, old, check_exact=True, check_dtype=False)


@pytest.mark.integration
def test_cset_input_shares_on_the_atlas_is_bit_identical(atlas) -> None:  # type: ignore[no-untyped-def]
    provision, providers = atlas.table("sc_provision"), atlas.table("sc_providers")
    new, old = cset_input_shares(provision, providers), _old_cset_input_shares(provision, providers)
    assert len(new) > 100 and "country_rows" in set(new["method"])
    pd.testing.assert_frame_equal(new, old, check_exact=True)


# ---------------------------------------------------------------- random-tier baseline


@given(
    st.lists(st.tuples(st.floats(0.001, 1e6), st.sampled_from(list("ABCDEFGHIJKL"))), min_size=3, max_size=80),
    st.integers(1, 12),
    st.integers(0, 2**32),
)
@settings(max_examples=120)
def test_random_tier_hhi_equals_the_per_draw_loop(items: list[tuple[float, str]], size: int, seed: int) -> None:
    vals, units = [v for v, _ in items], [u for _, u in items]
    size = min(size, len(items) - 1)
    got = strat.random_tier_hhi(vals, units, size, draws=60, seed=seed)
    assert got == _old_random_tier_hhi(vals, units, size, 60, seed)


def test_random_tier_hhi_with_many_units_and_large_tiers() -> None:
    """Thirty units and tiers of forty items: draws hold many units (numpy's sums take their
    unrolled path), and the draws group into many sizes."""
    rng = np.random.default_rng(7)
    vals = rng.lognormal(0, 3, 400)
    units = [f"U{i:02d}" for i in rng.integers(0, 30, 400)]
    assert strat.random_tier_hhi(vals, units, 40, draws=200, seed=3) == _old_random_tier_hhi(vals, units, 40, 200, 3)


# ---------------------------------------------------------------- percentiles by column


@given(st.integers(1, 400), st.integers(1, 6), st.integers(0, 2**32), st.booleans())
@settings(max_examples=60)
def test_summarise_columns_equals_summarise_per_column(rows: int, cols: int, seed: int, with_nan: bool) -> None:
    rng = np.random.default_rng(seed)
    arr = rng.lognormal(0, 2, (rows, cols))
    if with_nan:
        arr[rng.random((rows, cols)) < 0.2] = np.nan
    got, want = mc.summarise_columns(arr), [mc.summarise(arr[:, j]) for j in range(cols)]
    assert repr(got) == repr(want)  # repr: NaN bands (all-NaN columns) compare equal, numbers exactly


# ---------------------------------------------------------------- operating clusters


def _clusters(rng: np.random.Generator, n: int) -> pd.DataFrame:
    day = np.datetime64("2012-01-01") + rng.integers(0, 5000, n).astype("timedelta64[D]")
    dec = np.where(rng.random(n) < 0.1, day + 900, np.datetime64("NaT"))
    fod = np.where(rng.random(n) < 0.05, np.datetime64("NaT"), day)
    names = [f"c{i}" for i in range(n)]
    later = [names[j] if rng.random() < 0.15 else None for j in rng.integers(0, n, n)]

    def pick(options: list[Any]) -> list[Any]:
        return [options[i] for i in rng.integers(0, len(options), n)]

    return pd.DataFrame(
        {
            "name": pd.array(names, dtype="str"),
            "status": pd.array(pick(["Existing", "Planned", "Decommissioned", None]), dtype="str"),
            "certainty": pd.array(pick(["Confirmed", "Likely", "Unlikely", None]), dtype="str"),
            "single_cluster": pd.array(pick([True, False, None]), dtype="boolean"),
            "possible_duplicate": rng.random(n) < 0.1,
            "include_in_standard_analysis": rng.random(n) < 0.6,
            "exclude": rng.random(n) < 0.05,
            "h100e": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(6, 2, n)),
            "country_iso3": pd.array(pick(["USA", "CHN", "KOR", None]), dtype="str"),
            "first_operational_date": pd.to_datetime(fod),
            "decommissioned_date": pd.to_datetime(dec),
            "superseded_by": pd.array(later, dtype="str"),
        }
    )


@given(st.integers(0, 2**32), st.integers(2010, 2027), st.booleans())
@settings(max_examples=60)
def test_existing_clusters_equals_the_pandas_masks_it_replaced(seed: int, year: int, multi: bool) -> None:
    clusters = _clusters(np.random.default_rng(seed), 120)
    new = es.existing_clusters(clusters, year, multi_site_only=multi)
    old = _old_existing_clusters(clusters, year, multi_site_only=multi)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new.attrs == old.attrs


@pytest.mark.integration
def test_existing_clusters_on_the_atlas_every_year(atlas) -> None:  # type: ignore[no-untyped-def]
    clusters = atlas.table("gpu_clusters")
    seen = 0
    for year in range(2010, 2027):
        for multi in (False, True):
            new, old = (
                es.existing_clusters(clusters, year, multi_site_only=multi),
                _old_existing_clusters(clusters, year, multi_site_only=multi),
            )
            pd.testing.assert_frame_equal(new, old, check_exact=True)
            assert new.attrs == old.attrs
            seen += len(new)
    assert seen > 1000


@pytest.mark.integration
def test_fewer_columns_read_give_the_same_table1_and_stratification(atlas) -> None:  # type: ignore[no-untyped-def]
    """Table 1 and the stratification read only the cluster and TOP500 columns they use."""
    full = atlas.table("gpu_clusters")
    narrow = es.load_clusters(atlas)
    assert set(narrow.columns) < set(full.columns)
    for year in (2017, 2024):
        a = es.intelligent_compute(full, None, year, draws=200)
        b = es.intelligent_compute(narrow, None, year, draws=200)
        assert a.to_dict() == b.to_dict()
    f_full = strat.frames_from_table(full, "clusters", since=2020)
    f_narrow = strat.frames_from_table(narrow, "clusters", since=2020)
    assert [f.items.to_dict() for f in f_full] == [f.items.to_dict() for f in f_narrow]


# ---------------------------------------------------------------- trend bootstraps


@given(st.integers(2, 40), st.integers(1, 300), st.integers(0, 2**32))
@settings(max_examples=60)
def test_bootstrap_batched_draws_are_the_per_draw_draws(n_units: int, draws: int, seed: int) -> None:
    vals = np.random.default_rng(seed).lognormal(0, 1, n_units)

    def mean(w: Any) -> float:
        return float((w * vals).sum() / w.sum())

    assert stats.bootstrap(n_units, mean, draws=draws, seed=seed) == _old_bootstrap(n_units, mean, draws, seed)


@given(st.integers(0, 2**32), st.integers(3, 14), st.integers(1, 80))
@settings(max_examples=60)
def test_slopes_by_pattern_equals_slope_row_by_row(seed: int, years: int, rows: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.arange(2010, 2010 + years, dtype=float)
    den = rng.integers(0, 12, (rows, years)).astype(float)
    num = np.floor(den * rng.random((rows, years)))
    use = den >= 5
    got = stats.slopes_by_pattern(x, num, den, use, min_points=3)
    for r in range(rows):
        ok = use[r]
        want = stats.slope(x[ok], num[r][ok] / den[r][ok]) if ok.sum() >= 3 else math.nan
        assert (math.isnan(want) and math.isnan(got[r])) or got[r] == want


@given(st.integers(0, 2**32), st.integers(1, 60))
@settings(max_examples=60)
def test_weighted_share_many_equals_one_draw_at_a_time(seed: int, rows: int) -> None:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"value": rng.lognormal(10, 3, rows)})
    mark = rng.random(rows) < 0.4
    share = regionalisation._ShareOfWeighted(lambda f: (f["value"].to_numpy(dtype=float), mark))
    w = rng.integers(0, 4, (25, rows)).astype(float)
    many = share.many(frame, w)
    for d in range(25):
        one = share(frame, w[d])
        assert (math.isnan(one) and math.isnan(many[d])) or many[d] == one


# ---------------------------------------------------------------- quantiles without scipy


def test_quantile_tables_are_scipys_numbers() -> None:
    from scipy.special import ndtri, stdtrit

    for p, table in T_QUANTILES.items():
        assert [float(stdtrit(df, p)) for df in range(1, len(table) + 1)] == list(table)
    for p, z in NORMAL_QUANTILES.items():
        assert z == float(ndtri(p))
    # outside the table: asked of scipy
    assert t_quantile(500, 0.975) == float(stdtrit(500, 0.975))
    assert t_quantile(4, 0.9) == float(stdtrit(4, 0.9))
    assert normal_quantile(0.9) == float(ndtri(0.9))


def test_shipped_segments_read_the_same_with_either_yaml_loader() -> None:
    import yaml

    from computestrata.vocab.segments import default_path, load_segments

    text = default_path().read_text(encoding="utf-8")
    assert yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == yaml.safe_load(text)
    assert load_segments() == load_segments(default_path())
