"""The paper's mechanisms (section IV.4) as data, and the openings a pair's result supports.

An opening is listed when at least one of the mechanism's segments is open or limited for
the pair; it carries those segments with their class and score and the strongest evidence
among them (the complementarity driver, and for green compute the two grids' carbon intensity).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.cooperation.api import PairResult
    from computestrata.cooperation.evidence import Evidence


@cache
def mechanisms() -> tuple[dict[str, Any], ...]:
    """The mechanisms in ``mechanisms.yaml`` (segment ids checked against the stack)."""
    import yaml

    from computestrata.stack.segments import segments

    text = (resources.files("computestrata.cooperation") / "mechanisms.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    ids = {s.id for s in segments()}
    out = []
    for m in data["mechanisms"]:
        segs = m["segments"]
        if segs != "all":
            bad = [s for s in segs if s not in ids]
            if bad:
                raise InputError(
                    f"mechanisms.yaml, mechanism {m['id']!r}: unknown segments {', '.join(bad)}",
                    hint="use stack segment ids (strata stack show)",
                )
        out.append(m)
    return tuple(out)


def _grid(atlas: Atlas, iso3: str) -> dict[str, Any] | None:
    if not atlas.has("energy_mix"):
        return None
    rows = atlas.rows(
        "SELECT year, carbon_intensity_gco2_kwh AS ci, renewables_share_pct AS ren, source_id FROM energy_mix "
        "WHERE country_iso3 = ? ORDER BY year DESC LIMIT 1",
        [iso3],
    )
    return rows[0] if rows else None


def _text(value: str | dict[str, str], lang: str) -> str:
    """A mechanism's name or opening in the reader's language (English when not translated)."""
    if isinstance(value, str):
        return value
    return value.get(lang) or value["en"]


def segment_tag(segment_id: str, klass: str) -> str:
    """A mechanism's segment as the JSON lists it: ``"dram (open)"`` (id and class code)."""
    return f"{segment_id} ({klass})"


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"dram (open)"`` → ``("dram", "open")``: the inverse of :func:`segment_tag`, kept beside
    it so the format is known in one place (a text without a class gives ``(text, None)``)."""
    seg, sep, rest = tag.partition(" (")
    return (seg, rest[:-1]) if sep and rest.endswith(")") else (tag, None)


def openings(res: PairResult, atlas: Atlas, ev: Evidence) -> list[dict[str, Any]]:
    """Per mechanism: ``supported`` or not, the segments that open it, and the evidence."""
    from computestrata.i18n import get_lang, t

    lang = get_lang()
    by = res.by_id()
    out = []
    for m in mechanisms():
        ids = list(by) if m["segments"] == "all" else m["segments"]
        members = [by[i] for i in ids]
        if m["id"] == "policy_dialogue":
            tense = [s for s in members if s.klass in ("restricted", "limited")]
            out.append(
                {
                    "mechanism": m["id"],
                    "name": _text(m["name"], lang),
                    "supported": bool(tense),
                    "opening": _text(m["opening"], lang),
                    "segments": [segment_tag(s.segment_id, s.klass) for s in tense],
                    "evidence": [t("coop.mech.tense", n=len(tense), total=len(members), a=res.a, b=res.b)],
                    "paper": m["paper"],
                    "source_ids": [],
                }
            )
            continue
        live = sorted((s for s in members if s.klass in ("open", "limited")), key=lambda s: -s.score)
        evidence: list[str] = []
        sids: list[str] = []
        for s in live[:3]:
            comp = next((d for d in s.drivers if d["dimension"] == "complementarity"), None)
            if comp is not None:
                evidence.append(f"{s.segment_id} {t('coop.class.' + s.klass)} ({s.score:.2f}): {comp['text']}")
                sids += [c for c in comp["cite"] if c and " " not in c]
        if m["id"] == "green_compute":
            for c in (res.a, res.b):
                g = _grid(atlas, c)
                if g is not None:
                    evidence.append(
                        t("coop.mech.grid", country=c, ci=f"{g['ci']:.0f}", ren=f"{g['ren']:.0f}", year=g["year"])
                    )
                    sids.append(g["source_id"])
                else:
                    evidence.append(t("coop.mech.no_grid", country=c))
        out.append(
            {
                "mechanism": m["id"],
                "name": _text(m["name"], lang),
                "supported": bool(live),
                "opening": _text(m["opening"], lang) if live else None,
                "segments": [segment_tag(s.segment_id, s.klass) for s in live],
                "evidence": evidence or [t("coop.mech.none", segments=", ".join(ids), a=res.a, b=res.b)],
                "paper": m["paper"],
                "source_ids": sorted(set(sids)),
            }
        )
    return out
