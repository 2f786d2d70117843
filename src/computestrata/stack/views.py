"""What the stack's faces show: rows plus the sources, notes and metadata behind them.

Each function here answers one question a face asks (the segment list, the controls join,
shares, concentration, exposure) with a :class:`StackView`; the CLI, the report and the
dashboard only lay it out.  Notes are made in the language in force, like every result text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from computestrata.stack.labels import citation_note, names, segment_name

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.stack.concentration import Concentration

__all__ = [
    "StackView",
    "concentration_view",
    "controls_notes",
    "controls_view",
    "exposure_view",
    "parse_assume",
    "rule_sources",
    "segments_view",
    "shares_view",
]


@dataclass
class StackView:
    """Rows a face shows, with the atlas source ids, notes, metadata (``data``) and the cited
    records outside the atlas (``extra_sources``: curated shares, rule texts)."""

    rows: list[dict[str, Any]]
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)


def controls_notes(day: str, posture: str | None) -> list[str]:
    """The notes every stack × controls view carries: the join date, the posture, data end, not legal advice."""
    from computestrata.controls import regime as rg
    from computestrata.controls.classify import data_end_note
    from computestrata.i18n import t

    notes = [t("stack.note.controls_join", date=day)]
    if posture:
        notes.append(t("stack.note.posture", posture=t(f"controls.posture.{posture}"), date=day))
    if rg.parse_date(day, "--date") > rg.DATA_AS_OF:  # same note as `controls classify` past the data
        notes.append(data_end_note(rg.load()))
    return [*notes, t("common.not_legal_advice")]


def rule_sources(day: str, basis: str) -> list[dict[str, Any]]:
    """Source records of the real rules in force on ``day`` (a posture's hypothetical instruments
    are not sources; the rules it modifies are)."""
    from computestrata.controls import regime as rg
    from computestrata.controls import sources

    return sources.rules(rg.load(), [rg.parse_date(day, "--date")], basis)  # type: ignore[arg-type]


def segments_view(
    atlas: Atlas | None, layer: str | None = None, date: str | None = None, posture: str | None = None
) -> StackView:
    """The segments (one layer or all) with their names in the reader's language; with ``date``,
    joined with the controls in force (``controlled``, ``control_status``).  ``atlas`` is needed
    only to say which share data a licence filter hides (None: nothing hidden)."""
    from computestrata.errors import InputError
    from computestrata.i18n import get_lang, t
    from computestrata.stack.api import hidden_by_license, hidden_note, segment_records

    hidden = hidden_by_license(atlas) if atlas is not None else {}
    if posture and not date:
        raise InputError(t("stack.note.posture_needs_date"), hint="e.g. --date 2025-06-01 --posture no_yard")
    recs = segment_records(layer)
    code = get_lang()
    for r in recs:
        r["name"] = r[f"name_{code}"]
    notes = [t("stack.note.sensitivity")]
    data: dict[str, Any] = {}
    if date:
        from computestrata.stack.controls import controlled_segments

        join = {j["segment"]: j for j in controlled_segments(date, posture)}
        for r in recs:
            j = join[r["id"]]
            r["controlled"] = j["controlled"]
            r["control_status"] = j["status"]
        day = next(iter(join.values()))["date"]
        notes += controls_notes(day, posture)
        data = {"date": day, "posture": posture}
    if hidden:
        data["hidden_by_license"] = hidden
        notes += hidden_note({k: v for k, v in hidden.items() if k in {r["id"] for r in recs}})
    return StackView(recs, notes=notes, data=data)


def controls_view(
    date: str,
    posture: str | None = None,
    basis: str = "compliance",
    layer: str | None = None,
    excluded_licenses: Sequence[str] = (),
) -> StackView:
    """Which segments the rules in force on ``date`` (or under ``posture``) reach, with the rule
    texts as sources; ``data`` holds the reached / hypothetical / uncontrolled ids and citations."""
    from computestrata.i18n import t
    from computestrata.stack.controls import controlled_segments
    from computestrata.vocab.segments import by_layer

    rows = controlled_segments(date, posture, basis)
    if layer is not None:
        keep = {s.id for s in by_layer(layer)}
        rows = [r for r in rows if r["segment"] in keep]
    day = rows[0]["date"] if rows else date
    extra = rule_sources(day, basis)
    notes = controls_notes(day, posture)
    if excluded_licenses:  # the rule files are not atlas data: say the filter changes nothing here
        notes.append(t("stack.note.license_nothing_here", licenses=", ".join(excluded_licenses)))
    data = {
        "date": day,
        "posture": posture,
        "basis": basis,
        "reached": [r["segment"] for r in rows if r["controlled"]],
        "hypothetical": [r["segment"] for r in rows if r["hypothetical"]],
        "uncontrolled": [r["segment"] for r in rows if not r["controlled"]],
        "citations": sorted({c for r in rows for c in r["citations"]}),
    }
    return StackView(rows, notes=notes, data=data, extra_sources=extra)


def shares_view(
    atlas: Atlas | None, segment: str | None = None, year: int | None = None, country: str | None = None
) -> StackView:
    """Country shares of one segment (or all), largest first, optionally of one country only."""
    from computestrata.i18n import t
    from computestrata.stack import api

    c = api.check_country(atlas, country, groups=True) if country else None
    res = api.shares(atlas, segment, year)
    hidden = {k: v for k, v in api.hidden_by_license(atlas, year).items() if k in res}
    rows: list[dict[str, Any]] = []
    sids: set[str] = set()
    notes: list[str] = []
    cites: set[str] = set()
    inputs: dict[str, Any] = {}
    missing = [sid for sid, sh in res.items() if sh is None and sid not in hidden]
    if missing:
        notes.append(t("stack.note.no_data", segment=names(missing)))
    notes += api.hidden_note(hidden)
    for sid, sh in res.items():
        if sh is None:
            continue
        if sh.inputs:
            inputs[sid] = sh.inputs
        sids.update(sh.source_ids)
        cites.update(sh.citations)
        notes.extend(sh.notes)
        for ent, v in sorted(sh.shares.items(), key=lambda kv: -kv[1]):
            if c is None or ent == c:
                rows.append({"segment": sid, "entity": ent, "year": sh.year, "share": v, "basis": sh.basis})
    data = {"citations": sorted(cites), "cset_inputs": inputs, **({"hidden_by_license": hidden} if hidden else {})}
    return StackView(
        rows,
        sorted(sids),
        [*notes, *map(citation_note, sorted(cites))],
        data,
        api.curated_sources(res.values()),
    )


def _later_notes(atlas: Atlas | None, year: int | None) -> list[str]:
    from computestrata.i18n import t
    from computestrata.stack import api

    later = api.later_only(atlas, year)
    if not later:
        return []
    items = ", ".join(f"{segment_name(k)} ({v})" for k, v in sorted(later.items()))
    return [t("stack.note.later_only", year=year, segments=items)]


def _share_notes(atlas: Atlas | None, year: int | None, items: Sequence[Concentration]) -> list[str]:
    """Notes on the shares behind the rows shown, and only those: CSET's mixed years, raw shares
    that summed to more than 100 % (scaled), and mass held by groups or unknown origin."""
    from computestrata.i18n import t
    from computestrata.stack import api
    from computestrata.stack.shares import over_coverage_note

    shares = api.shares(atlas, None, year)
    shown = [c.segment_id for c in items]
    cset_years = sorted(
        {
            int(u["year"])
            for sid in shown
            if (sh := shares.get(sid)) is not None and sh.basis == "cset"
            for u in sh.inputs
            if u.get("used")
        }
    )
    notes = [t("stack.note.cset_years", first=cset_years[0], last=cset_years[-1])] if len(cset_years) > 1 else []
    notes += [n for c in items if (n := over_coverage_note(api.segment(c.segment_id), c.raw_coverage))]
    groups = [
        f"{segment_name(c.segment_id)} "
        + ", ".join(f"{e} {v:.0%}" if v >= 0.005 else f"{e} <1%" for e, v in sorted(c.non_holders.items()))
        for c in items
        if c.non_holders
    ]
    if groups:
        notes.append(t("stack.note.non_holders", items="; ".join(groups)))
    return notes


def concentration_view(
    atlas: Atlas | None, kind: Literal["concentration", "chokepoints"], year: int | None = None
) -> StackView:
    """HHI, CR-k and countries-for-90 % of every segment with data (``concentration``), or only
    the chokepoints (``chokepoints``: every segment is screened, so all their data are cited)."""
    from computestrata.i18n import t
    from computestrata.stack import api

    items = api.concentration(atlas, year) if kind == "concentration" else api.chokepoints(atlas, year)
    hidden = api.hidden_by_license(atlas, year)
    rows: list[dict[str, Any]] = []
    sids: set[str] = set()
    cites: set[str] = set()
    for c in items:
        rec = c.record()
        sids.update(rec.pop("source_ids"))
        cites.update(rec.pop("citations"))
        rows.append(rec)
    data: dict[str, Any]
    if kind == "concentration":
        derived = [s for s in api.segments() if s.derived_from is not None]
        missing = [s.id for s in api.segments() if s.id not in {r["segment"] for r in rows} and s not in derived]
        head = [t("stack.note.concentration_rules")]
        if [m for m in missing if m not in hidden]:
            head.append(t("stack.note.no_data", segment=names([m for m in missing if m not in hidden])))
        head += [
            t("stack.note.derived_once", segment=segment_name(s.id), parent=segment_name(str(s.derived_from)))
            for s in derived
        ]
        data = {"year": year, "missing": missing, "citations": sorted(cites)}
    else:
        # every segment was tested to find the chokepoints: the data of those that are not are cited too
        sids.update(i for c in api.concentration(atlas, year) for i in c.source_ids)
        head = [t("stack.note.chokepoint_rule"), t("stack.note.as_of"), t("stack.note.screened")]
        data = {"year": year, "rule": "n90 <= 3", "citations": sorted(cites)}
    if hidden:
        data["hidden_by_license"] = hidden
    notes = [
        *head,
        *_share_notes(atlas, year, items),
        *api.hidden_note(hidden),
        *_later_notes(atlas, year),
        *map(citation_note, sorted(cites)),
    ]
    return StackView(rows, sorted(sids), notes, data, api.curated_sources(items))


def parse_assume(items: Sequence[str] | None) -> dict[str, float]:
    """``SEG=FRACTION`` assumptions (``hbm=0.2`` or ``hbm=20%``: the supply left of a cut segment) → dict."""
    from computestrata.errors import InputError

    out = {}
    for item in items or []:
        key, _, val = item.partition("=")
        try:
            v = float(val.rstrip("%")) / (100.0 if val.endswith("%") else 1.0)
        except ValueError:
            v = math.nan
        if not key or not val or math.isnan(v):
            raise InputError(f"--assume {item!r} is not SEG=FRACTION", hint="e.g. --assume hbm=0.2 or hbm=20%")
        if not 0.0 <= v <= 1.0:
            raise InputError(
                f"--assume {item!r}: the fraction must be within 0–1 (or 0–100%), got {val}",
                hint=f"the supply left of the segment, e.g. --assume {key.strip()}=0.2 or {key.strip()}=20%",
            )
        out[key.strip()] = v
    return out


def exposure_view(
    atlas: Atlas | None,
    country: str,
    cut: Sequence[str],
    suppliers: Sequence[str] | None = None,
    year: int | None = None,
    assume: Sequence[str] | None = None,
    include_all: bool = False,
) -> StackView:
    """What ``country`` keeps of every segment above the ``cut`` ones (rows without the per-supplier
    detail, which is in ``data["supply"]``); ``data`` also names the country, cut, suppliers and layers."""
    from computestrata.i18n import t
    from computestrata.stack import api

    assumed = parse_assume(assume)
    res = api.exposure(atlas, country, cut, suppliers or None, year, assumed, include_all)
    rows = [s.record() for s in res.segments]
    for r in rows:
        r.pop("supply", None)
    notes = [t("stack.note.assumption"), t("stack.note.group_rule"), *res.notes, *map(citation_note, res.citations)]
    data = {
        "country": res.country,
        "cut": res.cut,
        "from": res.suppliers,
        "assumption": res.assumption,
        "group_rule": res.group_rule,
        "layers": res.layers,
        "supply": {s.segment_id: s.supply for s in res.segments if s.supply},
        "citations": res.citations,
    }
    return StackView(rows, list(res.source_ids), notes, data, api.curated_sources([res]))
