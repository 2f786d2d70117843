"""Third markets: countries where A and B complement each other (paper §IV.3).

Each candidate C gets five terms in [0, 1] — market size, compute gap, grid carbon, export-
control access on the date and what A and B together supply that C lacks — combined by the
weights in ``rules.yaml`` (``third_markets``).  A missing term is a gap: it is named and the
other weights are rescaled, so a country is never ranked on a silent zero; a country with no
market-size figure is not ranked at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from computestrata.errors import InputError

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.controls.regime import Regime
    from computestrata.cooperation.config import Rules

TERMS = ("market", "compute_gap", "green", "access", "complement")


@dataclass
class ThirdResult:
    a: str
    b: str
    on: date
    region: str | None
    rows: list[dict[str, Any]]
    rule: str
    source_ids: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def controls_text(flows: list[tuple[str, str]]) -> str:
    """A third-market row's ``controls`` as the JSON gives it: ``"KOR→VNM free, CHN→VNM license"``
    (each flow and its controls status code)."""
    return ", ".join(f"{flow} {code}" for flow, code in flows)


def split_controls(text: str) -> list[tuple[str, str]]:
    """``"KOR→VNM free, …"`` → ``[("KOR→VNM", "free"), …]``: the inverse of :func:`controls_text`,
    kept beside it so the format is known in one place (a part without a status gives ``("", part)``)."""
    out = []
    for part in text.split(", "):
        flow, _, code = part.rpartition(" ")
        out.append((flow, code))
    return out


def rule_text(rules: Rules) -> str:
    tm = rules.third_markets
    w = tm.weights
    return (
        f"score = {w.market:g}·market + {w.compute_gap:g}·compute_gap + {w.green:g}·green + {w.access:g}·access + "
        f"{w.complement:g}·complement (weights rescaled over known terms); market = min(1, GDP share / "
        f"{tm.market_saturation:g}); compute_gap = 1 − min(1, H100e share / GDP share); green = 1 − min(1, gCO2/kWh / "
        f"{tm.carbon_ceiling_g_per_kwh:g}); access = 1 − max rho(A→C, B→C) for {tm.access_segment}; "
        "complement = mean over "
        f"{'+'.join(tm.supply_layers)} segments of max(c_A, c_B)·(1 − c_C)"
    )


def _region_members(atlas: Atlas, region: str, rules: Rules) -> set[str]:
    from computestrata.errors import unknown

    rows = atlas.rows("SELECT iso3, region, subregion, wb_region FROM countries")
    presets = {k.lower(): v for k, v in rules.third_markets.regions.items()}
    want = [region]
    if region.lower() in presets:
        want = presets[region.lower()]
    names = {w.lower() for w in want}
    hit = {
        r["iso3"] for r in rows if any(str(r[c] or "").lower() in names for c in ("region", "subregion", "wb_region"))
    }
    if not hit:
        choices = set(rules.third_markets.regions) | {
            str(r[c]) for r in rows for c in ("region", "subregion", "wb_region") if r[c]
        }
        raise unknown("--region", region, choices)
    return hit


def third_markets(
    atlas: Atlas,
    a: str,
    b: str,
    on: date | str,
    *,
    region: str | None = None,
    top: int | None = None,
    rules: Rules | None = None,
    regime: Regime | None = None,
) -> ThirdResult:
    """Third countries ranked for the pair (best first), with each term and the rule shown."""
    from computestrata.cooperation import config, evidence
    from computestrata.cooperation.api import check_date, check_pair
    from computestrata.cooperation.complementarity import capability
    from computestrata.cooperation.controls_view import current_regime, destination_group, segment_controls
    from computestrata.cooperation.matrix import default_countries
    from computestrata.stack.segments import segments

    rules = rules or config.load()
    reg = current_regime(regime)
    ca, cb = check_pair(atlas, a, b)
    day = check_date(on, regime=regime)
    if top is not None and top < 1:
        raise InputError.keyed("input.top_min", "input.top_min.hint", top=top)
    tm = rules.third_markets
    # only what the ranking reads (supply-layer capabilities, GDP and H100e shares): the whole
    # evidence would also read tables (models, cloud, trade) whose sources the result never cites
    supply_ids = [s.id for s in segments() if s.layer in tm.supply_layers]
    caps = evidence.capabilities(atlas, day, rules, supply_ids)
    demand, demand_meta = evidence.demand_of(atlas, day)
    cands = [c for c in default_countries(atlas, reg) if c not in (ca, cb)]
    if region:
        members = _region_members(atlas, region, rules)
        cands = [c for c in cands if c in members]
    grid = (
        {
            r["country_iso3"]: r
            for r in atlas.rows(
                "SELECT country_iso3, year, carbon_intensity_gco2_kwh AS ci, source_id FROM energy_mix e "
                "WHERE year = (SELECT max(year) FROM energy_mix x "
                "WHERE x.country_iso3 = e.country_iso3 AND x.year <= ?)",
                [day.year],
            )
        }
        if atlas.has("energy_mix")
        else {}
    )
    income = {r["iso3"]: r for r in atlas.rows("SELECT iso3, name_en, income_group, subregion FROM countries")}
    supply = [s for s in segments() if s.layer in tm.supply_layers and caps[s.id].shares is not None]
    gdp = demand.get("gdp", {})
    h100 = demand.get("h100e", {})
    w = tm.weights.model_dump()
    rows = []
    for c in cands:
        terms: dict[str, float | None] = dict.fromkeys(TERMS)
        g = gdp.get(c)
        if g is not None:
            terms["market"] = min(1.0, g / tm.market_saturation)
            terms["compute_gap"] = 1.0 - min(1.0, h100.get(c, 0.0) / g) if g > 0 else None
        gr = grid.get(c)
        if gr is not None and gr["ci"] is not None:
            terms["green"] = 1.0 - min(1.0, float(gr["ci"]) / tm.carbon_ceiling_g_per_kwh)
        st = [segment_controls(tm.access_segment, x, c, day, regime=regime, rules=rules).status for x in (ca, cb)]
        rho = max(rules.restriction_levels.get(s, rules.restriction_levels["indeterminate"]) for s in st)
        terms["access"] = 1.0 - rho
        vals = []
        offers: dict[str, list[tuple[float, str]]] = {ca: [], cb: []}
        for s in supply:
            cap = caps[s.id]
            cA = capability(cap.share_of(ca), rules.capability_saturation)
            cB = capability(cap.share_of(cb), rules.capability_saturation)
            cC = capability(cap.share_of(c), rules.capability_saturation)
            if cA is None or cB is None or cC is None:
                continue
            vals.append(max(cA, cB) * (1.0 - cC))
            for x, cx in ((ca, cA), (cb, cB)):
                if cx * (1.0 - cC) >= 0.5:
                    offers[x].append((cx * (1.0 - cC), s.id))
        terms["complement"] = sum(vals) / len(vals) if vals else None
        known = {k: v for k, v in terms.items() if v is not None}
        wsum = sum(w[k] for k in known)
        # a market without a market-size figure is not ranked (listed last, its gap named)
        score = sum(w[k] * v for k, v in known.items()) / wsum if wsum and terms["market"] is not None else None
        info = income.get(c, {})
        rows.append(
            {
                "country": c,
                "name": info.get("name_en"),
                "subregion": info.get("subregion"),
                "income_group": info.get("income_group"),
                "score": None if score is None else round(score, 4),
                **{k: None if v is None else round(v, 4) for k, v in terms.items()},
                "gdp_share": g,
                "h100e_share": h100.get(c, 0.0) if g is not None else None,
                "grid_gco2_kwh": None if gr is None else gr["ci"],
                "controls": controls_text([(f"{ca}→{c}", st[0]), (f"{cb}→{c}", st[1])]),
                "destination_group": ", ".join(destination_group(reg, c, day)[1:]) or "—",
                "offers_a": f"{ca}: " + (", ".join(sid for _, sid in sorted(offers[ca], reverse=True)[:3]) or "—"),
                "offers_b": f"{cb}: " + (", ".join(sid for _, sid in sorted(offers[cb], reverse=True)[:3]) or "—"),
                "gaps": [k for k, v in terms.items() if v is None],
            }
        )
    rows.sort(key=lambda r: (r["score"] is None, -cast(float, r["score"] or 0.0), str(r["country"])))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    if top:
        rows = rows[:top]
    sources = set()
    for ind in ("gdp", "h100e"):
        sources.update(demand_meta.get(ind, {}).get("source_ids", []))
    sources.update(r["source_id"] for r in grid.values() if r.get("source_id"))
    for s in supply:
        sources.update(caps[s.id].source_ids)
    notes = [
        "ranking rule: " + rule_text(rules),
        "a country without a GDP figure (market) is listed unranked, after the ranked ones",
        "H100e from Epoch AI GPU clusters (clusters not in the data count as none; Chinese clusters are under-covered)",
        "controls: the destination treatment of the access segment on the date (AI Diffusion tiers only where the "
        "rule bound on the date; it was rescinded before its compliance date)",
    ]
    return ThirdResult(ca, cb, day, region, rows, rule_text(rules), sources, notes)
