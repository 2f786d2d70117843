"""Python API of the cooperation space: the same functions the CLI, the report and the dashboard call.

For two countries A and B and a date, every stack segment gets three dimensions — the controls
in force between them in both directions and the segment's sensitivity (*controllability*),
what one can supply that the other wants or lacks (*complementarity*), and the layer's
*posture* under tiered promotion — combined by the rule in ``rules.yaml`` into a score in
[0, 1] and a class (restricted, limited, open), with the drivers behind it.  The method is
in ``docs/cooperation.md``; the paper's section IV is what it makes computable.

>>> from computestrata.atlas import store
>>> from computestrata.cooperation import api
>>> r = api.pair(store.open(), "KOR", "CHN", "2025-06-01")          # doctest: +SKIP
>>> {s.segment_id: s.klass for s in r.segments}["hbm"]               # doctest: +SKIP
'restricted'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.cooperation.combine import CLASSES, combine, controllability, posture_of
from computestrata.errors import InputError

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.controls.regime import Regime
    from computestrata.cooperation.config import Rules
    from computestrata.cooperation.controls_view import DirectionControls
    from computestrata.cooperation.evidence import Evidence

__all__ = [
    "PairResult",
    "SegmentResult",
    "check_date",
    "check_pair",
    "default_date",
    "load_rules",
    "matrix",
    "pair",
    "third_markets",
    "timeline",
]

PAPER = "An & Zhou (2026), section IV"
PRINCIPLE = {
    "controllability": f"{PAPER}.2, principle 1 (secure and controllable)",
    "complementarity": f"{PAPER}.2, principle 2 (comparative advantage and factor complementarity)",
    "posture": f"{PAPER}.2, principle 3 (tiered promotion)",
}
RULES_CITE = "cooperation/rules.yaml"
PAPER_SOURCE = "paper_an_zhou_2026"  # the paper's record in the atlas sources table


# ---------------------------------------------------------------- results


@dataclass
class SegmentResult:
    """One segment's cooperation class for a pair, with every input and reason."""

    segment_id: str
    layer: str
    name: str
    klass: str
    score: float
    controllability: dict[str, Any]
    complementarity: dict[str, Any]
    posture: dict[str, Any]
    drivers: list[dict[str, Any]]
    gaps: list[str]
    asymmetric: list[str]
    value_usd: float | None

    def record(self) -> dict[str, Any]:
        return {
            "segment_id": self.segment_id,
            "layer": self.layer,
            "name": self.name,
            "class": self.klass,
            "score": self.score,
            "controllability": self.controllability,
            "complementarity": self.complementarity,
            "posture": self.posture,
            "drivers": self.drivers,
            "gaps": self.gaps,
            "asymmetric": self.asymmetric,
            "value_usd": self.value_usd,
        }

    def row(self) -> dict[str, Any]:
        """The flat row for tables."""
        return {
            "segment": self.segment_id,
            "layer": self.layer,
            "class": self.klass,
            "score": self.score,
            "controllability": self.controllability["value"],
            "complementarity": self.complementarity["value"],
            "posture": self.posture["name"],
            "driver": self.headline(),
        }

    def headline(self) -> str:
        """A short label of what decided the class, for tables: the strictest control and its
        direction and rules (when one binds), then the complementarity and which way it runs
        (or the gap).  The full reasons are in :attr:`drivers`."""
        from computestrata.i18n import t

        ctl = self.controllability
        worst = ctl["a_to_b"] if ctl["rho_a_to_b"] >= ctl["rho_b_to_a"] else ctl["b_to_a"]
        parts = []
        if ctl["rho"] > 0:
            rules = list(dict.fromkeys(str(h["rule"]).split(" [")[0] for h in worst["rules"] if h["status"] != "free"))
            more = t("coop.head.more", n=len(rules) - 1) if len(rules) > 1 else ""
            parts.append(
                t(
                    "coop.head.controlled",
                    status=_status(worst["status"]),
                    x=worst["exporter"],
                    y=worst["destination"],
                    rules=(rules[0] if rules else "—") + more,
                )
            )
        else:
            parts.append(t("coop.head.free"))
        comp = self.complementarity
        if comp["value"] is None:
            parts.append(t("coop.head.gap"))
        else:
            ab, ba = comp["a_to_b"], comp["b_to_a"]
            lead = ab if _k_or(ab["k"]) >= _k_or(ba["k"]) else ba
            parts.append(t("coop.head.k", x=lead["from"], y=lead["to"], k=f"{comp['value']:.2f}"))
        return "; ".join(parts)


@dataclass
class PairResult:
    a: str
    b: str
    on: date
    segments: list[SegmentResult]
    summary: dict[str, Any]
    asymmetry: list[dict[str, Any]]
    mechanisms: list[dict[str, Any]]
    trade: dict[str, Any] | None
    paper_check: list[dict[str, Any]] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, SegmentResult]:
        return {s.segment_id: s for s in self.segments}

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "date": self.on.isoformat(),
            "segments": [s.record() for s in self.segments],
            "summary": self.summary,
            "asymmetry": self.asymmetry,
            "mechanisms": self.mechanisms,
            "trade": self.trade,
            "paper_check": self.paper_check,
        }


# ---------------------------------------------------------------- input checks


def load_rules(path: Path | None = None) -> Rules:
    """The combination rule (weights, thresholds, levels) from ``path``, else the shipped
    ``cooperation/rules.yaml``; a bad file is an :class:`InputError` naming the key and the fix."""
    from computestrata.cooperation import config

    return config.load(path)


def check_date(on: date | str, what: str = "--date", regime: Regime | None = None) -> date:
    """A date the rules can speak for (:func:`~.controls_view.date_range`: from the first modelled
    rule's start to the newest modelled change, or today), else an :class:`InputError` naming the range."""
    from computestrata.controls.regime import check_date as bounded
    from computestrata.cooperation.controls_view import date_range

    first, last = date_range(regime)
    return bounded(on, what=what, earliest=first, newest=last)


def default_date(regime: Regime | None = None) -> date:
    """Today: the rules last modelled apply up to today (the verdicts say when a date is after the
    newest modelled change)."""
    del regime  # kept in the signature: callers pass the regime they classify under
    return date.today()


def check_country(atlas: Atlas | None, word: str, what: str) -> str:
    """ISO3 for a user-typed country (code or name in en/ko/zh), with the closest on failure."""
    from computestrata.atlas.countries import country_arg
    from computestrata.errors import unknown

    if atlas is not None and atlas.has("countries") and atlas.has("country_aliases"):
        return country_arg(atlas, word, what=what)
    from computestrata.controls.regime import load

    code = word.strip().upper()
    if code in load().countries:
        return code
    raise unknown(what, word, load().countries)


def check_pair(atlas: Atlas | None, a: str, b: str) -> tuple[str, str]:
    ca, cb = check_country(atlas, a, "country A"), check_country(atlas, b, "country B")
    if ca == cb:
        raise InputError.keyed("errors.same_pair", "errors.same_pair.hint", code=ca)
    return ca, cb


# ---------------------------------------------------------------- one pair


def _level(status: str, rules: Rules) -> float:
    return rules.restriction_levels.get(status, rules.restriction_levels["indeterminate"])


def _status(code: str) -> str:
    """A controls status in the reader's language (see :func:`.display.status_label`)."""
    from computestrata.cooperation.display import status_label

    return status_label(code)


def _k_or(k: float | None) -> float:
    """A directional k for ranking the two directions: unknown ranks below any known value (0 included)."""
    return -1.0 if k is None else k


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _directional_parts(ev: Evidence, rules: Rules, seg_id: str, layer: str, x: str, y: str) -> dict[str, Any]:
    """k(x→y) and its pieces (capability term, trade term)."""
    from computestrata.cooperation.complementarity import capability, demand_index, directional

    cap = ev.capability[seg_id]
    c_x = capability(cap.share_of(x), rules.capability_saturation)
    c_y = capability(cap.share_of(y), rules.capability_saturation)
    inds = rules.demand_indicators[layer]
    d_y = demand_index(ev.demand_shares(y, inds), rules.demand_saturation)
    k_cap = directional(c_x, c_y, d_y, rules.demand_weight)
    out: dict[str, Any] = {
        "from": x,
        "to": y,
        "share_from": cap.share_of(x),
        "share_to": cap.share_of(y),
        "capability_from": c_x,
        "capability_to": c_y,
        "demand_to": d_y,
        "k_capability": k_cap,
        "k_trade": None,
    }
    tr = ev.trade
    group = tr.group_of(seg_id, rules) if tr is not None else None
    if tr is not None and group is not None:
        rca_x = tr.rca.get(group, {}).get(x) if x in tr.members else None
        rca_y = tr.rca.get(group, {}).get(y) if y in tr.members else None
        m_y = tr.import_share.get(group, {}).get(y, 0.0) if y in tr.members else None
        r_x = capability(rca_x, rules.rca_saturation) if rca_x is not None else None
        r_y = capability(rca_y, rules.rca_saturation) if rca_y is not None else None
        m_ys = capability(m_y, rules.demand_saturation) if m_y is not None else None
        out.update(
            {
                "trade_group": group,
                "trade_year": tr.year,
                "rca_from": rca_x,
                "rca_to": rca_y,
                "import_share_to": m_y,
                "flow_usd": tr.bilateral.get((x, y, group)) if x in tr.members and y in tr.members else None,
                "k_trade": directional(r_x, r_y, m_ys, rules.demand_weight),
            }
        )
    known = [v for v in (out["k_capability"], out["k_trade"]) if v is not None]
    out["k"] = round(sum(known) / len(known), 6) if known else None
    return out


def _segment(
    seg: Any,
    a: str,
    b: str,
    on: date,
    ev: Evidence,
    rules: Rules,
    controls: tuple[DirectionControls, DirectionControls],
    fence: list[str],
    lang: str,
) -> tuple[SegmentResult, set[str]]:
    from computestrata.cooperation.controls_view import unassessed_text
    from computestrata.i18n import t

    sources: set[str] = set()
    ab, ba = controls
    rho_ab, rho_ba = _level(ab.status, rules), _level(ba.status, rules)
    rho = max(rho_ab, rho_ba)
    tier = seg.sensitivity.tier
    kappa = controllability(rho, tier, rules)
    k_ab = _directional_parts(ev, rules, seg.id, seg.layer, a, b)
    k_ba = _directional_parts(ev, rules, seg.id, seg.layer, b, a)
    ks = [v for v in (k_ab["k"], k_ba["k"]) if v is not None]
    k = max(ks) if ks else None
    is_fenced = rules.posture.fence_at is None or bool(fence)
    post = posture_of(tier, seg.layer, rules, is_fenced)
    pi = rules.posture.values[post]
    sc = combine(kappa, k, pi, rho, rules)

    drivers: list[dict[str, Any]] = []
    gaps: list[str] = []
    asym: list[str] = []
    # controls, both directions
    worst = ab if rho_ab >= rho_ba else ba
    for d, r in ((ab, rho_ab), (ba, rho_ba)):
        if d.hits and d.status != "free":
            rules_txt = ", ".join(dict.fromkeys(f"{h.rule} ({h.citation})" for h in d.hits))
            drivers.append(
                {
                    "dimension": "controllability",
                    "text": t(
                        "coop.driver.controlled",
                        x=d.exporter,
                        y=d.dest,
                        status=_status(d.status),
                        rho=f"{r:g}",
                        rules=rules_txt,
                    ),
                    "cite": [h.citation for h in d.hits],
                }
            )
        elif d.eccns:
            drivers.append(
                {
                    "dimension": "controllability",
                    "text": t("coop.driver.in_force_free", x=d.exporter, y=d.dest, eccns=", ".join(d.eccns)),
                    "cite": sorted({h.citation for h in d.hits}),
                }
            )
    if ab.status != ba.status:
        asym.append(t("coop.asym.controls", a=a, b=b, ab=_status(ab.status), ba=_status(ba.status)))
    if not ab.eccns and not ba.eccns:
        drivers.append(
            {
                "dimension": "controllability",
                "text": t("coop.driver.none", a=a, b=b, date=on.isoformat())
                + (
                    t("coop.driver.not_assessed", items="; ".join(unassessed_text(u) for u in worst.unassessed))
                    if worst.unassessed
                    else ""
                ),
                "cite": [worst.engine],
            }
        )
    drivers.append(
        {
            "dimension": "controllability",
            "text": t(
                "coop.driver.sensitivity",
                tier=tier,
                sigma=f"{rules.sensitivity[tier]:g}",
                reason=seg.sensitivity.reason,
                formula=f"(1 − {rho:g}) × (1 − {rules.sensitivity_discount:g} × {rules.sensitivity[tier]:g})"
                f" = {kappa:.3f}",
            ),
            "cite": [seg.sensitivity.source, RULES_CITE],
        }
    )
    # complementarity
    cap = ev.capability[seg.id]
    sources.update(cap.source_ids)
    lead = k_ab if _k_or(k_ab["k"]) >= _k_or(k_ba["k"]) else k_ba  # a known 0 beats an unknown
    if k is None:
        gaps.append("complementarity")
        drivers.append(
            {
                "dimension": "complementarity",
                "text": t("coop.driver.gap"),
                "cite": ["stack/segments.yaml share_basis: " + str(seg.share_basis)],
            }
        )
    else:
        parts = []
        if lead["k_capability"] is not None:
            basis = f"{cap.basis} {cap.year}" + (f", proxy {cap.proxy}: {cap.proxy_reason}" if cap.proxy else "")
            parts.append(
                t(
                    "coop.driver.shares",
                    x=lead["from"],
                    y=lead["to"],
                    sx=_f(lead["share_from"]),
                    sy=_f(lead["share_to"]),
                    basis=basis,
                    cx=_f(lead["capability_from"], 2),
                    cy=_f(lead["capability_to"], 2),
                    dy=_f(lead["demand_to"], 2),
                    k=_f(lead["k_capability"]),
                )
            )
        if lead.get("k_trade") is not None:
            flow = lead.get("flow_usd")
            parts.append(
                t(
                    "coop.driver.trade",
                    year=lead["trade_year"],
                    group=lead["trade_group"],
                    x=lead["from"],
                    y=lead["to"],
                    rx=_f(lead["rca_from"], 2),
                    ry=_f(lead["rca_to"], 2),
                    m=_f(lead["import_share_to"], 3),
                    flow=t(
                        "coop.driver.flow",
                        x=lead["from"],
                        y=lead["to"],
                        bn=f"{flow / 1e9:.1f}",
                    )
                    if flow
                    else "",
                    k=_f(lead["k_trade"]),
                )
            )
        cites = list(cap.source_ids) + list(cap.citations)
        if lead.get("k_trade") is not None and ev.trade is not None:
            cites += ev.trade.source_ids
            sources.update(ev.trade.source_ids)
        drivers.append(
            {
                "dimension": "complementarity",
                "text": t("coop.driver.runs", x=lead["from"], y=lead["to"], k=_f(lead["k"])) + "; ".join(parts),
                "cite": cites
                + [
                    m
                    for ind in rules.demand_indicators[seg.layer]
                    for m in ev.demand_meta.get(ind, {}).get("source_ids", [])
                ],
            }
        )
        other = k_ba if lead is k_ab else k_ab
        if other["k"] is not None and lead["k"] is not None and lead["k"] - other["k"] >= 0.2:
            asym.append(
                t(
                    "coop.asym.complementarity",
                    x=lead["from"],
                    y=lead["to"],
                    k=f"{lead['k']:.2f}",
                    ko=f"{other['k']:.2f}",
                )
            )
        if lead["k_capability"] is None:
            gaps.append("capability shares")
        if other["k"] is None:
            # k is the larger direction: with one direction unknown, the known one is only a lower
            # bound, so the unknown direction is a gap to state, never a silent zero
            gaps.append(f"complementarity {other['from']}→{other['to']}")
            missing = [
                f"{what} {c}"
                for what, c, v in (
                    ("capability", other["from"], other["capability_from"]),
                    ("capability", other["to"], other["capability_to"]),
                    ("demand", other["to"], other["demand_to"]),
                )
                if v is None
            ]
            drivers.append(
                {
                    "dimension": "complementarity",
                    "text": t(
                        "coop.driver.one_way_gap",
                        x=other["from"],
                        y=other["to"],
                        missing=", ".join(missing) or "—",
                        lx=lead["from"],
                        ly=lead["to"],
                    ),
                    "cite": [RULES_CITE],
                }
            )
    for ind in rules.demand_indicators[seg.layer]:
        sources.update(ev.demand_meta.get(ind, {}).get("source_ids", []))
    # posture
    how = "tier" if is_fenced and tier in rules.posture.by_tier else "layer"
    fence_txt = ""
    if tier in rules.posture.by_tier and rules.posture.fence_at is not None:
        fence_txt = (
            t("coop.driver.fenced", a=a, b=b, segments=", ".join(fence))
            if fence
            else t("coop.driver.unfenced", a=a, b=b, level=f"{rules.posture.fence_at:g}")
        )
    drivers.append(
        {
            "dimension": "posture",
            "text": t(
                "coop.driver.posture",
                posture=t(f"coop.posture.{post}"),
                pi=f"{pi:g}",
                how=t(f"coop.word.{how}"),
                what=tier if how == "tier" else seg.layer,
            )
            + fence_txt,
            "cite": [PRINCIPLE["posture"], RULES_CITE],
        }
    )
    # the combination
    w = sc.weights_used
    formula = t(
        "coop.driver.rule",
        formula=f"{w['controllability']:.2f}×{kappa:.3f} + {w['complementarity']:.2f}×{_f(k)} + "
        f"{w['posture']:.2f}×{pi:g} = {sc.score:.3f}",
        klass=t(f"coop.class.{sc.by_threshold}"),
        open=f"{rules.thresholds.open:g}",
        limited=f"{rules.thresholds.limited:g}",
    )
    if sc.gate:
        formula += t(
            "coop.driver.gate",
            gate=sc.gate,
            rho=f"{rho:g}",
            level=f"{getattr(rules.gates, sc.gate):g}",
            klass=t(f"coop.class.{sc.klass}"),
        )
    drivers.insert(0, {"dimension": "rule", "text": formula, "cite": [RULES_CITE]})
    result = SegmentResult(
        segment_id=seg.id,
        layer=seg.layer,
        name=seg.label(lang),
        klass=sc.klass,
        score=sc.score,
        controllability={
            "value": kappa,
            "rho": rho,
            "rho_a_to_b": rho_ab,
            "rho_b_to_a": rho_ba,
            "sensitivity_tier": tier,
            "a_to_b": ab.record(),
            "b_to_a": ba.record(),
        },
        complementarity={"value": k, "a_to_b": k_ab, "b_to_a": k_ba, "proxy": cap.proxy, "data_year": cap.year},
        posture={"name": post, "value": pi, "by": how, "frontier_fenced": is_fenced},
        drivers=drivers,
        gaps=gaps,
        asymmetric=asym,
        value_usd=ev.value_usd.get(seg.id),
    )
    return result, sources


def summarise(segs: list[SegmentResult]) -> dict[str, Any]:
    """Share of segments and of stack value in each class, by layer and overall."""
    from computestrata.stack.segments import LAYERS

    def block(items: list[SegmentResult]) -> dict[str, Any]:
        n = len(items)
        valued = [s for s in items if s.value_usd]
        total = sum(s.value_usd or 0.0 for s in valued)
        return {
            "segments": n,
            "share_of_segments": {c: (sum(s.klass == c for s in items) / n if n else None) for c in CLASSES},
            "share_of_value": {
                c: (sum(s.value_usd or 0.0 for s in valued if s.klass == c) / total if total else None) for c in CLASSES
            },
            "value_known_segments": len(valued),
            "mean_score": round(sum(s.score for s in items) / n, 4) if n else None,
        }

    out = {layer: block([s for s in segs if s.layer == layer]) for layer in LAYERS}
    out["all"] = block(segs)
    return out


def pair(
    atlas: Atlas,
    a: str,
    b: str,
    on: date | str,
    *,
    rules: Rules | None = None,
    regime: Regime | None = None,
    lang: str | None = None,
) -> PairResult:
    """The cooperation space between ``a`` and ``b`` on ``on`` across every stack segment."""
    from computestrata.cooperation import config, evidence
    from computestrata.cooperation.controls_view import current_regime
    from computestrata.cooperation.mechanisms import openings
    from computestrata.cooperation.paper import compare, disagreement_note
    from computestrata.i18n import get_lang
    from computestrata.stack.segments import segments

    rules = rules or config.load()
    ca, cb = check_pair(atlas, a, b)
    reg = current_regime(regime)
    for c in (ca, cb):
        reg.check_country(c)
    day = check_date(on, regime=regime)
    ev = evidence.gather(atlas, day, rules)
    lang = lang or get_lang()
    segs: list[SegmentResult] = []
    sources: set[str] = set(ev.value_sources) | {PAPER_SOURCE}
    from computestrata.cooperation.controls_view import segment_controls

    ctl = {
        s.id: (
            segment_controls(s.id, ca, cb, day, regime=regime, rules=rules),
            segment_controls(s.id, cb, ca, day, regime=regime, rules=rules),
        )
        for s in segments()
    }
    at = rules.posture.fence_at
    fence = [
        s.id
        for s in segments()
        if s.sensitivity.tier == "frontier"
        and at is not None
        and max(_level(ctl[s.id][0].status, rules), _level(ctl[s.id][1].status, rules)) >= at
    ]
    for s in segments():
        r, src = _segment(s, ca, cb, day, ev, rules, ctl[s.id], fence, lang)
        segs.append(r)
        sources |= src
    asym = [{"segment_id": s.segment_id, "why": s.asymmetric} for s in segs if s.asymmetric]
    trade = _trade_summary(ev, ca, cb)
    if trade:
        sources.update(ev.trade.source_ids if ev.trade else [])
    notes = _notes(ev, segs, ca, cb, day, rules)
    from computestrata.stack.api import hidden_by_license, hidden_note

    notes += hidden_note(hidden_by_license(atlas, day.year))  # shares an --exclude-license hides: a gap, said
    res = PairResult(
        a=ca,
        b=cb,
        on=day,
        segments=segs,
        summary=summarise(segs),
        asymmetry=asym,
        mechanisms=[],
        trade=trade,
        source_ids=sources,
        extra_sources=_extra_sources(segs, regime),
        notes=notes,
    )
    _link_drivers(segs, sources | {r["source_id"] for r in res.extra_sources}, _cite_ids(regime))
    res.mechanisms = openings(res, atlas, ev)
    res.paper_check = compare(res)
    note = disagreement_note(res.paper_check)
    if note:
        res.notes.insert(0, note)
    for m in res.mechanisms:
        sources.update(m.get("source_ids", []))
    return res


def _trade_summary(ev: Evidence, a: str, b: str) -> dict[str, Any] | None:
    import pandas as pd

    from computestrata.cooperation.complementarity import michaely

    tr = ev.trade
    if tr is None:
        return None
    out: dict[str, Any] = {"year": tr.year, "network": "UN Comtrade semiconductor network (29 economies)"}
    for x, y in ((a, b), (b, a)):
        key = f"michaely_{x}_to_{y}"
        if x in tr.members and y in tr.members:
            out[key] = michaely(
                pd.Series(tr.exports_hs6.get(x, {}), dtype=float), pd.Series(tr.imports_hs6.get(y, {}), dtype=float)
            )
        else:
            out[key] = None
            for c in (x, y):
                gap = f"{c} is not in the trade network"
                if c not in tr.members and gap not in out.setdefault("gaps", []):
                    out["gaps"].append(gap)
    if tr.note:
        out["note"] = tr.note
    return out


def _controls_scope_note(rules: Rules) -> str:
    from computestrata.cooperation.controls_view import engine_api
    from computestrata.i18n import t

    if engine_api() is None:
        return t("coop.note.controls_chips")
    return t("coop.note.controls_full", us_tech=str(rules.fdp_us_tech).lower())


def _notes(ev: Evidence, segs: list[SegmentResult], a: str, b: str, day: date, rules: Rules) -> list[str]:
    from computestrata.i18n import t

    notes = list(ev.notes)
    gaps = [s.segment_id for s in segs if "complementarity" in s.gaps]
    if gaps:
        notes.append(t("coop.note.gaps", n=len(gaps), segments=", ".join(gaps)))
    one_way = [s.segment_id for s in segs if any(g.startswith("complementarity ") for g in s.gaps)]
    if one_way:
        notes.append(t("coop.note.one_way", n=len(one_way), segments=", ".join(one_way)))
    prox = sorted({s.complementarity["proxy"] for s in segs if s.complementarity["proxy"]})
    if prox:
        notes.append(t("coop.note.proxy", segments=", ".join(prox)))
    if ev.trade is not None and (a not in ev.trade.members or b not in ev.trade.members):
        missing = [c for c in (a, b) if c not in ev.trade.members]
        notes.append(t("coop.note.not_in_network", countries=", ".join(missing)))
    notes.append(_controls_scope_note(rules))
    notes.append(t("coop.note.legal"))
    return notes


def _cite_ids(regime: Regime | None = None) -> dict[str, str]:
    """Rule citation (e.g. ``89 FR 96790``) → the source id of its record in the envelope."""
    from computestrata.controls import sources as control_sources
    from computestrata.cooperation.controls_view import current_regime

    out: dict[str, str] = {}
    for inst in current_regime(regime).instruments:
        out.setdefault(inst.citation, str(control_sources.instrument(inst)["source_id"]))
    return out


def _link_drivers(segs: list[SegmentResult], known: set[str], by_cite: dict[str, str]) -> None:
    """Give every driver ``source_ids``: the records in the envelope's ``sources`` behind its
    citations (atlas sources, rule texts, the combination rule, the paper), so a reader can go
    from a reason to its source without parsing citation text."""
    for s in segs:
        for d in s.drivers:
            ids: list[str] = []
            for c in d["cite"]:
                text = str(c)
                if text in known:
                    ids.append(text)
                elif text == RULES_CITE or text.startswith("cooperation/rules.yaml"):
                    ids.append("cooperation_rules")
                elif text.startswith(("paper", PAPER)):
                    ids.append(PAPER_SOURCE)
                else:
                    ids += [by_cite[part] for part in text.split("; ") if part in by_cite]
            d["source_ids"] = [i for i in dict.fromkeys(ids) if i in known]


def _extra_sources(segs: list[SegmentResult], regime: Regime | None = None) -> list[dict[str, Any]]:
    """Rule texts and the combination rule as source records (citations outside the atlas): each
    cited instrument through the controls engine's own source record (publisher and licence of
    its authority: BIS, the Netherlands, METI, MOFCOM)."""
    from computestrata.controls import sources as control_sources
    from computestrata.cooperation.controls_view import current_regime

    by_cite: dict[str, Any] = {}
    for inst in current_regime(regime).instruments:
        by_cite.setdefault(inst.citation, inst)
    out: dict[str, dict[str, Any]] = {}
    for s in segs:
        for key in ("a_to_b", "b_to_a"):
            for h in s.controllability[key]["rules"]:
                for c in str(h["citation"] or "").split("; "):
                    found = by_cite.get(c)
                    if found is not None:
                        rec = control_sources.instrument(found)
                        out.setdefault(rec["source_id"], rec)
    records = list(out.values())
    records.append(
        {
            "source_id": "cooperation_rules",
            "publisher": "computestrata",
            "title": "Cooperation combination rule (rules.yaml)",
            "citation": f"computestrata cooperation/rules.yaml, after {PAPER}",
            "license": "Apache-2.0",
        }
    )
    return records


# ---------------------------------------------------------------- over time


def timeline(
    atlas: Atlas,
    a: str,
    b: str,
    start: int,
    end: int,
    *,
    rules: Rules | None = None,
    regime: Regime | None = None,
    changes_only: bool = True,
) -> tuple[list[dict[str, Any]], list[date], set[str]]:
    """Each segment's class on 1 January of every year and on every rule change date in
    ``[start, end]``; rows only where the class or the controls status in either direction
    changes (unless ``changes_only`` is false), so a rule that tightens or relaxes a segment
    already restricted still shows."""
    from computestrata.cooperation.controls_view import current_regime, date_range
    from computestrata.cooperation.third import controls_text

    if start > end:
        raise InputError.keyed("coop.error.from_after_to", "coop.error.from_after_to.hint", start=start, end=end)
    lo, hi = date_range(regime)
    if start < lo.year:  # as `coop pair --date` refuses a date before the first modelled rule
        raise InputError.keyed("coop.error.from_too_early", "coop.error.from_too_early.hint", start=start, lo=lo.year)
    if start > hi.year or end < lo.year:
        raise InputError.keyed(
            "coop.error.years_outside", "coop.error.years_outside.hint", start=start, end=end, lo=lo.year, hi=hi.year
        )
    first = max(date(start, 1, 1), lo)
    last = min(date(end, 12, 31), hi)
    days = {date(y, 1, 1) for y in range(first.year, last.year + 1) if first <= date(y, 1, 1) <= last} | {first}
    days |= {d for d in current_regime(regime).change_dates() if first <= d <= last}
    dates = sorted(days)
    rows: list[dict[str, Any]] = []
    prev: dict[str, tuple[str, str, str]] = {}
    sources: set[str] = set()
    for d in dates:
        r = pair(atlas, a, b, d, rules=rules, regime=regime)
        sources |= r.source_ids
        for s in r.segments:
            ctl = s.controllability
            now = (s.klass, ctl["a_to_b"]["status"], ctl["b_to_a"]["status"])
            before = prev.get(s.segment_id)
            if not changes_only or before != now:
                why = s.drivers[0]["text"]
                rows.append(
                    {
                        "date": d.isoformat(),
                        "segment": s.segment_id,
                        "layer": s.layer,
                        "class": s.klass,
                        "previous": before[0] if before else None,
                        "controls_status": controls_text([(f"{r.a}→{r.b}", now[1]), (f"{r.b}→{r.a}", now[2])]),
                        "score": s.score,
                        "posture": s.posture["name"],
                        "driver": why,
                    }
                )
            prev[s.segment_id] = now
    return rows, dates, sources


# ---------------------------------------------------------------- third markets and all pairs


def third_markets(*args: Any, **kwargs: Any) -> Any:
    """Third countries where A and B complement each other (see :mod:`.third`)."""
    from computestrata.cooperation.third import third_markets as _tm

    return _tm(*args, **kwargs)


def country_list(text: str | None, what: str = "--countries") -> list[str] | None:
    """``KOR,CHN,USA`` as typed → its items (``None`` for no list); an empty item (``KOR,,CHN``,
    a trailing comma) is an :class:`InputError`, not silently dropped."""
    if text is None:
        return None
    items = [c.strip() for c in text.split(",")]
    if not any(items):
        raise InputError.keyed("coop.error.countries_empty", "coop.error.countries_empty.hint", what=what)
    if "" in items:
        fixed = ",".join(c for c in items if c)
        raise InputError.keyed(
            "coop.error.countries_blank", "coop.error.countries_blank.hint", what=what, text=text, fixed=fixed
        )
    return items


def matrix(*args: Any, **kwargs: Any) -> Any:
    """Every ordered pair of a country list on one date, vectorised (see :mod:`.matrix`)."""
    from computestrata.cooperation.matrix import matrix as _m

    return _m(*args, **kwargs)


def write_parquet(frame: Any, path: Path) -> None:
    """Write ``frame`` to ``path`` aside, then swap it in (never a half-written file)."""
    import os
    import tempfile

    path = Path(path)
    if path.exists() and path.is_dir():
        raise InputError.keyed("coop.error.parquet_dir", "coop.error.parquet_dir.hint", path=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        key = "coop.error.parquet_not_folder" if parent.exists() else "coop.error.parquet_no_folder"
        raise InputError.keyed(key, "coop.error.parquet_folder.hint", folder=str(parent))
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError.keyed(
            "coop.error.parquet_unwritable", "coop.error.parquet_unwritable.hint", folder=str(parent), why=exc.strerror
        ) from None
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        # mkstemp makes the file private (0600); the result gets the user's usual file mode
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
