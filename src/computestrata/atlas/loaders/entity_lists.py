"""Screening lists (``entity_lists/``): the U.S. Consolidated Screening List and MOFCOM's lists.

One table, ``screening_parties``, one row per listed party:

- every row of the trade.gov Consolidated Screening List snapshot of 2026-07-31 (Entity List,
  SDN, DPL, UVL, MEU, CMIC …; ``list`` is the short code, e.g. ``EL``), decoded from its
  compressed tables with the file's own ``fieldKey``;
- the Entity List rows get a listing date from their first Federal Register citation
  (``atlas/frdates.py``: ``listed_on`` … ``listed_on_latest`` with a confidence; the
  hand-compiled ``entity_list_semis_compiled.csv`` overrides it with its own dated, sourced
  judgement for the 260 semiconductor/compute rows, and adds footnote and stack segments);
- the FDP footnote (1, 4 or 5) is the trailing digit of the licence-requirement string;
- MOFCOM's Unreliable Entity List, export-control watchlist and Attention List (snapshot
  2026-07-19), with their announcement dates and URLs (``list`` ``MOFCOM-UEL``,
  ``MOFCOM-WATCH``, ``MOFCOM-ATT``).

Table ``fr_listing_dates``: the page → date mapping for every FR citation present, with its
basis (anchor / same rule / between anchors) and sources.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import read_json, typed_frame
from computestrata.atlas.sources import Source, file_source
from computestrata.errors import RawDataError, RowError

NAME = "entity_lists"
FOLDER = "entity_lists"
CSL = "consolidated_screening_list_2026-07-31.json"
MOFCOM = "china_mofcom_lists_2026-07-19.json"
COMPILED = "entity_list_semis_compiled.csv"
MIRROR = "GitHub seelpeed-debug/export-controls-agent-mcp @ 5847b09 (MIT), src/data/screening-list.json"
MOFCOM_CODES = {
    "cn-unreliable-entity-list": "MOFCOM-UEL",
    "cn-export-control-watchlist": "MOFCOM-WATCH",
    "cn-attention-list": "MOFCOM-ATT",
}
_LIST_CODE = re.compile(r"\(([A-Z-]+(?: List)?)\)")
_FOOTNOTE = re.compile(r"EAR\.?\)?\s*([45])\s*\.?\s*$")

SCHEMA: dict[str, str] = {
    "party_id": "string",
    "list": "string",
    "list_name": "string",
    "name": "string",
    "aliases": "list<string>",
    "countries": "list<string>",
    "license_requirement": "string",
    "license_policy": "string",
    "federal_register_citation": "string",
    "footnote": "Int64",
    "listed_on": "date",
    "listed_on_latest": "date",
    "listed_on_confidence": "string",
    "listed_on_basis": "string",
    "segment_ids": "list<string>",
    "reason": "string",
    "source_url": "string",
    "source_id": "string",
}


def _code(source_name: str) -> str:
    m = _LIST_CODE.search(source_name)
    return (m.group(1) if m else source_name).replace(" List", "")


def footnote_of(requirement: str | None) -> int | None:
    """The FDP footnote of an Entity List licence requirement: "…744.11 of the EAR)4" → 4,
    "…EAR)5" → 5, Huawei's "see §§ 734.9(e)1 …" → 1, the Russia/Belarus "734.9(g),3" → 3."""
    text = requirement or ""
    m = _FOOTNOTE.search(text)
    if m:
        return int(m.group(1))
    if re.search(r"734\.9\(e\)\s*1", text):
        return 1
    if re.search(r"734\.9\(g\)\s*,?\s*3", text):
        return 3
    return None


def _compiled(ctx: BuildContext, path: Path) -> dict[str, dict[str, Any]]:
    """Name (lower case) → the hand-compiled row (date, footnote, segments, confidence)."""
    out: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                day = date.fromisoformat(row["date_added"]) if row.get("date_added") else None
            except ValueError:
                ctx.bad(
                    RowError(str(path), i, "date_added", row.get("date_added"), "not a YYYY-MM-DD date", "fix the date")
                )
                continue
            conf = re.search(r"date=([HML])", row.get("confidence") or "")
            out[row["entity"].strip().lower()] = {
                "date": day,
                "confidence": conf.group(1) if conf else "M",
                "segments": [s for s in (row.get("segment_ids") or "").split("|") if s],
                "citation": row.get("federal_register_citation"),
            }
    return out


def load(ctx: BuildContext) -> LoadResult:
    from computestrata.atlas import frdates

    csl_path = ctx.path(FOLDER, CSL)
    data = read_json(csl_path)
    for key in ("tables", "entries", "fieldKey"):
        if key not in data:
            raise RawDataError(
                [RowError(str(csl_path), None, key, None, "required key missing", "restore the published file")]
            )
    tab = data["tables"]
    compiled_path = ctx.path(FOLDER, COMPILED)
    compiled = _compiled(ctx, compiled_path)
    sid_csl, sid_compiled, sid_mofcom = "csl_2026_07_31", "entity_list_semis_compiled", "mofcom_lists_2026_07_19"

    def pick(name: str, idx: Any, row: int, col: str) -> str | None:
        if idx is None:
            return None
        values = tab.get(name) or []
        if not isinstance(idx, int) or not 0 <= idx < len(values):
            ctx.bad(
                RowError(str(csl_path), row, col, idx, f"index outside tables.{name}", "restore the published file")
            )
            return None
        return str(values[idx])

    records: list[dict[str, Any]] = []
    pages: dict[tuple[int, int], frdates.FrDate] = {}
    for i, e in enumerate(data["entries"], start=1):
        name = str(e.get("n") or "").strip()
        if not name:
            ctx.bad(RowError(str(csl_path), i, "n", None, "party without a name", "restore the published file"))
            continue
        list_name = pick("sources", e.get("s"), i, "s") or ""
        code = _code(list_name)
        req = pick("licenceRequirements", e.get("lr"), i, "lr")
        rec: dict[str, Any] = {
            "party_id": f"csl-{i}",
            "list": code,
            "list_name": list_name,
            "name": name,
            "aliases": [str(a) for a in e.get("a") or []],
            "countries": [str(c) for c in e.get("c") or []],
            "license_requirement": req,
            "license_policy": pick("licencePolicies", e.get("lp"), i, "lp"),
            "federal_register_citation": e.get("fr"),
            "footnote": footnote_of(req) if code == "EL" else None,
            "source_url": pick("urls", e.get("u"), i, "u"),
            "source_id": sid_csl,
        }
        if code == "EL":
            for cite in frdates.citations(e.get("fr")):
                pages.setdefault(cite, frdates.date_of(*cite))
            fr = frdates.listing_date(e.get("fr"))
            hand = compiled.get(name.lower())
            if hand and hand["date"]:
                rec.update(
                    listed_on=hand["date"],
                    listed_on_latest=hand["date"],
                    listed_on_confidence=hand["confidence"],
                    listed_on_basis="compiled (entity_list_semis_compiled.csv)",
                    segment_ids=hand["segments"],
                    source_id=sid_csl,
                )
            elif fr is not None:
                rec.update(
                    listed_on=fr.earliest,
                    listed_on_latest=fr.latest,
                    listed_on_confidence=fr.confidence,
                    listed_on_basis=f"{fr.basis}: {fr.volume} FR {fr.page}",
                )
        records.append(rec)

    mof_path = ctx.path(FOLDER, MOFCOM)
    mof = read_json(mof_path)
    if not isinstance(mof, list):
        raise RawDataError(
            [RowError(str(mof_path), None, None, None, "expected a JSON list of parties", "restore the published file")]
        )
    for i, m in enumerate(mof, start=1):
        mcode = MOFCOM_CODES.get(str(m.get("list_id")))
        if mcode is None:
            ctx.bad(
                RowError(
                    str(mof_path),
                    i,
                    "list_id",
                    m.get("list_id"),
                    "unknown MOFCOM list",
                    f"use one of {sorted(MOFCOM_CODES)}",
                )
            )
            continue
        try:
            day = date.fromisoformat(str(m.get("date_added")))
        except ValueError:
            ctx.bad(
                RowError(str(mof_path), i, "date_added", m.get("date_added"), "not a YYYY-MM-DD date", "fix the date")
            )
            continue
        records.append(
            {
                "party_id": str(m.get("id") or f"mofcom-{i}"),
                "list": mcode,
                "list_name": m.get("source_list_name"),
                "name": str(m.get("entity_name") or "").strip(),
                "aliases": [str(a) for a in m.get("aliases") or []],
                "countries": [],
                "listed_on": day,
                "listed_on_latest": day,
                "listed_on_confidence": "M",
                "listed_on_basis": "MOFCOM announcement date",
                "reason": m.get("reason"),
                "source_url": m.get("source_url"),
                "source_id": sid_mofcom,
            }
        )
    fr_rows = [
        {
            "volume": d.volume,
            "page": d.page,
            "citation": f"{d.volume} FR {d.page}",
            "earliest": d.earliest,
            "latest": d.latest,
            "confidence": d.confidence,
            "basis": d.basis,
            "source": d.source,
        }
        for _, d in sorted(pages.items())
    ]
    fr_schema = {
        "volume": "Int64",
        "page": "Int64",
        "citation": "string",
        "earliest": "date",
        "latest": "date",
        "confidence": "string",
        "basis": "string",
        "source": "string",
    }
    retrieved = str(data.get("retrievedAt") or "")[:10] or None
    sources: list[Source] = [
        file_source(
            csl_path,
            ctx.raw,
            source_id=sid_csl,
            publisher="U.S. International Trade Administration (trade.gov)",
            title="Consolidated Screening List (incl. BIS Entity List, 15 CFR 744 Supp. 4), snapshot 2026-07-31",
            url=(data.get("source") or {}).get("url") or "",
            license="LicenseRef-US-Government-Public-Domain",
            date_published=str(data.get("sourceGeneratedAt") or "")[:10] or None,
            date_accessed=retrieved,
            citation=f"U.S. Consolidated Screening List, generated {data.get('sourceGeneratedAt')}; via {MIRROR}",
            locator=f"{FOLDER}/{CSL}",
        ),
        file_source(
            compiled_path,
            ctx.raw,
            source_id=sid_compiled,
            publisher="computestrata (compiled by hand from the CSL snapshot)",
            title="Entity List rows relevant to chips, equipment and compute, with dates, footnotes and segments",
            url="",
            license="CC-BY-4.0",
            citation="entity_list_semis_compiled.csv (260 rows; dates from FR citations, segment mapping a judgement)",
            locator=f"{FOLDER}/{COMPILED}",
        ),
        file_source(
            mof_path,
            ctx.raw,
            source_id=sid_mofcom,
            publisher="PRC Ministry of Commerce (MOFCOM), via GitHub xyna-bpinelab/security-export-control-registry",
            title="MOFCOM Unreliable Entity List, export-control watchlist and Attention List, snapshot 2026-07-19",
            url="https://github.com/xyna-bpinelab/security-export-control-registry",
            license="LicenseRef-MIT-per-README",
            date_accessed="2026-07-19",
            citation="MOFCOM lists (each row cites its announcement URL), snapshot 2026-07-19",
            locator=f"{FOLDER}/{MOFCOM}",
        ),
    ]
    return LoadResult(
        tables={"screening_parties": typed_frame(records, SCHEMA), "fr_listing_dates": typed_frame(fr_rows, fr_schema)},
        sources=sources,
    )
