"""The EAR as of the eCFR of 2026-07-23 (``ear/``): the current law beside the dated rules.

Tables:

- ``ccl_entries``: one row per ECCN of the Commerce Control List (15 CFR 774 Supp. 1) with
  heading, reasons for control, country-chart lines, licence-exception lines and (categories
  1, 3, 4, 5) the paragraph ids; ``ccl_paragraphs``: one row per paragraph with its text.
- ``country_chart``: one row per (country, column) marked X in the Commerce Country Chart
  (15 CFR 738 Supp. 1), with ISO3 codes; embargoed rows (Cuba, Iran, North Korea, Syria) have
  no marks and a pointer instead (``country_chart_pointers``), which never means "no licence".
- ``ear_country_groups``: group → country (15 CFR 740 Supp. 1).
- ``ear_license_exceptions``: part 740 sections and symbols.
- ``korea_fta_articles``: Korea's Foreign Trade Act (대외무역법) articles, as promulgated.

The dated rule history (what applied in 2022–2025) lives in ``controls/rules*``; these tables
are the July-2026 text it is checked against (``docs/controls-beyond-chips.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import read_json, typed_frame
from computestrata.atlas.sources import Source, file_source
from computestrata.errors import RowError

NAME = "ear"
FOLDER = "ear"
FILES = {
    "ccl": "commerce_control_list_2026-07-23.json",
    "chart": "commerce_country_chart_2026-07-23.json",
    "groups": "country_groups_2026-07-23.json",
    "exceptions": "license_exceptions_2026-07-23.json",
    "korea": "korea_foreign_trade_act_2026-07-31.json",
}
REPO = "GitHub seelpeed-debug/export-controls-agent-mcp @ 5847b09 (MIT), generated from the official XML/API"


def _read(ctx: BuildContext, name: str) -> tuple[Path, Any]:
    path = ctx.path(FOLDER, name)
    return path, read_json(path)


def _need(ctx: BuildContext, path: Path, data: Any, keys: tuple[str, ...]) -> bool:
    missing = [k for k in keys if not isinstance(data, dict) or k not in data]
    if missing:
        ctx.bad(RowError(str(path), None, missing[0], None, "required key missing", "restore the published file"))
        return False
    return True


def _source(
    path: Path, ctx: BuildContext, data: dict[str, Any], source_id: str, title: str, publisher: str, url: str = ""
) -> Source:
    issued = data.get("ecfrIssueDate")
    retrieved = str(data.get("retrievedAt") or "")[:10] or None
    url = url or (data.get("source") or {}).get("url") or ""
    return file_source(
        path,
        ctx.raw,
        source_id=source_id,
        publisher=publisher,
        title=title,
        url=url,
        license="LicenseRef-US-Government-Public-Domain"
        if "korea" not in source_id
        else "LicenseRef-KR-Statute-Public",
        date_published=issued,
        date_accessed=retrieved,
        citation=f"{data.get('citation') or title}" + (f", eCFR issue {issued}" if issued else "") + f"; via {REPO}",
        locator=FOLDER + "/" + path.name,
    )


#: EAR spellings the shared country resolver does not know (incl. two typos in the eCFR tables).
EAR_SPELLINGS = {
    "burma": "MMR",
    "seycheles": "SYC",
    "south sudan, republic of": "SSD",
    "cote d'lvoire": "CIV",
    "saint kitts & nevis": "KNA",
    "congo (democratic republic of)": "COD",
    "congo (democratic republic of the)": "COD",
    "congo (republic of the)": "COG",
}


def _iso3(ctx: BuildContext, name: str, aliases: dict[str, str]) -> str | None:
    assert ctx.countries is not None
    if name.lower() in EAR_SPELLINGS:
        return EAR_SPELLINGS[name.lower()]
    canonical = aliases.get(name.lower(), name)
    for cand in (
        name,
        canonical,
        canonical.split(" (")[0],
        canonical.replace(", South", "").replace("Korea", "South Korea"),
    ):
        code = ctx.countries.resolve(cand)
        if code:
            return code
    return None


def load(ctx: BuildContext) -> LoadResult:
    tables: dict[str, Any] = {}
    sources: list[Source] = []

    # -- Commerce Control List
    path, ccl = _read(ctx, FILES["ccl"])
    if _need(ctx, path, ccl, ("entries", "ecfrIssueDate")):
        sid = "ecfr_ccl_2026_07_23"
        entries, paras = [], []
        for i, e in enumerate(ccl["entries"]):
            eccn = str(e.get("eccn") or "").strip()
            if not eccn:
                ctx.bad(RowError(str(path), i + 1, "eccn", None, "entry without ECCN", "restore the published file"))
                continue
            items = e.get("items") or []
            entries.append(
                {
                    "eccn": eccn,
                    "category": str(e.get("category") or ""),
                    "product_group": e.get("productGroup"),
                    "heading": e.get("heading"),
                    "reason_for_control": e.get("reasonForControl"),
                    "country_chart": [
                        f"{c.get('control')}: {c.get('countryChart')}" for c in (e.get("countryChart") or [])
                    ],
                    "license_exceptions": json.dumps(e.get("licenceExceptionFlags") or {}, ensure_ascii=False),
                    "related_controls": e.get("relatedControls"),
                    "paragraphs": [f"{eccn}.{p['paragraph']}" for p in items if p.get("paragraph")],
                    "source_id": sid,
                }
            )
            for p in items:
                if p.get("paragraph"):
                    paras.append(
                        {
                            "paragraph": f"{eccn}.{p['paragraph']}",
                            "eccn": eccn,
                            "depth": p.get("depth"),
                            "kind": p.get("kind"),
                            "text": p.get("text"),
                            "source_id": sid,
                        }
                    )
        tables["ccl_entries"] = typed_frame(
            entries,
            {
                "eccn": "string",
                "category": "string",
                "product_group": "string",
                "heading": "string",
                "reason_for_control": "string",
                "country_chart": "list<string>",
                "license_exceptions": "string",
                "related_controls": "string",
                "paragraphs": "list<string>",
                "source_id": "string",
            },
        )
        tables["ccl_paragraphs"] = typed_frame(
            paras,
            {
                "paragraph": "string",
                "eccn": "string",
                "depth": "Int64",
                "kind": "string",
                "text": "string",
                "source_id": "string",
            },
        )
        sources.append(
            _source(
                path,
                ctx,
                ccl,
                sid,
                "Commerce Control List (15 CFR 774 Supp. 1)",
                "U.S. Bureau of Industry and Security (eCFR)",
            )
        )

    # -- Commerce Country Chart
    path, chart = _read(ctx, FILES["chart"])
    if _need(ctx, path, chart, ("countries", "columns")):
        sid = "ecfr_country_chart_2026_07_23"
        aliases = {k.lower(): v for k, v in (chart.get("aliases") or {}).items()}
        marks, pointers = [], []
        for name, row in chart["countries"].items():
            code = _iso3(ctx, name, aliases)
            if code is None:
                ctx.bad(
                    RowError(
                        str(path),
                        None,
                        "countries",
                        name,
                        "unknown country name",
                        "add an alias in atlas/country_aliases.csv",
                    )
                )
                continue
            for col in row.get("marks") or []:
                marks.append({"country": name, "iso3": code, "column": col, "source_id": sid})
        for name, row in (chart.get("embargoed") or {}).items():
            pointers.append(
                {"country": name, "iso3": _iso3(ctx, name, aliases), "pointer": row.get("pointer"), "source_id": sid}
            )
        tables["country_chart"] = typed_frame(
            marks, {"country": "string", "iso3": "string", "column": "string", "source_id": "string"}
        )
        tables["country_chart_pointers"] = typed_frame(
            pointers, {"country": "string", "iso3": "string", "pointer": "string", "source_id": "string"}
        )
        sources.append(
            _source(
                path,
                ctx,
                chart,
                sid,
                "Commerce Country Chart (15 CFR 738 Supp. 1)",
                "U.S. Bureau of Industry and Security (eCFR)",
            )
        )

    # -- Country groups
    path, groups = _read(ctx, FILES["groups"])
    if _need(ctx, path, groups, ("groups",)):
        sid = "ecfr_country_groups_2026_07_23"
        aliases = {k.lower(): v for k, v in (groups.get("aliases") or {}).items()}
        labels = groups.get("labels") or {}
        rows = []
        for gid, members in groups["groups"].items():
            for name in members:
                rows.append(
                    {
                        "group_id": gid,
                        "label": labels.get(gid),
                        "country": name,
                        "iso3": _iso3(ctx, name, aliases),
                        "source_id": sid,
                    }
                )
        tables["ear_country_groups"] = typed_frame(
            rows,
            {"group_id": "string", "label": "string", "country": "string", "iso3": "string", "source_id": "string"},
        )
        sources.append(
            _source(
                path,
                ctx,
                groups,
                sid,
                "Country Groups (15 CFR 740 Supp. 1)",
                "U.S. Bureau of Industry and Security (eCFR)",
            )
        )

    # -- Licence exceptions
    path, le = _read(ctx, FILES["exceptions"])
    if _need(ctx, path, le, ("exceptions",)):
        sid = "ecfr_license_exceptions_2026_07_23"
        rows = [
            {
                "section": x.get("sectionNumber"),
                "symbols": list(x.get("symbols") or []),
                "title": x.get("title"),
                "source_id": sid,
            }
            for x in le["exceptions"]
        ]
        tables["ear_license_exceptions"] = typed_frame(
            rows, {"section": "string", "symbols": "list<string>", "title": "string", "source_id": "string"}
        )
        sources.append(
            _source(
                path, ctx, le, sid, "License Exceptions (15 CFR 740)", "U.S. Bureau of Industry and Security (eCFR)"
            )
        )

    # -- Korea's Foreign Trade Act
    path, kr = _read(ctx, FILES["korea"])
    if _need(ctx, path, kr, ("laws",)):
        sid = "korea_foreign_trade_act_2025_10_01"
        rows = []
        for law, body in kr["laws"].items():
            for a in body.get("articles") or []:
                rows.append(
                    {
                        "law": law,
                        "article": a.get("label"),
                        "title": a.get("title"),
                        "effective": a.get("effectiveDate"),
                        "text": a.get("text"),
                        "source_id": sid,
                    }
                )
        tables["korea_fta_articles"] = typed_frame(
            rows,
            {
                "law": "string",
                "article": "string",
                "title": "string",
                "effective": "string",
                "text": "string",
                "source_id": "string",
            },
        )
        sources.append(
            _source(
                path,
                ctx,
                kr,
                sid,
                "대외무역법 (Foreign Trade Act of Korea), promulgated 2025-10-01",
                "Korea Ministry of Government Legislation (law.go.kr)",
                url="https://www.law.go.kr/법령/대외무역법",
            )
        )
    return LoadResult(tables=tables, sources=sources)
