"""Classify an item for a destination and date under a :class:`Regime`, with reasons.

Three-valued logic throughout: a rule test is True, False or unknown (``None``, when an input
is missing).  From the paragraph results we enumerate every outcome still possible (the
first paragraph that holds, or none); the verdict states a field only when all possible
outcomes agree on it, and otherwise leaves it ``None`` and names the missing inputs.  So a
missing die area never becomes a guess.

``license_required`` is the overall answer: a licence is needed if the published rules OR a
company-specific is-informed letter in force require one (``None`` when the rules cannot be
decided and no letter applies).  ``license_required_by_rules`` is the rules-only answer and
``license_basis`` names what requires the licence (ECCN paragraphs, ``is_informed_letter:<id>``).
Letters stay a separate measure under ``measures`` (and in ``status``) and never change the
ECCN outcome, because they bind one exporter for named items, not the trade at large; but a
compliance script reading the top-level field must not be told "no licence" while one binds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from computestrata.controls.items import NEEDS, ChipSpec, Item, Quantities
from computestrata.controls.measures import measures_for
from computestrata.controls.regime import (
    Basis,
    Component,
    Condition,
    Regime,
    RegimeState,
    Selector,
    load,
    parse_date,
)
from computestrata.controls.vocab import SCALE, Policy, Status
from computestrata.errors import unknown
from computestrata.i18n import t

#: ``status`` values from least to most restrictive (used by :func:`severity`).
STATUSES: tuple[Status, ...] = SCALE
_POLICY_STATUS: dict[str, Status] = {
    Policy.PRESUMPTION_OF_APPROVAL: Status.APPROVAL,
    Policy.APPROVAL_WITHIN_CAP: Status.WITHIN_CAP,
    Policy.CASE_BY_CASE: Status.CASE_BY_CASE,
    Policy.PRESUMPTION_OF_DENIAL: Status.DENIAL,
}


@dataclass(frozen=True)
class Reason:
    """One comparison behind a verdict, with the rule, citation and confidence tag."""

    rule: str
    instrument: str
    citation: str
    paragraph: str | None
    quantity: str
    value: Any
    comparator: str
    threshold: Any
    passed: bool | None
    confidence: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        v = round(self.value, 4) if isinstance(self.value, float) else self.value
        return {
            "rule": self.rule,
            "instrument": self.instrument,
            "citation": self.citation,
            "paragraph": self.paragraph,
            "quantity": self.quantity,
            "value": v,
            "comparator": self.comparator,
            "threshold": self.threshold,
            "passed": self.passed,
            "confidence": f"[{self.confidence}]",
            "note": self.note,
        }


@dataclass
class Verdict:
    """Everything the engine concluded about one item, destination and date."""

    item: str | None
    item_kind: str
    destination: str
    hq: str | None
    date: date
    basis: str
    eccn: str | None
    paragraph: str | None
    tpp: float | None
    tpp_driver: str | None
    performance_density: float | None
    hbm_bandwidth_density: float | None
    license_required: bool | None
    license_required_by_rules: bool | None
    license_basis: list[str]
    review_policy: str | None
    license_exceptions: list[str]
    measures: list[dict[str, Any]]
    status: Status
    reasons: list[Reason]
    missing_inputs: list[str]
    low_confidence: list[str]
    instruments_in_force: list[str]
    notes: list[str] = field(default_factory=list)
    notice: str = ""
    #: Fields only some item kinds have (equipment: exporter, made_in, end_use, screening …);
    #: merged into the JSON so a chip verdict keeps exactly its old keys.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> int:
        return severity(self.status)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``strata controls classify --json``)."""
        return {
            "item": self.item,
            "item_kind": self.item_kind,
            "destination": self.destination,
            "hq": self.hq,
            "date": self.date.isoformat(),
            "date_basis": self.basis,
            "eccn": self.eccn,
            "paragraph": self.paragraph,
            "tpp": None if self.tpp is None else round(self.tpp, 2),
            "tpp_driver": self.tpp_driver,
            "performance_density": None if self.performance_density is None else round(self.performance_density, 4),
            "hbm_bandwidth_density": None
            if self.hbm_bandwidth_density is None
            else round(self.hbm_bandwidth_density, 4),
            "license_required": self.license_required,
            "license_required_by_rules": self.license_required_by_rules,
            "license_basis": self.license_basis,
            "review_policy": self.review_policy,
            "license_exceptions": self.license_exceptions,
            "measures": self.measures,
            "status": self.status,
            "missing_inputs": self.missing_inputs,
            "low_confidence": self.low_confidence,
            "instruments_in_force": self.instruments_in_force,
            "reasons": [r.to_dict() for r in self.reasons],
            "notes": self.notes,
            "notice": self.notice,
            **self.extra,
        }


def severity(status: str) -> int:
    """Rank of a status (0 = free … 7 = presumption of denial); indeterminate is -1."""
    return STATUSES.index(status) if status in STATUSES else -1


# ---- three-valued helpers ------------------------------------------------------------


def _and(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _test(
    comp: Component, q: Quantities, reasons: list[Reason], missing: set[str], label: str | None = None
) -> bool | None:
    results = []
    for c in comp.conditions:
        ok = c.holds(q.get(c.quantity))
        if ok is None:
            missing.update(NEEDS.get(c.quantity, (c.quantity,)))
        reasons.append(_reason(comp, c, q.get(c.quantity), ok, label))
        results.append(ok)
    return _and(results)


def _reason(comp: Component, c: Condition, actual: Any, ok: bool | None, label: str | None) -> Reason:
    conf = max((comp.confidence, c.confidence), key="HML".index)  # the weaker tag wins
    return Reason(
        rule=comp.id,
        instrument=comp.instrument,
        citation=comp.citation,
        paragraph=label or comp.id,
        quantity=c.quantity,
        value=actual,
        comparator=c.op,
        threshold=c.value,
        passed=ok,
        confidence=conf,
        note=c.note,
    )


def _place(
    regime: Regime,
    comp: Component,
    sel: Selector,
    code: str | None,
    on: date,
    what: str,
    reasons: list[Reason],
    label: str | None,
) -> bool:
    if code is None:
        return False
    ok = regime.selects(sel, code, on)
    reasons.append(
        Reason(
            rule=comp.id,
            instrument=comp.instrument,
            citation=comp.citation,
            paragraph=label,
            quantity=what,
            value=code,
            comparator="in",
            threshold=sel.describe(),
            passed=ok,
            confidence=comp.confidence,
            note=None
            if code == regime.effective_country(code, on)
            else t("controls.word.treated_as", code=code, as_code=regime.effective_country(code, on)),
        )
    )
    return ok


def _applies_to(regime: Regime, comp: Component, dest: str, hq: str | None, on: date) -> bool:
    """Does ``comp`` name this destination, or (when given) this headquarters country?"""
    by_dest = comp.destinations is not None and regime.selects(comp.destinations, dest, on)
    return by_dest or (comp.hq is not None and hq is not None and regime.selects(comp.hq, hq, on))


@dataclass
class _Outcome:
    paragraph: Component | None
    license_required: bool
    policy: str | None
    policy_known: bool
    exceptions: list[str]
    contributing: list[Component]


def _outcome(
    regime: Regime,
    state: RegimeState,
    para: Component | None,
    q: Quantities,
    dest: str,
    hq: str | None,
    on: date,
    reasons: list[Reason],
    missing: set[str],
) -> _Outcome:
    if para is None or dest == "USA":
        return _Outcome(para, False, None, True, [], [])
    pid = para.id
    contributing: list[Component] = [para]
    required = False
    # license scope by destination, then by the consignee's headquarters (reasons keep this order)
    for kind, what, code in (("license_scope", "destination", dest), ("hq_scope", "headquarters", hq)):
        for scope in state.of_kind(kind):
            sel = scope.destinations if kind == "license_scope" else scope.hq
            if scope.covers(pid) and sel is not None and _place(regime, scope, sel, code, on, what, reasons, pid):
                required = True
                contributing.append(scope)
    if not required:
        return _Outcome(para, False, None, True, [], contributing)
    # review policy: highest priority that matches; an unknown higher one makes it unknown
    policy: str | None = None
    known = True
    for pol in sorted((p for p in state.of_kind("review_policy") if p.covers(pid)), key=lambda p: -p.priority):
        if not _applies_to(regime, pol, dest, hq, on):
            continue
        sub: list[Reason] = []
        ok = _test(pol, q, sub, missing, pid) if pol.conditions else True
        reasons.extend(sub)
        if ok is None:
            known = False
            break
        if ok:
            policy = pol.policy
            contributing.append(pol)
            reasons.append(
                Reason(
                    rule=pol.id,
                    instrument=pol.instrument,
                    citation=pol.citation,
                    paragraph=pid,
                    quantity="review_policy",
                    value=pol.policy,
                    comparator="applies",
                    threshold=f"priority {pol.priority}",
                    passed=True,
                    confidence=pol.confidence,
                    note=pol.text or None,
                )
            )
            break
    exceptions: list[str] = []
    for le in state.of_kind("license_exception"):
        if not le.covers(pid):
            continue
        if (le.destinations is not None or le.hq is not None) and not _applies_to(regime, le, dest, hq, on):
            continue
        ok = _test(le, q, reasons, missing, f"LE {le.code}") if le.conditions else True
        if ok and le.code and le.code not in exceptions:
            exceptions.append(le.code)
            contributing.append(le)
    return _Outcome(para, True, policy, known, exceptions, contributing)


def _status(o: _Outcome) -> Status:
    if not o.license_required:
        return Status.FREE
    if o.exceptions:
        return Status.EXCEPTION
    if not o.policy_known:
        return Status.INDETERMINATE
    return _POLICY_STATUS.get(o.policy or "", Status.LICENSE)


def _float(value: float | bool | None) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def _quantities(item: Item) -> Quantities:
    return item.quantities()


def classify(
    item: Item,
    dest: str,
    on: date | str,
    hq: str | None = None,
    regime: Regime | None = None,
    basis: Basis = "compliance",
) -> Verdict:
    """The verdict for ``item`` exported to ``dest`` (ISO3) on ``on``, optionally to an entity
    headquartered in ``hq`` (ISO3).  ``regime`` defaults to the shipped US rules."""
    regime = regime or load()
    if basis not in ("compliance", "effective"):
        raise unknown("date basis", str(basis), ("compliance", "effective"))
    day = parse_date(on)
    dest_code = regime.check_country(dest, "destination")
    hq_code = regime.check_country(hq, "headquarters country") if hq else None
    state = regime.at(day, basis)
    q = _quantities(item)
    reasons: list[Reason] = []
    missing: set[str] = set()

    # 1. carve-outs (Note 2), then paragraph tests in priority order
    carve: dict[str, bool | None] = {}
    for co in state.of_kind("carve_out"):
        carve[co.id] = _test(co, q, reasons, missing)
    results: list[tuple[Component, bool | None]] = []
    for para in state.paragraphs(item.kind):
        r = _test(para, q, reasons, missing)
        for co in state.of_kind("carve_out"):
            if co.covers(para.id):
                r = _and([r, None if carve[co.id] is None else not carve[co.id]])
        results.append((para, r))

    # 2. every outcome still possible
    possible: list[Component | None] = []
    for para, r in results:
        if r is True:
            possible.append(para)
            break
        if r is None:
            possible.append(para)
    else:
        possible.append(None)
    outcomes = [_outcome(regime, state, p, q, dest_code, hq_code, day, reasons, missing) for p in possible]

    def agreed(values: list[Any]) -> tuple[bool, Any]:
        first = values[0]
        return all(v == first for v in values), first

    same_eccn, eccn = agreed([o.paragraph.eccn if o.paragraph else None for o in outcomes])
    same_par, par = agreed([o.paragraph.id if o.paragraph else None for o in outcomes])
    same_lr, lr = agreed([o.license_required for o in outcomes])
    same_pol, pol = agreed([(o.policy, o.policy_known) for o in outcomes])
    same_le, les = agreed([tuple(o.exceptions) for o in outcomes])
    same_st, st = agreed([_status(o) for o in outcomes])
    status: Status = st if same_st else Status.INDETERMINATE

    # 3. company-specific letters
    found = measures_for(regime, item, dest_code, hq_code, day)
    if found and status != Status.INDETERMINATE and severity(status) < severity(Status.MEASURE):
        status = Status.MEASURE  # a letter binding the exporter is stricter than an exception

    by_rules = lr if same_lr else None
    basis_ids = _rule_basis(outcomes, par if same_par else None, eccn if same_eccn else None) if by_rules else []
    basis_ids += [f"{m['kind']}:{m['id']}" for m in found]
    overall = True if found else by_rules

    tpp_obj = item.tpp() if isinstance(item, ChipSpec) else None
    low = sorted(
        {c.id + f" ({c.citation})" for o in outcomes for c in o.contributing if c.confidence == "L"}
        | {f"{r.rule} ({r.citation})" for r in reasons if r.confidence == "L" and r.passed}
    )
    low += [f"{m['id']} ({m['citation']})" for m in found if m["confidence"] == "[L]"]
    notes = _notes(regime, state, item, day, hq_code, status, outcomes)
    if not same_st:
        found_ids = sorted({(o.paragraph.id if o.paragraph else t("controls.word.not_controlled")) for o in outcomes})
        notes.append(t("controls.note.indeterminate", outcomes=", ".join(found_ids)))
    return Verdict(
        item=item.name,
        item_kind=item.kind,
        destination=dest_code,
        hq=hq_code,
        date=day,
        basis=basis,
        eccn=eccn if same_eccn else None,
        paragraph=par if same_par else None,
        tpp=tpp_obj.value if tpp_obj else None,
        tpp_driver=tpp_obj.explain() if tpp_obj else None,
        performance_density=_float(q.get("pd")),
        hbm_bandwidth_density=_float(q.get("hbm_density")),
        license_required=overall,
        license_required_by_rules=by_rules,
        license_basis=basis_ids,
        review_policy=(pol[0] if pol[1] else None) if same_pol else None,
        license_exceptions=list(les) if same_le else [],
        measures=found,
        status=status,
        reasons=reasons,
        missing_inputs=sorted(missing) if (status == "indeterminate" or not same_par or not same_pol) else [],
        low_confidence=low,
        instruments_in_force=[f"{i.id} ({i.citation})" for i in state.instruments],
        notes=notes,
        notice=t("common.not_legal_advice"),
    )


def data_end_note(regime: Regime) -> str:
    """The note for a date past the rule data: where it ends, and that no later change is assumed."""
    from computestrata.controls.regime import DATA_AS_OF

    return t("controls.note.data_as_of", newest=newest_rule_date(regime).isoformat(), checked=DATA_AS_OF.isoformat())


def _rule_basis(outcomes: list[_Outcome], paragraph: str | None, eccn: str | None) -> list[str]:
    """What in the published rules requires the licence: the paragraph, else the ECCN, else
    every paragraph still possible (each of them requires one)."""
    if paragraph:
        return [paragraph]
    if eccn:
        return [eccn]
    return sorted({o.paragraph.id for o in outcomes if o.paragraph is not None})


def newest_rule_date(regime: Regime) -> date:
    """The last date on which a (non-hypothetical) instrument of ``regime`` starts to bind."""
    days = [
        d
        for i in regime.instruments
        if not i.hypothetical
        for d in (i.effective, i.compliance or i.effective, *(c.binds for c in i.components))
    ]
    return max(days)


def _notes(
    regime: Regime, state: RegimeState, item: Item, day: date, hq: str | None, status: Status, outcomes: list[_Outcome]
) -> list[str]:
    from computestrata.controls.regime import DATA_AS_OF

    notes = list(item.notes)
    if item.source:
        notes.append(t("controls.note.item_data", source=item.source))
    if day > DATA_AS_OF:
        notes.append(data_end_note(regime))
    if hq is None and state.of_kind("hq_scope"):
        notes.append(t("controls.note.no_hq"))
    if state.rescinded:
        notes.append(t("controls.note.rescinded", ids=", ".join(state.rescinded)))
    for inst in regime.instruments:
        if inst.compliance and inst.effective <= day < inst.compliance and state.basis == "compliance":
            notes.append(
                t(
                    "controls.note.compliance_later",
                    citation=inst.citation,
                    effective=inst.effective,
                    compliance=inst.compliance,
                )
            )
    if any(o.license_required for o in outcomes):
        notes.append(layers_note())
    if any(o.license_required and o.policy is None and o.policy_known for o in outcomes):
        notes.append(t("controls.note.no_policy"))
    for o in outcomes:
        for c in o.contributing:
            if c.kind == "license_exception" and c.limits:
                limits = ", ".join(f"{k}={v:,}" for k, v in c.limits.items())
                notes.append(t("controls.note.le_limits", code=c.code, limits=limits))
    if status == "case_by_case" and any(c.id == "policy.cn.cbc2026" for o in outcomes for c in o.contributing):
        notes.append(t("controls.note.cbc2026"))
    return notes


def layers_note(end_use: str | None = None, end_user: str | None = None) -> str:
    """What a licence-requiring verdict did and did not check beyond the item rules.

    The chip rules alone assess neither end uses nor parties; with ``end_use`` (a label) or
    ``end_user`` (the name screened) those layers were applied, and the note must say so rather
    than claim they were not.  GP10 (knowledge of a violation) is never assessed."""
    if end_use is None and end_user is None:
        return t("controls.note.end_use")
    done = []
    if end_user is not None:
        done.append(t("controls.note.part.end_user", name=end_user))
    if end_use is not None:
        done.append(t("controls.note.part.end_use", end_use=end_use))
    left = [t("controls.note.part.gp10")]
    if end_use is None:
        left.insert(0, t("controls.note.part.no_end_use"))
    if end_user is None:
        left.insert(0, t("controls.note.part.no_end_user"))
    sep = t("controls.note.part.sep")
    return t("controls.note.layers_assessed", done=sep.join(done), left=sep.join(left))
