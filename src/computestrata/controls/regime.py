"""Dated export-control rules as data: instruments, components, country groups, a Regime.

Each instrument (an FR rule or a BIS announcement) is one YAML file in ``controls/rules/``
with its citation, dates and *components*.  A component is one legal element the engine
can apply: an ECCN ``paragraph`` (the parameter tests), a ``carve_out`` (Note 2), a
``license_scope`` (destinations needing a license), an ``hq_scope`` (headquarters rule), a
``review_policy``, a ``license_exception``, an ``eccn_control`` (ECCNs without item tests,
e.g. 4A090, 4E091) or an informational ``provision``.  A component's ``segment`` label is a
stack segment id (``stack/segments.yaml``), checked on load, so the controls engine and the
compute stack share one vocabulary.  A later instrument's component with the same id
replaces the earlier one; ``action: remove`` deletes it; ``rescinds`` switches a
whole earlier instrument off.  :meth:`Regime.at` folds everything in force on a date into a
:class:`RegimeState` — the engine never hard-codes a threshold.

Dates: a component binds from its ``compliance`` date when one is given, else from the
instrument's ``compliance`` date, else from its ``effective`` date (``basis="compliance"``,
the default: when exporters must comply).  ``basis="effective"`` uses effective dates only,
e.g. to study the AI Diffusion rule, which was rescinded before its compliance date.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal

from computestrata.controls.vocab import Authority, Confidence, ItemKind, Kind, Op, Policy, Quantity
from computestrata.errors import InputError, unknown

Basis = Literal["compliance", "effective"]
CONFIDENCE = tuple(Confidence)
KINDS = tuple(Kind)
#: Item kinds a ``paragraph`` may test: chips and HBM by parameters (``classify.py``);
#: equipment, EDA software and materials by the ECCN paragraph the user names (``items_beyond.py``).
ITEM_KINDS = tuple(ItemKind)
#: Who enacts a rule: the U.S. EAR, the Netherlands, Japan, China (see ``rules_beyond/``).
AUTHORITIES = tuple(Authority)
QUANTITIES = tuple(Quantity)
OPS = tuple(Op)
#: Review policies from least to most restrictive (their order is the severity scale).
POLICIES = tuple(Policy)
EARLIEST = date(2022, 1, 1)
#: Last date the shipped rule data was checked against the reference notes.
DATA_AS_OF = date(2026, 5, 31)


@dataclass(frozen=True)
class Condition:
    """One comparison a rule makes: ``quantity op value`` (e.g. ``tpp >= 4800``)."""

    quantity: str
    op: str
    value: float | bool
    confidence: str = "H"
    note: str | None = None

    def holds(self, actual: float | bool | None) -> bool | None:
        """True/False, or ``None`` when the quantity is unknown."""
        if actual is None:
            return None
        if self.op == "==":
            return bool(actual) == bool(self.value)
        a, v = float(actual), float(self.value)
        return {">=": a >= v, ">": a > v, "<": a < v, "<=": a <= v}[self.op]

    @property
    def inclusive(self) -> bool:
        """Whether the bound itself satisfies the comparison."""
        return self.op in (">=", "<=", "==")


@dataclass(frozen=True)
class Selector:
    """A set of countries: groups and countries in, minus groups and countries out."""

    all: bool = False
    groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    except_groups: tuple[str, ...] = ()
    except_countries: tuple[str, ...] = ()

    def describe(self) -> str:
        inc = ["all countries"] if self.all else [*self.groups, *self.countries]
        exc = [*self.except_groups, *self.except_countries]
        return ", ".join(inc) + (f" (not {', '.join(exc)})" if exc else "")


@dataclass(frozen=True)
class Component:
    """One legal element of an instrument, applied by the engine (see module docstring)."""

    id: str
    kind: str
    instrument: str
    citation: str
    binds: date
    confidence: str
    action: str = "add"
    eccn: str | None = None
    segment: str | None = None
    item: str | None = None
    priority: int = 0
    paragraphs: tuple[str, ...] = ()
    destinations: Selector | None = None
    hq: Selector | None = None
    conditions: tuple[Condition, ...] = ()
    policy: str | None = None
    code: str | None = None
    notification: bool | None = None
    text: str = ""
    limits: Mapping[str, float] = field(default_factory=dict)
    hypothetical: bool = False
    authority: str = "USA"
    #: The day the component stops binding (rescinded, expired), if any.
    until: date | None = None
    #: Windows ``(from, to, citation)`` in which it is suspended (``to`` exclusive: it binds again).
    suspended: tuple[tuple[date, date, str], ...] = ()
    #: Kind-specific fields (end uses, FDP triggers, carve-outs); see ``docs/controls-beyond-chips.md``.
    extra: Mapping[str, Any] = field(default_factory=dict)

    def active(self, on: date) -> bool:
        """False after ``until`` and inside a suspension window."""
        if self.until is not None and on >= self.until:
            return False
        return not any(start <= on < end for start, end, _ in self.suspended)

    def covers(self, paragraph: str) -> bool:
        """Whether this component applies to ECCN paragraph ``paragraph`` (prefix match)."""
        return any(paragraph == p or paragraph.startswith(p + ".") for p in self.paragraphs)


@dataclass(frozen=True)
class Instrument:
    """An FR rule or BIS announcement: citation, dates, components."""

    id: str
    kind: str
    title: str
    citation: str
    effective: date
    confidence: str
    components: tuple[Component, ...]
    fr_doc: str | None = None
    published: date | None = None
    compliance: date | None = None
    rescinds: tuple[str, ...] = ()
    summary: str = ""
    sources: str = ""
    hypothetical: bool = False
    authority: str = "USA"

    def binds(self, basis: Basis) -> date:
        """When the instrument as a whole starts to bind on this date basis."""
        return (self.compliance or self.effective) if basis == "compliance" else self.effective


@dataclass(frozen=True)
class Group:
    """A dated country group (explicit members, or built from other groups)."""

    id: str
    title: str
    citation: str
    confidence: str
    valid_from: date = EARLIEST
    valid_to: date | None = None
    members: frozenset[str] = frozenset()
    members_from: tuple[str, ...] = ()
    complement_of: tuple[str, ...] = ()
    excluded: frozenset[str] = frozenset()
    changes: tuple[tuple[date, frozenset[str], frozenset[str]], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Measure:
    """A company-specific is-informed letter: binds one addressee for named items only."""

    id: str
    kind: str
    addressee: str
    title: str
    citation: str
    effective: date
    until: date | None
    confidence: str
    names: tuple[tuple[str, ...], ...]
    destinations: Selector | None
    hq: Selector | None
    note: str = ""
    #: The title in other languages ((lang, text) pairs; ``title`` is the English one).
    titles: tuple[tuple[str, str], ...] = ()

    def in_force(self, on: date) -> bool:
        return self.effective <= on and (self.until is None or on < self.until)

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` when the letters file gives one, else the English title."""
        return dict(self.titles).get(lang) or self.title


@dataclass(frozen=True)
class RegimeState:
    """What is in force on one date: the folded components, and which instruments made them."""

    on: date
    basis: Basis
    components: tuple[Component, ...]
    instruments: tuple[Instrument, ...]
    rescinded: tuple[str, ...]

    def of_kind(self, kind: str) -> list[Component]:
        return [c for c in self.components if c.kind == kind]

    def paragraphs(self, item: str) -> list[Component]:
        """ECCN paragraphs testing this item kind (``chip``/``hbm``), in priority order."""
        return sorted((c for c in self.of_kind("paragraph") if c.item == item), key=lambda c: c.priority)


@dataclass(frozen=True)
class Regime:
    """A whole rule history (real or derived): instruments, groups, letters."""

    instruments: tuple[Instrument, ...]
    groups: Mapping[str, Group]
    treated_as: Mapping[str, tuple[str, date]]
    measures: tuple[Measure, ...]
    countries: Mapping[str, str]
    name: str = "US EAR advanced computing (as enacted)"
    parameters: Mapping[str, Any] = field(default_factory=dict)

    # ---- time -------------------------------------------------------------------
    def at(self, on: date, basis: Basis = "compliance") -> RegimeState:
        """The components in force on ``on`` (later instruments override earlier ones).

        Remembered per regime, date and basis: both the regime and its state are frozen, and a
        catalogue matrix asks for the same few dates once per chip."""
        memo = self._states
        key = (on, basis)
        hit = memo.get(key)
        if hit is None:
            if len(memo) >= 512:  # a server asked about many dates: keep memory bounded
                memo.clear()
            hit = memo[key] = self._fold(on, basis)
        return hit

    @cached_property
    def _states(self) -> dict[tuple[date, str], RegimeState]:
        return {}

    def _fold(self, on: date, basis: Basis) -> RegimeState:
        live = [i for i in self.instruments if i.binds(basis) <= on]
        rescinded = {r for i in live for r in i.rescinds}
        live = [i for i in live if i.id not in rescinded]
        steps: list[tuple[date, int, Component]] = []
        # same-day instruments apply in the order they were added (derived regimes append)
        for order, inst in enumerate(sorted(live, key=lambda i: i.binds(basis))):
            for comp in inst.components:
                when = comp.binds if basis == "compliance" else inst.effective
                if when <= on:
                    steps.append((when, order, comp))
        folded: dict[str, Component] = {}
        # ids are per authority: a Dutch 3B001.f.1.a never replaces the U.S. one
        for _, _, comp in sorted(steps, key=lambda s: (s[0], s[1])):
            key = comp.id if comp.authority == "USA" else f"{comp.authority}:{comp.id}"
            if comp.action == "remove":
                folded.pop(key, None)
            else:
                folded.pop(key, None)  # re-insert so the newest version sorts last
                folded[key] = comp
        return RegimeState(
            on=on,
            basis=basis,
            components=tuple(c for c in folded.values() if c.active(on)),
            instruments=tuple(live),
            rescinded=tuple(sorted(rescinded)),
        )

    def change_dates(self, basis: Basis = "compliance") -> list[date]:
        """Every date on which something in this regime starts, stops or is rescinded."""
        days: set[date] = {EARLIEST}
        for inst in self.instruments:
            days.add(inst.binds(basis))
            days.add(inst.effective)
            for c in inst.components:
                days.add(c.binds if basis == "compliance" else inst.effective)
                if c.until:
                    days.add(c.until)
                for start, end, _ in c.suspended:
                    days.update((start, end))
        for m in self.measures:
            days.add(m.effective)
            if m.until:
                days.add(m.until)
        for g in self.groups.values():
            days.add(g.valid_from)
            if g.valid_to:
                days.add(g.valid_to)
            days.update(ch[0] for ch in g.changes)
        return sorted(d for d in days if d >= EARLIEST)

    @cached_property
    def newest_change(self) -> tuple[date, str]:
        """The last date anything in the real rules starts, ends or resumes, and the instrument
        doing it (computed once per regime: every date check and verdict asks for it)."""
        best: tuple[date, str] = (EARLIEST_BEYOND, "")
        for inst in self.instruments:
            if inst.hypothetical:
                continue
            days = [inst.effective, inst.compliance or inst.effective]
            for c in inst.components:
                days.append(c.binds)
                if c.until:
                    days.append(c.until)
                days.extend(end for _, end, _ in c.suspended)
            d = max(days)
            if d > best[0]:
                best = (d, f"{inst.id} ({inst.citation})")
        return best

    def instrument(self, instrument_id: str) -> Instrument:
        for i in self.instruments:
            if i.id == instrument_id:
                return i
        raise unknown("instrument", instrument_id, [i.id for i in self.instruments])

    def without(self, instrument_id: str) -> Regime:
        """The same regime minus one instrument (for what-if and for tests)."""
        self.instrument(instrument_id)
        return dataclasses.replace(
            self,
            instruments=tuple(i for i in self.instruments if i.id != instrument_id),
            name=f"{self.name} without {instrument_id}",
        )

    # ---- countries ----------------------------------------------------------------
    def check_country(self, iso3: str, what: str = "country") -> str:
        """Upper-cased ISO3 code, or an :class:`InputError` listing the closest codes."""
        code = (iso3 or "").strip().upper()
        if code in self.countries:
            return code
        err = unknown(f"{what} (ISO 3166-1 alpha-3)", iso3, [f"{k} ({v})" for k, v in self.countries.items()])
        err.hint = (err.hint or "") + "; give a 3-letter code such as CHN, KOR, USA"
        raise err

    def effective_country(self, iso3: str, on: date) -> str:
        """The code the EAR uses for ``iso3`` on ``on`` (Hong Kong → China since 2020)."""
        alias = self.treated_as.get(iso3)
        return alias[0] if alias and alias[1] <= on else iso3

    def members(self, group_id: str, on: date, _seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """ISO3 members of a group on a date (empty outside the group's validity)."""
        if group_id not in self.groups:
            raise unknown("country group", group_id, self.groups)
        if group_id in _seen:
            raise InputError(f"country group {group_id!r} is defined in terms of itself")
        g = self.groups[group_id]
        if on < g.valid_from or (g.valid_to is not None and on >= g.valid_to):
            return frozenset()
        seen = _seen | {group_id}
        out = set(g.members)
        for ch_date, add, remove in sorted(g.changes, key=lambda c: c[0]):
            if ch_date <= on:
                out |= add
                out -= remove
        for other in g.members_from:
            out |= self.members(other, on, seen)
        if g.complement_of:
            taken: set[str] = set()
            for other in g.complement_of:
                taken |= self.members(other, on, seen)
            out |= set(self.countries) - taken
        return frozenset(out - g.excluded)

    def groups_of(self, iso3: str, on: date) -> list[str]:
        """Every group ``iso3`` belongs to on ``on`` (after Hong Kong → China)."""
        code = self.effective_country(iso3, on)
        return [g for g in self.groups if code in self.members(g, on)]

    def selects(self, sel: Selector, iso3: str, on: date) -> bool:
        """Whether a selector covers ``iso3`` on ``on``."""
        code = self.effective_country(iso3, on)
        inside = sel.all or code in sel.countries or any(code in self.members(g, on) for g in sel.groups)
        if not inside:
            return False
        return code not in sel.except_countries and not any(code in self.members(g, on) for g in sel.except_groups)

    def with_members(
        self, group_id: str, add: Iterable[str] = (), remove: Iterable[str] = (), on: date = EARLIEST
    ) -> Regime:
        """A derived regime in which ``group_id`` gains/loses countries from ``on``."""
        g = self.groups.get(group_id)
        if g is None:
            raise unknown("country group", group_id, self.groups)
        add_s = frozenset(self.check_country(c) for c in add)
        rem_s = frozenset(self.check_country(c) for c in remove)
        groups = dict(self.groups)
        groups[group_id] = dataclasses.replace(g, changes=(*g.changes, (on, add_s, rem_s)))
        return dataclasses.replace(self, groups=groups)


# ---- loading -----------------------------------------------------------------------


def _selector(raw: Any, where: str, countries: Mapping[str, str], groups: Iterable[str]) -> Selector | None:
    """A selector (shape checked by :class:`~.schema.SelectorSchema`) whose groups and countries exist."""
    from computestrata.controls.schema import SelectorSchema, validate

    if raw is None:
        return None
    sel = raw if isinstance(raw, SelectorSchema) else validate(SelectorSchema, raw, where)
    gset = set(groups)
    for g in (*sel.groups, *sel.except_groups):
        if g not in gset:
            raise unknown(f"country group in {where}", g, gset)
    for c in (*sel.countries, *sel.except_countries):
        if c not in countries:
            raise unknown(f"ISO3 code in {where}", c, countries)
    return Selector(
        all=sel.all,
        groups=tuple(sel.groups),
        countries=tuple(sel.countries),
        except_groups=tuple(sel.except_groups),
        except_countries=tuple(sel.except_countries),
    )


def _conditions(raw: Any) -> tuple[Condition, ...]:
    return tuple(
        Condition(quantity=c.quantity, op=c.op, value=c.value, confidence=c.confidence, note=c.note) for c in raw
    )


def stack_segment_ids() -> list[str]:
    """The compute stack's segment ids: the only labels a component's ``segment`` may carry."""
    from computestrata.vocab.segments import segment_ids

    return segment_ids()


#: Segment labels of the controls engine before it adopted the stack's ids (old → stack id).
RENAMED_SEGMENTS: dict[str, str] = {
    "logic_ai_chips": "ai_accelerators",
    "model_weights": "foundation_models",
    "ai_software": "ai_system_software",
    "servers_all": "servers",
    "mature_node_sme": "fab_equipment_other",
}


def check_segment(label: str, where: str, known: Iterable[str] | None = None) -> str:
    """``label`` if it is a stack segment id, else an error naming ``where`` and the closest ids."""
    ids = list(known) if known is not None else stack_segment_ids()
    if label not in ids:
        err = unknown(f"segment label in {where}", label, ids)
        new = RENAMED_SEGMENTS.get(label)
        hint = f"renamed: write segment: {new}" if new in ids else err.hint
        raise InputError(
            err.message,
            hint=f"{hint}; segment labels are stack segment ids (stack/segments.yaml), "
            "add the segment there first if it is new",
        )
    return label


def parse_instrument(
    raw: Mapping[str, Any],
    where: str,
    countries: Mapping[str, str],
    groups: Iterable[str],
    segments: Iterable[str] | None = None,
) -> Instrument:
    """Validate one instrument mapping (as read from YAML) into an :class:`Instrument`.

    ``segments``: the valid segment labels (default: the stack's segment ids).
    """
    from computestrata.controls.schema import InstrumentSchema, validate

    gids = list(groups)
    seg_ids: list[str] | None = list(segments) if segments is not None else None
    inst: InstrumentSchema = validate(InstrumentSchema, raw, where)
    comps: list[Component] = []
    for c in inst.components:
        w = f"{where}, component {c.id}"
        if c.segment is not None:
            if seg_ids is None:
                seg_ids = stack_segment_ids()
            check_segment(str(c.segment), w, seg_ids)
        binds = c.compliance or inst.compliance or inst.effective
        if c.effective:  # a component of a later stage (e.g. the ECAD part of an IFR)
            binds = max(binds, c.effective)
        until = c.until or inst.until
        comps.append(
            Component(
                id=c.id,
                kind=c.kind,
                instrument=inst.id,
                citation=inst.citation,
                binds=binds,
                confidence=c.confidence or inst.confidence,
                action=c.action,
                eccn=c.eccn,
                segment=c.segment,
                item=c.item,
                priority=c.priority,
                paragraphs=tuple(c.paragraphs),
                destinations=_selector(c.destinations, f"{w} destinations", countries, gids),
                hq=_selector(c.hq, f"{w} hq", countries, gids),
                conditions=_conditions(c.all),
                policy=c.policy,
                code=c.code,
                notification=c.notification,
                text=" ".join(c.text.split()),
                limits=dict(c.limits or {}),
                hypothetical=c.hypothetical,
                authority=inst.authority,
                until=until,
                suspended=tuple((x.from_, x.to, x.citation) for x in c.suspended),
                extra={k: v for k in _EXTRA_KEYS if (v := getattr(c, k)) is not None},
            )
        )
    return Instrument(
        id=inst.id,
        kind=inst.kind,
        title=" ".join(inst.title.split()),
        citation=inst.citation,
        effective=inst.effective,
        confidence=inst.confidence,
        components=tuple(comps),
        fr_doc=inst.fr_doc,
        published=inst.published,
        compliance=inst.compliance,
        rescinds=tuple(inst.rescinds),
        summary=" ".join(inst.summary.split()),
        sources=inst.sources,
        hypothetical=inst.hypothetical,
        authority=inst.authority,
    )


#: Component keys kept verbatim in :attr:`Component.extra` (read by ``items_beyond.py``).
_EXTRA_KEYS = ("end_uses", "items", "triggers", "exempt_made_in", "us_person", "equivalent", "reason", "products")


def _read_yaml(name: str) -> Any:
    """A shipped rule file (path relative to ``controls/``); see :func:`read_rule_text`."""
    return read_rule_text((resources.files("computestrata.controls") / name).read_text(encoding="utf-8"), name)


#: Where the rule-file keys are documented (named in every rule-file error hint).
KEYS_DOC = "docs/controls-beyond-chips.md and docs/controls.md"


def read_rule_text(text: str, where: str) -> Any:
    """A rule file's YAML, parsed with libyaml when PyYAML has it: the same data as
    ``yaml.safe_load`` (checked over every shipped file) at a tenth of the time.

    PyYAML turns ``2025-13-09`` into a date while parsing and fails with a bare ``ValueError``
    that names neither file nor key; so a file that fails that way is re-read with dates kept
    as text and the first impossible date is reported as an :class:`InputError` (file, key, fix).
    Broken YAML is reported with its line and column."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(
            f"{where}{at}: not valid YAML ({problem})",
            hint="check the indentation and quoting there; compare with the other files in the same folder",
        ) from None
    except ValueError as exc:
        key, value = _bad_date(yaml.load(text, Loader=_text_dates_loader()), ())
        if key is None:
            raise InputError(f"{where}: {exc}", hint=f"{KEYS_DOC} list the keys and their formats") from None
        raise InputError(
            f"{where}: {key}: {value!r} is not a calendar date ({exc})",
            hint="write it as YYYY-MM-DD with a real month (01-12) and day, e.g. 2025-09-29",
        ) from None


def _text_dates_loader() -> Any:
    """A safe YAML loader that keeps ``YYYY-MM-DD`` scalars as strings (no timestamp resolver)."""
    import yaml

    class TextDates(yaml.SafeLoader):
        pass

    TextDates.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextDates


def _bad_date(node: Any, path: tuple[str, ...]) -> tuple[str | None, Any]:
    """The key path (``components[3A090.a].effective``) and value of the first date-shaped
    string that is not a calendar date, or ``(None, None)``."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            found = _bad_date(v, (*path, str(k)))
            if found[0] is not None:
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = v.get("id") if isinstance(v, Mapping) and v.get("id") else i + 1
            found = _bad_date(v, (*path[:-1], f"{path[-1] if path else ''}[{label}]"))
            if found[0] is not None:
                return found
    elif isinstance(node, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", node.strip()):
        y, m, d = (int(x) for x in node.strip().split("-"))
        try:
            date(y, m, d)
        except ValueError:
            return ".".join(path) or "(top level)", node
    return None, None


def _countries() -> dict[str, str]:
    import csv

    text = (resources.files("computestrata.controls") / "groups" / "iso3.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    return {r["iso3"]: r["name"] for r in csv.DictReader(lines)}


def parse_groups(
    raw: Mapping[str, Any], countries: Mapping[str, str]
) -> tuple[dict[str, Group], dict[str, tuple[str, date]]]:
    """Validate the country-groups mapping into groups and the 'treated as' aliases."""
    from computestrata.controls.schema import GroupsFileSchema, validate

    doc: GroupsFileSchema = validate(GroupsFileSchema, raw, "country groups")
    groups: dict[str, Group] = {}
    ids = [g.id for g in doc.groups]
    for g in doc.groups:
        w = f"country group {g.id!r}"
        for c in [*g.members, *g.except_]:
            if c not in countries:
                raise unknown(f"ISO3 code in {w}", c, countries)
        for o in [*g.members_from, *g.complement_of]:
            if o not in ids:
                raise unknown(f"group reference in {w}", o, ids)
        groups[g.id] = Group(
            id=g.id,
            title=g.title or g.id,
            citation=g.citation,
            confidence=g.confidence,
            valid_from=g.valid_from or EARLIEST,
            valid_to=g.valid_to,
            members=frozenset(g.members),
            members_from=tuple(g.members_from),
            complement_of=tuple(g.complement_of),
            excluded=frozenset(g.except_),
            changes=tuple((ch.date, frozenset(ch.add), frozenset(ch.remove)) for ch in g.changes),
            note=g.note,
        )
    treated = {k: (v.as_, v.from_) for k, v in doc.treated_as.items()}
    return groups, treated


def parse_measures(raw: Mapping[str, Any], countries: Mapping[str, str], groups: Iterable[str]) -> tuple[Measure, ...]:
    """Validate the is-informed letters file."""
    from computestrata.controls.schema import MeasuresFileSchema, validate

    doc: MeasuresFileSchema = validate(MeasuresFileSchema, raw, "is-informed letters")
    gids = list(groups)
    out = []
    for m in doc.measures:
        w = f"measure {m.id!r}"
        if isinstance(m.title, dict):  # {en:, ko:, zh:}: English is the title the JSON keeps
            titles = tuple((str(k), " ".join(str(v).split())) for k, v in m.title.items() if k != "en" and v)
            title = str(m.title["en"])
        else:
            title, titles = m.title, ()
        out.append(
            Measure(
                id=m.id,
                kind=m.kind,
                addressee=m.addressee,
                title=" ".join(title.split()),
                citation=m.citation,
                effective=m.effective,
                until=m.until,
                confidence=m.confidence,
                names=tuple(tuple(str(t).lower() for t in n) for n in m.items.names),
                destinations=_selector(m.destinations, f"{w} destinations", countries, gids),
                hq=_selector(m.hq, f"{w} hq", countries, gids),
                note=m.note,
                titles=titles,
            )
        )
    return tuple(out)


@cache
def load() -> Regime:
    """The shipped regime: every instrument in ``controls/rules``, groups and letters."""
    countries = _countries()
    groups, treated = parse_groups(_read_yaml("groups/country_groups.yaml"), countries)
    folder = resources.files("computestrata.controls") / "rules"
    instruments = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            raw = _read_yaml(f"rules/{entry.name}")
            instruments.append(parse_instrument(raw, f"rules/{entry.name}", countries, groups))
    ids = [i.id for i in instruments]
    if len(set(ids)) != len(ids):
        raise InputError("two rule files share an instrument id", hint="ids must be unique")
    for inst in instruments:
        for r in inst.rescinds:
            if r not in ids:
                raise unknown(f"rescinded instrument in {inst.id}", r, ids)
    measures = parse_measures(_read_yaml("measures/is_informed_letters.yaml"), countries, groups)
    return Regime(
        instruments=tuple(sorted(instruments, key=lambda i: (i.effective, i.id))),
        groups=groups,
        treated_as=treated,
        measures=measures,
        countries=countries,
    )


#: Earliest date the beyond-chips rules (equipment, lists, allied and Chinese controls) cover.
EARLIEST_BEYOND = date(2018, 1, 1)


@cache
def load_full() -> Regime:
    """The shipped chip regime plus ``controls/rules_beyond`` (equipment, EDA, materials, end
    uses, FDP rules, Dutch, Japanese and Chinese controls) and their extra country groups.

    Kept apart from :func:`load` so the chip verdicts and timelines do not change with rules
    that cannot touch a chip; everything else (stack join, equipment classify) uses this one.
    """
    countries = _countries()
    raw = dict(_read_yaml("groups/country_groups.yaml"))
    extra = _read_yaml("groups/beyond_groups.yaml")
    raw["groups"] = [*raw.get("groups", []), *extra.get("groups", [])]
    groups, treated = parse_groups(raw, countries)
    base = load()
    instruments = list(base.instruments)
    folder = resources.files("computestrata.controls") / "rules_beyond"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            data = _read_yaml(f"rules_beyond/{entry.name}")
            instruments.append(parse_instrument(data, f"rules_beyond/{entry.name}", countries, groups))
    ids = [i.id for i in instruments]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError(
            f"instrument ids defined twice: {dup}", hint="ids must be unique across rules/ and rules_beyond/"
        )
    return dataclasses.replace(
        base,
        instruments=tuple(sorted(instruments, key=lambda i: (i.effective, i.id))),
        groups=groups,
        treated_as=treated,
        name="US EAR, Dutch, Japanese and Chinese controls (as enacted)",
    )


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(
    on: date | str,
    regime: Regime | None = None,
    what: str = "--date",
    *,
    earliest: date = EARLIEST_BEYOND,
    newest: date | None = None,
) -> date:
    """A date the rules can speak for: from ``earliest`` (2018-01-01) to today, or to the newest
    modelled change of ``regime`` (or ``newest``) if that is later; else an error naming the range.

    Today is always allowed: a reader asks what applies now, and between the newest modelled
    change and today the rules in force are the last ones modelled (verdicts say so).  A date
    after both is a forecast the rule data cannot make.  The controls engine and the cooperation
    space both bound their dates here."""
    day = parse_date(on, what, earliest=earliest)
    if newest is None:
        newest, inst = (regime if regime is not None else load_full()).newest_change
        change = f"{newest.isoformat()}, {inst}"
    else:
        change = newest.isoformat()
    bound = max(newest, date.today())
    if day > bound:
        raise InputError(
            f"{what}: {day.isoformat()} is outside the range the rules cover ({earliest.isoformat()} to "
            f"{bound.isoformat()}): it is in the future and after the newest modelled rule change ({change})",
            hint="the rule data cannot say what applies later (a suspension may be extended or a rule added); "
            f"use a date between {earliest.isoformat()} and {bound.isoformat()}, or a scenario posture for the future",
        )
    return day


def parse_date(text: str | date, what: str = "--date", earliest: date = EARLIEST) -> date:
    """A YYYY-MM-DD date not before ``earliest`` (2022-01-01 for chips), or a clear :class:`InputError`."""
    if isinstance(text, date):
        d = text
    else:
        s = str(text).strip()
        if not _DATE_RE.match(s):
            raise InputError.keyed("errors.date_malformed", "errors.date_format", what=what, text=repr(text))
        try:
            d = date.fromisoformat(s)
        except ValueError as exc:
            raise InputError.keyed(
                "errors.date_not_calendar", "errors.date_format", what=what, text=repr(text)
            ) from exc
    if d < earliest:
        raise InputError.keyed(
            "errors.date_before_rules",
            "errors.date_before_chips" if earliest == EARLIEST else "errors.date_before_other",
            what=what,
            day=d.isoformat(),
            earliest=earliest.isoformat(),
        )
    return d
