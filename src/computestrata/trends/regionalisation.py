"""Chain regionalisation: does semiconductor trade reorganise inside political blocs?

Indicators (each with an interval; the claim's direction in brackets):

* ``intra_bloc_share`` [+] — share of the bilateral semiconductor trade among the 29
  Comtrade economies that stays inside one bloc, 2019 → 2022; interval: bootstrap over
  exporting economies (an economy keeps its flows in both years).
* ``bloc_modularity`` [+] — Newman modularity of the bloc partition of the same network;
  same bootstrap.  Louvain communities and a Borgatti–Everett core–periphery fit
  (``measure.coreperiphery``) are shown beside it, per year, without a direction.
* ``taiwan_ic_china_share`` [−] / ``taiwan_ic_usa_share`` [+] — shares of Taiwan's HS 8542
  exports (Taiwan customs, 2013–2025) going to China+HK+Macao and to the US; interval: OLS
  slope t-interval over years.  The ASEAN share is shown without a direction (it rises both
  under "friend-shoring" and under re-routing of China-bound chips).
* ``china_sme_usa_jpn_nld_share`` [−] — share of China's equipment imports (HS 8486xx and
  903082) coming from the US, Japan and the Netherlands, among the exporters covered, 2019 →
  2022 (exporter-reported mirror data; Taiwan not covered); interval: bootstrap over HS6
  lines.
* ``korea_ic_china_share`` [−] — share of Korea's IC exports (HS 8542xx) to the covered
  partners going to China+HK, 2019 → 2022; bootstrap over HS6 lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from computestrata.trends import stats
from computestrata.trends.blocs import BlocDefinition, BlocFile
from computestrata.trends.result import Indicator, TrendResult, licence_notes

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

EQUIPMENT_HS6 = ("848610", "848620", "848630", "848640", "848690", "903082")
IC_HS6 = ("854231", "854232", "854233", "854239")
SUPPLIERS = ("USA", "JPN", "NLD")
NETWORK_SOURCE = "comtrade_semis_network"
TABLES = ("trade_semis_bilateral", "trade_taiwan_ic_exports")


@dataclass
class TradeData:
    """The trade tables the indicators read, already narrowed to what they need."""

    network: pd.DataFrame  # year, exporter, importer, hs6, value (Comtrade, exporter-reported)
    taiwan: pd.DataFrame  # year, importer, value (Taiwan customs, HS 8542)
    sme_world: pd.DataFrame  # year, reporter, flow, hs6, value (partner World)
    taiwan_ita: pd.DataFrame  # year, flow, importer, hs6, value (Taiwan ITA 2022)
    source_ids: set[str]


def read(atlas: Atlas) -> TradeData:
    """The trade tables from the atlas (an :class:`AtlasError` names a missing table)."""
    atlas.require(*TABLES)
    net = atlas.df(
        "SELECT year, reporter_iso3 AS exporter, partner_iso3 AS importer, hs6, value_usd AS value, source_id "
        "FROM trade_semis_bilateral WHERE flow = 'X' AND partner_iso3 IS NOT NULL "
        f"AND source_id = '{NETWORK_SOURCE}'"
    )
    tw = atlas.df(
        "SELECT year, partner_iso3 AS importer, sum(value_usd) AS value, any_value(source_id) AS source_id "
        "FROM trade_taiwan_ic_exports GROUP BY 1, 2"
    )
    ita = atlas.df(
        "SELECT year, flow, partner_iso3 AS importer, hs6, value_usd AS value, source_id FROM trade_semis_bilateral "
        "WHERE reporter_iso3 = 'TWN' AND source_id <> 'comtrade_semis_network'"
    )
    if atlas.has("trade_sme_world"):
        sme = atlas.df(
            "SELECT year, reporter_iso3 AS reporter, flow, hs6, value_usd AS value, source_id FROM trade_sme_world"
        )
    else:
        import pandas as pd

        sme = pd.DataFrame(columns=["year", "reporter", "flow", "hs6", "value", "source_id"])
    ids: set[str] = set()  # cite only the tables an indicator or series reads (not the 2022 ITA rows)
    for f in (net, tw, sme):
        ids.update(str(s) for s in f["source_id"].dropna().unique())
    for f in (net, tw, ita, sme):
        f["year"] = f["year"].astype(int)
        f["value"] = f["value"].astype(float)
    return TradeData(net, tw, sme, ita, ids)


def data_years(data: TradeData) -> tuple[int, int]:
    """First and last year any regionalisation series has data."""
    years = [int(y) for f in (data.network, data.taiwan) for y in f["year"].unique()]
    return (min(years), max(years))


# ---------------------------------------------------------------- two-point bootstrap


def _two_point(
    flows: pd.DataFrame,
    y0: int,
    y1: int,
    unit: str,
    stat: Any,
    draws: int = stats.DRAWS,
) -> tuple[float, float, float]:
    """Change of ``stat`` from ``y0`` to ``y1`` with a bootstrap over ``unit`` (same draw both years).

    ``stat(frame, weights)`` gets one year's rows and a weight per row.
    """
    import numpy as np

    units = sorted(set(flows[unit].astype(str)))
    idx = {u: i for i, u in enumerate(units)}
    f0, f1 = flows[flows["year"] == y0], flows[flows["year"] == y1]
    u0 = f0[unit].astype(str).map(idx).to_numpy(dtype=int)
    u1 = f1[unit].astype(str).map(idx).to_numpy(dtype=int)

    def change(w: Any) -> float:
        w = np.asarray(w, dtype=float)
        return float(stat(f1, w[u1]) - stat(f0, w[u0]))

    many = getattr(stat, "many", None)

    def change_all(w: Any) -> Any:  # change() of every draw at once (same numbers)
        assert many is not None
        return many(f1, np.ascontiguousarray(w[:, u1])) - many(f0, np.ascontiguousarray(w[:, u0]))

    return stats.bootstrap(len(units), change, draws=draws, batch=change_all if many is not None else None)


def _per_frame(build: Callable[[pd.DataFrame], Any]) -> Callable[[pd.DataFrame], Any]:
    """``build(frame)`` memoised per frame object, for the bootstrap's thousand calls.

    The entry keeps the frame itself: an ``id()`` alone is reused by Python as soon as a
    temporary frame (``pair[pair["year"] == y]``) is freed, and the cache would then hand
    one year's arrays to another year's frame.
    """
    cache: dict[int, tuple[pd.DataFrame, Any]] = {}

    def get(f: pd.DataFrame) -> Any:
        hit = cache.get(id(f))
        if hit is None or hit[0] is not f:
            hit = (f, build(f))
            cache[id(f)] = hit
        return hit[1]

    return get


def _intra_stat(definition: BlocDefinition) -> Any:
    """A fast intra-bloc share for one year's rows (bloc masks cached per frame)."""

    def build(f: pd.DataFrame) -> Any:
        year = int(f["year"].iloc[0]) if len(f) else 0
        of = definition.mapper(year)
        be = f["exporter"].map(of)
        bi = f["importer"].map(of)
        return (f["value"].to_numpy(dtype=float), (be.notna() & (be == bi)).to_numpy(dtype=bool))

    return _ShareOfWeighted(_per_frame(build))


class _ShareOfWeighted:
    """Weighted share of the marked rows in a year's rows: ``stat(frame, weights)``, and
    ``many(frame, weights)`` for a draws × rows weight matrix (one share per draw, the same
    numbers as row by row: each draw's sums run over one contiguous row)."""

    def __init__(self, arrays: Callable[[pd.DataFrame], Any]) -> None:
        self.arrays = arrays

    def __call__(self, f: pd.DataFrame, w: Any) -> float:
        v, mark = self.arrays(f)
        vw = v * w
        tot = vw.sum()
        return float(vw[mark].sum() / tot) if tot > 0 else math.nan

    def many(self, f: pd.DataFrame, w: Any) -> Any:
        import numpy as np

        v, mark = self.arrays(f)
        vw = w * v
        tot = vw.sum(axis=1)
        part = np.ascontiguousarray(vw[:, mark]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, part / tot, math.nan)


def modularity_from_arrays(n: int, e: Any, i: Any, v: Any, labels: Any) -> float:
    """Newman modularity of an undirected weighted graph given as directed edge arrays.

    Same formula as ``networkx.community.modularity`` (resolution 1): the graph's weight on
    an edge is the trade both ways; self-flows are dropped.  Written with numpy so the
    bootstrap can recompute it a thousand times.
    """
    return _modularity(n, e, i, v, one_hot(labels))


def one_hot(labels: Any) -> Any:
    """Community membership matrix (nodes × communities) of a label array."""
    import numpy as np

    _, lab = np.unique(np.asarray(labels), return_inverse=True)
    c = np.zeros((len(lab), int(lab.max()) + 1 if len(lab) else 0))
    c[np.arange(len(lab)), lab] = 1.0
    return c


def _modularity(n: int, e: Any, i: Any, v: Any, c: Any) -> float:
    import numpy as np

    a = np.bincount(e * n + i, weights=v, minlength=n * n).reshape(n, n)
    a = a + a.T
    a[np.diag_indices(n)] = 0.0
    two_m = a.sum()
    if two_m <= 0:
        return math.nan
    inside = float((c * (a @ c)).sum())
    deg = c.T @ a.sum(axis=1)
    return inside / two_m - float(((deg / two_m) ** 2).sum())


def _modularity_stat(definition: BlocDefinition, economies: list[str]) -> Any:
    import numpy as np

    pos = {c: k for k, c in enumerate(economies)}

    def build(f: pd.DataFrame) -> Any:
        year = int(f["year"].iloc[0]) if len(f) else 0
        of = definition.mapper(year)
        labels = np.array([of(c) or "rest" for c in economies])
        return (
            f["exporter"].map(pos).to_numpy(dtype=int),
            f["importer"].map(pos).to_numpy(dtype=int),
            f["value"].to_numpy(dtype=float),
            one_hot(labels),
        )

    arrays = _per_frame(build)

    def stat(f: pd.DataFrame, w: Any) -> float:
        e, i, v, c = arrays(f)
        return _modularity(len(economies), e, i, v * w, c)

    return stat


def _share_stat(num_exp: Collection[str] | None, num_imp: Collection[str] | None) -> Any:
    import numpy as np

    def build(f: pd.DataFrame) -> Any:
        m = np.ones(len(f), dtype=bool)
        if num_exp is not None:
            m &= f["exporter"].isin(list(num_exp)).to_numpy(dtype=bool)
        if num_imp is not None:
            m &= f["importer"].isin(list(num_imp)).to_numpy(dtype=bool)
        return (f["value"].to_numpy(dtype=float), m)

    return _ShareOfWeighted(_per_frame(build))


# ---------------------------------------------------------------- indicators


@dataclass
class Options:
    """What a run (or a robustness variant) changes: blocs, products, economies left out, years."""

    definition: BlocDefinition
    groups: dict[str, set[str]]
    hs6: tuple[str, ...] | None = None  # None = every code in the network
    drop: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    draws: int = stats.DRAWS


def _window(df: pd.DataFrame, o: Options) -> pd.DataFrame:
    m = df["year"].between(o.start if o.start is not None else -9999, o.end if o.end is not None else 9999)
    return df[m]


def _network(data: TradeData, o: Options) -> pd.DataFrame:
    f = _window(data.network, o)
    if o.hs6 is not None:
        f = f[f["hs6"].isin(o.hs6)]
    if o.drop:
        f = f[~f["exporter"].isin(o.drop) & ~f["importer"].isin(o.drop)]
    return f


def _fmt_years(years: Sequence[int]) -> str:
    return f"{min(years)}–{max(years)}" if years else ""


def indicators(
    data: TradeData, o: Options, memo: dict[Any, Any] | None = None
) -> tuple[list[Indicator], list[dict[str, Any]]]:
    """Every regionalisation indicator for one set of options, and the series behind them.

    ``memo`` (one dict per run) lets robustness variants reuse the Taiwan, China-equipment
    and Korea indicators: they depend only on the window, the economies left out, the
    destination groups and the number of draws, not on the bloc definition or the HS6
    filter of the network, so variants that change only those get the same numbers.
    """
    import pandas as pd

    from computestrata.i18n import t

    out: list[Indicator] = []
    series: list[dict[str, Any]] = []
    net = _network(data, o)
    years = sorted(int(y) for y in net["year"].unique())
    pair = pd.DataFrame(net.groupby(["year", "exporter", "importer"], as_index=False)["value"].sum())
    economies = sorted(set(pair["exporter"]) | set(pair["importer"]))
    if len(years) >= 2:
        y0, y1 = years[0], years[-1]
        for key, stat in (
            ("intra_bloc_share", _intra_stat(o.definition)),
            ("bloc_modularity", _modularity_stat(o.definition, economies)),
        ):
            est, lo, hi = _two_point(pair, y0, y1, "exporter", stat, o.draws)
            first = stat(pair[pair["year"] == y0], 1.0)
            last = stat(pair[pair["year"] == y1], 1.0)
            out.append(
                Indicator(
                    key,
                    t(f"trends.ind.{key}"),
                    est,
                    lo,
                    hi,
                    t("trends.unit.change", y0=y0, y1=y1),
                    t("trends.method.bootstrap_exporters", n=len(set(pair["exporter"]))),
                    stats.direction(lo, hi, +1),
                    f"{y0}→{y1}",
                    len(pair[pair["year"].isin([y0, y1])]),
                    t("trends.note.two_point", first=first, last=last),
                )
            )
    else:
        for key in ("intra_bloc_share", "bloc_modularity"):
            out.append(_missing(key, t("trends.why.two_years")))
    for y in years:
        f = pair[pair["year"] == y]
        row: dict[str, Any] = {"series": "network", "year": y}
        row["intra_bloc_share"] = _intra_stat(o.definition)(f, 1.0)
        row["bloc_modularity"] = _modularity_stat(o.definition, economies)(f, 1.0)
        series.append(row)

    memo_key = (o.start, o.end, o.drop, o.draws, tuple(sorted((g, tuple(sorted(m))) for g, m in o.groups.items())))
    if memo is None or memo_key not in memo:
        side: list[dict[str, Any]] = []
        found = (_taiwan(data, o, side), _china_sme(data, o, side), _korea_ic(data, o, side), side)
        if memo is not None:
            memo[memo_key] = found
    else:
        found = memo[memo_key]
    tw, sme, kor, side = found
    out.extend(tw)
    out.append(sme)
    out.append(kor)
    series.extend(side)
    return out, series


def _missing(key: str, why: str) -> Indicator:
    from computestrata.i18n import t

    return Indicator(key, t(f"trends.ind.{key}"), None, None, None, "", "", "no_data", note=why)


def _taiwan(data: TradeData, o: Options, series: list[dict[str, Any]]) -> list[Indicator]:
    from computestrata.i18n import t

    tw = _window(data.taiwan, o)
    if o.drop:
        tw = tw[~tw["importer"].isin(o.drop)]
    years = sorted(int(y) for y in tw["year"].unique())
    shares: dict[str, list[float]] = {g: [] for g in ("china_hk", "usa", "sea")}
    for y in years:
        f = tw[tw["year"] == y]
        total = float(f["value"].sum())  # includes destinations with no ISO3 code ("other countries")
        row: dict[str, Any] = {"series": "taiwan_ic_exports", "year": y, "total_usd": total}
        for g in shares:
            members = o.groups.get(g, set())
            s = float(f.loc[f["importer"].isin(list(members)), "value"].sum()) / total if total > 0 else math.nan
            shares[g].append(s)
            row[f"{g}_share"] = s
        series.append(row)
    out = []
    for g, key, sign in (
        ("china_hk", "taiwan_ic_china_share", -1),
        ("usa", "taiwan_ic_usa_share", +1),
        ("sea", "taiwan_ic_sea_share", 0),
    ):
        if len(years) < 3:
            out.append(_missing(key, t("trends.why.three_years")))
            continue
        slope, lo, hi = stats.ols_slope(years, shares[g])
        out.append(
            Indicator(
                key,
                t(f"trends.ind.{key}"),
                slope,
                lo,
                hi,
                t("trends.unit.per_year"),
                t("trends.method.ols", level=int(stats.LEVEL * 100)),
                stats.direction(lo, hi, sign) if sign else "descriptive",
                _fmt_years(years),
                len(years),
                t("trends.note.share_first_last", first=shares[g][0], last=shares[g][-1], y0=years[0], y1=years[-1]),
            )
        )
    return out


def _china_sme(data: TradeData, o: Options, series: list[dict[str, Any]]) -> Indicator:

    key = "china_sme_usa_jpn_nld_share"
    f = _window(data.network, o)
    f = f[(f["importer"] == "CHN") & f["hs6"].isin(EQUIPMENT_HS6)]
    if o.drop:
        f = f[~f["exporter"].isin(o.drop)]
    years = sorted(int(y) for y in f["year"].unique())
    for y in years:
        fy = f[f["year"] == y]
        tot = float(fy["value"].sum())
        row: dict[str, Any] = {"series": "china_equipment_imports", "year": y, "covered_usd": tot}
        for s in SUPPLIERS:
            row[f"{s.lower()}_share"] = float(fy.loc[fy["exporter"] == s, "value"].sum()) / tot if tot > 0 else math.nan
        # mirror check: China's own reported imports from the world (848620 + 903082, partner World)
        w = data.sme_world
        rep = w[(w["reporter"] == "CHN") & (w["flow"] == "M") & (w["year"] == y) & w["hs6"].isin(["848620", "903082"])]
        mir = float(fy.loc[fy["hs6"].isin(["848620", "903082"]), "value"].sum())
        row["china_reported_848620_903082_usd"] = float(rep["value"].sum()) if len(rep) else None
        row["mirror_848620_903082_usd"] = mir
        series.append(row)
    return _hs6_change(key, f, years, _share_stat(SUPPLIERS, None), o.draws)


def _hs6_change(key: str, f: pd.DataFrame, years: list[int], stat: Any, draws: int) -> Indicator:
    """A falling share from the first to the last year, with an interval from resampling HS6 codes
    (the China-equipment and Korea-IC indicators both read the bilateral network this way)."""
    from computestrata.i18n import t

    if len(years) < 2:
        return _missing(key, t("trends.why.two_years"))
    y0, y1 = years[0], years[-1]
    est, lo, hi = _two_point(f, y0, y1, "hs6", stat, draws)
    return Indicator(
        key,
        t(f"trends.ind.{key}"),
        est,
        lo,
        hi,
        t("trends.unit.change", y0=y0, y1=y1),
        t("trends.method.bootstrap_hs6", n=f["hs6"].nunique()),
        stats.direction(lo, hi, -1),
        f"{y0}→{y1}",
        len(f),
        t("trends.note.two_point", first=stat(f[f["year"] == y0], 1.0), last=stat(f[f["year"] == y1], 1.0)),
    )


def _korea_ic(data: TradeData, o: Options, series: list[dict[str, Any]]) -> Indicator:

    key = "korea_ic_china_share"
    f = _window(data.network, o)
    f = f[(f["exporter"] == "KOR") & f["hs6"].isin(IC_HS6)]
    if o.drop:
        f = f[~f["importer"].isin(o.drop)]
    china = o.groups.get("china_hk", {"CHN", "HKG", "MAC"})
    years = sorted(int(y) for y in f["year"].unique())
    for y in years:
        fy = f[f["year"] == y]
        tot = float(fy["value"].sum())
        series.append(
            {
                "series": "korea_ic_exports",
                "year": y,
                "covered_usd": tot,
                "china_hk_share": float(fy.loc[fy["importer"].isin(list(china)), "value"].sum()) / tot if tot else None,
                "usa_share": float(fy.loc[fy["importer"] == "USA", "value"].sum()) / tot if tot else None,
                "sea_share": float(fy.loc[fy["importer"].isin(list(o.groups.get("sea", set()))), "value"].sum()) / tot
                if tot
                else None,
            }
        )
    return _hs6_change(key, f, years, _share_stat(None, china), o.draws)


def network_view(data: TradeData, o: Options) -> list[dict[str, Any]]:
    """Per year: Louvain communities with their modularity, and the Borgatti–Everett core."""
    import pandas as pd

    from computestrata.measure.coreperiphery import core_periphery
    from computestrata.trends.trade import detected_communities, matrix

    net = _network(data, o)
    rows: list[dict[str, Any]] = []
    for y in sorted(int(v) for v in net["year"].unique()):
        f = pd.DataFrame(net[net["year"] == y].groupby(["exporter", "importer"], as_index=False)["value"].sum())
        comms, q = detected_communities(f)
        economies = sorted(set(f["exporter"]) | set(f["importer"]))
        mat = matrix(f, economies)
        share = mat / float(mat.to_numpy().sum())
        cp = core_periphery(share)
        rows.append(
            {
                "series": "network_structure",
                "year": y,
                "louvain_q": q,
                "communities": [", ".join(c) for c in comms],
                "core_exporters": cp.core_rows,
                "core_importers": cp.core_cols,
                "core_fit": cp.fit,
                "chn_coreness_export": cp.row_coreness.get("CHN"),
                "chn_coreness_import": cp.col_coreness.get("CHN"),
            }
        )
    return rows


# ---------------------------------------------------------------- the trend


def analyse(
    atlas: Atlas,
    blocs: BlocFile,
    start: int | None = None,
    end: int | None = None,
    robust: bool = True,
    network: bool = True,
) -> TrendResult:
    """Test 'supply chains reorganise inside blocs' on the trade tables, with robustness variants.

    ``network``: add the descriptive network series (Louvain communities, core–periphery); they
    enter no indicator or verdict, so a caller showing only the verdict (the overview) skips them."""
    from computestrata.i18n import t

    data = read(atlas)
    groups = {k: g.codes() for k, g in blocs.groups.items()}
    base = Options(blocs.definition(), groups, start=start, end=end)
    inds, series = indicators(data, base)
    if network:
        series.extend(network_view(data, base))
    outcome = stats.combine([i.direction for i in inds if i.direction != "descriptive"])
    robustness: list[dict[str, Any]] = []
    if robust:
        variants: list[tuple[str, Options]] = [
            (t("trends.var.blocs", name=k), Options(d, groups, start=start, end=end, draws=stats.VARIANT_DRAWS))
            for k, d in blocs.definitions.items()
            if k != blocs.default
        ]
        variants += [
            (
                t("trends.var.ics_only"),
                Options(base.definition, groups, IC_HS6, start=start, end=end, draws=stats.VARIANT_DRAWS),
            ),
            (
                t("trends.var.equipment_only"),
                Options(base.definition, groups, EQUIPMENT_HS6, start=start, end=end, draws=stats.VARIANT_DRAWS),
            ),
            (
                t("trends.var.without_hkg"),
                Options(base.definition, groups, drop=("HKG",), start=start, end=end, draws=stats.VARIANT_DRAWS),
            ),
            (
                t("trends.var.until", year=2024),
                Options(base.definition, groups, start=start, end=min(end or 2024, 2024), draws=stats.VARIANT_DRAWS),
            ),
        ]
        memo: dict[Any, Any] = {}
        for name, opt in variants:
            vi, _ = indicators(data, opt, memo)
            vo = stats.combine([i.direction for i in vi if i.direction != "descriptive"])
            robustness.append(
                {
                    "variant": name,
                    "outcome": vo,
                    "supports": sum(i.direction == "supports" for i in vi),
                    "contradicts": sum(i.direction == "contradicts" for i in vi),
                    "unclear": sum(i.direction == "unclear" for i in vi),
                }
            )
    d = base.definition
    notes = [
        t("trends.note.blocs", name=d.key, title=d.title, as_of=d.as_of),
        t("trends.note.reg_network_gaps"),
        t("trends.note.reg_hk_reexports"),
        t("trends.note.reg_taiwan"),
        t("trends.note.reg_sme"),
        t("trends.note.reg_mirror"),
        t("trends.note.reg_bootstrap"),
        *licence_notes(atlas, (*TABLES, "trade_sme_world")),
    ]
    res = TrendResult(
        "regionalisation",
        outcome,
        t("trends.claim.regionalisation"),
        "",
        inds,
        series,
        robustness,
        notes,
        data.source_ids,
        [blocs.source_record()],
        (start, end),
    )
    return res
