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

Dates run from 2018-01-01 (equipment, lists, allied and Chinese rules) to the newest modelled
rule change; outside that an :class:`~computestrata.errors.InputError` names the bound.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from computestrata.controls.classify import Verdict
from computestrata.controls.items_beyond import ITEM_CLASSES, check_date
from computestrata.controls.items_beyond import classify_item as _classify_beyond
from computestrata.controls.regime import AUTHORITIES, load_full
from computestrata.controls.screening import SNAPSHOT, Lists, ScreenResult
from computestrata.errors import InputError

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

__all__ = [
    "ITEM_CLASSES",
    "ScreenResult",
    "Verdict",
    "classify_item",
    "controls_for_segment",
    "screen",
    "segment_paragraphs",
    "timeline_item",
]

ALL_KINDS = ("chip", "hbm", *ITEM_CLASSES)


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
    from computestrata.controls.classify import severity

    regime = load_full()
    day = ib.check_date(base.date, regime)
    exp = ib.check_exporter(exporter)
    made = regime.check_country(made_in, "--made-in") if made_in else (exp if exp and exp != "USA" else "USA")
    eu = ib.parse_end_use(end_use)
    state = regime.at(day, "compliance")
    reasons = list(base.reasons)
    missing: set[str] = set(base.missing_inputs)
    notes = list(base.notes)
    match: dict[str, Any] | None = None
    mofcom: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    if end_user:
        if lists is None:
            raise InputError("--end-user needs the screening lists", hint="build the atlas first")
        res = lists.screen(end_user, day, "all")
        rows = res.rows
        match, mofcom, footnotes = ib.end_user_hits(res, notes)
        if match is not None and match.get("listed") is None:
            missing.add("--end-user listing date")
    else:
        footnotes = frozenset()
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
    if eu is not None:
        layers += ib._end_use_layers(regime, state, eu, base.destination, exp, subject, day, reasons)
    layers += ib._end_user_layers(match, mofcom, exp, subject, reasons, notes)
    layers += ib.fdp_layers(fdp_hits, layers)  # name the FDP rule that brings a foreign-made chip in
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
        extra={
            "exporter": exp,
            "made_in": made,
            "us_tech": us_tech,
            "subject_to_ear": subject,
            "end_use": eu.label() if eu else None,
            "end_user": end_user,
            "screening": rows,
        },
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
    from computestrata.stack.segments import segment

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
