"""Verdicts for equipment, EDA software and materials: item rules, end uses, end users, FDP reach.

Chips are classified by their parameters (``classify.py``); equipment, EDA and materials are
classified by the ECCN paragraph (or national item id: ``NL.metrology``, ``JP.anneal``,
``CN.gallium``) the user names, because the CCL paragraph already *is* the classification.
The verdict has the chip verdict's shape (:class:`~computestrata.controls.classify.Verdict`)
and folds four layers, each with reasons that cite the rule:

1. **Jurisdiction** (U.S. rules only): a U.S.-made item is subject to the EAR; a foreign-made
   one only when a foreign-direct-product (FDP) or no-de-minimis rule reaches it
   (``--made-in``, ``--us-tech``), minus the carve-out for countries with equivalent controls.
   Unknown U.S. technology content leaves the jurisdiction — and so the answer — open.
2. **Item rules** per authority (USA; plus the exporter's own: NLD, JPN, CHN): paragraph,
   licence scope by destination, review policy, licence exceptions.
3. **End uses** (§744.23 advanced-node fabs, SME production, supercomputers; §744.6 U.S.-person
   support, which binds U.S. persons even for items not subject to the EAR).
4. **End users**: Entity List screening (licence requirement and review policy of the entry;
   footnote 1/4/5 FDP reach), and MOFCOM's lists when China is the exporter.

Layers only ever *add* requirements, so an Entity List party or an end use can never make a
verdict looser; the overall status is the most restrictive one found.  A rule tagged [L] in the
reference is listed in ``low_confidence`` of every verdict it contributes to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from computestrata.controls.classify import _POLICY_STATUS, Reason, Verdict, severity
from computestrata.controls.regime import (
    AUTHORITIES,
    EARLIEST_BEYOND,
    Basis,
    Component,
    Regime,
    RegimeState,
    Selector,
    check_date,
    load_full,
)
from computestrata.controls.vocab import Status
from computestrata.errors import InputError, unknown
from computestrata.i18n import t

#: Item classes this module classifies (chips and HBM go through ``classify.py``).
ITEM_CLASSES = ("equipment", "eda", "material")
END_USE_KINDS = ("logic", "dram", "nand", "supercomputer", "sme")
_END_USE_RE = re.compile(r"^(logic|dram|nand):(\d+(?:\.\d+)?)(nm|l)?$")
_ECCN_RE = re.compile(r"^(\d[A-Ea-e]\d{3})((?:\.[A-Za-z0-9]+)*)$")


@dataclass(frozen=True)
class EndUse:
    """An end use the user declares: ``logic:14nm``, ``dram:18nm``, ``nand:128l``, ``supercomputer``, ``sme``."""

    kind: str
    value: float | None = None

    def label(self) -> str:
        if self.value is None:
            return self.kind
        unit = "l" if self.kind == "nand" else "nm"
        return f"{self.kind}:{self.value:g}{unit}"


def parse_end_use(text: str | None) -> EndUse | None:
    """``--end-use`` text → :class:`EndUse`, or an :class:`InputError` with the accepted forms."""
    if text is None or str(text).strip() == "":
        return None
    s = str(text).strip().lower().replace(" ", "")
    if s in ("supercomputer", "sme"):
        return EndUse(s)
    m = _END_USE_RE.match(s)
    if not m:
        raise InputError.keyed("input.end_use_unreadable", "input.end_use_unreadable.hint", text=repr(text))
    kind, value, unit = m.group(1), float(m.group(2)), m.group(3)
    if kind == "nand" and unit == "nm":
        raise InputError(f"--end-use: NAND is measured in layers, got {text!r}", hint="e.g. nand:128l")
    if kind in ("logic", "dram") and unit == "l":
        raise InputError(f"--end-use: {kind} is measured in nm, got {text!r}", hint=f"e.g. {kind}:14nm")
    if value <= 0:
        raise InputError(f"--end-use: {text!r} must be positive", hint="e.g. logic:14nm")
    return EndUse(kind, value)


def normalise_id(text: str) -> str:
    """``3b001.F.1`` → ``3B001.f.1``; ``cn.gallium`` → ``CN.gallium`` (national ids keep their words)."""
    s = (text or "").strip()
    m = _ECCN_RE.match(s)
    if m:
        return m.group(1).upper() + m.group(2).lower()
    head, dot, rest = s.partition(".")
    if head.upper() in ("CN", "NL", "JP") and dot:
        return f"{head.upper()}.{rest.lower()}"
    return s


def known_ids(regime: Regime, kinds: tuple[str, ...] = ITEM_CLASSES) -> list[str]:
    """Every paragraph id of these item kinds any instrument ever defines (for messages)."""
    return sorted(
        {
            c.id
            for i in regime.instruments
            for c in i.components
            if c.kind == "paragraph" and c.item in kinds and c.action == "add"
        }
    )


def newest_change(regime: Regime) -> tuple[date, str]:
    """The last date anything in the rules starts, ends or resumes, and the instrument doing it
    (cached per regime: :attr:`Regime.newest_change`)."""
    return regime.newest_change


def after_newest_note(day: date, regime: Regime) -> str | None:
    """A note for a date after the newest modelled change: later changes are not modelled."""
    newest, inst = newest_change(regime)
    if day <= newest:
        return None
    return t("controls.beyond.note.after_newest", date=day.isoformat(), newest=newest.isoformat(), inst=inst)


def check_paragraph(ident: str, ids: list[str], ccl: frozenset[str] | None) -> None:
    """With the CCL of the atlas (``ccl_paragraphs``): a sub-paragraph the CCL does not have is an
    error naming the closest real ones (``3B001.f.9`` → ``3B001.f.1``, ``3B001.f.5`` …)."""
    if ccl is None or ident in ids or not _ECCN_RE.match(ident) or "." not in ident:
        return
    if ident in ccl:
        return
    eccn = ident.split(".", 1)[0]
    same = sorted(p for p in ccl if p.startswith(eccn + "."))
    if not same:
        return  # the CCL snapshot has no paragraph text for this category: nothing to check against
    err = unknown(f"paragraph of {eccn} (CCL, eCFR 2026-07-23)", ident, same)
    raise InputError(err.message, hint=err.hint)


def check_item_class(regime: Regime, item_class: str, ident: str, kinds: tuple[str, ...] = ITEM_CLASSES) -> None:
    """``--item eda --eccn 3B001.f.1.a`` is an error: the paragraph (or its closest modelled
    parent) is equipment, and a verdict labelled EDA would mislead."""
    classes = {
        c.item
        for i in regime.instruments
        for c in i.components
        if c.kind == "paragraph" and c.action == "add" and c.item in kinds and c.item
        if ident == c.id or ident.startswith(c.id + ".") or c.id.startswith(ident + ".")
    }
    best = {
        c.item
        for i in regime.instruments
        for c in i.components
        if c.kind == "paragraph" and c.action == "add" and c.item in kinds and c.id == ident
    }
    found = best or classes
    if found and item_class not in found:
        right = " or ".join(sorted(x for x in found if x))
        raise InputError(
            f"--item {item_class}: {ident} is modelled as {right}, not {item_class}",
            hint=f"use --item {sorted(found)[0]} --eccn {ident}",
        )


def check_exporter(code: str | None) -> str | None:
    """``None`` or one of the modelled authorities (USA, NLD, JPN, CHN)."""
    if code is None:
        return None
    c = code.strip().upper()
    if c not in AUTHORITIES:
        raise InputError.keyed(
            "input.exporter_unknown", "input.exporter_unknown.hint", code=repr(code), known=", ".join(AUTHORITIES)
        )
    return c


# ---- small helpers ---------------------------------------------------------------------------


def _covers(paragraphs: tuple[str, ...] | list[str], *ids: str) -> bool:
    return any(any(x == p or x.startswith(p + ".") for p in paragraphs) for x in ids if x)


def _selector(raw: Any) -> Selector | None:
    """A selector inside a component's kind-specific fields (FDP triggers, carve-outs); built on
    every verdict, so from the mapping directly (a schema check here would cost ~1 s a timeline)."""
    if not raw:
        return None
    return Selector(
        all=bool(raw.get("all", False)),
        groups=tuple(raw.get("groups", []) or []),
        countries=tuple(raw.get("countries", []) or []),
        except_groups=tuple(raw.get("except_groups", []) or []),
        except_countries=tuple(raw.get("except_countries", []) or []),
    )


def _reason(
    comp: Component,
    quantity: str,
    value: Any,
    comparator: str,
    threshold: Any,
    passed: bool | None,
    paragraph: str | None = None,
    note: str | None = None,
) -> Reason:
    rule = comp.id if comp.authority == "USA" else f"{comp.authority}:{comp.id}"
    return Reason(
        rule=rule,
        instrument=comp.instrument,
        citation=comp.citation,
        paragraph=paragraph,
        quantity=quantity,
        value=value,
        comparator=comparator,
        threshold=threshold,
        passed=passed,
        confidence=comp.confidence,
        note=note or (comp.text or None),
    )


@dataclass
class _Layer:
    """What one layer (an authority's item rules, an end use, an end user) requires."""

    name: str
    required: bool | None
    policy: str | None = None
    exceptions: tuple[str, ...] = ()
    contributing: tuple[Component, ...] = ()
    eccn: str | None = None
    paragraph: str | None = None
    prohibited: bool = False

    @property
    def status(self) -> Status:
        if self.required is None:
            return Status.INDETERMINATE
        if not self.required:
            return Status.FREE
        if self.exceptions:
            return Status.EXCEPTION
        return _POLICY_STATUS.get(self.policy or "", Status.LICENSE)


# ---- layer 2: item rules of one authority ---------------------------------------------------------


def _match(
    state: RegimeState, authority: str, ident: str, kinds: tuple[str, ...] = ITEM_CLASSES
) -> tuple[Component | None, list[str]]:
    paras = [
        c
        for c in state.of_kind("paragraph")
        if c.authority == authority and c.item in kinds and (ident == c.id or ident.startswith(c.id + "."))
    ]
    children = sorted(
        c.id
        for c in state.of_kind("paragraph")
        if c.authority == authority and c.item in kinds and c.id.startswith(ident + ".")
    )
    if not paras:
        return None, children
    return max(paras, key=lambda c: (len(c.id), -c.priority)), children


def _item_layer(
    regime: Regime,
    state: RegimeState,
    authority: str,
    ident: str,
    dest: str,
    hq: str | None,
    on: date,
    reasons: list[Reason],
    missing: set[str],
    notes: list[str],
    kinds: tuple[str, ...] = ITEM_CLASSES,
) -> _Layer:
    from computestrata.controls.classify import _applies_to, _place

    name = f"items:{authority}"
    para, children = _match(state, authority, ident, kinds)
    if para is None:
        if children:
            missing.add("--eccn paragraph")
            notes.append(
                t("controls.beyond.note.parent", authority=authority, eccn=ident, children=", ".join(children))
            )
            return _Layer(name, None)
        return _Layer(name, False)
    reasons.append(_reason(para, "eccn", ident, "in", para.id, True, para.id))
    if authority == "USA" and dest == "USA":
        return _Layer(name, False, eccn=para.eccn, paragraph=para.id)
    contributing: list[Component] = [para]
    required = False
    for scope in state.of_kind("license_scope"):
        if scope.authority != authority or not _covers(scope.paragraphs, ident, para.id):
            continue
        if scope.destinations is not None and _place(
            regime, scope, scope.destinations, dest, on, "destination", reasons, para.id
        ):
            required = True
            contributing.append(scope)
    if not required:
        return _Layer(name, False, contributing=tuple(contributing), eccn=para.eccn, paragraph=para.id)
    policy = None
    for pol in sorted(
        (
            p
            for p in state.of_kind("review_policy")
            if p.authority == authority and _covers(p.paragraphs, ident, para.id)
        ),
        key=lambda p: -p.priority,
    ):
        if _applies_to(regime, pol, dest, hq, on):
            if pol.conditions:  # e.g. the 2026 TPP/DRAM-bandwidth test: depends on the item's figures
                reasons.append(
                    _reason(pol, "review_policy", pol.policy, "applies", f"priority {pol.priority}", None, para.id)
                )
                missing.add("item parameters (review policy)")
                policy = None
                break
            policy = pol.policy
            contributing.append(pol)
            reasons.append(
                _reason(pol, "review_policy", pol.policy, "applies", f"priority {pol.priority}", True, para.id)
            )
            break
    exceptions: list[str] = []
    for le in state.of_kind("license_exception"):
        if le.authority != authority or not _covers(le.paragraphs, ident, para.id):
            continue
        if (le.destinations is not None or le.hq is not None) and not _applies_to(regime, le, dest, hq, on):
            continue
        if le.conditions:  # available only for items meeting its tests (e.g. NAC: datacenter or not)
            reasons.append(_reason(le, "license_exception", le.code, "applies", dest, None, para.id))
            continue
        if le.code and le.code not in exceptions:
            exceptions.append(le.code)
            contributing.append(le)
            reasons.append(_reason(le, "license_exception", le.code, "applies", dest, True, para.id))
    return _Layer(name, True, policy, tuple(exceptions), tuple(contributing), para.eccn, para.id)


# ---- layer 1: jurisdiction (FDP and no-de-minimis rules) -----------------------------------------------


def _advanced(state: RegimeState, eu: EndUse) -> bool:
    """Whether a declared end use meets the 'advanced-node IC' thresholds of the rules in force."""
    for c in state.of_kind("end_use"):
        if c.authority == "USA" and any(_spec_holds(s, eu) for s in c.extra.get("end_uses", []) if s.get("op")):
            return True
    return False


def _spec_holds(spec: dict[str, Any], eu: EndUse) -> bool:
    if spec.get("kind") != eu.kind:
        return False
    op = spec.get("op")
    if op is None:
        return True
    if eu.value is None:
        return False
    a, v = float(eu.value), float(spec["value"])
    return {">=": a >= v, ">": a > v, "<": a < v, "<=": a <= v}[op]


def _trigger_holds(
    regime: Regime,
    state: RegimeState,
    trig: dict[str, Any],
    dest: str,
    footnotes: frozenset[int],
    eu: EndUse | None,
    on: date,
) -> bool:
    sel = _selector(trig.get("destinations"))
    if sel is not None and not regime.selects(sel, dest, on):
        return False
    if trig.get("footnotes") and not set(footnotes) & set(trig["footnotes"]):
        return False
    if trig.get("end_uses"):
        if eu is None or eu.kind not in trig["end_uses"]:
            return False
        if eu.kind in ("logic", "dram", "nand") and not _advanced(state, eu):
            return False
    return True


def _jurisdiction(
    regime: Regime,
    state: RegimeState,
    ident: str,
    para_id: str | None,
    item_class: str,
    dest: str,
    made_in: str,
    us_tech: bool | None,
    footnotes: frozenset[int],
    eu: EndUse | None,
    on: date,
    reasons: list[Reason],
    missing: set[str],
) -> tuple[bool | None, list[Component]]:
    """Is the item subject to the EAR?  U.S.-made: yes.  Foreign-made: only through an FDP or
    no-de-minimis rule in force whose items, triggers and carve-outs fit."""
    if made_in == "USA":
        return True, []
    hits: list[Component] = []
    maybe = False
    for rule in state.of_kind("fdp"):
        if rule.authority != "USA":
            continue
        products = rule.extra.get("products")
        if products and item_class not in products:
            continue
        items = rule.extra.get("items", [])
        if "any" not in items and not _covers(items, ident, para_id or ""):
            continue
        triggers = list(rule.extra.get("triggers") or [])
        if not triggers and rule.destinations is not None:
            triggers = [{"destinations": None}]
        trig_ok = any(_trigger_holds(regime, state, tr, dest, footnotes, eu, on) for tr in triggers)
        if rule.destinations is not None and not regime.selects(rule.destinations, dest, on):
            trig_ok = False
        if not trig_ok:
            continue
        exempt = _selector(rule.extra.get("exempt_made_in"))
        if exempt is not None and regime.selects(exempt, made_in, on):
            reasons.append(
                _reason(
                    rule,
                    "made_in",
                    made_in,
                    "in",
                    exempt.describe(),
                    False,
                    para_id,
                    t("controls.beyond.note.carve_out"),
                )
            )
            continue
        if us_tech is None:
            maybe = True
            missing.add("--us-tech")
            reasons.append(_reason(rule, "us_tech", None, "==", True, None, para_id))
            continue
        reasons.append(_reason(rule, "us_tech", us_tech, "==", True, us_tech, para_id))
        if us_tech:
            hits.append(rule)
    if hits:
        return True, hits
    return (None if maybe else False), []


# ---- layer 3: end uses ---------------------------------------------------------------------------------


def _end_use_layers(
    regime: Regime,
    state: RegimeState,
    eu: EndUse,
    dest: str,
    exporter: str | None,
    subject: bool | None,
    on: date,
    reasons: list[Reason],
) -> list[_Layer]:
    out = []
    for c in state.of_kind("end_use"):
        if c.authority != "USA":
            continue
        specs = [s for s in c.extra.get("end_uses", []) if s.get("kind") == eu.kind]
        if not specs:
            continue
        where = c.destinations is None or regime.selects(c.destinations, dest, on)
        fits = any(_spec_holds(s, eu) for s in specs)
        thresholds = "; ".join(f"{s['kind']} {s['op']} {s['value']}" if s.get("op") else str(s["kind"]) for s in specs)
        reasons.append(
            _reason(c, "end_use", eu.label(), "meets", thresholds, fits and where, None, c.extra.get("reason"))
        )
        if not (fits and where):
            continue
        if c.extra.get("us_person"):
            # §744.6 binds U.S. persons whatever the item's jurisdiction
            applies: bool | None = exporter == "USA"
            if not applies:
                continue
        else:
            applies = subject
        out.append(_Layer(f"end_use:{c.extra.get('reason', c.id)}", applies, c.policy, (), (c,)))
    return out


# ---- layer 4: end users ------------------------------------------------------------------------------


def _policy_code(text: str | None) -> str | None:
    s = (text or "").lower()
    if "denial" in s:
        return "presumption_of_denial"
    if "case-by-case" in s or "case by case" in s:
        return "case_by_case"
    if "approval" in s:
        return "presumption_of_approval"
    return None


def _end_user_layers(
    match: dict[str, Any] | None,
    mofcom: list[dict[str, Any]],
    exporter: str | None,
    subject: bool | None,
    reasons: list[Reason],
    notes: list[str],
) -> list[_Layer]:
    out: list[_Layer] = []
    if match is not None:
        req_text = match.get("license_requirement") or ""
        pol = _policy_code(match.get("license_policy"))
        listed = _el_component(match)
        reasons.append(
            Reason(
                rule=f"entity_list:{match['name']}",
                instrument="entity_list",
                citation=match.get("federal_register_citation") or "15 CFR 744 Supp. 4",
                paragraph=None,
                quantity="end_user",
                value=match["name"],
                comparator="listed",
                threshold=f"{match.get('listed_on') or '?'} ({match.get('listed_on_confidence') or '?'})",
                passed=None if match.get("listed") is None else True,
                confidence="H",
                note=f"{req_text} — {match.get('license_policy') or ''}".strip(" —"),
            )
        )
        all_items = "all items subject to the ear" in req_text.lower()
        if not all_items:
            notes.append(t("controls.beyond.note.el_scope", text=req_text))
        required = subject if match.get("listed") is not None or subject is False else None
        out.append(_Layer("end_user:entity_list", required, pol, (), (listed,)))
    for m in mofcom:
        if exporter != "CHN":
            notes.append(t("controls.beyond.note.mofcom_other", name=m["name"], list=m["list"]))
            continue
        kind = str(m["list"])  # MOFCOM-WATCH | MOFCOM-UEL | MOFCOM-ATT
        policy = "case_by_case" if kind.endswith("ATT") else "presumption_of_denial"
        reasons.append(
            Reason(
                rule=f"mofcom:{kind}:{m['name']}",
                instrument=kind,
                citation=m.get("source_url") or "MOFCOM",
                paragraph=None,
                quantity="end_user",
                value=m["name"],
                comparator="listed",
                threshold=m.get("listed_on"),  # announcement date
                passed=True,
                confidence="M",
                note=m.get("reason"),
            )
        )
        out.append(_Layer(f"end_user:{kind}", True, policy, (), (), prohibited=kind.endswith("WATCH")))
    return out


def _el_component(match: dict[str, Any]) -> Component:
    return Component(
        id=f"entity_list:{match['name']}",
        kind="provision",
        instrument="entity_list",
        citation=match.get("federal_register_citation") or "15 CFR 744 Supp. 4",
        binds=match.get("listed_on") or EARLIEST_BEYOND,
        confidence="H",
        text=match.get("license_requirement") or "",
    )


def fdp_layers(hits: list[Component], layers: list[_Layer]) -> list[_Layer]:
    """Name the FDP/no-de-minimis rules that brought a foreign-made item under the EAR, in the
    licence basis, whenever a U.S. layer (item, end use, end user) requires a licence."""
    us = [x for x in layers if x.name == "items:USA" or not x.name.startswith(("items:", "end_user:MOFCOM"))]
    required: bool | None = (
        True if any(x.required for x in us) else (None if any(x.required is None for x in us) else False)
    )
    return [_Layer(f"fdp:{rule.extra.get('reason', rule.id)}", required, None, (), (rule,)) for rule in hits]


def end_user_hits(res: Any, notes: list[str]) -> tuple[dict[str, Any] | None, list[dict[str, Any]], frozenset[int]]:
    """The Entity List entry to apply (the best-scoring listed hit; among equal scores the one
    with the strictest review policy), MOFCOM hits, and the FDP footnotes of every best-scoring
    Entity List hit (an ambiguous name gets the reach of all of them — never looser)."""
    hits = [r for r in res.rows if r["listed"] and r["score"] >= res.threshold]
    el = [r for r in hits if r["list"] == "EL"]
    mofcom = [r for r in hits if r["list"].startswith("MOFCOM")]
    if not el:
        # an entry whose listing date range spans the date may or may not bind: never "not
        # listed" — it is returned with listed None (its layer stays open) and its footnotes
        el = [r for r in res.rows if r["list"] == "EL" and r["listed"] is None and r["score"] >= res.threshold]
        for r in el:
            notes.append(
                t(
                    "controls.beyond.note.listing_uncertain",
                    name=r["name"],
                    date=res.on.isoformat(),
                    first=r.get("listed_on"),
                    last=r.get("listed_on_latest"),
                )
            )
    if not el:
        return None, mofcom, frozenset()
    top = max(r["score"] for r in el)
    best = [r for r in el if r["score"] == top]
    rank = {None: 0, "presumption_of_approval": 1, "case_by_case": 2, "presumption_of_denial": 3}
    match = max(best, key=lambda r: (rank[_policy_code(r.get("license_policy"))], r.get("footnote") or 0))
    if len(best) > 1:
        notes.append(t("controls.beyond.note.ambiguous", n=len(best), names="; ".join(r["name"] for r in best[:5])))
    return match, mofcom, frozenset(r["footnote"] for r in best if r.get("footnote"))


def screen_end_user(
    screening: Any, end_user: str | None, day: date, notes: list[str], missing: set[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], frozenset[int], list[dict[str, Any]]]:
    """Screen ``end_user`` on ``day`` (``screening``: a :class:`~computestrata.controls.screening.Lists`):
    the Entity List entry to apply, MOFCOM hits, the FDP footnotes and the rows, adding notes (not
    listed, ambiguous, listing date uncertain) and a missing input when the listing date is open."""
    if not end_user:
        return None, [], frozenset(), []
    if screening is None:
        raise InputError("--end-user needs the screening lists", hint="build the atlas (strata atlas build) first")
    res = screening.screen(end_user, day, "all")
    match, mofcom, footnotes = end_user_hits(res, notes)
    if match is None and not mofcom:
        notes.append(t("controls.beyond.note.not_listed", name=end_user, date=day.isoformat()))
    elif match is not None and match.get("listed") is None:
        missing.add("--end-user listing date")
    return match, mofcom, footnotes, res.rows


def outer_layers(
    regime: Regime,
    state: RegimeState,
    item_layers: list[_Layer],
    eu: EndUse | None,
    dest: str,
    exporter: str | None,
    subject: bool | None,
    day: date,
    reasons: list[Reason],
    notes: list[str],
    match: dict[str, Any] | None,
    mofcom: list[dict[str, Any]],
    fdp_hits: list[Component],
) -> list[_Layer]:
    """The item layers with the end-use, end-user and FDP layers on top (chips and equipment
    alike): layers only add requirements, so the verdict can never get looser."""
    layers = list(item_layers)
    if eu is not None:
        layers += _end_use_layers(regime, state, eu, dest, exporter, subject, day, reasons)
    layers += _end_user_layers(match, mofcom, exporter, subject, reasons, notes)
    layers += fdp_layers(fdp_hits, layers)  # name the FDP rule that brings a foreign-made item in
    return layers


# ---- the verdict -----------------------------------------------------------------------------------------


def classify_item(
    item_class: str,
    eccn: str,
    dest: str,
    on: date | str,
    exporter: str | None = None,
    end_user: str | None = None,
    end_use: str | EndUse | None = None,
    made_in: str | None = None,
    us_tech: bool | None = None,
    hq: str | None = None,
    regime: Regime | None = None,
    basis: Basis = "compliance",
    screening: Any = None,
    kinds: tuple[str, ...] = ITEM_CLASSES,
    ccl: frozenset[str] | None = None,
) -> Verdict:
    """Is a licence needed for this equipment/EDA/material item, under whose rule, and why?

    ``exporter``: whose national rules also apply (USA, NLD, JPN, CHN; default: the U.S. view
    only).  ``made_in``: where the item was made (default: the exporter, else the United States).
    ``us_tech``: whether it was made with U.S. technology/software or plants (``None``: unknown).
    ``end_user``: a party name, screened against the lists (needs ``screening``, a
    :class:`~computestrata.controls.screening.Lists`).
    """
    regime = regime or load_full()
    if item_class not in kinds:
        raise unknown("--item", item_class, ("chip", "hbm", *ITEM_CLASSES))
    if basis not in ("compliance", "effective"):
        raise unknown("--basis", str(basis), ("compliance", "effective"))
    day = check_date(on, regime)
    dest_code = regime.check_country(dest, "destination")
    hq_code = regime.check_country(hq, "headquarters country") if hq else None
    exp = check_exporter(exporter)
    made = regime.check_country(made_in, "--made-in") if made_in else (exp if exp and exp != "USA" else "USA")
    eu = end_use if isinstance(end_use, EndUse) else parse_end_use(end_use)
    ident = normalise_id(eccn)
    if not ident:
        raise InputError("--eccn is required for equipment, EDA and materials", hint="e.g. --eccn 3B001.f.1.a")
    ids = known_ids(regime, kinds)
    if not any(ident == k or ident.startswith(k + ".") or k.startswith(ident + ".") for k in ids):
        from computestrata.errors import closest

        raise InputError.keyed(
            "input.eccn_unknown",
            "input.eccn_unknown.hint",
            item=item_class,
            word=repr(ident),
            near=", ".join(closest(ident, sorted(set(ids)), 5)),
        )
    check_paragraph(ident, ids, ccl)
    check_item_class(regime, item_class, ident, kinds)
    state = regime.at(day, basis)
    reasons: list[Reason] = []
    missing: set[str] = set()
    notes: list[str] = [n for n in [after_newest_note(day, regime)] if n]
    national = {"CN": "CHN", "NL": "NLD", "JP": "JPN"}.get(ident.split(".", 1)[0])
    if national and exp != national:
        notes.append(t("controls.beyond.note.national_item", eccn=ident, exporter=national))

    # end-user screening first: footnotes decide FDP reach
    match, mofcom, footnotes, screen_rows = screen_end_user(screening, end_user, day, notes, missing)

    # 1. jurisdiction, 2. item rules
    us_para, _ = _match(state, "USA", ident, kinds)
    subject, fdp_hits = _jurisdiction(
        regime,
        state,
        ident,
        us_para.id if us_para else None,
        item_class,
        dest_code,
        made,
        us_tech,
        footnotes,
        eu,
        day,
        reasons,
        missing,
    )
    layers: list[_Layer] = []
    us_items = _item_layer(regime, state, "USA", ident, dest_code, hq_code, day, reasons, missing, notes, kinds)
    if subject is not True and us_items.required:
        us_items.required = None if subject is None else False
        if subject is False:
            notes.append(t("controls.beyond.note.not_subject", made_in=made))
    layers.append(us_items)
    if exp and exp != "USA":
        layers.append(_item_layer(regime, state, exp, ident, dest_code, hq_code, day, reasons, missing, notes, kinds))
    layers = outer_layers(
        regime, state, layers, eu, dest_code, exp, subject, day, reasons, notes, match, mofcom, fdp_hits
    )

    return _verdict(
        regime,
        state,
        item_class,
        ident,
        dest_code,
        hq_code,
        day,
        basis,
        layers,
        reasons,
        missing,
        notes,
        extra=verdict_extra(exp, made, us_tech, subject, eu, end_user, screen_rows, layers),
    )


def verdict_extra(
    exporter: str | None,
    made_in: str,
    us_tech: bool | None,
    subject: bool | None,
    end_use: EndUse | None,
    end_user: str | None,
    screening: list[dict[str, Any]],
    layers: list[_Layer] | None = None,
) -> dict[str, Any]:
    """The fields a layered verdict adds to its record (``Verdict.extra``): whose rules, where made,
    whether the EAR reaches the item, the end use and party screened, and — for items classified
    by paragraph — each layer's requirement with its citations.  One builder for equipment and
    for chips with layers folded in (:func:`computestrata.controls.api.fold_layers`), so the two
    records keep the same keys."""
    extra: dict[str, Any] = {
        "exporter": exporter,
        "made_in": made_in,
        "us_tech": us_tech,
        "subject_to_ear": subject,
        "end_use": end_use.label() if end_use else None,
        "end_user": end_user,
        "screening": screening,
    }
    if layers is not None:
        extra["layers"] = [
            {
                "layer": x.name,
                "license_required": x.required,
                "status": x.status,
                "review_policy": x.policy,
                "citations": sorted({c.citation for c in x.contributing}),
            }
            for x in layers
        ]
    return extra


def low_groups(
    regime: Regime, comps: list[Component], reasons: list[Reason], dest: str | None = None, day: date | None = None
) -> set[str]:
    """[L] country groups a verdict relied on: groups through which a contributing component
    selected the destination (e.g. License Exception IEC to the 'equivalent controls'
    countries), and the made-in carve-outs that took an item out of the EAR."""
    ids: set[str] = set()
    for c in comps:
        for sel in (c.destinations, c.hq):
            if sel is None:
                continue
            for g in (*sel.groups, *sel.except_groups):
                unknown_place = dest is None or day is None or g not in regime.groups
                if unknown_place or (dest not in sel.countries and dest in regime.members(g, day)):  # type: ignore[arg-type]
                    ids.add(g)
    for r in reasons:
        if r.quantity == "made_in" and r.passed is False and isinstance(r.threshold, str):
            ids |= {g.strip() for g in r.threshold.replace("(not", ",").replace(")", "").split(",")}
    return {
        f"group {g} ({regime.groups[g].citation})"
        for g in ids
        if g in regime.groups and regime.groups[g].confidence == "L"
    }


def _verdict(
    regime: Regime,
    state: RegimeState,
    item_class: str,
    ident: str,
    dest: str,
    hq: str | None,
    day: date,
    basis: Basis,
    layers: list[_Layer],
    reasons: list[Reason],
    missing: set[str],
    notes: list[str],
    extra: dict[str, Any],
) -> Verdict:
    active = [x for x in layers if x.required is not False]
    if any(x.required for x in active):
        required: bool | None = True
    elif any(x.required is None for x in active):
        required = None
    else:
        required = False
    binding = [x for x in active if x.required]
    if required is True:
        worst = max(binding, key=lambda x: severity(x.status))
        status = worst.status
        policies = [x.policy for x in binding if x.policy]
        policy = max(policies, key=lambda p: severity(_POLICY_STATUS[p])) if policies else None
        # an exception only helps when every binding layer offers one
        exceptions = sorted({e for x in binding for e in x.exceptions}) if all(x.exceptions for x in binding) else []
        if not exceptions and status == Status.EXCEPTION:
            status = Status.LICENSE
    elif required is None:
        status, policy, exceptions = Status.INDETERMINATE, None, []
    else:
        status, policy, exceptions = Status.FREE, None, []
    item_layers = [x for x in layers if x.name.startswith("items:") and x.paragraph]
    eccn = next((x.eccn for x in item_layers if x.name == "items:USA"), None) or (
        item_layers[0].eccn if item_layers else None
    )
    paragraph = next((x.paragraph for x in item_layers if x.name == "items:USA"), None) or (
        item_layers[0].paragraph if item_layers else None
    )
    basis_ids = [
        (x.paragraph if x.name == "items:USA" else f"{x.name.split(':', 1)[1]}:{x.paragraph}")
        if x.name.startswith("items:")
        else x.name
        for x in binding
    ]
    contributing = [c for x in active for c in x.contributing]
    instruments = {c.instrument for c in contributing}
    low = sorted(
        {f"{c.id} ({c.citation})" for c in contributing if c.confidence == "L"}
        | {
            f"{c.id} ({c.citation})"
            for c in state.components
            if c.kind == "provision" and c.confidence == "L" and c.instrument in instruments
        }
    )
    low = sorted(set(low) | low_groups(regime, contributing, reasons, dest, day))
    for c in state.components:
        if c.id == "affiliates.50pct" and extra.get("end_user"):
            notes.append(c.text)
    if required and not extra.get("end_use"):
        notes.append(t("controls.beyond.note.end_use_hint"))
    if extra["exporter"] is None:
        notes.append(t("controls.beyond.note.us_view"))
    return Verdict(
        item=ident,
        item_kind=item_class,
        destination=dest,
        hq=hq,
        date=day,
        basis=basis,
        eccn=eccn,
        paragraph=paragraph,
        tpp=None,
        tpp_driver=None,
        performance_density=None,
        hbm_bandwidth_density=None,
        license_required=required,
        license_required_by_rules=required,
        license_basis=[b for b in basis_ids if b],
        review_policy=policy,
        license_exceptions=exceptions,
        measures=[],
        status=status,
        reasons=reasons,
        missing_inputs=sorted(missing) if required is None or missing else [],
        low_confidence=low,
        instruments_in_force=[f"{i.id} ({i.citation})" for i in state.instruments],
        notes=notes,
        notice=t("common.not_legal_advice"),
        extra=extra,
    )
