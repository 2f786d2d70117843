"""Open national compute estimates by country and year, each with its method and sources.

Three kinds, following CAICT's split (paper, Table 1):

* **super** — TOP500 Rmax (FP64, TFlop/s) summed by country on the November list of the
  year.  TOP500 is a census of *submitted* systems with measured Rmax, so the band is the
  point value (p5 = median = p95); what it leaves out (China has submitted few systems
  since about 2019) is said in the notes, not hidden in a band.
* **intelligent** — AI accelerator stock in H100-equivalents (H100e, a declared unit) held
  at the end of the year, from two Epoch AI datasets combined by Monte Carlo
  (:func:`intelligent_compute`; the method text is returned with every estimate).
  Data-sufficiency rule (:func:`sufficiency`): a year with fewer than 10 operating
  clusters or fewer than 3 countries is refused by :func:`national_compute` (in the data,
  2010–2015: e.g. 3 Chinese clusters in 2012 would read as "China 100 %"), unless
  ``allow_thin``, which heads the output with a warning; fewer than 50 clusters (2016–2017)
  is shown with a "thin data" warning first; countries resting on ≤ 2 records are named.
* **basic** — general-purpose (CPU server) compute.  CAICT derives it from server
  shipment data (IDC) that is not open; no open proxy with a country split and a yearly
  series is at hand, so the estimate is **left empty** and says why.  Asked for on its
  own (:func:`national_compute`, ``strata measure compute --kind basic``) it is an
  :class:`InputError` giving that reason (exit 2): an empty table with exit 0 reads like a
  result.  Table 1 keeps its basic rows empty beside CAICT's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.measure.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED
from computestrata.measure.statuses import Sufficiency
from computestrata.provenance import Provenance, sourced

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

KINDS = ("super", "intelligent", "basic")
#: Epoch AI: "As of March 2025, we estimate that our dataset contained 10–20% of all AI
#: compute produced before 2025" (data insight "AI supercomputers: performance share by country").
EPOCH_COVERAGE = (0.10, 0.20)
EPOCH_COVERAGE_CITATION = (
    "Epoch AI (2025), 'Performance share of AI supercomputers by country', data insight: "
    "dataset holds 10–20% of all AI compute produced before 2025 "
    "(https://epoch.ai/data-insights/ai-supercomputers-performance-share-by-country)"
)
#: first quarter covered by Epoch's chip-stock model (cumulative sales since 2022-01-01)
CHIP_STOCK_START = 2022
#: probability, per draw, of taking China's stock from the chip-stock model (else clusters)
CHINA_CHIP_WEIGHT = 0.5
#: data-sufficiency rule for intelligent compute (see :func:`sufficiency`): a year whose
#: operating clusters are fewer than MIN_CLUSTERS or span fewer than MIN_COUNTRIES countries
#: is refused (its "shares" are a handful of records, e.g. China 100 % in 2012 from 3
#: clusters); fewer than THIN_CLUSTERS is shown with a warning first; a country whose band
#: rests on at most THIN_COUNTRY_CLUSTERS records is named in a note.
MIN_CLUSTERS = 10
MIN_COUNTRIES = 3
THIN_CLUSTERS = 50
THIN_COUNTRY_CLUSTERS = 2


@dataclass
class Estimate:
    """One national compute estimate: rows by country, method text, sources, notes."""

    kind: str
    year: int
    unit: str
    rows: list[dict[str, Any]]
    method: str
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    def share(self, iso3: str) -> dict[str, float] | None:
        """p5/median/p95 share (0–1) of one country, or None when the estimate has no row."""
        for r in self.rows:
            if r["country"] == iso3:
                return {"p5": r["share_p5"], "median": r["share_median"], "p95": r["share_p95"]}
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (full precision): kind, year, unit, method, the estimate's data, rows, notes, sources."""
        head = {"kind": self.kind, "year": self.year, "unit": self.unit, "method": self.method}
        return {**head, **self.data, "rows": self.rows, "notes": self.notes, "source_ids": self.source_ids}


def _opt_float(v: Any) -> float | None:
    """A float, or None for missing (None/NaN): missing stays missing."""
    return None if v is None or v != v else float(v)


def _ids(*frames: pd.DataFrame) -> list[str]:
    out: set[str] = set()
    for f in frames:
        if "source_id" in f.columns:
            out.update(str(s) for s in f["source_id"].dropna().unique())
    return sorted(out)


# ---------------------------------------------------------------- super compute (TOP500)


def top500_list_for_year(top500: pd.DataFrame, year: int, month: str = "11") -> str:
    """The list id used for ``year``: November, else the year's latest list when November is not
    out yet (as ``measure concentration --year`` does); an error names the lists that exist."""
    lists = sorted(str(x) for x in top500["list_id"].dropna().unique())
    want = f"{year}-{month}"
    if want not in lists:
        same_year = [lid for lid in lists if lid.startswith(f"{year}-")]
        if same_year:
            return same_year[-1]
        raise InputError(
            f"no TOP500 list of {year} in the atlas (lists {lists[0]} to {lists[-1]})" if lists else "no TOP500 lists",
            hint=f"pick a year from {lists[0][:4]} to {lists[-1][:4]} (latest list is {lists[-1]})" if lists else "",
        )
    return want


def super_compute(top500: pd.DataFrame, year: int, list_id: str | None = None) -> Estimate:
    """FP64 Rmax by country on one TOP500 list (default: November of ``year``)."""
    from computestrata.i18n import t

    lid = list_id or top500_list_for_year(top500, year)
    lst = top500[top500["list_id"].astype(str) == lid]
    if lst.empty:
        raise InputError(f"TOP500 list {lid} has no systems", hint="pick another --list")
    lst = lst.assign(country=lst["country_iso3"].fillna("UNK").astype(str))
    by = lst.groupby("country").agg(value=("rmax_tflops", "sum"), systems=("rmax_tflops", "size"))
    total = float(by["value"].sum())
    rows = []
    for iso3, r in by.sort_values("value", ascending=False).iterrows():
        v = float(r["value"])
        s = v / total if total > 0 else float("nan")
        rows.append(
            {
                "country": iso3,
                "value_p5": v,
                "value_median": v,
                "value_p95": v,
                "share_p5": s,
                "share_median": s,
                "share_p95": s,
                "systems": int(r["systems"]),
            }
        )
    notes = [t("measure.note.top500_china")]
    if not lid.endswith("-11"):
        notes.insert(0, t("measure.note.not_november", list_id=lid, year=year))
    if (by.index == "UNK").any():
        notes.append(t("measure.note.unknown_country"))
    return Estimate(
        kind="super",
        year=year,
        unit="TFlop/s (FP64 Rmax)",
        rows=rows,
        method=t("measure.method.super", list_id=lid),
        source_ids=_ids(lst),
        notes=notes,
        data={"list_id": lid, "world_value": total, "systems": len(lst)},
    )


# ---------------------------------------------------------------- intelligent compute


def sufficiency(existing: pd.DataFrame) -> dict[str, Any]:
    """Whether the clusters operating in a year can carry national shares (the rule above).

    ``level`` is ``insufficient`` (refused by :func:`national_compute`), ``thin`` (shown with a
    warning) or ``ok``; ``thin_countries`` lists countries with ≤ THIN_COUNTRY_CLUSTERS records.
    Why: a share is a ratio of sampled records; with a few clusters it measures the sample.
    """
    n = len(existing)
    per = existing.groupby(existing["country_iso3"].astype(str)).size() if n else None
    countries = 0 if per is None else len(per)
    level = (
        Sufficiency.INSUFFICIENT
        if n < MIN_CLUSTERS or countries < MIN_COUNTRIES
        else Sufficiency.THIN
        if n < THIN_CLUSTERS
        else Sufficiency.OK
    )
    thin = [] if per is None else sorted(str(c) for c, k in per.items() if k <= THIN_COUNTRY_CLUSTERS)
    return {
        "level": level,
        "clusters": n,
        "countries": countries,
        "thin_countries": thin,
        "rule": {
            "min_clusters": MIN_CLUSTERS,
            "min_countries": MIN_COUNTRIES,
            "thin_clusters": THIN_CLUSTERS,
            "thin_country_clusters": THIN_COUNTRY_CLUSTERS,
        },
    }


def first_sufficient_year(clusters: pd.DataFrame, years: Sequence[int], standard_only: bool = True) -> int | None:
    """The first of ``years`` whose operating clusters pass the sufficiency rule (None if none)."""
    for y in years:
        if sufficiency(existing_clusters(clusters, y, standard_only))["level"] != "insufficient":
            return int(y)
    return None


#: Epoch's ``include_in_standard_analysis`` as a rule on the record's own columns (checked
#: against every record by :func:`standard_rule_agreement`): Existing, a single cluster
#: (``single_cluster`` = Yes), not a possible duplicate, certainty Confirmed or Likely.  So the
#: filter drops not only possible duplicates but also multi-site or unclear records
#: (``single_cluster`` No/unknown), low-certainty records and decommissioned clusters.
STANDARD_CERTAINTY = ("confirmed", "likely")
#: probability, per Monte Carlo draw, of counting the records the standard filter drops only
#: for being multi-site or of unclear extent (confirmed/likely, not duplicates): the filter
#: choice is an uncertainty of the estimate, not a fixed decision
MULTI_SITE_WEIGHT = 0.5


def _certain(clusters: pd.DataFrame) -> Any:
    """Records of certainty Confirmed or Likely (False everywhere without the column)."""
    if "certainty" not in clusters:
        return False
    return clusters["certainty"].astype("string").str.lower().fillna("").isin(STANDARD_CERTAINTY)


def standard_rule(clusters: pd.DataFrame) -> pd.Series:
    """Epoch's standard-analysis filter as a rule on the record's columns (see :data:`STANDARD_CERTAINTY`)."""
    status = clusters["status"].astype("string").str.lower().fillna("")
    single = clusters["single_cluster"].astype("boolean").fillna(False) if "single_cluster" in clusters else False
    dup = clusters["possible_duplicate"].astype("boolean").fillna(False) if "possible_duplicate" in clusters else False
    cert = _certain(clusters)
    return (status == "existing") & single & ~dup & cert


def standard_rule_agreement(clusters: pd.DataFrame) -> tuple[int, int]:
    """(records where :func:`standard_rule` equals Epoch's flag, records with a flag)."""
    if "include_in_standard_analysis" not in clusters or "single_cluster" not in clusters:
        return 0, 0
    flag = clusters["include_in_standard_analysis"].astype("boolean")
    known = flag.notna()
    return int((standard_rule(clusters)[known] == flag[known]).sum()), int(known.sum())


def multi_site(clusters: pd.DataFrame) -> pd.Series:
    """Records outside the standard set only because they are multi-site or of unclear extent:
    ``single_cluster`` No or unknown, not a possible duplicate, certainty Confirmed or Likely."""
    import pandas as pd

    if "single_cluster" not in clusters:
        return pd.Series(False, index=clusters.index)
    single = clusters["single_cluster"].astype("boolean")
    dup = clusters["possible_duplicate"].astype("boolean").fillna(False) if "possible_duplicate" in clusters else False
    cert = _certain(clusters)
    std = clusters["include_in_standard_analysis"].astype("boolean").fillna(False)
    return ~std & ~single.fillna(False) & ~dup & cert


def existing_clusters(
    clusters: pd.DataFrame, year: int, standard_only: bool = True, multi_site_only: bool = False
) -> pd.DataFrame:
    """Clusters operating at the end of ``year`` with a known country and H100e.

    Existing = first operational on or before 31 Dec and not decommissioned by then;
    planned clusters never count.  ``standard_only`` keeps Epoch's own analysis filter
    (``include_in_standard_analysis``, see :func:`standard_rule`); ``multi_site_only``
    returns instead the records that filter drops only for being multi-site (:func:`multi_site`).

    An earlier phase of an upgraded cluster (``superseded_by`` names a record operating by
    then) is dropped: Epoch records phases cumulatively (xAI Colossus phase 1 100k H100e,
    phase 2 200k), so counting both would double the earlier hardware.  Dropped phases and
    "existing" records without a date are counted in ``attrs`` so the output can say so.
    """
    import numpy as np
    import pandas as pd

    # The masks as numpy arrays and the name lookups as Python sets: the same rows as the
    # pandas expressions they replaced (a third of the time of a Table 1 year went there).
    end = np.datetime64(f"{year}-12-31")
    fod = pd.to_datetime(clusters["first_operational_date"], errors="coerce")
    dec = pd.to_datetime(clusters["decommissioned_date"], errors="coerce")
    status = clusters["status"].astype("string").str.lower().fillna("").to_numpy(dtype=object)
    fod_v, dec_v = fod.to_numpy(), dec.to_numpy()
    live = (status != "planned") & (fod_v <= end) & ~(dec_v <= end)  # NaT compares False
    h100e = clusters["h100e"]
    size = h100e.to_numpy(dtype=float, na_value=np.nan)
    keep = live & ~np.isnan(size) & (size > 0)
    if "exclude" in clusters.columns:
        keep &= ~clusters["exclude"].fillna(False).astype(bool).to_numpy(dtype=bool)
    if multi_site_only:
        keep &= np.asarray(multi_site(clusters), dtype=bool)
    elif standard_only and "include_in_standard_analysis" in clusters.columns:
        keep &= clusters["include_in_standard_analysis"].fillna(False).astype(bool).to_numpy(dtype=bool)
    superseded = np.zeros(len(clusters), dtype=bool)
    if "superseded_by" in clusters.columns and "name" in clusters.columns:
        names = clusters["name"]
        named = names.notna().to_numpy(dtype=bool)
        live_names = {str(n) for n, ok in zip(names.tolist(), live & named, strict=True) if ok}
        later = clusters["superseded_by"]
        has_later = later.notna().to_numpy(dtype=bool)
        superseded = keep & np.fromiter(
            (ok and str(v) in live_names for v, ok in zip(later.tolist(), has_later, strict=True)),
            dtype=bool,
            count=len(clusters),
        )
        keep &= ~superseded
    with_country = clusters["country_iso3"].notna().to_numpy(dtype=bool)
    no_country = keep & ~with_country
    keep &= with_country
    out = clusters[keep].copy()
    out["first_operational_date"] = fod[keep]
    # reported, not hidden: operating clusters left out because Epoch records no country
    out.attrs["without_country"] = int(no_country.sum())
    out.attrs["without_country_h100e"] = float(h100e[no_country].sum())
    out.attrs["superseded"] = int(superseded.sum())
    out.attrs["superseded_h100e"] = float(h100e[superseded].sum())
    out.attrs["superseded_names"] = sorted(clusters["name"][superseded].astype(str)) if superseded.any() else []
    undated = (status == "existing") & np.isnat(fod_v)
    out.attrs["undated"] = int(undated.sum())
    out.attrs["undated_h100e"] = float(h100e[undated].sum())
    return out


def _chip_stock(chip_stocks: pd.DataFrame, year: int, owner: str | None, vendor: str | None = None) -> pd.DataFrame:
    """Rows of cumulative H100e stock at the end of ``year`` (chip == 'total')."""
    import pandas as pd

    cs = chip_stocks
    period = pd.to_datetime(cs["period"], errors="coerce")
    m = (period == pd.Timestamp(f"{year}-12-31")) & (cs["metric"].astype(str) == "h100e")
    m &= cs["chip"].astype(str).str.lower() == "total"
    if owner is not None:
        m &= cs["owner"].astype(str).str.lower() == owner.lower()
    if vendor is not None:
        m &= cs["vendor"].astype(str).str.lower() == vendor.lower()
    return cs[m]


def _tracked_rows(chip_stocks: pd.DataFrame, year: int) -> pd.DataFrame:
    """The vendor totals (owner 'all') :func:`tracked_accelerator_stock` sums: one per vendor file."""
    rows = _chip_stock(chip_stocks, year, "all")
    return rows[rows["p5"].notna() & rows["p95"].notna() & (rows["median"] > 0)]


def tracked_accelerator_stock(
    chip_stocks: pd.DataFrame, year: int, draws: int, gen: Any
) -> tuple[Any, list[str]] | None:
    """World stock of tracked accelerators (H100e) at the end of ``year``: a sum of samples.

    Each vendor total (owner 'all') is sampled from its lognormal and the draws are added,
    so the band of the sum is not the sum of the bands.  Counts only sales since each
    vendor's model starts (NVIDIA 2022, TPU 2023, AMD and Trainium 2024), no retirements.
    Returns (draws, vendors) or None when no vendor has an estimate for that date.
    """
    import numpy as np

    from computestrata.measure import montecarlo as mc

    rows = _tracked_rows(chip_stocks, year)
    if rows.empty:
        return None
    total = np.zeros(draws)
    for _, r in rows.iterrows():
        total += mc.sample_lognormal(float(r["p5"]), float(r["median"]), float(r["p95"]), draws, gen)
    return total, sorted(rows["vendor"].astype(str).unique())


@dataclass
class ClusterSelection:
    """The records an intelligent-compute estimate rests on (step 1, data selection)."""

    clusters: pd.DataFrame  # every record (for the filter-agreement note)
    existing: pd.DataFrame  # operating at year end, with a country, Epoch's filter applied
    multi_site: pd.DataFrame  # records the standard filter drops only for extent (empty: not counted)
    pre_chip_era: Any  # bool per ``existing`` row: first operating before CHIP_STOCK_START
    chip_stocks: pd.DataFrame | None
    chip_rows: pd.DataFrame | None  # China's NVIDIA H100e estimate for the year (None/empty: none)
    used_chips: bool


def select_clusters(
    clusters: pd.DataFrame,
    chip_stocks: pd.DataFrame | None,
    year: int,
    standard_only: bool = True,
    multi_site_weight: float = MULTI_SITE_WEIGHT,
) -> ClusterSelection:
    """Step 1 of :func:`intelligent_compute`: check the year and pick the records and chip rows."""
    import numpy as np
    import pandas as pd

    dates = pd.to_datetime(clusters["first_operational_date"], errors="coerce")
    first, last = dates.min(), dates.max()
    if first == first and year < first.year:
        raise InputError(
            f"--year {year} is before the first cluster in the data ({first.date()})",
            hint=f"pick a year from {first.year} to {last.year}",
        )
    if last == last and year > last.year:
        raise InputError(
            f"--year {year} is after the latest cluster in the data ({last.date()})",
            hint=f"pick a year up to {last.year}: future stocks are not estimated here",
        )
    ex = existing_clusters(clusters, year, standard_only)
    if ex.empty:
        raise InputError(
            f"no operating clusters with a country recorded at the end of {year}",
            hint="pick a year between 2010 and 2025",
        )
    ms = existing_clusters(clusters, year, multi_site_only=True) if standard_only else ex.iloc[:0]
    if multi_site_weight == 0:
        ms = ms.iloc[:0]
    chip_rows = _chip_stock(chip_stocks, year, "China") if chip_stocks is not None else None
    used_chips = chip_rows is not None and not chip_rows.empty and year >= CHIP_STOCK_START
    pre = ex["first_operational_date"] < np.datetime64(f"{CHIP_STOCK_START}-01-01")
    return ClusterSelection(clusters, ex, ms, pre, chip_stocks, chip_rows, used_chips)


@dataclass
class StockDraws:
    """Step 2 of :func:`intelligent_compute`: the Monte Carlo draws (draws × countries)."""

    names: list[str]  # columns of ``stock``: CHN first
    stock: Any
    world: Any
    china_clusters: Any  # China by the cluster route
    china_chips: Any | None  # China by the chip-stock route (None: no chip estimate that year)
    others: list[Any]  # the non-China columns, for the route-by-route shares
    chip_median: float | None
    tracked: tuple[Any, list[str]] | None  # world stock from Epoch's sales model, for the cross-check


def simulate_stocks(
    sel: ClusterSelection,
    year: int,
    draws: int,
    seed: int | None,
    coverage: tuple[float, float] = EPOCH_COVERAGE,
    china_chip_weight: float = CHINA_CHIP_WEIGHT,
    multi_site_weight: float = MULTI_SITE_WEIGHT,
) -> StockDraws:
    """Step 2: the Monte Carlo of :func:`intelligent_compute` (its docstring gives the steps).
    The draws are taken in a fixed order, so a seed gives the same numbers every time."""
    import numpy as np

    from computestrata.measure import montecarlo as mc

    ex, ms = sel.existing, sel.multi_site
    gen = mc.rng(seed)

    def labelled(frame: pd.DataFrame) -> list[str]:
        pre = frame["first_operational_date"] < np.datetime64(f"{CHIP_STOCK_START}-01-01")
        return [
            ("CHN|pre" if p else "CHN|post") if c == "CHN" else str(c)
            for c, p in zip(frame["country_iso3"].astype(str), pre, strict=True)
        ]

    groups, observed = mc.bootstrap_group_sums(ex["h100e"].to_numpy(float), labelled(ex), draws, gen)
    k = mc.sample_uniform(coverage[0], coverage[1], draws, gen)
    scaled = observed / k[:, None]
    col = {g: i for i, g in enumerate(groups)}
    ms_on = gen.random(draws) < multi_site_weight
    ms_groups, ms_observed = mc.bootstrap_group_sums(ms["h100e"].to_numpy(float), labelled(ms), draws, gen)
    ms_scaled = ms_observed * ms_on[:, None] / k[:, None]
    ms_col = {g: i for i, g in enumerate(ms_groups)}
    groups = list(dict.fromkeys([*groups, *ms_groups]))

    def part(name: str) -> Any:
        base = scaled[:, col[name]] if name in col else np.zeros(draws)
        return base + (ms_scaled[:, ms_col[name]] if name in ms_col else 0.0)

    china_clusters = part("CHN|pre") + part("CHN|post")
    china = china_clusters
    china_chips = None
    chip_med: float | None = None
    if sel.used_chips:
        assert sel.chip_rows is not None
        r = sel.chip_rows.iloc[0]
        chip_med = float(r["median"])
        nv = mc.sample_lognormal(float(r["p5"]), chip_med, float(r["p95"]), draws, gen)
        china_chips = nv + part("CHN|pre")
        pick = gen.random(draws) < china_chip_weight
        china = np.where(pick, china_chips, china_clusters)

    chips = sel.chip_stocks
    tracked = tracked_accelerator_stock(chips, year, draws, gen) if chips is not None else None
    countries = sorted({g.split("|")[0] for g in groups} - {"CHN"})
    others = [part(c) for c in countries]
    stock = np.column_stack([china, *others])
    return StockDraws(
        names=["CHN", *countries],
        stock=stock,
        world=stock.sum(axis=1),
        china_clusters=china_clusters,
        china_chips=china_chips,
        others=others,
        chip_median=chip_med,
        tracked=tracked,
    )


def _stock_rows(sel: ClusterSelection, sim: StockDraws) -> list[dict[str, Any]]:
    """Step 3a: p5/median/p95 of each country's stock and share, with what was observed."""
    from computestrata.measure import montecarlo as mc

    ex = sel.existing
    shares = mc.normalise_rows(sim.stock)
    obs = ex.groupby(ex["country_iso3"].astype(str))
    obs_h = obs["h100e"].sum()
    obs_n = obs.size()
    obs_op = obs["op16_s"].sum(min_count=1) if "op16_s" in ex.columns else None
    rows: list[dict[str, Any]] = []
    values, share_bands = mc.summarise_columns(sim.stock), mc.summarise_columns(shares)
    for j, c in enumerate(sim.names):
        v, s = values[j], share_bands[j]
        rows.append(
            {
                "country": c,
                "value_p5": v["p5"],
                "value_median": v["median"],
                "value_p95": v["p95"],
                "share_p5": s["p5"],
                "share_median": s["median"],
                "share_p95": s["p95"],
                "clusters": int(obs_n.get(c, 0)),
                "observed_h100e": float(obs_h.get(c, 0.0)),
                "observed_op16_s": _opt_float(obs_op.get(c) if obs_op is not None else None),
            }
        )
    rows.sort(key=lambda r: -r["value_median"])
    return rows


def _china_routes(sel: ClusterSelection, sim: StockDraws) -> dict[str, Any]:
    """Step 3b: China's share by each route, for the explanation of gaps."""
    import numpy as np

    from computestrata.measure import montecarlo as mc

    ex, pre = sel.existing, sel.pre_chip_era
    cl_share = mc.summarise(mc.normalise_rows(np.column_stack([sim.china_clusters, *sim.others]))[:, 0])
    components: dict[str, Any] = {"china_share_clusters": cl_share}
    if sim.china_chips is not None:
        chip_share = mc.summarise(mc.normalise_rows(np.column_stack([sim.china_chips, *sim.others]))[:, 0])
        components["china_share_chip_stocks"] = chip_share
        components["china_nvidia_h100e_median"] = sim.chip_median
        # diagnostic: Chinese clusters first operating from 2022 as a fraction of the NVIDIA
        # H100e sold to China since 2022 (> 20 % would mean China is covered better than
        # average — or that the sales model misses non-NVIDIA chips, which it does)
        post = ex[(ex["country_iso3"] == "CHN") & ~pre]["h100e"].sum()
        components["china_implied_coverage"] = float(post / sim.chip_median) if sim.chip_median else None
    return components


def _intelligent_notes(
    sel: ClusterSelection,
    sim: StockDraws,
    year: int,
    coverage: tuple[float, float],
    standard_only: bool,
    multi_site_weight: float,
    agreement: tuple[int, int] | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """Step 3c: the notes shown with the estimate (and the sufficiency verdict they lead with)."""
    from computestrata.i18n import t
    from computestrata.measure import montecarlo as mc

    ex, ms, clusters, used_chips, tracked, world = (
        sel.existing,
        sel.multi_site,
        sel.clusters,
        sel.used_chips,
        sim.tracked,
        sim.world,
    )
    suff = sufficiency(ex)
    notes = []
    if suff["level"] != "ok":
        notes.append(
            t(
                f"measure.note.suff_{suff['level']}",
                year=year,
                **{k: suff[k] for k in ("clusters", "countries")},
                **suff["rule"],
            )
        )
    notes += [
        t("measure.note.coverage", low=coverage[0] * 100, high=coverage[1] * 100),
        t("measure.note.china_anonymised"),
    ]
    if suff["thin_countries"]:
        notes.append(
            t("measure.note.suff_thin_countries", k=THIN_COUNTRY_CLUSTERS, countries=", ".join(suff["thin_countries"]))
        )
    if used_chips:
        notes.append(t("measure.note.chip_stocks"))
    else:
        notes.append(t("measure.note.no_chip_stocks", year=year, start=CHIP_STOCK_START))
    if ex.attrs.get("without_country"):
        notes.append(
            t(
                "measure.note.without_country",
                n=ex.attrs["without_country"],
                h100e=ex.attrs["without_country_h100e"],
                share=100
                * ex.attrs["without_country_h100e"]
                / (ex.attrs["without_country_h100e"] + float(ex["h100e"].sum())),
            )
        )
    if standard_only:
        agree, flagged = agreement if agreement is not None else standard_rule_agreement(clusters)
        ms_chn = float(ms.loc[ms["country_iso3"] == "CHN", "h100e"].sum())
        notes.append(
            t(
                "measure.note.standard_filter",
                agree=agree,
                n=flagged,
                year=year,
                records=len(ms),
                h100e=float(ms["h100e"].sum()),
                china=ms_chn,
                weight=multi_site_weight,
            )
        )
    if ex.attrs.get("superseded"):
        notes.append(
            t(
                "measure.note.superseded",
                n=ex.attrs["superseded"],
                h100e=ex.attrs["superseded_h100e"],
                names=", ".join(ex.attrs["superseded_names"][:6]) + (" …" if ex.attrs["superseded"] > 6 else ""),
            )
        )
    if ex.attrs.get("undated"):
        notes.append(t("measure.note.undated", n=ex.attrs["undated"], h100e=ex.attrs["undated_h100e"]))
    if tracked is not None:
        tr, wv = mc.summarise(tracked[0]), mc.summarise(world)
        notes.append(
            t(
                "measure.note.cross_check",
                year=year,
                sales=tr["median"],
                sales_lo=tr["p5"],
                sales_hi=tr["p95"],
                vendors=", ".join(tracked[1]),
                world=wv["median"],
                world_lo=wv["p5"],
                world_hi=wv["p95"],
            )
        )
    notes.append(EPOCH_COVERAGE_CITATION)
    return notes, suff


def intelligent_compute(
    clusters: pd.DataFrame,
    chip_stocks: pd.DataFrame | None,
    year: int,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    coverage: tuple[float, float] = EPOCH_COVERAGE,
    standard_only: bool = True,
    china_chip_weight: float = CHINA_CHIP_WEIGHT,
    multi_site_weight: float = MULTI_SITE_WEIGHT,
) -> Estimate:
    """AI accelerator stock (H100e) by country at the end of ``year``, by Monte Carlo.

    Per draw *i*:

    1. resample the clusters existing at year end (bootstrap) and sum H100e by country;
    2. draw Epoch's coverage k ~ U(10 %, 20 %) and scale: E_c = O_c / k (same k for all
       countries in a draw — the data give no country-specific coverage);
    3. China, from ``CHIP_STOCK_START`` on: with probability ``china_chip_weight`` take
       the chip-stock route — NVIDIA H100e sold to Chinese owners since 2022 (lognormal
       through Epoch's p5/median/p95) plus the scaled clusters of China that were operating
       before 2022 (stock the sales model does not see) — else the cluster route E_CHN.
       The two routes disagree (the chip model has no Huawei; Chinese cluster records are
       anonymised and rounded), so the band spans both rather than hiding one;
    4. the filter factor: with probability ``multi_site_weight`` the draw also counts the
       records Epoch's standard analysis drops only for being multi-site or of unclear extent
       (:func:`multi_site`; bootstrapped and scaled like the others) — for China at the end of
       2024 about 63k H100e of confirmed records — else it keeps Epoch's standard set;
    5. world = Σ non-China E_c + China; shares = stock / world (sum to one in every draw).

    Reported: p5/median/p95 of each country's stock and share across draws.
    """
    from computestrata.i18n import t
    from computestrata.measure import montecarlo as mc

    mc.check_draws(draws)
    mc.check_seed(seed)
    if not 0 <= china_chip_weight <= 1:
        raise InputError("china_chip_weight must lie in [0, 1]", hint="e.g. 0.5")
    if not 0 <= multi_site_weight <= 1:
        raise InputError("multi_site_weight must lie in [0, 1]", hint="e.g. 0.5; 0 = Epoch's standard set only")
    sel = select_clusters(clusters, chip_stocks, year, standard_only, multi_site_weight)
    sim = simulate_stocks(sel, year, draws, seed, coverage, china_chip_weight, multi_site_weight)
    rows = _stock_rows(sel, sim)
    components = _china_routes(sel, sim)
    agreement = standard_rule_agreement(clusters)  # one pass, for the note and the data
    notes, suff = _intelligent_notes(sel, sim, year, coverage, standard_only, multi_site_weight, agreement)
    ex, ms, chip_rows, used_chips, tracked, world = (
        sel.existing,
        sel.multi_site,
        sel.chip_rows,
        sel.used_chips,
        sim.tracked,
        sim.world,
    )
    method = t(
        "measure.method.intelligent",
        draws=draws,
        seed=seed if seed is not None else "-",
        low=coverage[0] * 100,
        high=coverage[1] * 100,
        weight=china_chip_weight,
    )
    src = _ids(ex) + (_ids(chip_rows) if used_chips and chip_rows is not None else [])
    if tracked is not None and chip_stocks is not None:  # the cross-check reads each vendor's totals file
        src += _ids(_tracked_rows(chip_stocks, year))
    return Estimate(
        kind="intelligent",
        year=year,
        unit="H100e",
        rows=rows,
        method=method,
        source_ids=sorted(set(src)),
        notes=notes,
        data={
            "world_value": mc.summarise(world),
            "clusters": len(ex),
            "clusters_without_country": ex.attrs.get("without_country", 0),
            "sufficiency": suff,
            "draws": draws,
            "seed": seed,
            "standard_only": standard_only,
            "filter": {
                "rule": "status Existing, single_cluster Yes, not possible_duplicate, certainty Confirmed or Likely",
                "rule_agrees_with_epoch": list(agreement),
                "multi_site_weight": multi_site_weight if standard_only else None,
                "multi_site_records": len(ms),
                "multi_site_h100e": float(ms["h100e"].sum()),
            },
            "superseded_phases": {
                "records": ex.attrs.get("superseded", 0),
                "h100e": ex.attrs.get("superseded_h100e", 0.0),
                "names": ex.attrs.get("superseded_names", []),
            },
            "undated_existing": {"records": ex.attrs.get("undated", 0), "h100e": ex.attrs.get("undated_h100e", 0.0)},
            "components": components,
            # cross-check of the cluster-based world total: Epoch's sales model, summed over vendors
            "world_tracked_sales": (
                {**mc.summarise(tracked[0]), "vendors": tracked[1]} if tracked is not None else None
            ),
        },
    )


# ---------------------------------------------------------------- basic compute


def basic_compute(year: int) -> Estimate:
    """Left empty on purpose: no open server-shipment data by country is at hand."""
    from computestrata.i18n import t

    return Estimate(
        kind="basic",
        year=year,
        unit="FP32 FLOP/s",
        rows=[],
        method=t("measure.method.basic"),
        notes=[t("measure.note.basic_empty")],
    )


# ---------------------------------------------------------------- atlas wrappers


@sourced
def from_atlas(
    atlas: Atlas,
    kind: str,
    year: int,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    standard_only: bool = True,
) -> Estimate:
    """The estimate of ``kind`` for ``year`` from an opened atlas."""
    if kind not in KINDS:
        from computestrata.errors import unknown

        raise unknown("compute kind", kind, KINDS)
    if kind == "super":
        atlas.require("top500_systems")
        return super_compute(load_top500(atlas), year)
    if kind == "intelligent":
        atlas.require("gpu_clusters")
        from computestrata.measure.licences import hidden_rows

        hid = hidden_rows(atlas, "gpu_clusters")
        if hid is not None and hid.all:  # else the empty table reads as "no clusters that year"
            from computestrata.i18n import t

            raise InputError(
                t("measure.error.licence_hidden", table=hid.table, n=hid.total, licences=", ".join(hid.licences)),
                hint=t("measure.error.licence_hidden_hint", licences=", ".join(hid.licences)),
            )
        chips = atlas.table("chip_stocks") if atlas.has("chip_stocks") else None
        return intelligent_compute(
            atlas.table("gpu_clusters"), chips, year, draws=draws, seed=seed, standard_only=standard_only
        )
    return basic_compute(year)


@dataclass
class NationalCompute:
    """National compute for one kind and year as shown: rounded rows with shares in %, notes, sources.

    ``estimate`` keeps the full-precision :class:`Estimate` for further computation.
    """

    estimate: Estimate
    rows: list[dict[str, Any]]
    columns: list[str]
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.estimate.kind

    @property
    def year(self) -> int:
        return self.estimate.year

    @property
    def title(self) -> str:
        """Translated title with the unit (in the current language)."""
        from computestrata.i18n import t

        base = t("measure.title.compute", kind=t(f"measure.kind.{self.kind}"), year=self.year)
        return base + f" [{self.estimate.unit}]"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: kind, year, unit, method and the estimate's data, rows, notes, source ids."""
        return {**self.data, "rows": self.rows, "notes": self.notes, "source_ids": self.source_ids}


#: table columns shown for each kind beyond the shared value/share bands
_KIND_COLUMNS = {"super": ["systems"], "intelligent": ["clusters", "observed_h100e"]}
_BAND_COLUMNS = [
    "country",
    "value_p5",
    "value_median",
    "value_p95",
    "share_pct_p5",
    "share_pct_median",
    "share_pct_p95",
]


@sourced
def national_compute(
    atlas: Atlas,
    kind: str,
    year: int,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    standard_only: bool = True,
    allow_thin: bool = False,
) -> NationalCompute:
    """National compute by country for one year (p5/median/p95), rounded as shown, with shares in %.

    Rows keep the 0–1 shares and add ``share_pct_*`` (percent, 2 digits).  An intelligent
    estimate that fails the data-sufficiency rule (:func:`sufficiency`) is an
    :class:`InputError` unless ``allow_thin``; a thin one leads with its warning.  The method text
    leads the other notes so no figure is shown without how it was made.  ``basic`` is an
    :class:`InputError` saying why it cannot be estimated (an empty table would read as a
    result); :func:`from_atlas` still returns its empty :class:`Estimate` for composition.
    """
    from computestrata.i18n import t
    from computestrata.measure import montecarlo as mc
    from computestrata.measure.rounding import round_floats

    if kind == "basic":
        raise InputError(t("measure.error.basic"), hint=t("measure.error.basic_hint"))
    mc.check_draws(draws)
    mc.check_seed(seed)
    est = from_atlas(atlas, kind, year, draws=draws, seed=seed, standard_only=standard_only)
    suff = est.data.get("sufficiency")
    if suff and suff["level"] == "insufficient" and not allow_thin:
        first = first_sufficient_year(atlas.table("gpu_clusters"), range(year + 1, year + 40), standard_only)
        raise InputError(
            t(
                "measure.error.insufficient",
                year=year,
                clusters=suff["clusters"],
                countries=suff["countries"],
                **suff["rule"],
            ),
            hint=t("measure.error.insufficient_hint", first=first if first is not None else "—"),
        )
    rows = [round_floats(r) for r in est.rows]
    for r in rows:
        for k in ("share_p5", "share_median", "share_p95"):
            r[k.replace("share", "share_pct")] = None if r[k] is None else round(100 * r[k], 2)
    data = {"kind": kind, "year": year, "unit": est.unit, "method": est.method, **est.data}
    return NationalCompute(
        estimate=est,
        rows=rows,
        columns=_BAND_COLUMNS + _KIND_COLUMNS.get(kind, []),
        data=data,
        notes=_lead_warning(est),
        source_ids=est.source_ids,
    )


def _lead_warning(est: Estimate) -> list[str]:
    """Notes as shown: a data-sufficiency warning first (it qualifies every figure), then the method."""
    suff = est.data.get("sufficiency")
    if suff and suff["level"] != "ok" and est.notes:
        return [est.notes[0], est.method, *est.notes[1:]]
    return [est.method, *est.notes]


#: the ``gpu_clusters`` columns the cluster estimates read (selection, filters, notes, sources):
#: reading these instead of all 50-odd (notes, URLs…) makes each read and each filtered copy cheaper
CLUSTER_COLUMNS = (
    "name",
    "status",
    "certainty",
    "single_cluster",
    "possible_duplicate",
    "include_in_standard_analysis",
    "exclude",
    "h100e",
    "op16_s",
    "country_iso3",
    "first_operational_date",
    "decommissioned_date",
    "superseded_by",
    "source_id",
)


def load_clusters(atlas: Atlas, columns: Sequence[str] = CLUSTER_COLUMNS) -> pd.DataFrame:
    """The GPU clusters table with the columns the cluster estimates use (others ignored)."""
    return _load(atlas, "gpu_clusters", columns)


#: Per table, the columns read once per atlas and shared (``Atlas.memo``): a request for a subset
#: of them is a column selection of that one frame.  Table 1 and the stratification analysis
#: (and so the overview) each read TOP500 systems and GPU clusters; the name and site strings
#: of TOP500 systems stay out (31,500 strings nobody on these paths uses).
SHARED_COLUMNS: dict[str, tuple[str, ...]] = {
    "top500_systems": ("list_id", "rank", "country_iso3", "rmax_tflops", "year", "source_id"),
    "gpu_clusters": CLUSTER_COLUMNS,
}


def _load(atlas: Atlas, table: str, columns: Sequence[str]) -> pd.DataFrame:
    """The columns of ``table`` present in the atlas, from the atlas's shared frame when they
    are a subset of :data:`SHARED_COLUMNS` (same rows, order and dtypes as reading them alone).

    Every call records the table as read (:meth:`Atlas.df` on a miss; the same query marked
    again on a hit), so each result that uses the frame still cites it."""
    from computestrata.memo import of_atlas

    atlas.require(table)
    have = set(atlas.manifest["tables"][table]["columns"])
    cols = [c for c in columns if c in have]
    shared = [c for c in SHARED_COLUMNS.get(table, ()) if c in have]
    if not set(cols) <= set(shared):
        return atlas.df(f"SELECT {_quoted(cols)} FROM {table}")
    sql = f"SELECT {_quoted(shared)} FROM {table}"
    frame = of_atlas(atlas, ("measure.frame", table, tuple(shared)), lambda: atlas.df(sql))
    touch = getattr(atlas, "_touch", None)
    if callable(touch):
        touch(sql)  # a hit runs no query: mark the read for the provenance of this result
    # a new frame each call (copy-on-write: no data copied until a caller changes it)
    return frame.copy(deep=False) if cols == shared else frame[cols]


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def load_top500(
    atlas: Atlas,
    columns: Sequence[str] = ("list_id", "rank", "name", "site", "country_iso3", "rmax_tflops", "source_id"),
) -> pd.DataFrame:
    """The TOP500 systems table with the columns this module uses (others ignored)."""
    return _load(atlas, "top500_systems", columns)
