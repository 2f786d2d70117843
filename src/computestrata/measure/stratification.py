"""Technology stratification tested on data: does frontier compute concentrate while the rest diffuses?

The paper (section III.2) claims that under securitisation and frontierisation, frontier
compute concentrates in few hands while non-frontier compute diffuses.  We test it on three
open datasets, each split into a *frontier* and a *rest* tier per period:

* ``top500`` — TOP500 November lists; frontier = ranks 1–10, rest = 11–500; the units whose
  concentration we measure are **countries**, sized by Rmax.
* ``clusters`` — Epoch GPU clusters operating at each year end; frontier = the 10 largest
  by H100e, rest = all others; units = countries, sized by H100e.
* ``chips`` — Epoch chip stocks by chip (cumulative since 2022, Q4 of each year); frontier =
  chips whose H100e per unit is at least half that of the best chip sold by then (the
  same idea as a TPP threshold relative to the state of the art, read from the same data),
  rest = older chips; units = **vendors**, sized by H100e.

A tier of 10 items looks concentrated by construction, so the frontier's HHI is also
compared with the mean HHI of random tiers of the same size drawn from the same period
("excess").  The verdict (:func:`verdict`) says *what the data show*, not what the paper says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.measure import concentration as cm
from computestrata.measure.licences import hidden_rows
from computestrata.measure.montecarlo import DEFAULT_SEED
from computestrata.measure.statuses import Check, Outcome, Trend
from computestrata.provenance import Provenance, sourced

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

DATASETS = ("top500", "clusters", "chips")
TIERS = ("frontier", "rest")
DEFAULT_TOP = 10
CHIP_FRONTIER_FRACTION = 0.5
BASELINE_DRAWS = 300
DEFAULT_SINCE = 2015


@dataclass
class TierFrame:
    """Items of one period (systems, clusters or chips): size, owning unit, tier."""

    period: str
    year: float
    items: pd.DataFrame  # columns: value, unit, tier
    source_ids: list[str] = field(default_factory=list)


def metrics(values: Any, units: Any, ks: Sequence[int] = (1, 3, 5)) -> dict[str, Any]:
    """Concentration of items' sizes across their owning units, plus a Theil split.

    HHI, CR-k and Gini are computed on unit totals (e.g. Rmax per country); Theil T is
    computed on the items and split into between-unit and within-unit parts.
    """
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"value": np.asarray(values, dtype=float), "unit": list(units)})
    df = df[df["value"] > 0]
    if df.empty:
        raise InputError("no items with a positive size in this tier", hint="pick another period or tier")
    totals = df.groupby("unit")["value"].sum().sort_values(ascending=False)
    out: dict[str, Any] = cm.summary(totals.to_numpy(), ks)
    dec = cm.theil_decompose(df["value"].to_numpy(), df["unit"].tolist())
    out["theil_items"] = dec.total
    out["theil_between"] = dec.between
    out["theil_within"] = dec.within
    out["n_items"] = len(df)
    out["top_units"] = [[str(u), float(v / totals.sum())] for u, v in totals.head(3).items()]
    return out


def random_tier_hhi(
    values: Any, units: Any, size: int, draws: int = BASELINE_DRAWS, seed: int | None = DEFAULT_SEED
) -> float:
    """Mean country HHI of ``size`` items drawn at random (without replacement) from all items."""
    import numpy as np

    vals = np.asarray(values, dtype=float)
    labs = np.asarray(list(units), dtype=object)
    keep = vals > 0
    vals, labs = vals[keep], labs[keep]
    if size >= vals.size:
        return cm.hhi(_unit_totals(vals, labs))
    gen = np.random.default_rng(seed)
    # label codes once (sorting strings per draw was most of the time); a draw's totals are the
    # bins of the units it holds, in label order — the same numbers as grouping its labels
    uniq, codes = np.unique(labs.astype(str), return_inverse=True)
    if draws < 1:
        return math.nan
    # every draw first, in order: the same generator calls as drawing and scoring one at a time
    picks = np.stack([gen.choice(vals.size, size=size, replace=False) for _ in range(draws)])
    if not np.isfinite(vals).all():  # cm.hhi raises its clear error on the first draw
        tots = (np.bincount(codes[i], weights=vals[i], minlength=uniq.size) for i in picks)
        return float(np.mean([cm.hhi(t[t > 0]) for t in tots]))
    return float(np.mean(_draw_hhis(picks, codes, vals, uniq.size)))


def _draw_hhis(picks: Any, codes: Any, vals: Any, n_units: int) -> Any:
    """HHI of each draw (a row of ``picks``) over its units' totals, for all draws at once.

    Bit for bit what one ``bincount`` and :func:`computestrata.maths.concentration.hhi` per draw
    give (the loop this replaced took a fifth of the stratification run): one flat ``bincount``
    adds each unit's items in the draw's order, and draws holding the same number of units are
    summed as contiguous rows of exactly their positive totals, as the per-draw arrays were.
    """
    import numpy as np

    draws = picks.shape[0]
    flat = (codes[picks] + n_units * np.arange(draws)[:, None]).ravel()
    tot = np.bincount(flat, weights=vals[picks].ravel(), minlength=draws * n_units).reshape(draws, n_units)
    held = tot > 0
    # each row's positive totals first, in unit order (a stable sort of "not held")
    packed = np.take_along_axis(tot, np.argsort(~held, axis=1, kind="stable"), axis=1)
    counts = held.sum(axis=1)
    out = np.empty(draws)
    for m in np.unique(counts):
        rows = np.flatnonzero(counts == m)
        block = np.ascontiguousarray(packed[rows, :m])
        share = block / block.sum(axis=1)[:, None]
        out[rows] = ((100.0 * share) ** 2).sum(axis=1)
    return out


def _unit_totals(vals: Any, labs: Any) -> Any:
    import numpy as np

    uniq, inv = np.unique(labs.astype(str), return_inverse=True)
    return np.bincount(inv, weights=vals, minlength=uniq.size)


# ---------------------------------------------------------------- tiering per dataset


def top500_tiers(top500: pd.DataFrame, list_id: str, top: int = DEFAULT_TOP) -> TierFrame:
    """One TOP500 list split into ranks 1..top and the rest; units = countries."""
    import pandas as pd

    lst = top500[top500["list_id"].astype(str) == list_id]
    if lst.empty:
        from computestrata.errors import unknown

        raise unknown("TOP500 list", list_id, top500["list_id"].astype(str).unique())
    lst = lst.sort_values("rank", kind="stable")  # positions, so a filtered list re-ranks
    items = pd.DataFrame(
        {
            "value": lst["rmax_tflops"].astype(float).to_numpy(),
            "unit": lst["country_iso3"].fillna("UNK").astype(str).to_numpy(),
            "tier": ["frontier" if i < top else "rest" for i in range(len(lst))],
        }
    )
    ids = sorted(lst["source_id"].dropna().astype(str).unique()) if "source_id" in lst else []
    return TierFrame(period=list_id, year=int(list_id[:4]) + (int(list_id[5:7]) - 1) / 12, items=items, source_ids=ids)


def cluster_tiers(clusters: pd.DataFrame, year: int, top: int = DEFAULT_TOP, standard_only: bool = True) -> TierFrame:
    """Clusters operating at the end of ``year``: the ``top`` largest vs the rest; units = countries."""
    import pandas as pd

    from computestrata.measure.estimates import existing_clusters

    ex = existing_clusters(clusters, year, standard_only).sort_values("h100e", ascending=False)
    tier = ["frontier" if i < top else "rest" for i in range(len(ex))]
    items = pd.DataFrame(
        {"value": ex["h100e"].astype(float).to_numpy(), "unit": ex["country_iso3"].astype(str).to_numpy(), "tier": tier}
    )
    ids = sorted(ex["source_id"].dropna().astype(str).unique()) if "source_id" in ex else []
    return TierFrame(period=str(year), year=float(year), items=items, source_ids=ids)


def chip_tiers(chip_stocks: pd.DataFrame, when: Any, fraction: float = CHIP_FRONTIER_FRACTION) -> TierFrame:
    """Chips sold by ``when`` (a quarter-end date, or a year = its Q4): frontier vs older; units = vendors.

    Frontier = H100e per unit ≥ ``fraction`` × the best chip in the data at that date.
    """
    import pandas as pd

    end = pd.Timestamp(f"{when}-12-31") if isinstance(when, int) else pd.Timestamp(when)

    cs = chip_stocks[chip_stocks["chip"].astype(str).str.lower() != "total"]
    if "owner" in cs.columns:
        cs = cs[cs["owner"].fillna("all").astype(str).str.lower() == "all"]
    period = pd.to_datetime(cs["period"], errors="coerce")
    cs = cs[period == end]
    if cs.empty:
        raise InputError(
            f"no chip-stock estimates by chip for {end.date()}", hint="Epoch's chip-stock model covers 2022 onwards"
        )
    wide = cs.pivot_table(index=["vendor", "chip"], columns="metric", values="median", aggfunc="sum")
    if "h100e" not in wide.columns or "units" not in wide.columns:
        raise InputError(
            "chip stocks lack 'h100e' or 'units' rows by chip",
            hint="rebuild the atlas with the epoch_chip_counts loader",
        )
    wide = wide[(wide["h100e"] > 0) & (wide["units"] > 0)]
    per_unit = wide["h100e"] / wide["units"]
    best = float(per_unit.max())
    items = pd.DataFrame(
        {
            "value": wide["h100e"].to_numpy(float),
            "unit": [v for v, _ in wide.index],
            "chip": [c for _, c in wide.index],
            "h100e_per_unit": per_unit.to_numpy(float),
            "tier": ["frontier" if p >= fraction * best else "rest" for p in per_unit],
        }
    )
    ids = sorted(cs["source_id"].dropna().astype(str).unique()) if "source_id" in cs else []
    return TierFrame(period=end.strftime("%Y-%m"), year=end.year + (end.month - 0.5) / 12, items=items, source_ids=ids)


# ---------------------------------------------------------------- one period, one series


def tier_concentration(frame: TierFrame, tier: str, seed: int | None = DEFAULT_SEED) -> dict[str, Any]:
    """Metrics of one tier of one period (frontier also gets its random-tier baseline)."""
    if tier not in TIERS:
        from computestrata.errors import unknown

        raise unknown("tier", tier, TIERS)
    items = frame.items
    sub = items[items["tier"] == tier]
    out: dict[str, Any] = {"period": frame.period, "tier": tier}
    out.update(metrics(sub["value"], sub["unit"]))
    if tier == "frontier":
        base = random_tier_hhi(items["value"], items["unit"], len(sub), seed=seed)
        out["hhi_random_tier"] = base
        out["hhi_excess"] = out["hhi"] - base
    return out


def series(frames: Sequence[TierFrame], seed: int | None = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Frontier and rest metrics per period (a period whose tier is empty is skipped)."""
    rows = []
    for f in frames:
        for tier in TIERS:
            if not (f.items["tier"] == tier).any() or not (f.items.loc[f.items["tier"] == tier, "value"] > 0).any():
                continue
            row = tier_concentration(f, tier, seed)
            row["year"] = f.year
            rows.append(row)
    return rows


#: confidence level of the interval on each trend (OLS slope, t distribution with n − 2 df)
TREND_LEVEL = 0.95


def slope_interval(x: Sequence[float], y: Sequence[float], level: float = TREND_LEVEL) -> tuple[float, float, float]:
    """Least-squares slope of y on x with its ``level`` confidence interval (t, n − 2 df).

    NaNs when fewer than 3 points (no interval can be formed from 2).

    >>> s, lo, hi = slope_interval([0, 1, 2, 3], [0, 1, 2, 3])
    >>> round(s, 6), round(lo, 6), round(hi, 6)
    (1.0, 1.0, 1.0)
    """
    import numpy as np

    from computestrata.maths.quantiles import t_quantile  # scipy's stdtrit, without importing scipy

    xa, ya = np.asarray(x, float), np.asarray(y, float)
    n = xa.size
    if n < 3 or np.ptp(xa) == 0:
        return float("nan"), float("nan"), float("nan")
    slope, icpt = np.polyfit(xa, ya, 1)
    resid = ya - (slope * xa + icpt)
    se = float(np.sqrt((resid @ resid) / (n - 2) / ((xa - xa.mean()) @ (xa - xa.mean()))))
    half = t_quantile(n - 2, 0.5 + level / 2) * se
    return float(slope), float(slope - half), float(slope + half)


def trend_direction(lo: float, hi: float) -> Trend:
    """``up`` when the whole interval is above 0, ``down`` when below, else ``unclear``."""
    if lo > 0:
        return Trend.UP
    if hi < 0:
        return Trend.DOWN
    return Trend.UNCLEAR


@dataclass
class Verdict:
    """The claim tested on one dataset: outcome ('holds'/'partly'/'fails'/'no_data'), numbers, text."""

    dataset: str
    outcome: Outcome
    text: str
    numbers: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the CLI's ``verdicts`` entries)."""
        return {
            "dataset": self.dataset,
            "outcome": self.outcome,
            "text": self.text,
            "numbers": self.numbers,
            "reasons": self.reasons,
        }


def verdict(dataset: str, rows: Sequence[dict[str, Any]]) -> Verdict:
    """Judge 'frontier concentrates, the rest diffuses' from a series of tier metrics.

    Three tests, each computed from the rows: (1) level — the frontier's HHI exceeds that
    of random tiers of its size on average; (2) the frontier's HHI trend is upward and (3) the
    rest's HHI trend is downward, each judged on the 95 % interval of its least-squares slope
    (:func:`slope_interval`): up, down, or *unclear* when the interval spans 0.  Both trends
    unclear → ``no_clear_trend``; all three met → holds; none met and none unclear → fails;
    otherwise partly (an unclear trend is not met, and is named in the reasons).
    """
    import numpy as np

    from computestrata.i18n import t

    fr = [r for r in rows if r["tier"] == "frontier"]
    rs = [r for r in rows if r["tier"] == "rest"]
    if len(fr) < 3 or len(rs) < 3:
        why = t("measure.why.too_short")
        return Verdict(dataset, Outcome.NO_DATA, t("measure.verdict.no_data", dataset=dataset, why=why), reasons=[why])
    fs, fs_lo, fs_hi = slope_interval([r["year"] for r in fr], [r["hhi"] for r in fr])
    rs_, rs_lo, rs_hi = slope_interval([r["year"] for r in rs], [r["hhi"] for r in rs])
    nums = {
        "frontier_hhi_first": fr[0]["hhi"],
        "frontier_hhi_last": fr[-1]["hhi"],
        "rest_hhi_first": rs[0]["hhi"],
        "rest_hhi_last": rs[-1]["hhi"],
        "frontier_slope": fs,
        "frontier_slope_lo": fs_lo,
        "frontier_slope_hi": fs_hi,
        "rest_slope": rs_,
        "rest_slope_lo": rs_lo,
        "rest_slope_hi": rs_hi,
        "trend_level": TREND_LEVEL,
        "mean_excess": float(np.mean([r["hhi_excess"] for r in fr])),
        "periods": float(len(fr)),
    }
    f_dir, r_dir = trend_direction(fs_lo, fs_hi), trend_direction(rs_lo, rs_hi)
    checks = {
        "level": Check.MET if nums["mean_excess"] > 0 else Check.NOT_MET,
        "frontier_trend": {Trend.UP: Check.MET, Trend.DOWN: Check.NOT_MET}.get(f_dir, Check.UNCLEAR),
        "rest_trend": {Trend.DOWN: Check.MET, Trend.UP: Check.NOT_MET}.get(r_dir, Check.UNCLEAR),
    }
    ci = {"frontier_trend": (fs_lo, fs_hi), "rest_trend": (rs_lo, rs_hi)}
    reasons = [
        t(f"measure.why.{k}_unclear", lo=ci[k][0], hi=ci[k][1], level=TREND_LEVEL)
        if v == "unclear"
        else t(f"measure.why.{k}")
        for k, v in checks.items()
        if v != "met"
    ]
    passed = sum(v == "met" for v in checks.values())
    unclear = sum(v == "unclear" for v in checks.values())
    if checks["frontier_trend"] == checks["rest_trend"] == Check.UNCLEAR:
        outcome = Outcome.NO_CLEAR_TREND
    else:
        outcome = Outcome.HOLDS if passed == 3 else Outcome.FAILS if passed == 0 and not unclear else Outcome.PARTLY
    fmt = {
        "dataset": dataset,
        "f0": nums["frontier_hhi_first"],
        "f1": nums["frontier_hhi_last"],
        "r0": nums["rest_hhi_first"],
        "r1": nums["rest_hhi_last"],
        "fs": fs,
        "rs": rs_,
        "ex": nums["mean_excess"],
    }
    text = t(f"measure.verdict.{outcome}", why="; ".join(reasons), **fmt)
    text += " " + t("measure.verdict.intervals", level=TREND_LEVEL, fs_lo=fs_lo, fs_hi=fs_hi, rs_lo=rs_lo, rs_hi=rs_hi)
    return Verdict(dataset, outcome, text, nums, reasons)


# ---------------------------------------------------------------- from the atlas

_TABLES = {"top500": "top500_systems", "clusters": "gpu_clusters", "chips": "chip_stocks"}
#: the TOP500 columns tiering reads (system names and sites are 31,500 strings nobody here uses)
_TOP500_COLUMNS = ("list_id", "rank", "country_iso3", "rmax_tflops", "source_id")


def dataset_table(atlas: Atlas, dataset: str) -> pd.DataFrame:
    """The atlas table a dataset is built from (TOP500 with only the columns used)."""
    from computestrata.measure.estimates import CLUSTER_COLUMNS, load_clusters, load_top500

    if dataset not in DATASETS:
        from computestrata.errors import unknown

        raise unknown("dataset", dataset, DATASETS)
    atlas.require(_TABLES[dataset])
    if dataset == "top500":
        return load_top500(atlas, _TOP500_COLUMNS)
    if dataset == "clusters":
        return load_clusters(atlas, CLUSTER_COLUMNS)
    return atlas.table(_TABLES[dataset])


def frames_from_atlas(
    atlas: Atlas,
    dataset: str,
    periods: Sequence[str] | None = None,
    since: int = DEFAULT_SINCE,
    until: int | None = None,
    top: int = DEFAULT_TOP,
    standard_only: bool = True,
    without: Sequence[str] = (),
    fraction: float = CHIP_FRONTIER_FRACTION,
) -> list[TierFrame]:
    """Tier frames for ``dataset`` over time (or for the given periods).

    ``without`` drops the items of these units (e.g. ``CHN``) *before* tiering — a
    robustness check for datasets where one country stopped reporting.
    """
    return frames_from_table(
        dataset_table(atlas, dataset), dataset, periods, since, until, top, standard_only, without, fraction
    )


def frames_from_table(
    table: pd.DataFrame,
    dataset: str,
    periods: Sequence[str] | None = None,
    since: int = DEFAULT_SINCE,
    until: int | None = None,
    top: int = DEFAULT_TOP,
    standard_only: bool = True,
    without: Sequence[str] = (),
    fraction: float = CHIP_FRONTIER_FRACTION,
) -> list[TierFrame]:
    """:func:`frames_from_atlas` on an already loaded table (variants reuse one load)."""
    import pandas as pd

    from computestrata.measure.checks import at_least

    at_least("--top", top, 1, DEFAULT_TOP)
    if dataset == "top500":
        top500 = table[~table["country_iso3"].isin(list(without))] if without else table
        lists = periods or sorted(
            lid
            for lid in top500["list_id"].astype(str).unique()
            if lid.endswith("-11") and int(lid[:4]) >= since and (until is None or int(lid[:4]) <= until)
        )
        # one pass over the table instead of one filter per list (same rows, same order)
        by_list = {str(k): g for k, g in top500.groupby(top500["list_id"].astype(str), sort=False)}
        return [top500_tiers(by_list.get(str(lid), top500), str(lid), top) for lid in lists]
    if dataset == "clusters":
        clusters = table[~table["country_iso3"].isin(list(without))] if without else table
        dates = pd.to_datetime(clusters["first_operational_date"], errors="coerce").dropna()
        first, last = (int(dates.min().year), int(dates.max().year)) if len(dates) else (since, since)
        years = [int(p) for p in periods] if periods else list(range(max(since, first), min(until or last, last) + 1))
        out = []
        for y in years:
            f = cluster_tiers(clusters, y, top, standard_only)
            if (f.items["tier"] == "rest").sum() >= top:  # else "frontier" is the whole dataset
                out.append(f)
        return out
    chips = table[~table["vendor"].isin(list(without))] if without else table
    return chip_frames(chips, periods, since, until, fraction)


def full_vendor_quarters(chips: pd.DataFrame) -> list[Any]:
    """Quarter-end dates (Timestamps) at which every vendor in the chip data has estimates by chip."""
    import pandas as pd

    by_chip = chips[chips["chip"].astype(str).str.lower() != "total"]
    when = pd.to_datetime(by_chip["period"], errors="coerce")
    vendors = set(by_chip["vendor"].astype(str))
    return sorted(d for d, g in by_chip.groupby(when) if set(g["vendor"].astype(str)) == vendors)


def chip_frames(
    chips: pd.DataFrame,
    periods: Sequence[str] | None = None,
    since: int = DEFAULT_SINCE,
    until: int | None = None,
    fraction: float = CHIP_FRONTIER_FRACTION,
) -> list[TierFrame]:
    """Chip tiers at every quarter-end where *all* vendors in the data are tracked.

    Epoch's model adds vendors over time (NVIDIA 2022, TPU 2023, AMD and Trainium 2024);
    a vendor entering the data is not diffusion, so only quarters with the full vendor set
    are used.
    """
    full = full_vendor_quarters(chips)
    if periods:
        want = {str(p) for p in periods}
        full = [
            d
            for d in full
            if d.strftime("%Y-%m-%d") in want or d.strftime("%Y-%m") in want or (str(d.year) in want and d.month == 12)
        ]
    full = [d for d in full if d.year >= since and (until is None or d.year <= until)]
    return [chip_tiers(chips, d, fraction) for d in full]


#: variants tried by :func:`robustness`: frontier size (or chip threshold) × without China
ROBUST_TOPS = (5, 10, 20)
ROBUST_FRACTIONS = (0.33, 0.5, 0.67)


def variant_label(
    top: int | None = None, without: Sequence[str] = (), fraction: float | None = None, lang: str | None = None
) -> str:
    """Name of a robustness variant in ``lang`` (default: current); JSON keeps the English name."""
    from computestrata.i18n import t

    if fraction is not None:
        return t("measure.variant.fraction", lang, frac=fraction)
    name = t("measure.variant.top", lang, top=top)
    return t("measure.variant.without", lang, variant=name, units=", ".join(without)) if without else name


def _robust_variants(
    table: pd.DataFrame, dataset: str, since: int, until: int | None, without: Sequence[str] = ()
) -> list[tuple[dict[str, Any], str]]:
    """Each variant's JSON row (English name) with its name in the current language.

    ``without`` (the user's ``--without``) is dropped in every variant too, so the variants
    test the same data as the verdict; a "without CHN" variant is skipped when CHN is
    already dropped (it would repeat the plain variant under another name).
    """
    if dataset == "chips":
        grid: list[dict[str, Any]] = [{"fraction": f} for f in ROBUST_FRACTIONS]
    else:
        extra = [(), ("CHN",)] if "CHN" not in without else [()]
        grid = [{"top": top, "without": w} for w in extra for top in ROBUST_TOPS]
    out = []
    for g in grid:
        frames = frames_from_table(
            table,
            dataset,
            since=since,
            until=until,
            top=g.get("top", DEFAULT_TOP),
            without=[*without, *g.get("without", ())],
            fraction=g.get("fraction", CHIP_FRONTIER_FRACTION),
        )
        v = verdict(dataset, series(frames))
        english = variant_label(**g, lang="en")
        out.append(({"dataset": dataset, "variant": english, "outcome": v.outcome}, variant_label(**g)))
    return out


def robustness(
    atlas: Atlas, dataset: str, since: int = DEFAULT_SINCE, until: int | None = None
) -> list[dict[str, Any]]:
    """The verdict under other reasonable tier definitions, so a verdict is not an artefact of one.

    TOP500 and clusters: frontier of 5, 10 or 20 items, with and without China (China stopped
    submitting to TOP500; Epoch anonymises its clusters).  Chips: frontier threshold of
    1/3, 1/2 or 2/3 of the best chip's H100e per unit.
    """
    return [row for row, _ in _robust_variants(dataset_table(atlas, dataset), dataset, since, until)]


# ---------------------------------------------------------------- whole analyses (CLI, report, dashboard)

#: columns of the stratification table as shown (``theil_within`` is in the rows, not the table)
STRATIFICATION_COLUMNS = (
    "dataset",
    "period",
    "tier",
    "hhi",
    "cr1",
    "cr3",
    "gini",
    "theil",
    "theil_between",
    "n_units",
    "n_items",
    "hhi_excess",
    "lead_unit",
    "lead_share",
)
#: verdict outcomes :func:`analyse` can report
OUTCOMES = tuple(o.value for o in Outcome)


@dataclass
class StratificationResult:
    """The stratification test on several datasets: shown rows, verdicts, robustness, notes, sources."""

    rows: list[dict[str, Any]]
    verdicts: list[Verdict]
    robustness: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        """Translated title (in the current language)."""
        from computestrata.i18n import t

        return t("measure.title.stratification")

    def verdict_for(self, dataset: str) -> Verdict | None:
        """The verdict of one dataset, or None when it was not tested."""
        return next((v for v in self.verdicts if v.dataset == dataset), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: verdicts, robustness, rows, notes and sorted source ids."""
        return {
            "verdicts": [v.to_dict() for v in self.verdicts],
            "robustness": self.robustness,
            "rows": self.rows,
            "notes": self.notes,
            "source_ids": sorted(self.source_ids),
        }


def _shown_row(dataset: str, r: dict[str, Any]) -> dict[str, Any]:
    """One series row as shown: metrics, the leading unit and its share, floats rounded."""
    from computestrata.measure.rounding import round_floats

    lead = r["top_units"][0] if r["top_units"] else ["", float("nan")]
    return round_floats(
        {
            "dataset": dataset,
            "period": r["period"],
            "tier": r["tier"],
            "hhi": r["hhi"],
            "cr1": r["cr1"],
            "cr3": r["cr3"],
            "gini": r["gini"],
            "theil": r["theil"],
            "theil_between": r["theil_between"],
            "theil_within": r["theil_within"],
            "n_units": r["n_units"],
            "n_items": r["n_items"],
            "hhi_excess": r.get("hhi_excess"),
            "lead_unit": lead[0],
            "lead_share": lead[1],
        }
    )


def outcome_label(code: str) -> str:
    """A verdict outcome (``holds``/``partly``/``fails``/``no_data``) in the current language.

    For human output (tables, notes, the overview); JSON keeps the code.
    """
    from computestrata.i18n import t

    if code not in OUTCOMES:
        from computestrata.errors import unknown

        raise unknown("verdict outcome", code, OUTCOMES)
    return t(f"measure.outcome.{code}")


def tier_label(code: str) -> str:
    """A tier code (``frontier``/``rest``/``all``) in the current language."""
    from computestrata.i18n import t

    return t(f"measure.tier.{code}") if code in (*TIERS, "all") else code


def data_years(table: pd.DataFrame, dataset: str) -> tuple[int, int] | None:
    """First and last year with data in a dataset's table (None when it has none)."""
    import pandas as pd

    if table.empty:
        return None
    if dataset == "top500":
        years = pd.Series(
            [int(str(x)[:4]) for x in table["list_id"].dropna().astype(str).unique() if x.endswith("-11")]
        )
    elif dataset == "clusters":  # planned clusters are not data about a year yet
        when = table["first_operational_date"]
        if "status" in table:
            when = when[table["status"].astype("string").str.lower().fillna("") != "planned"]
        years = pd.to_datetime(when, errors="coerce").dropna().dt.year
    else:  # only quarters with every vendor are tiered (see chip_frames)
        years = pd.Series([d.year for d in full_vendor_quarters(table)], dtype="int64")
    return (int(years.min()), int(years.max())) if len(years) else None


def check_years(since: int, until: int | None, spans: Sequence[tuple[int, int]]) -> None:
    """``--since``/``--until`` must be ordered and overlap the years with data (else InputError)."""
    if not spans:
        return
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    end = last if until is None else until
    if since > end or since > last or end < first:
        got = f"--since {since}" + ("" if until is None else f", --until {until}")
        raise InputError(
            f"--since must be ≤ --until, within {first}–{last} years with data (got {got})",
            hint=f"e.g. --since {max(first, min(DEFAULT_SINCE, last))} --until {last}",
        )


def resolve_units(atlas: Atlas, words: Sequence[str], tables: Mapping[str, pd.DataFrame] | None = None) -> list[str]:
    """Units for ``--without``: countries (code, name, 中国, 한국 → ISO3) or chip vendors.

    An unknown word is an :class:`InputError` listing the closest countries, so a typo is
    never reported as a robustness check that ran.  Vendors are matched (case-insensitive)
    against the chip-stock table; an atlas without country tables accepts the ISO3 codes
    present in the data.
    """
    from computestrata.atlas.countries import country_arg
    from computestrata.errors import unknown

    tables = tables or {}
    chips = tables.get("chips")
    vendors = sorted(set(chips["vendor"].dropna().astype(str))) if chips is not None and not chips.empty else []
    codes: set[str] = set()
    for ds in ("top500", "clusters"):
        tab = tables.get(ds)
        if tab is not None and "country_iso3" in tab:
            codes.update(tab["country_iso3"].dropna().astype(str))
    out: list[str] = []
    for word in words:
        text = word.strip()
        vendor = next((v for v in vendors if v.lower() == text.lower()), None)
        if vendor is not None:
            unit = vendor
        elif atlas.has("countries") and atlas.has("country_aliases"):
            unit = country_arg(atlas, text, what="--without", extra_codes=[v.upper() for v in vendors])
        elif text.upper() in codes:
            unit = text.upper()
        else:
            raise unknown("--without", word, sorted(codes) + vendors)
        if unit not in out:
            out.append(unit)
    return out


def _applicable(table: pd.DataFrame, dataset: str, units: Sequence[str]) -> list[str]:
    """Units of ``units`` that own items in this dataset (countries for top500/clusters,
    vendors for chips): ``--without CHN`` does not touch the chips, whose units are vendors."""
    col = "vendor" if dataset == "chips" else "country_iso3"
    if col not in table:
        return []
    have = set(table[col].dropna().astype(str))
    return [u for u in units if u in have]


def _dropped(tables: Mapping[str, pd.DataFrame], units: Sequence[str]) -> list[str]:
    """Units of ``units`` that own no item in any of the tables (nothing to drop)."""
    none = []
    for u in units:
        hit = False
        for ds, tab in tables.items():
            col = "vendor" if ds == "chips" else "country_iso3"
            if col in tab and (tab[col].astype(str) == u).any():
                hit = True
        if not hit:
            none.append(u)
    return none


@sourced
def analyse(
    atlas: Atlas,
    datasets: Sequence[str] | None = None,
    since: int = DEFAULT_SINCE,
    until: int | None = None,
    top: int = DEFAULT_TOP,
    without: Sequence[str] = (),
    robust: bool = True,
) -> StratificationResult:
    """Test 'frontier concentrates, the rest diffuses' on each dataset (default: all three).

    A dataset whose table is missing from the atlas gets a ``no_data`` verdict saying so
    rather than an error, so one absent source does not hide the others.  ``robust`` also
    reruns each verdict under other tier definitions (:func:`robustness`) and notes how many
    agree; ``without`` drops units (countries as codes or names, or chip vendors) before
    tiering.  Bad input is an :class:`InputError`: an unknown dataset or ``without`` unit,
    ``top`` < 1, or ``since``/``until`` out of order or outside the years with data.
    """
    from computestrata.errors import unknown
    from computestrata.i18n import t
    from computestrata.measure.checks import at_least

    chosen = list(dict.fromkeys(datasets)) if datasets else list(DATASETS)
    for ds in chosen:
        if ds not in DATASETS:
            raise unknown("dataset", ds, DATASETS)
    at_least("--top", top, 1, DEFAULT_TOP)
    tables = {ds: dataset_table(atlas, ds) for ds in chosen if atlas.has(_TABLES[ds])}
    spans = [span for ds, tab in tables.items() if (span := data_years(tab, ds)) is not None]
    check_years(since, until, spans)
    units = resolve_units(atlas, without, tables) if without else []

    rows: list[dict[str, Any]] = []
    robust_rows: list[dict[str, Any]] = []
    robust_notes: list[str] = []
    tier_notes: list[str] = []
    verdicts: list[Verdict] = []
    sources: set[str] = set()
    licence_notes: list[str] = []
    scope_notes: list[str] = []
    for ds in chosen:
        if ds not in tables:
            why = t("measure.explain.missing_table", table=_TABLES[ds])
            verdicts.append(Verdict(ds, Outcome.NO_DATA, t("measure.verdict.no_data", dataset=ds, why=why)))
            continue
        hid = hidden_rows(atlas, _TABLES[ds])
        if hid is not None and hid.all:  # the filter, not the data, leaves nothing to test
            why = t("measure.why.licence_hidden", table=hid.table, n=hid.total, licences=", ".join(hid.licences))
            verdicts.append(
                Verdict(ds, Outcome.NO_DATA, t("measure.verdict.no_data", dataset=ds, why=why), reasons=[why])
            )
            continue
        if hid is not None:
            licence_notes.append(
                t(
                    "measure.note.licence_partial",
                    dataset=ds,
                    hidden=hid.hidden,
                    n=hid.total,
                    table=hid.table,
                    licences=", ".join(hid.licences),
                )
            )
        mine = _applicable(tables[ds], ds, units) if units else []  # (reading every unit costs 0.1 s)
        if units and len(mine) < len(units):
            scope_notes.append(
                t(
                    f"measure.note.without_scope_{'vendors' if ds == 'chips' else 'countries'}",
                    dataset=ds,
                    units=", ".join(u for u in units if u not in mine),
                )
            )
        frames = frames_from_table(tables[ds], ds, since=since, until=until, top=top, without=mine)
        series_rows = series(frames)
        for f in frames:
            sources.update(f.source_ids)
        v = verdict(ds, series_rows)
        verdicts.append(v)
        tier_notes.append(t(f"measure.tier.def.{ds}", top=top, next=top + 1, frac=CHIP_FRONTIER_FRACTION))
        if robust:
            variants = _robust_variants(tables[ds], ds, since, until, mine)
            robust_rows.extend(row for row, _ in variants)
            same = sum(1 for row, _ in variants if row["outcome"] == v.outcome)
            other = "; ".join(
                f"{name}: {outcome_label(row['outcome'])}" for row, name in variants if row["outcome"] != v.outcome
            )
            robust_notes.append(
                t(
                    "measure.note.robust",
                    dataset=ds,
                    outcome=outcome_label(v.outcome),
                    same=same,
                    n=len(variants),
                    other=other or "—",
                )
            )
        rows.extend(_shown_row(ds, r) for r in series_rows)
    notes = [
        *(v.text for v in verdicts),
        *licence_notes,
        *scope_notes,
        *robust_notes,
        *tier_notes,
        t("measure.note.verdict_rule"),
        *([t("measure.note.november_only")] if "top500" in tables else []),
        t("measure.note.random_baseline"),
        t("measure.note.hhi_scale"),
        t("measure.note.top500_china"),
        t("measure.note.china_anonymised"),
    ]
    if units:
        notes.append(t("measure.note.without", units=", ".join(units)))
        absent = _dropped(tables, units)
        if absent:
            notes.append(t("measure.note.without_none", units=", ".join(absent)))
    return StratificationResult(rows, verdicts, robust_rows, notes, sources)


@dataclass
class ConcentrationResult:
    """Concentration of one tier of one dataset in one period: metrics, notes, sources."""

    dataset: str
    tier: str
    period: str
    metrics: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        """Translated title (in the current language)."""
        from computestrata.i18n import t

        return t("measure.title.concentration", dataset=self.dataset, tier=tier_label(self.tier), period=self.period)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the metrics (as shown), notes and source ids."""
        return {**self.metrics, "notes": self.notes, "source_ids": self.source_ids}


def periods_for(dataset: str, year: int | None = None, list_id: str | None = None) -> list[str] | None:
    """Periods to tier for a year or list id (None = every period; TOP500 years mean November)."""
    if list_id:
        return [list_id]
    if year is None:
        return None
    return [f"{year}-11"] if dataset == "top500" else [str(year)]


@sourced
def concentration_for(
    atlas: Atlas,
    dataset: str = "top500",
    tier: str = "frontier",
    year: int | None = None,
    list_id: str | None = None,
    top: int = DEFAULT_TOP,
    with_lorenz: bool = True,
) -> ConcentrationResult:
    """HHI, CR-k, Gini and Theil of one tier (``frontier``, ``rest`` or ``all``) of one period.

    The period is ``list_id`` (TOP500 list or chip-stock quarter, ``YYYY-MM``), else ``year``
    (an :class:`InputError` outside the years with data), else the latest in the data.
    ``with_lorenz`` adds the Lorenz curve over the tier's units.  Metrics are rounded as
    shown (4 digits).
    """
    from computestrata.errors import unknown
    from computestrata.i18n import t
    from computestrata.measure.rounding import round_floats

    if tier not in (*TIERS, "all"):
        raise unknown("tier", tier, (*TIERS, "all"))
    table = dataset_table(atlas, dataset)
    span = data_years(table, dataset)
    extra_notes: list[str] = []
    if dataset == "top500":
        # one period: --list, else the year's November list (or its latest list when November is
        # not out yet), else the latest list in the atlas — the same lists the atlas holds
        lists = sorted(str(x) for x in table["list_id"].dropna().astype(str).unique())
        span = (int(lists[0][:4]), int(lists[-1][:4])) if lists else None
        if list_id is not None and list_id not in lists:
            raise unknown("TOP500 list", list_id, lists)
        if list_id is None and lists:
            pool = [lid for lid in lists if year is None or lid.startswith(f"{year}-")]
            if year is not None and pool and f"{year}-11" in pool:
                list_id = f"{year}-11"
            elif pool:
                list_id = pool[-1]
                if year is not None:
                    extra_notes.append(t("measure.note.not_november", list_id=list_id, year=year))
    if dataset == "clusters" and list_id is not None:
        # clusters are tiered by year (first operational date); there are no lists or quarters
        years = f"{span[0]}–{span[1]}" if span else "none"
        raise InputError(
            f"--list {list_id!r} does not apply to --dataset clusters (tiered by year; years with data: {years})",
            hint=f"use --year {span[1] if span else 'YYYY'} instead, or --dataset top500/chips with --list YYYY-MM",
        )
    if year is not None and span is not None and not span[0] <= year <= span[1]:
        raise InputError(
            f"--year must be within {span[0]}–{span[1]} years with {dataset} data (got {year})",
            hint=f"e.g. --year {span[1]}, or drop --year to use the latest",
        )
    frames = frames_from_table(table, dataset, periods_for(dataset, year, list_id), since=0, top=top)
    if not frames:
        years = f" ({span[0]}–{span[1]})" if span else ""
        raise InputError(f"no {dataset} data for that period", hint=f"drop --year/--list to use the latest{years}")
    frame = frames[-1]
    if tier == "all":
        res: dict[str, Any] = {
            "period": frame.period,
            "tier": "all",
            **metrics(frame.items["value"], frame.items["unit"]),
        }
    else:
        res = tier_concentration(frame, tier)
    res = {"dataset": dataset, **round_floats(res)}
    if with_lorenz:
        items = frame.items if tier == "all" else frame.items[frame.items["tier"] == tier]
        pop, cum = cm.lorenz(items.groupby("unit")["value"].sum().to_numpy())
        res["lorenz"] = [[round(float(p), 4), round(float(c), 4)] for p, c in zip(pop, cum, strict=True)]
    notes = [
        t(f"measure.tier.def.{dataset}", top=top, next=top + 1, frac=CHIP_FRONTIER_FRACTION),
        t("measure.note.hhi_scale"),
    ]
    if tier == "frontier":
        notes.append(t("measure.note.random_baseline"))
    if dataset == "top500":
        notes += [*extra_notes, t("measure.note.november_only"), t("measure.note.top500_china")]
    return ConcentrationResult(dataset, tier, frame.period, res, notes, list(frame.source_ids))
