"""The controls that reach a stack segment's goods from one country to another on a date.

This is the ONE place the cooperation analysis asks the controls engine anything
(:func:`segment_controls`), so a richer engine plugs in here and nowhere else.

What the engine answers today (US EAR advanced-computing rules, dated): which ECCNs are in
force on the date and which segment each reaches (:func:`computestrata.stack.controls.controlled_segments`),
and, for an item, the verdict for a destination (:func:`computestrata.controls.classify.classify`).
A segment's treatment towards a destination is the verdict for its *representative item*
(``rules.yaml``: the frontier item of the segment, e.g. an H100 for accelerators, an HBM3E
stack for HBM).  The EAR reaches such items whoever exports them: US-origin goods directly, and
foreign-made ones through the foreign-direct-product rules that come with the same instruments
(87 FR 62186 §734.9(h); 89 FR 96790 for HBM), so the exporter does not change the verdict;
exports *to* the United States are never caught.

What it does not answer yet is said, never assumed free: end-use rules and other references
of the segment (``control_refs``), ECCNs the stack lists that the engine does not model (e.g.
EUV 3B001.f.1), allied national controls and China's own controls are returned as
``unassessed`` and shown in every pair's drivers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

from computestrata.i18n import use_lang
from computestrata.memo import attached, fingerprint

if TYPE_CHECKING:
    from computestrata.controls.items import Item
    from computestrata.controls.regime import Regime
    from computestrata.cooperation.config import Rules

ENGINE = "EAR advanced computing (computestrata.controls, dated rules)"
T = TypeVar("T")
AUTHORITIES = ("USA", "NLD", "JPN", "CHN")  # exporters whose own rules the full engine models

#: The ``unassessed`` items as stored (English, language-free data: results are cached across
#: languages); :func:`unassessed_text` shows one in the reader's language.
_UNASSESSED = {
    "reference": "{ref} (end-use or other reference; not assessed for the pair)",
    "not_modelled": "{ref} (listed in the stack; not modelled by the engine)",
    "exporter_own": "the exporter's own export controls (modelled only for USA, NLD, JPN, CHN)",
    "allied": "allied national and PRC export controls (not modelled by the engine yet)",
}


def unassessed_text(item: str) -> str:
    """One stored ``unassessed`` item in the reader's language (``coop.unassessed.*``); a bare
    rule reference stays as it is."""
    import re

    from computestrata.i18n import t

    for name, template in _UNASSESSED.items():
        pattern = "^" + re.escape(template).replace(re.escape("{ref}"), "(?P<ref>.+)") + "$"
        m = re.match(pattern, item, flags=re.S)
        if m:
            return t(f"coop.unassessed.{name}", **m.groupdict())
    return item


# What the engine answers is remembered by the rule set it comes from: each memo is attached
# to its regime (or rules) object and dropped with it (computestrata.memo.attached), so a
# what-if regime never meets the real one's verdicts and nothing outlives its regime.  Rules
# enter keys by content (fingerprint): equal rules files share verdicts, changed ones never do.
#: entries kept per regime and kind; "verdict" holds one treatment per segment, pair of
#: destination groups and date (a full matrix asks ~16,000 for one date)
_SIZES = {"verdict": 65_536, "key": 16_384, "tagged": 4_096, "item": 256}
_MEMO_PREFIX = "coop.controls."


def _memo(owner: Any, name: str, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()`` remembered in ``owner``'s memo ``name`` under ``key``, computed in English: a
    cached treatment holds data (rule ids, citations, English notes), never the text of the
    language whoever asked first was reading (``unassessed`` is rendered by :meth:`record`)."""

    def english() -> T:
        with use_lang("en"):
            return make()

    return attached(owner, _MEMO_PREFIX + name, _SIZES.get(name, 1_024)).get(key, english)


def _rules(rules: Rules | None) -> Rules:
    """The rules object behind ``None`` (the shipped ``rules.yaml``), so both share one cache."""
    if rules is not None:
        return rules
    from computestrata.cooperation import config

    return config.load()


@dataclass(frozen=True)
class Hit:
    """One rule behind a direction's treatment."""

    rule: str
    citation: str
    status: str
    confidence: str | None = None
    note: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "citation": self.citation,
            "status": self.status,
            "confidence": self.confidence,
            "note": self.note,
        }


@dataclass(frozen=True)
class DirectionControls:
    """The controls on one segment from ``exporter`` to ``dest`` on ``on``."""

    segment_id: str
    exporter: str
    dest: str
    on: date
    status: str  # a controls status (free … denial, indeterminate)
    eccns: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()
    unassessed: tuple[str, ...] = ()
    item_note: str | None = None
    engine: str = ENGINE
    notes: tuple[str, ...] = field(default_factory=tuple)

    def record(self) -> dict[str, Any]:
        return {
            "exporter": self.exporter,
            "destination": self.dest,
            "status": self.status,
            "eccns": list(self.eccns),
            "rules": [h.record() for h in self.hits],
            "unassessed": [unassessed_text(u) for u in self.unassessed],  # in the reader's language
            "item": self.item_note,
            "engine": self.engine,
        }


def engine_api() -> Any | None:
    """The full controls engine (:mod:`computestrata.controls.api`) when it is installed, else None.

    With it, a direction's controls are ``controls_for_segment`` (US rules with FDP reach for
    foreign-made goods, equipment, EDA and materials, and the exporter's own rules for NLD, JPN,
    CHN) plus the verdict for the segment's representative item; without it, the chip rules only.
    """
    try:
        from computestrata.controls import api
    except ImportError:  # pragma: no cover - the engine ships with the package
        return None
    return api if hasattr(api, "controls_for_segment") else None


def current_regime(regime: Regime | None = None) -> Regime:
    """The rule set the verdicts come from: ``regime`` if given, else the full engine's, else the chip rules."""
    if regime is not None:
        return regime
    eng = engine_api()
    if eng is not None:
        return cast("Regime", eng.load_full())
    from computestrata.controls.regime import load

    return load()


def engine_for(regime: Regime | None) -> Any | None:
    """The full engine when it answers for ``regime``: by default (``None``) and when ``regime`` is
    the engine's own rule set passed explicitly (``current_regime()``), so the same rules give the
    same verdicts however they are named.  A derived what-if regime (a posture, ``load().without``)
    takes the chip-rules path: the engine's API reads only its shipped rules."""
    eng = engine_api()
    if eng is None or (regime is not None and regime is not eng.load_full()):
        return None
    return eng


def date_range(regime: Regime | None = None) -> tuple[date, date]:
    """The dates the verdicts can speak for: (earliest, newest modelled change)."""
    reg = current_regime(regime)
    if engine_for(regime) is not None:
        from computestrata.controls.items_beyond import newest_change
        from computestrata.controls.regime import EARLIEST_BEYOND

        return EARLIEST_BEYOND, newest_change(reg)[0]
    from computestrata.controls.classify import newest_rule_date
    from computestrata.controls.regime import EARLIEST

    return EARLIEST, date(newest_rule_date(reg).year + 1, 12, 31)


def segment_controls(
    segment_id: str,
    exporter: str,
    dest: str,
    on: date,
    *,
    regime: Regime | None = None,
    rules: Rules | None = None,
) -> DirectionControls:
    """The controls in force on ``on`` that reach ``segment_id``'s goods from ``exporter`` to ``dest``.

    ``regime`` (a what-if chip regime, e.g. ``load().without(...)``) selects the chip-rules path;
    by default, or given the full engine's own regime, the full engine answers (:func:`engine_for`).
    """
    eng = engine_for(regime)
    r = _rules(rules)
    fp = fingerprint(r)
    if eng is not None:
        reg = eng.load_full()
        ek, dk = destination_group(reg, exporter, on), destination_group(reg, dest, on)
        base = _memo(
            reg, "verdict", ("api", fp, segment_id, ek, dk, on), lambda: _by_api(eng, reg, segment_id, ek, dk, on, r)
        )
    else:
        from computestrata.controls.regime import load

        reg = regime or load()
        key = destination_group(reg, dest, on)
        base = _memo(reg, "verdict", ("group", fp, segment_id, key, on), lambda: _by_group(reg, segment_id, key, on, r))
    return DirectionControls(
        segment_id=segment_id,
        exporter=exporter,
        dest=dest,
        on=on,
        status=base.status,
        eccns=base.eccns,
        hits=base.hits,
        unassessed=base.unassessed,
        item_note=base.item_note,
        engine=base.engine,
        notes=base.notes,
    )


API_ENGINE = (
    "computestrata.controls.api: US EAR (chips, HBM, equipment, EDA, materials; FDP reach for foreign-made goods) "
    "and the exporter's own rules (NLD, JPN, CHN)"
)


def _by_api(
    eng: Any, regime: Regime, segment_id: str, ek: tuple[str, ...], dk: tuple[str, ...], on: date, rules: Rules | None
) -> DirectionControls:
    """One segment, one exporter group, one destination group, through the full engine."""
    from computestrata.cooperation import config
    from computestrata.stack.segments import segment

    r = rules or config.load()
    seg = segment(segment_id)
    exp = ek[0] if ek[0] != "*" else _member(regime, ek, on)
    dest = dk[0] if dk[0] != "*" else _member(regime, dk, on)
    unassessed = [_UNASSESSED["reference"].format(ref=ref) for ref in seg.control_refs]
    if exp not in AUTHORITIES:
        unassessed.append(_UNASSESSED["exporter_own"])
    if exp is None or dest is None:
        return DirectionControls(
            segment_id, "", "", on, "indeterminate", unassessed=tuple(unassessed), engine=API_ENGINE
        )
    tagged = _memo(regime, "tagged", (segment_id, on), lambda: bool(eng.segment_paragraphs(segment_id, on)))
    # no paragraph of any modelled authority reaches the segment that day: nothing to ask per pair
    verdicts = list(eng.controls_for_segment(segment_id, exp, dest, on, us_tech=r.fdp_us_tech)) if tagged else []
    item, item_note = _memo(r, "item", (segment_id,), lambda: _item(r, segment_id))
    rep = None
    if (
        item is not None
        and dest != exp
        and on >= _CHIP_RULES_START
        and _memo(regime, "force", (on,), lambda: _in_force(regime, on)).get(segment_id)
    ):
        national = exp if exp in AUTHORITIES else None
        spec = r.representative_items[segment_id]
        what: Any = spec.name if spec.name is not None else dict(spec.spec or {})
        rep = eng.classify_item(spec.kind, what, dest, on, exporter=national, made_in=exp, us_tech=r.fdp_us_tech)
    levels = r.restriction_levels
    found = [*verdicts, *([rep] if rep is not None and rep.license_required is not False else [])]
    if not found:
        free_note = "item controlled; no licence for this destination" if rep is not None else None
        free_hits = (Hit(rep.paragraph or segment_id, _cites(rep), "free", note=free_note),) if rep is not None else ()
        free_eccns = (rep.paragraph,) if rep is not None and rep.paragraph else ()
        return DirectionControls(
            segment_id, "", "", on, "free", free_eccns, free_hits, tuple(unassessed), item_note, engine=API_ENGINE
        )
    worst = max(found, key=lambda v: levels.get(v.status, levels["indeterminate"]))
    hits: list[Hit] = []
    for v in sorted(found, key=lambda v: -levels.get(v.status, levels["indeterminate"])):
        label = v.paragraph or v.eccn or segment_id
        if v is rep:
            label = f"{label} [{item_note or 'representative item'}]"
        conf = "L" if v.low_confidence else None
        hits.append(Hit(label, _cites(v), v.status, conf, "; ".join(v.missing_inputs) or None))
    notes = tuple(f"missing inputs: {', '.join(worst.missing_inputs)}" for _ in [0] if worst.missing_inputs)
    eccns = tuple(dict.fromkeys(v.paragraph or v.eccn or "" for v in found if (v.paragraph or v.eccn)))
    return DirectionControls(
        segment_id,
        "",
        "",
        on,
        worst.status,
        eccns,
        tuple(hits),
        tuple(unassessed),
        item_note,
        engine=API_ENGINE,
        notes=notes,
    )


_CHIP_RULES_START = date(2022, 1, 1)  # the chip classifier's first date (no chip rule before 2022-10-07)


def _cites(v: Any) -> str:
    """The citations of the rules that decided a verdict (passed reasons), joined."""
    cites = [r.citation for r in v.reasons if r.passed and r.citation]
    return "; ".join(dict.fromkeys(cites)) or "; ".join(v.license_basis) or "controls engine"


def destination_group(regime: Regime, dest: str, on: date) -> tuple[str, ...]:
    """The key under which countries share a verdict: the code used for ``dest`` on ``on`` when
    some rule names it (or it is an exporting authority: USA, NLD, JPN, CHN), else only the set
    of country groups it belongs to.  The same key serves exporters (FDP carve-outs name them).

    Every destination with the same key gets the same treatment from every rule (selectors
    name groups or countries), which is what lets the all-pairs matrix classify once per group.
    """
    return _memo(regime, "key", (dest, on), lambda: _group_key(regime, dest, on))


def _group_key(regime: Regime, dest: str, on: date) -> tuple[str, ...]:
    code = regime.effective_country(dest, on)
    named = _memo(regime, "named", (), lambda: _named_countries(regime))
    groups = tuple(sorted(regime.groups_of(dest, on)))
    return (code if code in named else "*", *groups)


def _named_countries(regime: Regime) -> frozenset[str]:
    # the engine never catches exports to the United States; the four authorities have own rules
    out: set[str] = set(AUTHORITIES)
    for inst in regime.instruments:
        for c in inst.components:
            for sel in (c.destinations, c.hq):
                if sel is not None:
                    out |= set(sel.countries) | set(sel.except_countries)
    return frozenset(out)


def _in_force(regime: Regime, on: date) -> dict[str, list[dict[str, Any]]]:
    """ECCNs in force per segment on ``on`` (real regime; the stack's join)."""
    from computestrata.controls.scope import controlled_eccns

    out: dict[str, list[dict[str, Any]]] = {}
    for e in controlled_eccns(regime, on):
        if e["segment"]:
            out.setdefault(e["segment"], []).append(e)
    return out


def _item(rules: Rules | None, segment_id: str) -> tuple[Item | None, str | None]:
    from computestrata.controls.catalogue import reference_entries
    from computestrata.controls.items import HbmSpec
    from computestrata.cooperation import config

    rep = (rules or config.load()).representative_items.get(segment_id)
    if rep is None:
        return None, None
    if rep.spec is not None:
        spec = dict(rep.spec)
        if rep.kind == "hbm":
            return (
                HbmSpec(
                    bandwidth_gbps=float(spec["bandwidth_gbps"]),
                    package_area_mm2=float(spec["package_area_mm2"]),
                    copackaged_with_logic=bool(spec.get("copackaged_with_logic", False)),
                    name=segment_id,
                ),
                rep.note,
            )
    from computestrata.controls.catalogue import normalise

    want = normalise(rep.name or "")
    for e in reference_entries():
        if want in {normalise(n) for n in (e.name, *e.aliases)}:
            return e.spec, rep.note
    return None, f"representative item {rep.name!r} not in the reference chips"


def _by_group(
    regime: Regime, segment_id: str, key: tuple[str, ...], on: date, rules: Rules | None
) -> DirectionControls:
    """The treatment of one segment for one destination group (cached: shared by its members)."""
    from computestrata.controls.classify import classify
    from computestrata.stack.segments import segment

    seg = segment(segment_id)
    entries = _memo(regime, "force", (on,), lambda: _in_force(regime, on)).get(segment_id, [])
    modelled = {e["eccn"] for e in entries}
    unassessed = list(seg.control_refs) + [
        _UNASSESSED["not_modelled"].format(ref=ref.id)
        for ref in seg.eccn
        if not any(ref.id.startswith(m) or m.startswith(ref.id) for m in modelled)
    ]
    unassessed.append(_UNASSESSED["allied"])
    if not entries:
        return DirectionControls(segment_id, "", "", on, "free", unassessed=tuple(unassessed))
    eccns = tuple(e["eccn"] for e in entries)
    item, item_note = _memo(_rules(rules), "item", (segment_id,), lambda: _item(rules, segment_id))
    dest = key[0] if key[0] != "*" else _member(regime, key, on)
    if item is None or dest is None:
        open_hits = tuple(Hit(e["eccn"], "; ".join(e["citations"]), "indeterminate", e["confidence"]) for e in entries)
        note = item_note or "no representative item to classify: destination scope not assessed"
        return DirectionControls(
            segment_id, "", "", on, "indeterminate", eccns, open_hits, tuple(unassessed), None, notes=(note,)
        )
    v = classify(item, dest, on, regime=regime)
    hits: list[Hit] = []
    for r in v.reasons:
        if (r.passed and r.quantity in ("destination", "headquarters", "review_policy")) or (
            r.passed and r.paragraph and r.quantity not in ("destination", "headquarters") and r.rule == v.paragraph
        ):
            hits.append(Hit(r.rule, r.citation, v.status, r.confidence, r.note))
    for m in v.measures:
        hits.append(Hit(str(m.get("id")), str(m.get("citation")), "measure", str(m.get("confidence")), None))
    if not hits and v.status != "free":
        hits.append(Hit(v.paragraph or eccns[0], "; ".join(entries[0]["citations"]), v.status))
    if v.status == "free" and v.paragraph:
        hits.append(
            Hit(
                v.paragraph,
                "; ".join(entries[0]["citations"]),
                "free",
                note="item controlled; no licence for this destination",
            )
        )
    notes = tuple((v.missing_inputs and [f"missing inputs: {', '.join(v.missing_inputs)}"]) or [])
    return DirectionControls(
        segment_id, "", "", on, v.status, eccns, tuple(dict.fromkeys(hits)), tuple(unassessed), item_note, notes=notes
    )


def _member(regime: Regime, key: tuple[str, ...], on: date) -> str | None:
    """A country with this destination-group key (any member gets the same verdict)."""
    first: dict[tuple[str, ...], str] = _memo(regime, "members", (on,), lambda: _first_members(regime, on))
    return first.get(key)


def _first_members(regime: Regime, on: date) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for code in sorted(regime.countries):
        out.setdefault(destination_group(regime, code, on), code)
    return out


def clear_caches() -> None:
    """Forget every regime's remembered verdicts (cold timings).  Not needed for correctness:
    a derived regime is another object with its own memo."""
    from computestrata.memo import iter_memos

    for m in iter_memos():
        if m.name.split(":", 1)[-1].startswith(_MEMO_PREFIX):
            m.forget()


def treatments(
    segment_ids: list[str], countries: list[str], on: date, *, regime: Regime | None = None, rules: Rules | None = None
) -> tuple[list[int], dict[str, list[list[str]]]]:
    """Status of every segment for every ordered pair of country groups: ``(key index per
    country, {segment: K×K statuses, exporter group i → destination group j})``.  The engine is
    asked once per segment and pair of groups (:func:`destination_group`), never per pair of countries."""
    reg = current_regime(regime)
    keys = [destination_group(reg, c, on) for c in countries]
    uniq = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(uniq)}
    members: dict[tuple[str, ...], list[str]] = {}
    for c, k in zip(countries, keys, strict=True):
        members.setdefault(k, []).append(c)
    out: dict[str, list[list[str]]] = {}
    for sid in segment_ids:
        table: list[list[str]] = []
        for kx in uniq:
            row = []
            for ky in uniq:
                x = members[kx][0]
                # within one group, ask for two different members (a country never exports to itself)
                y = members[ky][0] if kx != ky else (members[ky][1] if len(members[ky]) > 1 else None)
                row.append("free" if y is None else segment_controls(sid, x, y, on, regime=regime, rules=rules).status)
            table.append(row)
        out[sid] = table
    return [index[k] for k in keys], out


def group_count(dests: list[str], on: date, regime: Regime | None = None) -> int:
    """How many distinct destination groups ``dests`` fall into on ``on``."""
    reg = current_regime(regime)
    return len({destination_group(reg, d, on) for d in dests})
