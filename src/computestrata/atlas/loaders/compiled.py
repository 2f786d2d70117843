"""Hand-compiled public facts (``compiled/*.csv``): one table per file, each row citing itself.

Every row names the page it was taken from; the atlas gets one :class:`Source` per distinct
(organisation, URL) pair — id ``compiled-<org slug>-<hash>``, licence
``LicenseRef-compiled-facts`` (public facts with a citation, not a licensed dataset).  Rows are
not all equally solid:

- ``confidence`` is kept where the file has one (the East-Data-West-Computing file), with
  ``confidence_level`` = high/medium/low parsed from its first word.  That file lists several
  URLs per row: all are in ``source_urls``; the Source is the first one (publisher = its host).
- ``is_assumption`` marks rows that outputs must present as assumptions: low or unrated
  confidence, no source page, or a note admitting a weak origin ("unverified", "low-quality",
  "AI-generated", "from recollection", "by analogy").
- The EDS hub coordinates are city-level estimates by the compiler (``coords_are_estimates``).
- The China grid emission factors file names no URL: it is cited as the official MEE/NBS
  publication it transcribes.

Facts: ``Infrastructure|Data centers`` (count of listed facilities, entity ISO3, period = as-of
month).  Cloudscene counts are directory listings and undercount China heavily (their note).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from computestrata.atlas.loaders.base import BuildContext, LoadResult, facts_frame
from computestrata.atlas.loaders.parsing import Row, iter_rows, parse_date, short_hash, slugify, typed_frame
from computestrata.atlas.sources import Source, file_source

NAME = "compiled"
FOLDER = "compiled"
LICENSE = "LicenseRef-compiled-facts"
_WEAK = re.compile(r"unverified|low[- ]quality|ai-generated|recollection|by analogy", re.I)
_LEVEL = re.compile(r"^\s*(high|medium|low)\b", re.I)
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*$")

PROVENANCE: dict[str, str] = {
    "source_org": "string",
    "source_url": "string",
    "note": "string",
    "is_assumption": "boolean",
    "source_id": "string",
}
EDS_SCHEMA: dict[str, str] = {
    "hub_cn": "string",
    "hub_en": "string",
    "hub_side": "string",
    "cluster_cn": "string",
    "cluster_en": "string",
    "province_cn": "string",
    "province_en": "string",
    "starting_area_cn": "string",
    "starting_area_en": "string",
    "approx_lat": "float64",
    "approx_lon": "float64",
    "coord_basis": "string",
    "coords_are_estimates": "boolean",
    "pue_target_max": "float64",
    "rack_utilization_target_min_pct": "float64",
    "approval": "string",
    "status_or_plan_figures": "string",
    "source_urls": "list<string>",
    "confidence": "string",
    "confidence_level": "string",
    **PROVENANCE,
}
GRID_SCHEMA: dict[str, str] = {
    "level": "string",
    "name_cn": "string",
    "name_en": "string",
    "year": "Int64",
    "ef_kgco2_kwh": "float64",
    "ef_gco2_kwh": "float64",
    **PROVENANCE,
}
KOREA_SCHEMA: dict[str, str] = {
    "metric": "string",
    "value": "float64",
    "unit": "string",
    "as_of": "string",
    "is_projection": "boolean",
    "scope": "string",
    "country_iso3": "string",
    **PROVENANCE,
}
CLOUD_SCHEMA: dict[str, str] = {
    "period": "string",
    "provider": "string",
    "share_pct": "float64",
    "market_usd_bn": "float64",
    **PROVENANCE,
}
COUNTS_SCHEMA: dict[str, str] = {
    "country_iso3": "string",
    "country_raw": "string",
    "as_of": "string",
    "as_of_date": "date",
    "data_centers": "Int64",
    "source": "string",
    **PROVENANCE,
}
BILLINGS_SCHEMA: dict[str, str] = {
    "period": "string",
    "region": "string",
    "region_iso3": "string",
    "billings_usd_bn": "float64",
    "yoy_pct": "float64",
    **PROVENANCE,
}
MARKET_SCHEMA: dict[str, str] = {
    "metric": "string",
    "value": "float64",
    "value_low": "float64",
    "value_high": "float64",
    "value_raw": "string",
    "unit": "string",
    "period": "string",
    **PROVENANCE,
}
GRID_SOURCE = Source(
    source_id="mee_nbs_grid_factors_2021_2022",
    publisher="Ministry of Ecology and Environment of the PRC; National Bureau of Statistics of China",
    title="Electricity CO2 emission factors 2021 and 2022 (national, regional grid and provincial)",
    url="https://www.mee.gov.cn/",
    license=LICENSE,
    citation="MEE and NBS announcements of the 2021 and 2022 electricity CO2 emission factors "
    "(published 2024), as transcribed by hand in compiled/china_grid_emission_factors_2021_2022.csv; "
    "the file names no URL",
)


class Provenance:
    """One Source per distinct (organisation, URL) across the compiled files."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.sources: dict[str, Source] = {}

    def cite(self, path: Path, org: str | None, url: str | None) -> str:
        org, url = (org or "unnamed compiler source").strip(), (url or "").strip()
        sid = f"compiled-{slugify(org)[:40].strip('-')}-{short_hash(org, url)}"
        if sid not in self.sources:
            self.sources[sid] = file_source(
                path,
                self.ctx.raw,
                source_id=sid,
                publisher=org,
                title=f"{org} (compiled fact)",
                url=url,
                license=LICENSE,
                citation=f"{org}, {url or 'no page named'}; compiled by hand in {FOLDER}/{path.name}",
            )
        return sid


def provenance(
    row: Row, prov: Provenance, path: Path, org_col: str = "source_org", url_col: str = "source_url", weak: bool = False
) -> dict[str, object]:
    org, url, note = row.text(org_col), row.text(url_col), row.text("note")
    if not url:
        row.fail(url_col, "", "row names no source URL", "add the page the figure was taken from")
    return {
        "source_org": org,
        "source_url": url,
        "note": note,
        "is_assumption": weak or bool(note and _WEAK.search(note)),
        "source_id": prov.cite(path, org, url),
    }


def eds_row(row: Row, prov: Provenance, path: Path) -> dict[str, object]:
    urls = [u.strip() for u in row.raw("sources").split(" ; ") if u.strip().startswith("http")]
    conf = row.text("confidence")
    m = _LEVEL.match(conf or "")
    level = m[1].lower() if m else None
    rec: dict[str, object] = {c: row.text(c) for c in EDS_SCHEMA if c in row.data}
    rec.update(
        {
            "approx_lat": row.num("approx_lat", min_value=-90, max_value=90),
            "approx_lon": row.num("approx_lon", min_value=-180, max_value=180),
            "coords_are_estimates": True,
            "pue_target_max": row.num("pue_target_max", min_value=1.0, max_value=3.0),
            "rack_utilization_target_min_pct": row.num("rack_utilization_target_min_pct", max_value=100),
            "source_urls": urls or None,
            "confidence": conf,
            "confidence_level": level,
            "source_org": urlparse(urls[0]).netloc if urls else None,
            "source_url": urls[0] if urls else None,
            "note": row.text("sources") if not urls else None,
            "is_assumption": level in (None, "low") or not urls or bool(_WEAK.search(row.raw("sources"))),
        }
    )
    rec["source_id"] = prov.cite(path, str(rec["source_org"] or "no source page"), urls[0] if urls else None)
    return rec


def load(ctx: BuildContext) -> LoadResult:
    prov = Provenance(ctx)
    tables: dict[str, list[dict[str, object]]] = {
        k: []
        for k in (
            "eds_hubs",
            "china_grid_factors",
            "korea_datacenter_facts",
            "cloud_market_share",
            "datacenter_counts",
            "semi_equipment_billings",
            "semi_market_facts",
        )
    }
    facts: list[dict[str, object]] = []

    path = ctx.path(FOLDER, "china_eds_hubs_clusters.csv")
    _, rows = iter_rows(ctx, path, required=["hub_en", "cluster_en", "province_en", "sources", "confidence"])
    for row in rows:
        rec = eds_row(row, prov, path)
        if row.ok:
            tables["eds_hubs"].append(rec)

    path = ctx.path(FOLDER, "china_grid_emission_factors_2021_2022.csv")
    _, rows = iter_rows(ctx, path, required=["level", "name_en"])
    for row in rows:
        base = {
            "level": row.text("level", required=True),
            "name_cn": row.text("name_cn"),
            "name_en": row.text("name_en", required=True),
            "source_org": GRID_SOURCE.publisher,
            "source_url": GRID_SOURCE.url,
            "note": None,
            "is_assumption": False,
            "source_id": GRID_SOURCE.source_id,
        }
        out: list[dict[str, object]] = []
        for year in (2021, 2022):
            ef = row.num(f"ef_{year}_kgco2_per_kwh", max_value=2.0)
            if ef is not None:
                out.append({**base, "year": year, "ef_kgco2_kwh": ef, "ef_gco2_kwh": ef * 1000})
        if row.ok:
            tables["china_grid_factors"].extend(out)

    path = ctx.path(FOLDER, "korea_datacenter_facts.csv")
    _, rows = iter_rows(ctx, path, required=["metric", "value", "unit", "as_of", "source_url"])
    for row in rows:
        as_of = row.text("as_of", required=True) or ""
        rec = {
            "metric": row.text("metric", required=True),
            "value": row.num("value", required=True),
            "unit": row.text("unit", required=True),
            "as_of": as_of,
            "is_projection": bool(re.search(r"projection|plan|outlook", as_of, re.I)),
            "scope": row.text("scope"),
            "country_iso3": "KOR",
            **provenance(row, prov, path, org_col="publisher_or_origin"),
        }
        if row.ok:
            tables["korea_datacenter_facts"].append(rec)

    path = ctx.path(FOLDER, "cloud_market_share_synergy.csv")
    _, rows = iter_rows(ctx, path, required=["period", "provider", "share_pct", "source_org", "source_url"])
    for row in rows:
        rec = {
            "period": row.text("period", required=True),
            "provider": row.text("provider", required=True),
            "share_pct": row.num("share_pct", max_value=100, required=True),
            "market_usd_bn": row.num("market_usd_bn"),
            **provenance(row, prov, path),
        }
        if row.ok:
            tables["cloud_market_share"].append(rec)

    path = ctx.path(FOLDER, "datacenter_counts_cloudscene.csv")
    _, rows = iter_rows(ctx, path, required=["as_of", "country", "iso3", "data_centers", "source_url"])
    for row in rows:
        given, name = row.text("iso3"), row.text("country")
        iso3 = row.iso3("iso3", given) if given else row.iso3("country")
        by_name = ctx.countries.resolve(name) if name and ctx.countries else None
        if iso3 and by_name and iso3 != by_name:
            row.fail(
                "iso3",
                given,
                f"code disagrees with country {name!r} ({by_name})",
                "make the country and its ISO3 code agree",
            )
        as_of = row.text("as_of", required=True) or ""
        count = row.num("data_centers", integer=True, required=True)
        rec = {
            "country_iso3": iso3,
            "country_raw": name,
            "as_of": as_of,
            "as_of_date": parse_date(as_of),
            "data_centers": int(count) if count is not None else None,
            "source": row.text("source_org"),
            **provenance(row, prov, path),
        }
        if rec["as_of_date"] is None:
            row.fail("as_of", as_of, "not a date", "write the date as YYYY-MM")
        if row.ok:
            tables["datacenter_counts"].append(rec)
            facts.append(
                {
                    "entity": iso3,
                    "variable": "Infrastructure|Data centers",
                    "unit": "count",
                    "period": as_of,
                    "value": float(rec["data_centers"]),  # type: ignore[arg-type]
                    "source_id": rec["source_id"],
                    "note": "; ".join(str(x) for x in (f"{rec['source']} directory listing", rec["note"]) if x),
                }
            )

    path = ctx.path(FOLDER, "semi_equipment_billings_by_region.csv")
    _, rows = iter_rows(ctx, path, required=["period", "region", "billings_usd_bn", "source_url"])
    for row in rows:
        region = row.text("region", required=True) or ""
        rec = {
            "period": row.text("period", required=True),
            "region": region,
            "region_iso3": ctx.countries.resolve(region) if ctx.countries else None,
            "billings_usd_bn": row.num("billings_usd_bn", required=True),
            "yoy_pct": row.num("yoy_pct", min_value=-100),
            **provenance(row, prov, path),
        }
        if row.ok:
            tables["semi_equipment_billings"].append(rec)

    path = ctx.path(FOLDER, "semi_market_facts.csv")
    _, rows = iter_rows(ctx, path, required=["metric", "value", "unit", "period", "source_url"])
    for row in rows:
        raw = row.text("value", required=True) or ""
        rng = _RANGE.match(raw)
        low: float | None
        high: float | None
        if rng:  # a range ("35-40") has bounds but no single value
            low, high = float(rng[1]), float(rng[2])
            value = None
        else:
            value = row.parse_num("value", raw, min_value=None) if raw else None
            low = high = value
        rec = {
            "metric": row.text("metric", required=True),
            "value": value,
            "value_low": low,
            "value_high": high,
            "value_raw": raw,
            "unit": row.text("unit", required=True),
            "period": row.text("period"),
            **provenance(row, prov, path),
        }
        if row.ok:
            tables["semi_market_facts"].append(rec)

    schemas = {
        "eds_hubs": EDS_SCHEMA,
        "china_grid_factors": GRID_SCHEMA,
        "korea_datacenter_facts": KOREA_SCHEMA,
        "cloud_market_share": CLOUD_SCHEMA,
        "datacenter_counts": COUNTS_SCHEMA,
        "semi_equipment_billings": BILLINGS_SCHEMA,
        "semi_market_facts": MARKET_SCHEMA,
    }
    grid_src = file_source(
        ctx.path(FOLDER, "china_grid_emission_factors_2021_2022.csv"),
        ctx.raw,
        **{
            k: v
            for k, v in GRID_SOURCE.record().items()
            if k in ("source_id", "publisher", "title", "url", "license", "citation")
        },
    )
    return LoadResult(
        tables={k: typed_frame(v, schemas[k]) for k, v in tables.items()},
        sources=[*prov.sources.values(), grid_src],
        facts=facts_frame(facts),
    )
