"""The data-licence notice: which table comes from which source under which terms.

The package's Apache-2.0 licence covers its code, not the data in an atlas.  The data keep
their publishers' terms: Epoch AI's under CC BY 4.0, CSET's Chip Explorer under CC BY-NC 4.0
(no commercial use), the TOP500 lists under no open licence at all.  Every atlas therefore
records per table the sources and licences behind it (``manifest.json``), carries a
``NOTICE.md`` written from that record, and ``strata atlas sources`` shows the notice.

:data:`TERMS` is the project's reading of each licence, for one question: may the data be
redistributed commercially?  ``yes``: with attribution (CC BY, facts with citations) or
freely (PDDL).  ``no``: non-commercial only, or no licence granted.  A licence not listed
here counts as ``not reviewed``, which is not a yes.  ``strata atlas build
--exclude-license …`` with every licence that is not a yes gives an atlas that can be
redistributed commercially; :func:`redistributable_command` spells the command out.
This is a reading of public terms, not legal advice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

CODE_LICENCE = "Apache-2.0"


@dataclass(frozen=True)
class Terms:
    """How data under one licence may be reused (the project's reading, not legal advice)."""

    commercial: str  # "yes" | "no" | "not reviewed"
    summary: str


TERMS: dict[str, Terms] = {
    "CC-BY-4.0": Terms("yes", "reuse and redistribution, also commercial, with attribution to the publisher"),
    "PDDL-1.0": Terms("yes", "public domain dedication: no conditions"),
    "Unicode-3.0": Terms("yes", "permissive: redistribution with the Unicode copyright and permission notice"),
    "LicenseRef-compiled-facts": Terms(
        "yes", "individual facts compiled by hand from public pages, each with its source URL: cite the source"
    ),
    "LicenseRef-paper-claims": Terms("yes", "figures as stated in the paper, with the source it cites: cite both"),
    "LicenseRef-US-Government-Public-Domain": Terms(
        "yes", "a work of the U.S. government: public domain in the United States; cite the source"
    ),
    "LicenseRef-KR-Statute-Public": Terms(
        "yes", "Korean statutes are not protected works (Copyright Act art. 7): free to reuse; cite the source"
    ),
    "LicenseRef-MIT-per-README": Terms(
        "yes", "MIT licence stated in the mirror's README: redistribution, also commercial, with its copyright notice"
    ),
    "CC-BY-NC-4.0": Terms("no", "non-commercial use only, with attribution; commercial redistribution is not allowed"),
    "LicenseRef-TOP500-no-open-licence": Terms(
        "no", "no open licence stated by TOP500.org: cite the list; redistribution is not granted"
    ),
    "LicenseRef-UN-Comtrade-terms": Terms(
        "no", "UN Comtrade terms of use: research use with attribution; bulk redistribution is not granted"
    ),
    "LicenseRef-Taiwan-customs-attribution": Terms(
        "no", "Taiwan customs statistics as published: research use with attribution; no licence for redistribution"
    ),
    "LicenseRef-google-region-carbon": Terms(
        "no", "Google Cloud region carbon figures as shipped by codecarbon: the licence of the values is not stated"
    ),
}
NOT_REVIEWED = Terms("not reviewed", "terms not reviewed by this project: check the publisher's terms before reuse")


def terms(licence: str) -> Terms:
    return TERMS.get(licence, NOT_REVIEWED)


def table_notice(tables: Mapping[str, Mapping[str, Any]], sources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per table: its licences, publishers, number of sources, and whether it may be
    redistributed commercially (only if every licence behind it says yes)."""
    by_id = {str(s["source_id"]): s for s in sources}
    rows = []
    for name, meta in sorted(tables.items()):
        if name == "sources":  # the citations themselves: listed by `strata atlas sources`
            continue
        ids = [i for i in meta.get("source_ids", []) if i in by_id]
        lics = sorted(set(meta.get("licenses") or {str(by_id[i]["license"]) for i in ids}))
        pubs = sorted({str(by_id[i]["publisher"]) for i in ids})
        if not lics:
            verdict = "empty" if not meta.get("rows") else "unknown"
        else:
            verdict = "yes" if all(terms(lic).commercial == "yes" for lic in lics) else "no"
        rows.append(
            {
                "table": name,
                "rows": meta.get("rows"),
                "licenses": lics,
                "publishers": pubs if len(pubs) <= 3 else [*pubs[:3], f"+{len(pubs) - 3}"],
                "sources": len(ids),
                "commercial_redistribution": verdict,
            }
        )
    return rows


def licence_summary(
    tables: Mapping[str, Mapping[str, Any]], sources: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per licence: the tables with data under it, its terms, and the commercial verdict."""
    srcs = list(sources)
    count: dict[str, int] = {}
    for s in srcs:
        count[str(s["license"])] = count.get(str(s["license"]), 0) + 1
    holders: dict[str, list[str]] = {lic: [] for lic in count}
    for name, meta in sorted(tables.items()):
        if name == "sources":
            continue
        for lic in meta.get("licenses", []):
            holders.setdefault(lic, []).append(name)
    return [
        {
            "license": lic,
            "sources": count.get(lic, 0),
            "tables": holders.get(lic, []),
            "commercial_redistribution": terms(lic).commercial,
            "terms": terms(lic).summary,
        }
        for lic in sorted(holders)
    ]


def not_cleared(licences: Iterable[str]) -> list[str]:
    """The licences that are not a plain yes for commercial redistribution."""
    return sorted({lic for lic in licences if terms(lic).commercial != "yes"})


def redistributable_command(licences: Iterable[str]) -> str:
    """The build command that leaves out every licence not cleared for commercial redistribution."""
    flags = " ".join(f"--exclude-license {lic}" for lic in not_cleared(licences))
    return f"strata atlas build --raw DIR --out DIR {flags}".strip()


def notice_markdown(manifest: Mapping[str, Any], sources: Iterable[Mapping[str, Any]]) -> str:
    """``NOTICE.md`` of an atlas: the code licence does not cover the data; table by table, the terms."""
    srcs = list(sources)
    tables = manifest.get("tables", {})
    lines = [
        "# Data licence notice",
        "",
        f"The {CODE_LICENCE} licence of computestrata covers its code only. The data in this atlas keep",
        "their publishers' terms, listed below (this project's reading of public terms, not legal advice).",
        "Cite the source of every figure you reuse: `strata atlas sources` lists them with their citations.",
        "",
    ]
    excluded = manifest.get("excluded_licenses") or []
    if excluded:
        lines += [f"Data under {', '.join(excluded)} was left out of this atlas when it was built.", ""]
    lines += [
        "## Licences",
        "",
        "| licence | sources | commercial redistribution | terms | tables |",
        "|---|---|---|---|---|",
    ]
    for r in licence_summary(tables, srcs):
        lines.append(
            f"| {r['license']} | {r['sources']} | {r['commercial_redistribution']} | {r['terms']} | "
            f"{', '.join(r['tables']) or '—'} |"
        )
    lines += ["", "## Tables", "", "| table | rows | licences | publishers |", "|---|---|---|---|"]
    for r in table_notice(tables, srcs):
        lines.append(
            f"| {r['table']} | {r['rows']} | {', '.join(r['licenses']) or '—'} | {', '.join(r['publishers']) or '—'} |"
        )
    blocked = not_cleared(r["license"] for r in licence_summary(tables, srcs))
    lines += [""]
    if blocked:
        lines += [
            "To build an atlas without the data that may not be redistributed commercially:",
            "",
            f"    {redistributable_command(blocked)}",
        ]
    else:
        lines += ["Every licence in this atlas allows commercial redistribution with attribution."]
    return "\n".join(lines) + "\n"


def terms_text(licence: str) -> str:
    """The terms in the reader's language (English reading from :data:`TERMS` as fallback)."""
    from computestrata.i18n import catalog, t

    key = f"atlas.terms.{licence}"
    return t(key) if key in catalog() else terms(licence).summary


def atlas_notice(atlas: Atlas) -> dict[str, Any]:
    """The data-licence notice of an opened atlas (licence exclusions applied).

    Per table: licences and publishers from the manifest, or, for an atlas written before
    the manifest recorded them, from the ``source_id`` column of the table itself."""
    sources = atlas.sources()
    visible = {str(s["source_id"]) for s in sources}
    tables: dict[str, dict[str, Any]] = {}
    for name, meta in atlas.manifest.get("tables", {}).items():
        ids = meta.get("source_ids")
        if ids is None and "source_id" in meta.get("columns", []):
            ids = [
                r["s"] for r in atlas.rows(f'SELECT DISTINCT source_id AS s FROM "{name}" WHERE source_id IS NOT NULL')
            ]
        ids = [i for i in (ids or []) if i in visible]
        by_id = {str(s["source_id"]): s for s in sources}
        lics = sorted({str(by_id[i]["license"]) for i in ids}) if name != "sources" else []
        rows = meta.get("rows") if not atlas.exclude_licenses else None
        tables[name] = {"rows": rows, "source_ids": ids, "licenses": lics}
    table_rows = table_notice(tables, sources)
    lic_rows = licence_summary(tables, sources)
    for r in lic_rows:
        r["terms"] = terms_text(r["license"])
    return {
        "code_licence": CODE_LICENCE,
        "licences": lic_rows,
        "tables": table_rows,
        "excluded_at_build": list(atlas.manifest.get("excluded_licenses") or []),
        "redistributable_build": redistributable_command(r["license"] for r in lic_rows)
        if not_cleared(r["license"] for r in lic_rows)
        else None,
    }
