"""The data the cooperation rule reads, gathered once per atlas and date.

* capability: world shares per segment from the stack (:mod:`computestrata.stack.shares`), the
  latest data at or before the date's year (or the earliest later data, said in a note);
  segments without shares borrow a proxy segment's shares when ``rules.yaml`` names one.
* demand: each country's world share of GDP (World Bank, the latest year at or before the
  date) and of the AI compute (H100-equivalents) in GPU clusters operational on the date (Epoch AI).
* stack value: CSET's global market size of each segment's inputs (USD; an input shared by
  several segments split equally among them), for the summary's "share of stack value";
  segments CSET does not size are a stated gap.

A country without a figure has ``None`` (never 0) unless the source covers the whole world
(coverage ≥ 95 %), where an unlisted country holds 0 of it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas
    from computestrata.cooperation.config import Rules


@dataclass
class Capability:
    """World shares in one segment (possibly borrowed from a proxy segment)."""

    segment_id: str
    shares: dict[str, float] | None
    complete: bool
    year: int | None
    basis: str | None
    proxy: str | None = None
    proxy_reason: str | None = None
    source_ids: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    #: notes of our own (language-free data); the share data's notes are rendered when shown
    notes: list[str] = field(default_factory=list)
    #: (share book, segment id, year asked) behind ``shares``: :meth:`shown_notes` renders their
    #: notes in the reader's language then (evidence is cached and shown in any language)
    share_ref: tuple[Any, str, int | None] | None = field(default=None, repr=False, compare=False)

    def shown_notes(self) -> list[str]:
        """Every note in the current language: the share data's, then our own."""
        out: list[str] = []
        if self.share_ref is not None:
            book, sid, year = self.share_ref
            sh = book.for_segment(sid, year)
            out += list(sh.notes) if sh is not None else []
        return out + list(self.notes)

    def share_of(self, iso3: str) -> float | None:
        if self.shares is None:
            return None
        if iso3 in self.shares:
            return self.shares[iso3]
        return 0.0 if self.complete else None


@dataclass
class Trade:
    """Semiconductor trade among the Comtrade network in one year (see ``rules.yaml``)."""

    year: int
    rca: dict[str, dict[str, float]]  # group -> iso3 -> Balassa RCA
    import_share: dict[str, dict[str, float]]  # group -> iso3 -> share of network imports
    bilateral: dict[tuple[str, str, str], float]  # (exporter, importer, group) -> USD
    exports_hs6: dict[str, dict[str, float]]  # iso3 -> hs6 -> USD (to the network)
    imports_hs6: dict[str, dict[str, float]]  # iso3 -> hs6 -> USD (mirror: partners' exports to it)
    members: frozenset[str]
    source_ids: list[str]
    note: str | None = None

    def group_of(self, segment_id: str, rules: Rules) -> str | None:
        for name, tp in rules.trade_products.items():
            if segment_id in tp.segments:
                return name
        return None


@dataclass
class Evidence:
    """Capability, demand and value for every segment and country on one date."""

    on: date
    capability: dict[str, Capability]
    demand: dict[str, dict[str, float]]  # indicator -> iso3 -> world share
    demand_meta: dict[str, dict[str, Any]]  # indicator -> year/period, source ids, note
    value_usd: dict[str, float | None]
    value_sources: list[str]
    trade: Trade | None = None
    notes: list[str] = field(default_factory=list)

    def demand_shares(self, iso3: str, indicators: list[str]) -> list[float | None]:
        return [self.demand.get(ind, {}).get(iso3) for ind in indicators]


def gather(atlas: Atlas, on: date, rules: Rules) -> Evidence:
    """Everything the rule reads for ``on``, remembered by the atlas (:meth:`Atlas.memo`) per
    rules content and date: another atlas, other rules or another day never share an entry."""
    from computestrata.memo import fingerprint, of_atlas

    return of_atlas(atlas, ("coop.evidence", fingerprint(rules), on), lambda: _gather(atlas, on, rules))


def _gather(atlas: Atlas, on: date, rules: Rules) -> Evidence:
    from computestrata.memo import fingerprint, of_atlas
    from computestrata.stack.segments import segments

    notes: list[str] = []
    caps = capabilities(atlas, on, rules, [s.id for s in segments()])
    demand, meta = _demand(atlas, on)
    # value and trade do not depend on the day within a year: computed once per atlas and year
    value, value_sources = of_atlas(atlas, ("coop.value",), lambda: _value(atlas))
    trade = of_atlas(atlas, ("coop.trade", fingerprint(rules), on.year), lambda: _trade(atlas, on.year, rules))
    if trade is not None and trade.year > on.year:  # said for this day, not the first day asked in its year
        trade = dataclasses.replace(
            trade, note=f"trade data start in {trade.year}; {trade.year} is used for {on.isoformat()}"
        )
    return Evidence(on, caps, demand, meta, value, value_sources, trade, notes)


def demand_of(atlas: Atlas, on: date) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, Any]]]:
    """World shares of GDP and of cluster H100e on ``on`` (indicator → iso3 → share) and their
    metadata — the demand part of :func:`gather` alone, for a caller that reads nothing else."""
    return _demand(atlas, on)


def capabilities(atlas: Atlas, on: date, rules: Rules, segment_ids: list[str]) -> dict[str, Capability]:
    """The capability of just ``segment_ids`` (a proxy's shares borrowed as in :func:`gather`).

    A caller that ranks on a few segments reads only their tables, so every table it reads is
    one whose sources it can cite (the share book reads a segment's table on first use)."""
    from computestrata.stack import api as stack
    from computestrata.stack.segments import segment

    b = stack.book(atlas)
    own: dict[str, Capability] = {}

    def mine(sid: str) -> Capability:
        if sid not in own:
            own[sid] = _capability(b, segment(sid), on.year)
        return own[sid]

    caps: dict[str, Capability] = {}
    for sid in segment_ids:
        c = mine(sid)
        proxy = rules.capability_proxies.get(sid)
        if c.shares is None and proxy is not None and mine(proxy.segment).shares is not None:
            p = own[proxy.segment]
            c = Capability(
                sid,
                p.shares,
                p.complete,
                p.year,
                p.basis,
                proxy=proxy.segment,
                proxy_reason=proxy.reason,
                source_ids=list(p.source_ids),
                citations=list(p.citations),
                notes=list(p.notes),
                share_ref=p.share_ref,
            )
        caps[sid] = c
    return caps


NETWORK_SOURCE = "comtrade_semis_network"


def _trade(atlas: Atlas, year_on: int, rules: Rules) -> Trade | None:
    """Balassa RCA per product group, import shares, bilateral flows and HS6 profiles (for
    Michaely's index) of the network's latest year at or before ``year_on`` (else its earliest;
    :func:`_gather` then says so for the day asked)."""
    if not atlas.has("trade_semis_bilateral") or not rules.trade_products:
        return None
    from computestrata.cooperation.complementarity import balassa_rca

    years = [
        int(r["year"])
        for r in atlas.rows(
            "SELECT DISTINCT year FROM trade_semis_bilateral WHERE source_id = ? AND year IS NOT NULL ORDER BY 1",
            [NETWORK_SOURCE],
        )
    ]
    if not years:
        return None
    usable = [y for y in years if y <= year_on]
    year = usable[-1] if usable else years[0]
    df = atlas.df(
        "SELECT reporter_iso3, partner_iso3, hs6, value_usd FROM trade_semis_bilateral "
        "WHERE source_id = ? AND year = ? AND flow = 'X' AND reporter_iso3 IS NOT NULL",
        [NETWORK_SOURCE, year],
    )
    group = {code: name for name, tp in rules.trade_products.items() for code in tp.hs6}
    df["group"] = df["hs6"].map(group).fillna("other")
    exp = df.groupby(["reporter_iso3", "group"], as_index=False)["value_usd"].sum()
    rca_df = balassa_rca(cast("pd.DataFrame", exp), country="reporter_iso3", product="group", value="value_usd")
    rca: dict[str, dict[str, float]] = {}
    for r in rca_df.itertuples(index=False):
        rca.setdefault(str(r.product), {})[str(r.country)] = float(r.rca)  # type: ignore[arg-type]
    part = df[df["partner_iso3"].notna()]
    imp = part.groupby(["partner_iso3", "group"], as_index=False)["value_usd"].sum()
    tot = imp.groupby("group")["value_usd"].sum().to_dict()
    import_share: dict[str, dict[str, float]] = {}
    for r in imp.itertuples(index=False):
        import_share.setdefault(str(r.group), {})[str(r.partner_iso3)] = float(r.value_usd) / float(tot[r.group])
    bil = part.groupby(["reporter_iso3", "partner_iso3", "group"], as_index=False)["value_usd"].sum()
    bilateral = {
        (str(r.reporter_iso3), str(r.partner_iso3), str(r.group)): float(r.value_usd)
        for r in bil.itertuples(index=False)
    }
    exports_hs6: dict[str, dict[str, float]] = {}
    for r in df.groupby(["reporter_iso3", "hs6"], as_index=False)["value_usd"].sum().itertuples(index=False):
        exports_hs6.setdefault(str(r.reporter_iso3), {})[str(r.hs6)] = float(r.value_usd)
    imports_hs6: dict[str, dict[str, float]] = {}
    for r in part.groupby(["partner_iso3", "hs6"], as_index=False)["value_usd"].sum().itertuples(index=False):
        imports_hs6.setdefault(str(r.partner_iso3), {})[str(r.hs6)] = float(r.value_usd)
    members = frozenset(str(x) for x in df["reporter_iso3"].unique())
    return Trade(year, rca, import_share, bilateral, exports_hs6, imports_hs6, members, [NETWORK_SOURCE])


def _capability(book: Any, seg: Any, year: int) -> Capability:
    asked: int | None = year
    sh = book.for_segment(seg, year)
    note: list[str] = []
    if sh is None:
        later = book.for_segment(seg, None)
        if later is not None and later.year > year:
            sh, asked = later, None
            note.append(f"{seg.id}: no share data at or before {year}; the earliest later data ({later.year}) are used")
    if sh is None:
        return Capability(seg.id, None, False, None, None)
    shares = {k: float(v) for k, v in sh.shares.items()}
    return Capability(
        seg.id,
        shares,
        sh.coverage >= 0.95,
        sh.year,
        sh.basis,
        source_ids=list(sh.source_ids),
        citations=list(sh.citations),
        notes=note,  # not sh.notes: those are text in the language of whoever asked first
        share_ref=(book, seg.id, asked),
    )


def _demand(atlas: Atlas, on: date) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, Any]]]:
    demand: dict[str, dict[str, float]] = {}
    meta: dict[str, dict[str, Any]] = {}
    if atlas.has("facts") and atlas.has("countries"):
        rows = atlas.rows(
            "SELECT f.entity, f.period, f.value, f.source_id FROM facts f JOIN countries c ON c.iso3 = f.entity "
            "WHERE f.variable = 'Economy|GDP' AND f.value IS NOT NULL"
        )
        years = sorted({int(r["period"]) for r in rows if str(r["period"]).isdigit()})
        usable = [y for y in years if y <= on.year] or years[:1]
        if usable:
            y = usable[-1]
            vals = {r["entity"]: float(r["value"]) for r in rows if str(r["period"]) == str(y)}
            total = sum(vals.values())
            demand["gdp"] = {k: v / total for k, v in vals.items()}
            meta["gdp"] = {
                "period": str(y),
                "source_ids": sorted({r["source_id"] for r in rows if str(r["period"]) == str(y)}),
                "what": "world share of GDP (current USD), the sum over countries with data",
            }
    if atlas.has("gpu_clusters"):
        rows = atlas.rows(
            "SELECT country_iso3, SUM(h100e) AS h, ANY_VALUE(source_id) AS sid FROM gpu_clusters "
            "WHERE h100e IS NOT NULL AND country_iso3 IS NOT NULL AND first_operational_date IS NOT NULL "
            "AND CAST(first_operational_date AS DATE) <= ? "
            "AND (decommissioned_date IS NULL OR CAST(decommissioned_date AS DATE) > ?) "
            "AND coalesce(status, '') <> 'Planned' GROUP BY 1",
            [on, on],
        )
        total = sum(float(r["h"]) for r in rows)
        if total > 0:
            demand["h100e"] = {r["country_iso3"]: float(r["h"]) / total for r in rows}
            meta["h100e"] = {
                "period": on.isoformat(),
                "source_ids": sorted({r["sid"] for r in rows if r["sid"]}),
                "what": "world share of H100-equivalents in GPU clusters operational on the date",
                "complete": True,
            }
    return demand, meta


def _value(atlas: Atlas) -> tuple[dict[str, float | None], list[str]]:
    from computestrata.stack.segments import segments

    out: dict[str, float | None] = {}
    sizes: dict[str, float] = {}
    if atlas.has("sc_inputs"):
        for r in atlas.rows("SELECT input_id, market_size_usd FROM sc_inputs WHERE market_size_usd IS NOT NULL"):
            sizes[str(r["input_id"])] = float(r["market_size_usd"])
    users: dict[str, int] = {}
    for s in segments():
        for i in s.cset_inputs:
            users[i] = users.get(i, 0) + 1
    for s in segments():
        # an input several segments aggregate (CSET N5 memory for dram, nand, memory_fab) is split
        # equally among them, so the stack's value is not counted twice
        known = [sizes[i] / users[i] for i in s.cset_inputs if i in sizes]
        out[s.id] = float(sum(known)) if known and len(known) == len(s.cset_inputs) else None
    return out, ["cset_chip_explorer_inputs"] if sizes else []


def clear_caches() -> None:
    """Forget the evidence every live atlas remembers (cold timings); the share books stay."""
    from computestrata.memo import forget_everywhere

    for name in ("coop.evidence", "coop.value", "coop.trade"):
        forget_everywhere(name)
