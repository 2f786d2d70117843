"""Typed API of the export-controls engine (the CLI only parses, calls these and prints).

Stable entry points (other parts — cooperation, scenarios, the stack — call these):

``classify_item(item_class, eccn_or_spec, dest, date, exporter=None, end_user=None, made_in=None,
*, end_use=None, us_tech=None, hq=None, atlas=None) -> Verdict``
    Is a licence needed, under whose rule, and why?  ``item_class``: ``chip`` or ``hbm``
    (``eccn_or_spec``: a chip name from the catalogue, or a ``{"key": value}`` spec as for
    ``--spec``) or ``equipment`` / ``eda`` / ``material`` (``eccn_or_spec``: an ECCN paragraph
    such as ``3B001.f.1.a``, or a national item id such as ``NL.metrology``, ``CN.gallium``).
    ``exporter`` (USA, NLD, JPN, CHN) adds that country's own rules; ``made_in`` + ``us_tech``
    decide whether U.S. rules reach a foreign-made item (FDP, no-de-minimis rules and their
    carve-outs); ``end_use`` (``logic:14nm``, ``dram:18nm``, ``nand:128l``, ``supercomputer``,
    ``sme``) and ``end_user`` (a party name, screened) add end-use and end-user controls.

``screen(name, date=None, lists="el", atlas=None) -> ScreenResult``
    Matches of a party in the Entity List (``el``), MOFCOM's lists (``mofcom``), the whole
    Consolidated Screening List (``csl``) or everything (``all``), with listing dates, FR
    citations, licence requirement, review policy and FDP footnote; ``listed`` on ``date``.

``controls_for_segment(segment_id, exporter, dest, date, *, us_tech=None) -> list[Verdict]``
    The controls that reach a stack segment's goods going from ``exporter`` to ``dest`` on
    ``date``, in that direction: one verdict per modelled paragraph (or national item) tagged
    with that segment and in force that day — U.S. rules (through FDP reach when the exporter
    is not the United States; ``us_tech`` says whether the goods embody U.S. technology,
    ``None`` leaves that open) plus the exporter's own rules when modelled (NLD, JPN, CHN).
    Chip paragraphs are judged as "an item meeting this paragraph": review policies or licence
    exceptions that depend on the item's figures are left open (``missing_inputs``).
    An empty list means no modelled control reaches the segment in that direction — not that
    trade is free (end-use and end-user controls still apply to named parties).

``timeline_item(item_class, eccn, dest, exporter=None, ...) -> list[dict]``
    The verdict on every date it changes (for ``strata controls timeline --item equipment``).

Requests as a face makes them (arguments as typed: countries in any language, ``yes``/``no``),
each returning a result with its rows or record, notes and citations:

``controls_matrix(atlas, dest, dates, *, hq, origin, basis, posture) -> Matrix``
    The chip catalogue × dates matrix and its counts by status: the ONE matrix
    ``strata controls matrix``, the overview and the report show (``securitisation`` adds the
    equipment paragraphs beside it for the overview).
``classify_request(...) -> Classification``, ``timeline(...) -> Timeline``,
``rules(on, basis, include_all) -> Result``, ``eccns(on, posture, basis, exporter) -> Result``
    What ``strata controls classify|timeline|rules|eccns`` show.
``regime_for(posture, basis, on, full)``, ``postures()``, ``catalogue_of(atlas)``,
``country(atlas, word, what)``, ``cited(...)``, ``check_date(on, regime)``
    The pieces: a (hypothetical) regime, the catalogue, a typed country, the records a result
    cites, the one date bound (shared with the cooperation space).

Vocabularies are enums (:mod:`~computestrata.controls.vocab`: ``Status``, ``Kind``, ``Op`` …);
the rule files are checked by schemas (:mod:`~computestrata.controls.schema`).

Dates run from 2018-01-01 (equipment, lists, allied and Chinese rules) to the newest modelled
rule change (or today); outside that an :class:`~computestrata.errors.InputError` names the bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from computestrata.controls.classify import Verdict
from computestrata.controls.items_beyond import ITEM_CLASSES, check_date
from computestrata.controls.items_beyond import classify_item as _classify_beyond
from computestrata.controls.regime import AUTHORITIES, Basis, Regime, load_full
from computestrata.controls.screening import SNAPSHOT, Lists, ScreenResult
from computestrata.controls.vocab import Status
from computestrata.errors import InputError

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.controls.catalogue import Catalogue, CatalogueEntry
    from computestrata.controls.items import Item

__all__ = [
    "BEYOND_FIELDS",
    "CHIP_FIELDS",
    "ITEM_CLASSES",
    "Classification",
    "Matrix",
    "Result",
    "ScreenResult",
    "Status",
    "Timeline",
    "Verdict",
    "beyond_chips",
    "catalogue_of",
    "check_date",
    "cited",
    "classify_chip",
    "classify_item",
    "classify_request",
    "controls_for_segment",
    "controls_matrix",
    "country",
    "eccns",
    "equipment_counts",
    "fold_layers",
    "kind_label",
    "postures",
    "regime_for",
    "rules",
    "screen",
    "securitisation",
    "segment_paragraphs",
    "timeline",
    "timeline_item",
]

ALL_KINDS = ("chip", "hbm", *ITEM_CLASSES)

#: The verdict fields a chip or HBM verdict shows people, in order (its JSON record has more).
CHIP_FIELDS = (
    "item",
    "destination",
    "hq",
    "date",
    "eccn",
    "paragraph",
    "tpp",
    "tpp_driver",
    "performance_density",
    "hbm_bandwidth_density",
    "license_required",
    "license_required_by_rules",
    "license_basis",
    "review_policy",
    "license_exceptions",
    "status",
    "missing_inputs",
    "low_confidence",
    "measures",
)
#: Equipment, EDA and materials have no performance figures nor is-informed letters: who
#: exports them, where they were made, the end use and party, and whether the EAR reaches them
#: decide instead.
BEYOND_FIELDS = (
    *(
        f
        for f in CHIP_FIELDS
        if f not in {"tpp", "tpp_driver", "performance_density", "hbm_bandwidth_density", "measures"}
    ),
    "exporter",
    "made_in",
    "end_use",
    "end_user",
    "subject_to_ear",
)


def beyond_chips(item: str, eccn: str | None = None) -> bool:
    """Whether a request is about equipment, EDA or materials — classified by ECCN paragraph or
    national item id — rather than a chip or HBM classified by its figures: ``--item
    equipment|eda|material``, or any ``--eccn``.  One rule for classify, timeline and their titles."""
    return item in ITEM_CLASSES or bool(eccn)


def kind_label(item: str) -> str:
    """An item kind in the reader's language (``equipment`` → "장비")."""
    from computestrata.i18n import catalog, t

    key = f"controls.beyond.item.{item}"
    return t(key) if key in catalog() else item


_LISTS: dict[tuple[str, str, float], Lists] = {}


def _lists(atlas: Atlas | None, which: str = "all") -> Lists:
    """The screening lists of an atlas, normalised once per process (keyed by path and mtime,
    so a rebuilt atlas is read again)."""
    from computestrata.atlas import store

    at = atlas if atlas is not None else store.open()
    path = getattr(at, "path", None)
    if path is None:
        return Lists.from_atlas(at, which)
    key = (str(path), which, path.stat().st_mtime if path.exists() else 0.0)
    if key not in _LISTS:
        _LISTS[key] = Lists.from_atlas(at, which)
    return _LISTS[key]


def screen(name: str, on: date | str | None = None, lists: str = "el", atlas: Atlas | None = None) -> ScreenResult:
    """Screen ``name`` against ``lists`` as on ``on`` (default: the snapshot date 2026-07-31)."""
    day = check_date(on, load_full()) if on is not None else SNAPSHOT
    return _lists(atlas, lists).screen(name, day, lists)


def classify_item(
    item_class: str,
    eccn_or_spec: str | dict[str, Any],
    dest: str,
    on: date | str,
    exporter: str | None = None,
    end_user: str | None = None,
    made_in: str | None = None,
    *,
    end_use: str | None = None,
    us_tech: bool | None = None,
    hq: str | None = None,
    atlas: Atlas | None = None,
) -> Verdict:
    """The verdict for one item (see the module docstring)."""
    needs_lists = end_user is not None
    lists = _lists(atlas) if needs_lists else None
    if item_class in ITEM_CLASSES:
        if not isinstance(eccn_or_spec, str):
            raise InputError(f"--item {item_class} is classified by ECCN paragraph", hint="e.g. --eccn 3B001.f.1.a")
        return _classify_beyond(
            item_class,
            eccn_or_spec,
            dest,
            on,
            exporter=exporter,
            end_user=end_user,
            end_use=end_use,
            made_in=made_in,
            us_tech=us_tech,
            hq=hq,
            screening=lists,
        )
    if item_class not in ("chip", "hbm"):
        from computestrata.errors import unknown

        raise unknown("--item", item_class, ALL_KINDS)
    return classify_chip(
        item_class,
        eccn_or_spec,
        dest,
        on,
        exporter,
        end_user,
        made_in,
        end_use=end_use,
        us_tech=us_tech,
        hq=hq,
        atlas=atlas,
        lists=lists,
    )


def classify_chip(
    item_class: str,
    chip_or_spec: str | dict[str, Any] | Any,
    dest: str,
    on: date | str,
    exporter: str | None = None,
    end_user: str | None = None,
    made_in: str | None = None,
    *,
    end_use: str | None = None,
    us_tech: bool | None = None,
    hq: str | None = None,
    atlas: Atlas | None = None,
    lists: Lists | None = None,
) -> Verdict:
    """A chip/HBM verdict (parameter tests of ``classify.py``) with the end-use, end-user and FDP
    layers folded in when any of ``exporter``, ``end_user``, ``end_use``, ``made_in`` is given."""
    from computestrata.controls.classify import classify
    from computestrata.controls.items import Item, parse_spec

    if isinstance(chip_or_spec, Item):
        item = chip_or_spec
    elif isinstance(chip_or_spec, dict):
        item = parse_spec([f"{k}={v}" for k, v in chip_or_spec.items()], item=item_class)
    else:
        from computestrata.controls import catalogue

        cat = catalogue.from_atlas(atlas) if atlas is not None else catalogue.from_frame(None)
        item = cat.lookup(str(chip_or_spec)).spec
    base = classify(item, dest, on, hq=hq)
    if not any((exporter, end_user, end_use, made_in)):
        return base
    if lists is None and end_user:
        lists = _lists(atlas)
    return fold_layers(base, exporter, end_user, end_use, made_in, us_tech, lists)


def fold_layers(
    base: Verdict,
    exporter: str | None,
    end_user: str | None,
    end_use: str | None,
    made_in: str | None,
    us_tech: bool | None,
    lists: Lists | None,
) -> Verdict:
    """``base`` (a chip verdict) with jurisdiction, end-use and end-user layers; never looser."""
    from computestrata.controls import items_beyond as ib
    from computestrata.controls.classify import layers_note, severity

    regime = load_full()
    day = ib.check_date(base.date, regime)
    exp = ib.check_exporter(exporter)
    made = regime.check_country(made_in, "--made-in") if made_in else (exp if exp and exp != "USA" else "USA")
    eu = ib.parse_end_use(end_use)
    state = regime.at(day, "compliance")
    reasons = list(base.reasons)
    missing: set[str] = set(base.missing_inputs)
    # the chip note says end uses and parties were not assessed: say which of them now were
    unassessed = layers_note()
    assessed = layers_note(eu.label() if eu else None, end_user or None)
    notes = [assessed if n == unassessed else n for n in base.notes]
    if end_user and lists is None:
        raise InputError("--end-user needs the screening lists", hint="build the atlas first")
    match, mofcom, footnotes, rows = ib.screen_end_user(lists, end_user, day, notes, missing)
    subject, fdp_hits = ib._jurisdiction(
        regime,
        state,
        base.paragraph or "3A090",
        base.paragraph,
        base.item_kind,
        base.destination,
        made,
        us_tech,
        footnotes,
        eu,
        day,
        reasons,
        missing,
    )
    if base.license_required is False or subject is False:
        chip_required: bool | None = False
    elif subject is None:
        chip_required = None
    else:
        chip_required = base.license_required
    layers = [
        ib._Layer(
            "items:USA",
            chip_required,
            base.review_policy,
            tuple(base.license_exceptions),
            (),
            base.eccn,
            base.paragraph,
        )
    ]
    if subject is False and base.license_required:
        notes.append(ib.t("controls.beyond.note.not_subject", made_in=made))
    layers = ib.outer_layers(
        regime, state, layers, eu, base.destination, exp, subject, day, reasons, notes, match, mofcom, fdp_hits
    )
    v = ib._verdict(
        regime,
        state,
        base.item_kind,
        base.item or "",
        base.destination,
        base.hq,
        day,
        "compliance",
        layers,
        reasons,
        missing,
        notes,
        extra=ib.verdict_extra(exp, made, us_tech, subject, eu, end_user, rows),
    )
    # keep the chip's own fields; the status may only get stricter than the chip verdict's
    status = v.status
    if subject is True and "indeterminate" not in (base.status, v.status) and severity(base.status) > severity(status):
        status = base.status  # e.g. an is-informed letter ("measure") the layers do not model
    return replace(
        base,
        license_required=v.license_required,
        license_required_by_rules=v.license_required,
        license_basis=v.license_basis,
        review_policy=v.review_policy,
        license_exceptions=v.license_exceptions,
        status=status,
        reasons=reasons,
        missing_inputs=v.missing_inputs,
        low_confidence=sorted(set(base.low_confidence) | set(v.low_confidence)),
        notes=v.notes,
        extra=v.extra,
    )


def segment_paragraphs(segment_id: str, on: date | str, authorities: tuple[str, ...] = AUTHORITIES) -> list[Any]:
    """The paragraph components tagged with ``segment_id`` in force on ``on`` (any authority given)."""
    from computestrata.vocab.segments import segment

    segment(segment_id)  # unknown ids raise with the closest names
    regime = load_full()
    day = check_date(on, regime)
    state = regime.at(day)
    return [c for c in state.of_kind("paragraph") if c.segment == segment_id and c.authority in authorities]


def controls_for_segment(
    segment_id: str, exporter: str, dest: str, on: date | str, *, us_tech: bool | None = None
) -> list[Verdict]:
    """The verdicts for the goods of ``segment_id`` from ``exporter`` to ``dest`` on ``on``
    (see the module docstring); only verdicts that require a licence or cannot be decided."""
    regime = load_full()
    day = check_date(on, regime)
    exp_code = regime.check_country(exporter, "exporter")
    dest_code = regime.check_country(dest, "destination")
    national = exp_code if exp_code in AUTHORITIES and exp_code != "USA" else None
    auths = ("USA",) + ((national,) if national else ())
    seen: set[str] = set()
    out: list[Verdict] = []
    for comp in segment_paragraphs(segment_id, day, auths):
        if comp.id in seen:
            continue
        seen.add(comp.id)
        v = _classify_beyond(
            comp.item or "equipment",
            comp.id,
            dest_code,
            day,
            exporter=national or ("USA" if exp_code == "USA" else None),
            made_in=exp_code,
            us_tech=us_tech,
            kinds=ALL_KINDS,
        )
        if v.license_required is not False:
            out.append(v)
    return out


def timeline_item(
    item_class: str,
    eccn: str,
    dest: str,
    exporter: str | None = None,
    made_in: str | None = None,
    us_tech: bool | None = None,
    end_use: str | None = None,
) -> list[dict[str, Any]]:
    """One row per date on which the verdict for this item changes (from 2018-01-01)."""
    from computestrata.controls.items_beyond import newest_change
    from computestrata.controls.regime import EARLIEST_BEYOND

    regime = load_full()
    newest, _ = newest_change(regime)
    days = sorted({d for d in regime.change_dates() if EARLIEST_BEYOND <= d <= newest} | {EARLIEST_BEYOND})
    rows: list[dict[str, Any]] = []
    last: tuple[Any, ...] | None = None
    for d in days:
        v = _classify_beyond(
            item_class,
            eccn,
            dest,
            d,
            exporter=exporter,
            made_in=made_in,
            us_tech=us_tech,
            end_use=end_use,
            regime=regime,
        )
        cites = sorted({c for x in v.extra.get("layers", []) if x["license_required"] for c in x["citations"]})
        key = (
            v.status,
            v.license_required,
            v.review_policy,
            tuple(v.license_basis),
            tuple(v.license_exceptions),
            *cites,
        )
        if key != last:
            rows.append(
                {
                    "date": d.isoformat(),
                    "eccn": v.eccn,
                    "paragraph": v.paragraph,
                    "license_required": v.license_required,
                    "status": v.status,
                    "review_policy": v.review_policy,
                    "license_basis": v.license_basis,
                    "license_exceptions": v.license_exceptions,
                    "citations": cites,
                    "low_confidence": v.low_confidence,
                }
            )
            last = key
    return rows


def equipment_counts(dest: str, dates: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
    """Per date: how many modelled U.S. equipment/EDA/material paragraphs are in force and how
    many of them need a licence for U.S.-origin exports to ``dest`` (for the overview's
    securitisation section; ``strata stack controls`` lists them by segment)."""
    regime = load_full()
    dest_code = regime.check_country(dest, "destination")
    out = []
    for d in dates:
        day = check_date(d, regime)
        paras = [c for c in regime.at(day).of_kind("paragraph") if c.authority == "USA" and c.item in ITEM_CLASSES]
        needs = 0
        for c in paras:
            v = _classify_beyond(c.item or "equipment", c.id, dest_code, day, exporter="USA", regime=regime)
            needs += bool(v.license_required)
        out.append({"date": day.isoformat(), "equipment_modelled": len(paras), "equipment_licence": needs})
    return out


# ---- requests as a face makes them (the CLI, the overview, the web dashboard) -------------------------

BASES = ("compliance", "effective")
ORIGINS = ("all", "reference", "epoch")


def check_basis(basis: str) -> Basis:
    """``compliance`` or ``effective``, else an error listing both."""
    if basis not in BASES:
        from computestrata.errors import unknown

        raise unknown("--basis", basis, BASES)
    return cast("Basis", basis)


def regime_for(
    posture: str | None = None, basis: str = "compliance", on: str | date | None = None, full: bool = False
) -> Regime:
    """The shipped regime (``full``: with equipment, EDA, materials, allied and Chinese rules),
    or ``posture`` (see :data:`postures`) applied on ``on`` on top of every rule in force then."""
    from computestrata.controls import regime as rg

    b = check_basis(basis)
    base = load_full() if full else rg.load()
    if posture is None:
        return base
    from computestrata.controls.scope import apply_posture

    day = rg.parse_date(on) if on else None
    return apply_posture(base, posture, on=day, basis=b)


def postures() -> dict[str, Any]:
    """The paper's hypothetical postures by name (``controls/scope.py``), for menus and checks."""
    from computestrata.controls.scope import POSTURES

    return dict(POSTURES)


def catalogue_of(atlas: Atlas | None) -> Catalogue:
    """The chip catalogue: Epoch chips of ``atlas`` plus the reference chips (reference chips only,
    with a note saying so, when there is no atlas)."""
    from computestrata.controls import catalogue

    if atlas is None:
        from computestrata.i18n import t

        cat = catalogue.from_frame(None)
        cat.notes.append(t("controls.note.no_atlas"))
        return cat
    return catalogue.from_atlas(atlas)


def country(atlas: Atlas | None, word: str, what: str) -> str:
    """ISO3 for a country the user typed: any code, name or alias the atlas knows (also Korean
    and Chinese names), else a plain ISO3 code checked against the rule data."""
    if atlas is not None and atlas.has("countries") and atlas.has("country_aliases"):
        from computestrata.atlas.countries import country_arg

        return country_arg(atlas, word, what=what)
    from computestrata.controls import regime as rg

    return rg.load().check_country(word, "destination" if what == "--dest" else "headquarters country")


def yes_no(text: str | None, what: str = "--us-tech") -> bool | None:
    """``yes``/``no`` (also y/n, true/false, 1/0) → True/False; None when not given."""
    if text is None:
        return None
    s = text.strip().lower()
    if s in ("yes", "y", "true", "1"):
        return True
    if s in ("no", "n", "false", "0"):
        return False
    raise InputError(f"{what}: expected yes or no, got {text!r}", hint=f"{what} yes")


def _tech(value: str | bool | None) -> bool | None:
    return value if isinstance(value, bool) else yes_no(value)


def chip_item(
    chip: str | None, spec: list[str] | None, item: str, atlas: Atlas | None
) -> tuple[Item, CatalogueEntry | None, list[str]]:
    """The item to classify: a catalogue chip by name, or figures given as ``KEY=VALUE``;
    with the catalogue entry (None for a spec) and the catalogue's notes."""
    from computestrata.controls.items import parse_spec
    from computestrata.errors import unknown

    if item not in ("chip", "hbm"):  # equipment, EDA and materials never get here (beyond_chips)
        raise unknown("--item", item, ALL_KINDS)
    if chip and spec:
        raise InputError("give --chip or --spec, not both", hint="use --spec alone to override figures")
    if spec:
        return parse_spec(spec, item=item), None, []
    if not chip:
        raise InputError.keyed("input.nothing_to_classify", "input.nothing_to_classify.hint")
    if item != "chip":
        raise InputError("--chip looks up logic ICs only", hint="for HBM use --item hbm with --spec")
    cat = catalogue_of(atlas)
    entry = cat.lookup(chip)
    return entry.spec, entry, cat.notes


def ccl_paragraphs(atlas: Atlas | None) -> frozenset[str] | None:
    """The CCL paragraph ids of the atlas (``ccl_paragraphs``), to check an ECCN against; None without it."""
    if atlas is None or not atlas.has("ccl_paragraphs"):
        return None
    return frozenset(r["paragraph"] for r in atlas.rows("select paragraph from ccl_paragraphs"))


def screening_lists(atlas: Atlas | None) -> Lists:
    """Every screening list of the atlas (an :class:`AtlasError` without one)."""
    from computestrata.errors import AtlasError

    if atlas is None:
        raise AtlasError("screening needs the atlas (table screening_parties)", hint="run `strata atlas build` first")
    return Lists.from_atlas(atlas, "all")


def cited(
    entries: Iterable[CatalogueEntry], regime: Regime, days: Iterable[date], basis: str, letters: Iterable[str] = ()
) -> tuple[list[str], list[dict[str, Any]]]:
    """What a chip result cites: atlas source ids (Epoch chips) and the records the atlas does not
    hold (the reference chips, the instruments in force on ``days``, the letters ``letters``)."""
    from computestrata.controls import sources

    entries = list(entries)
    ids = sorted({e.source_id for e in entries if e.source_id})
    extra = sources.reference_chips(entries) + sources.rules(regime, days, check_basis(basis), letters)
    return ids, extra


def epoch_hidden_note(atlas: Atlas) -> list[str]:
    """How many Epoch chips the licence filter hides (none hidden: no note), so a shorter
    catalogue is not mistaken for the whole one."""
    from computestrata.atlas import store
    from computestrata.controls import catalogue
    from computestrata.i18n import t

    full = store.open(atlas.path, exclude_licenses=[])
    if not full.has("chips"):
        return []
    total = len(catalogue.epoch_entries(full.table("chips")))
    kept = len(catalogue.epoch_entries(atlas.table("chips"))) if atlas.has("chips") else 0
    if kept >= total:
        return []
    return [t("controls.note.epoch_hidden", hidden=total - kept, total=total, spdx=", ".join(atlas.exclude_licenses))]


@dataclass
class Result:
    """What a controls command shows: rows or one record, and what it cites.

    ``notes`` are texts in the reader's language (made when the result is made)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "data": self.data,
            "notes": self.notes,
            "source_ids": self.source_ids,
            "extra_sources": self.extra_sources,
        }


@dataclass
class Classification(Result):
    """A verdict as a command shows it: the verdict, its JSON record and citations.

    ``item`` is the kind asked for (``chip``, ``hbm``, ``equipment`` …), ``beyond`` whether it was
    classified by paragraph (:func:`beyond_chips`), ``posture`` the hypothetical posture applied."""

    verdict: Verdict | None = None
    regime: Regime | None = None
    item: str = "chip"
    beyond: bool = False
    posture: str | None = None

    def title(self) -> str:
        """The verdict's title in the reader's language."""
        from computestrata.i18n import t

        v = self.verdict
        assert v is not None
        if self.beyond:
            return t(
                "controls.beyond.title.classify",
                item=v.item,
                kind=kind_label(self.item),
                dest=v.destination,
                date=v.date.isoformat(),
            )
        return t(
            "controls.title.classify",
            item=v.item or t("controls.word.spec"),
            dest=v.destination,
            date=v.date.isoformat(),
        )

    def summary(self) -> dict[str, Any]:
        """The fields people read first, by code and in order (:data:`CHIP_FIELDS` or
        :data:`BEYOND_FIELDS`; ``regime`` is the posture when one was applied).  Values are the
        record's codes (an empty list is ``None``); a face puts them in the reader's language."""
        d, v = self.data, self.verdict
        assert d is not None and v is not None
        out: dict[str, Any] = {}
        for k in BEYOND_FIELDS if self.beyond else CHIP_FIELDS:
            value = d.get(k)
            out[k] = None if value == [] else value
        out["status"] = v.status
        if self.posture and not self.beyond:
            out["regime"] = self.posture
        return out


@dataclass
class Matrix(Result):
    """The catalogue × dates matrix: ``rows`` one per chip and date, ``counts`` chips per status
    at each date, ``entries`` the chips classified."""

    dest: str = ""
    dates: list[str] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)
    entries: list[CatalogueEntry] = field(default_factory=list)


def controls_matrix(
    atlas: Atlas | None,
    dest: str,
    dates: Sequence[str],
    *,
    hq: str | None = None,
    origin: str = "all",
    basis: str = "compliance",
    posture: str | None = None,
) -> Matrix:
    """Classify the whole chip catalogue for one destination at several dates — the one matrix
    ``strata controls matrix``, the overview and the report show.

    A posture is applied on each date, on top of the rules in force then.  The notes say when the
    licence filter hides Epoch chips and when a date is past the rule data; the citations are the
    chips and the chip rules and letters in force on the dates."""
    from computestrata.controls import regime as rg
    from computestrata.controls.batch import matrix as run
    from computestrata.controls.batch import status_counts
    from computestrata.controls.classify import data_end_note
    from computestrata.errors import unknown

    if origin not in ORIGINS:
        raise unknown("--origin", origin, ORIGINS)
    days = [d.strip() for d in dates if d.strip()]
    if not days:
        raise InputError("--dates is empty", hint="e.g. --dates 2022-12-01,2024-01-01")
    b = check_basis(basis)
    dest_code = country(atlas, dest, "--dest")
    hq_code = country(atlas, hq, "--hq") if hq else None
    cat = catalogue_of(atlas)
    entries = [e for e in cat.entries if origin == "all" or e.origin == origin]
    order = {e.name: i for i, e in enumerate(entries)}
    rows: list[dict[str, Any]] = []
    for day in days:
        rows += run(entries, dest_code, [day], hq=hq_code, regime=regime_for(posture, b, day), basis=b)
    rows.sort(key=lambda r: (order[r["chip"]], r["date"]))
    parsed = [rg.parse_date(d, "--dates") for d in days]
    letters = {m for r in rows for m in r["measures"]}
    chip_rules = regime_for(None, b)
    src, extra = cited(entries, chip_rules, parsed, b, letters)
    notes = list(cat.notes)
    if atlas is not None and atlas.exclude_licenses and origin != "reference":
        notes += epoch_hidden_note(atlas)
    if any(d > rg.DATA_AS_OF for d in parsed):
        notes.append(data_end_note(chip_rules))
    return Matrix(
        rows=rows,
        notes=notes,
        source_ids=src,
        extra_sources=extra,
        dest=dest_code,
        dates=days,
        counts=status_counts(rows, days),
        entries=entries,
    )


def classify_request(
    dest: str,
    on: str,
    *,
    chip: str | None = None,
    spec: list[str] | None = None,
    item: str = "chip",
    eccn: str | None = None,
    hq: str | None = None,
    basis: str = "compliance",
    posture: str | None = None,
    exporter: str | None = None,
    end_use: str | None = None,
    end_user: str | None = None,
    made_in: str | None = None,
    us_tech: str | bool | None = None,
    atlas: Atlas | None = None,
) -> Classification:
    """``strata controls classify`` as one call: arguments as typed (countries in any language,
    ``us_tech`` as yes/no), the verdict, its JSON record (with the catalogue entry and the posture's
    regime name), its notes and citations."""
    if beyond_chips(item, eccn):
        return _classify_equipment(
            item, eccn, chip, spec, dest, on, hq, basis, posture, exporter, end_use, end_user, made_in, us_tech, atlas
        )
    from computestrata.controls.classify import classify as run

    it, entry, cat_notes = chip_item(chip, spec, item, atlas)
    dest_code = country(atlas, dest, "--dest")
    hq_code = country(atlas, hq, "--hq") if hq else None
    regime = regime_for(posture, basis, on)
    v = run(it, dest_code, on, hq=hq_code, regime=regime, basis=check_basis(basis))
    if any((exporter, end_use, end_user, made_in)):
        if posture:
            raise InputError(
                "--posture cannot be combined with --exporter/--end-use/--end-user/--made-in",
                hint="postures rewrite the chip rules only; drop one of them",
            )
        made = country(atlas, made_in, "--made-in") if made_in else None
        lists = screening_lists(atlas) if end_user else None
        v = fold_layers(v, exporter, end_user, end_use, made, _tech(us_tech), lists)
        regime = load_full()
    d = v.to_dict()
    if entry is not None:
        d["catalogue"] = {"chip_id": entry.chip_id, "name": entry.name, "origin": entry.origin}
    if posture:
        d["regime"] = regime.name
    src, extra = cited([entry] if entry else [], regime, [v.date], basis, {m["id"] for m in v.measures})
    return Classification(
        data=d,
        notes=[*cat_notes, *v.notes],
        source_ids=src,
        extra_sources=extra,
        verdict=v,
        regime=regime,
        item=item,
        posture=posture,
    )


def _classify_equipment(
    item: str,
    eccn: str | None,
    chip: str | None,
    spec: list[str] | None,
    dest: str,
    on: str,
    hq: str | None,
    basis: str,
    posture: str | None,
    exporter: str | None,
    end_use: str | None,
    end_user: str | None,
    made_in: str | None,
    us_tech: str | bool | None,
    atlas: Atlas | None,
) -> Classification:
    """``classify --item equipment|eda|material --eccn …``: the same verdict shape as for chips."""
    from computestrata.controls import sources

    if chip or spec:
        raise InputError(
            "--chip/--spec classify chips; --eccn classifies equipment, EDA and materials",
            hint="give --item equipment --eccn 3B001.f.1.a, or drop --eccn",
        )
    if item not in ITEM_CLASSES:
        raise InputError(
            f"--eccn needs --item equipment, eda or material (got --item {item})",
            hint="e.g. --item equipment --eccn 3B001.f.1.a",
        )
    if not eccn:
        raise InputError(
            f"--item {item} needs --eccn", hint="e.g. --eccn 3B001.f.1.a; `strata controls eccns` lists them"
        )
    if posture:
        raise InputError("--posture applies to the chip rules only", hint="drop --posture for equipment items")
    for flag, value in (("--made-in", made_in), ("--end-user", end_user), ("--exporter", exporter)):
        if value is not None and not value.strip():
            raise InputError(f"{flag} is empty", hint=f"give a value or leave {flag} out")
    dest_code = country(atlas, dest, "--dest")
    hq_code = country(atlas, hq, "--hq") if hq else None
    made = country(atlas, made_in, "--made-in") if made_in else None
    lists = screening_lists(atlas) if end_user else None
    regime = load_full()
    v = _classify_beyond(
        item,
        eccn,
        dest_code,
        on,
        exporter=exporter,
        end_user=end_user,
        end_use=end_use,
        made_in=made,
        us_tech=_tech(us_tech),
        hq=hq_code,
        regime=regime,
        basis=cast("Basis", basis),  # checked by classify_item, which names --basis
        screening=lists,
        ccl=ccl_paragraphs(atlas),
    )
    d = v.to_dict()
    reasons = {r.instrument for r in v.reasons}
    in_force = sources.rules(regime, [v.date], check_basis(v.basis))
    extra = [x for x in in_force if x["source_id"].removeprefix("controls_rule_") in reasons]
    ids = sorted({r["source_id"] for r in d.get("screening") or [] if r.get("source_id")})
    return Classification(
        data=d,
        notes=list(v.notes),
        source_ids=ids,
        extra_sources=extra,
        verdict=v,
        regime=regime,
        item=item,
        beyond=True,
    )


@dataclass
class Timeline(Result):
    """Every change of status for one item and destination (``rows``: one per change).

    ``item`` names the item (chip name or ECCN), ``kind`` the kind asked for and ``beyond``
    whether it changes by paragraph (:func:`beyond_chips`)."""

    dest: str = ""
    item: str | None = None
    kind: str = "chip"
    beyond: bool = False

    def title(self) -> str:
        """The timeline's title in the reader's language."""
        from computestrata.i18n import t

        if self.beyond:
            return t("controls.beyond.title.timeline", item=self.item, kind=kind_label(self.kind), dest=self.dest)
        return t("controls.title.timeline", item=self.item or t("controls.word.spec"), dest=self.dest)


def timeline(
    dest: str,
    *,
    chip: str | None = None,
    spec: list[str] | None = None,
    item: str = "chip",
    eccn: str | None = None,
    hq: str | None = None,
    basis: str = "compliance",
    exporter: str | None = None,
    made_in: str | None = None,
    us_tech: str | bool | None = None,
    end_use: str | None = None,
    atlas: Atlas | None = None,
) -> Timeline:
    """``strata controls timeline`` as one call: chips and HBM by their parameter tests (with the
    instrument that caused each change), equipment/EDA/materials by paragraph (from 2018)."""
    from computestrata.controls import regime as rg
    from computestrata.controls import sources

    if beyond_chips(item, eccn):
        if item not in ITEM_CLASSES or not eccn or chip or spec:
            raise InputError(
                "timeline for equipment, EDA and materials needs --item equipment|eda|material and --eccn",
                hint="e.g. --item equipment --eccn 3B001.f.1.b",
            )
        dest_code = country(atlas, dest, "--dest")
        made = country(atlas, made_in, "--made-in") if made_in else None
        events = timeline_item(
            item, eccn, dest_code, exporter=exporter, made_in=made, us_tech=_tech(us_tech), end_use=end_use
        )
        days = [rg.parse_date(e["date"], earliest=rg.EARLIEST_BEYOND) for e in events]
        extra = sources.rules(load_full(), days, check_basis(basis))
        from computestrata.i18n import t

        return Timeline(
            rows=events,
            notes=[t("controls.beyond.timeline.note")],
            extra_sources=extra,
            dest=dest_code,
            item=eccn,
            kind=item,
            beyond=True,
        )
    from computestrata.controls.batch import timeline as run

    it, entry, cat_notes = chip_item(chip, spec, item, atlas)
    dest_code = country(atlas, dest, "--dest")
    hq_code = country(atlas, hq, "--hq") if hq else None
    regime = regime_for(None, basis)
    b = check_basis(basis)
    events = run(it, dest_code, hq=hq_code, regime=regime, basis=b)
    # the instruments in force at each change, and at the end of the rule data (status unchanged since)
    days = [rg.parse_date(e["date"]) for e in events] + regime.change_dates(b)[-1:]
    letters = {m for e in events for m in e["measures"]}
    src, extra = cited([entry] if entry else [], regime, days, b, letters)
    return Timeline(
        rows=events,
        notes=[*cat_notes, *it.notes],
        source_ids=src,
        extra_sources=extra,
        dest=dest_code,
        item=it.name,
        kind=item,
    )


def rules(on: str | None = None, basis: str = "compliance", include_all: bool = False) -> Result:
    """The dated instruments (and is-informed letters) in the rule data, with citations; with
    ``on``, whether each is in force that day.  ``include_all``: also the equipment, EDA,
    materials, end-use, FDP, Dutch, Japanese and Chinese instruments."""
    from computestrata.controls import regime as rg
    from computestrata.controls import sources

    reg = regime_for(None, basis, full=include_all)
    b = check_basis(basis)
    day = rg.parse_date(on, earliest=rg.EARLIEST_BEYOND if include_all else rg.EARLIEST) if on else None
    live = {i.id for i in reg.at(day, b).instruments} if day else None
    rows: list[dict[str, Any]] = [
        _rule_row(i, i.fr_doc, i.compliance, None if live is None else i.id in live, i.summary) for i in reg.instruments
    ]
    rows += [_rule_row(m, None, None, None if day is None else m.in_force(day), m.title) for m in reg.measures]
    return Result(rows=rows, extra_sources=sources.all_rules(reg))


def _rule_row(x: Any, fr_doc: Any, compliance: Any, in_force: bool | None, summary: str) -> dict[str, Any]:
    """One instrument or is-informed letter as a row of `strata controls rules`."""
    return {
        "id": x.id,
        "kind": x.kind,
        "authority": getattr(x, "authority", "USA"),
        "citation": x.citation,
        "fr_doc": fr_doc,
        "effective": x.effective,
        "compliance": compliance,
        "confidence": f"[{x.confidence}]",
        "in_force": in_force,
        "summary": summary,
    }


def eccns(
    on: str | None = None, posture: str | None = None, basis: str = "compliance", exporter: str | None = None
) -> Result:
    """ECCNs (and national item ids) a real or hypothetical regime controls, with segments and
    citations; ``exporter``: whose rules (USA default, NLD, JPN, CHN or ``all``).  The real rules
    in force that day are the sources (a posture's hypothetical ones are not)."""
    from computestrata.controls import regime as rg
    from computestrata.controls import sources
    from computestrata.controls.items_beyond import check_exporter
    from computestrata.controls.scope import controlled_eccns

    auths = AUTHORITIES if (exporter or "").strip().lower() == "all" else (check_exporter(exporter) or "USA",)
    reg = regime_for(posture, basis, on, full=True)
    b = check_basis(basis)
    day = rg.parse_date(on, earliest=rg.EARLIEST_BEYOND) if on else None
    rows = controlled_eccns(reg, day, b, authorities=auths)
    for r in rows:
        r["paragraphs"] = ", ".join(r["paragraphs"])
        r["citations"] = "; ".join(r["citations"])
    real = regime_for(None, basis, full=True)
    when = day if day is not None else real.change_dates(b)[-1]
    return Result(rows=rows, extra_sources=sources.rules(real, [when], b))


def securitisation(atlas: Atlas | None, dest: str, dates: Sequence[str]) -> Matrix:
    """The chip matrix (:func:`controls_matrix`) with, per date, the modelled U.S. equipment, EDA
    and material paragraphs in force and those needing a licence (:func:`equipment_counts`):
    securitisation reaches the machines and software that make chips too.  Cites every rule in
    force on the dates (chip and beyond-chip) — the overview's and the report's controls section."""
    from computestrata.controls import sources
    from computestrata.controls.regime import parse_date

    res = controls_matrix(atlas, dest, dates)
    counts = [dict(r) for r in res.counts]
    for row, eq in zip(counts, equipment_counts(res.dest, res.dates), strict=True):
        row.update(equipment_licence=eq["equipment_licence"], equipment_modelled=eq["equipment_modelled"])
    letters = {m for r in res.rows for m in r["measures"]}
    days = [parse_date(d) for d in res.dates]
    extra = sources.reference_chips(res.entries) + sources.rules(load_full(), days, letter_ids=letters)
    return replace(res, counts=counts, extra_sources=extra)
