"""Epoch AI "Frontier Data Centers": sites (``data_centers``) and dated milestones
(``data_center_timelines``).

The sites file has no country column: ``country_iso3`` is read from the address — a US
state ("…, TX 79601" or "…, Mississippi") means USA, else its last part naming a country
("…, Hebei, China"); ``country_basis`` says which.  Epoch tags its judgements
with "#confident/#likely/#speculative": owner, project and users keep the name and the tag
apart (``owner_confidence``…).  Coordinates are Epoch's own (degrees-minutes-seconds in the
file, decimal degrees here).  Zero power/H100e in a milestone before a site is operational is
a real zero (nothing running), not a missing value.  Money is in 2025 USD billions as
published.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import Row, iter_rows, slugify, typed_frame
from computestrata.atlas.sources import file_source

NAME = "epoch_data_centers"
FOLDER = "epoch_data_centers"
SITES, TIMELINES = "data_centers.csv", "data_center_timelines.csv"
SOURCE_SITES, SOURCE_TIMELINES = "epoch_data_centers", "epoch_data_center_timelines"

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
}
_STATE_ZIP = re.compile(r"\b(" + "|".join(US_STATES) + r")\s+\d{5}(?:-\d{4})?\b")
_STATE_NAME = re.compile(r",\s*(" + "|".join(US_STATES.values()) + r")\b")
_TAG = re.compile(r"\s*#(confident|likely|speculative)\b", re.I)
_DMS = re.compile(r"^\s*(\d+(?:\.\d+)?)°\s*(?:(\d+(?:\.\d+)?)['′]\s*)?(?:(\d+(?:\.\d+)?)[\"″]\s*)?([NSEW])\s*$")

SITE_SCHEMA: dict[str, str] = {
    "site_id": "string",
    "handle": "string",
    "title": "string",
    "project": "string",
    "project_confidence": "string",
    "address": "string",
    "country_iso3": "string",
    "country_basis": "string",
    "latitude": "float64",
    "longitude": "float64",
    "owner": "string",
    "owner_confidence": "string",
    "users": "string",
    "investors": "string",
    "construction_companies": "string",
    "energy_companies": "string",
    "h100e": "float64",
    "power_mw": "float64",
    "capital_cost_bn_2025usd": "float64",
    "first_milestone_date": "date",
    "first_operational_date": "date",
    "last_milestone_date": "date",
    "source_id": "string",
}
TIMELINE_NUMBERS: dict[str, str] = {
    "power_mw": "Power (MW)",
    "h100e": "H100 equivalents",
    "buildings_operational": "Buildings operational",
    "capital_cost_bn_2025usd": "Total capital cost (2025 USD billions)",
    "compute_cost_bn_2025usd": "Compute cost (2025 USD billions)",
    "construction_cost_bn_2025usd": "Construction cost (2025 USD billions)",
    "building_area_sqft": "Building area (square feet)",
    "site_area_sqft": "Site area (square feet)",
    "water_use_mgd": "Water use (MGD)",
    "op8_s": "Performance (8-bit OP/s)",
}
TIMELINE_SCHEMA: dict[str, str] = {
    "site_id": "string",
    "date": "date",
    "construction_status": "string",
    **{c: "float64" for c in TIMELINE_NUMBERS},
    "source_id": "string",
}


def split_tag(value: str | None) -> tuple[str | None, str | None]:
    """("Amazon #confident") → ("Amazon", "confident"); tags inside lists are dropped."""
    if not value:
        return None, None
    tags = [m.lower() for m in _TAG.findall(value)]
    name = _TAG.sub("", value).strip(" ,") or None
    return name, (tags[0] if len(set(tags)) == 1 else ("mixed" if tags else None))


def dms(row: Row, column: str) -> float | None:
    """Degrees-minutes-seconds ("32°35'25\\"N") → signed decimal degrees."""
    v = row.raw(column)
    if not v:
        return None
    m = _DMS.match(v.replace("’", "'").replace("”", '"'))
    if not m:
        row.fail(column, v, "not a coordinate in degrees-minutes-seconds", "write it as 32°35'25\"N")
        return None
    deg = float(m[1]) + float(m[2] or 0) / 60 + float(m[3] or 0) / 3600
    limit = 90 if column.lower().startswith("lat") else 180
    if deg > limit or (m[4] in "NS") != (limit == 90):
        row.fail(
            column,
            v,
            "coordinate out of range or wrong hemisphere letter",
            "latitude takes N/S (≤90), longitude E/W (≤180)",
        )
        return None
    return -deg if m[4] in "SW" else deg


def site_country(row: Row) -> tuple[str | None, str | None]:
    """Country of a site from its address: a US state (checked first), else a named country.

    US state codes come first because "IN 46552", "GA 30214", "NE 68142" would otherwise
    resolve as ISO2 codes (India, Gabon, Niger); bare codes are never read as countries.
    """
    address = row.raw("Address")
    if _STATE_ZIP.search(address) or _STATE_NAME.search(address):
        return "USA", "us_state"
    resolver = row.ctx.countries
    for part in reversed(address.split(",")):
        name = re.sub(r"\d+", "", part).strip()
        if len(name) > 3 and resolver is not None and (code := resolver.resolve(name)):
            return code, "address"
    row.fail(
        "Address",
        address,
        "cannot tell the site's country from its address",
        "end the address with the country name (or a US state and ZIP code)",
    )
    return None, None


def load(ctx: BuildContext) -> LoadResult:
    sites_path, tl_path = ctx.path(FOLDER, SITES), ctx.path(FOLDER, TIMELINES)
    _, site_rows = iter_rows(ctx, sites_path, required=["Handle", "Address", "Owner"])
    sites: dict[str, dict[str, Any]] = {}
    for row in site_rows:
        handle = row.text("Handle", required=True)
        owner, owner_conf = split_tag(row.text("Owner"))
        project, project_conf = split_tag(row.text("Project"))
        users, _ = split_tag(row.text("Users"))
        iso3, basis = site_country(row)
        rec: dict[str, Any] = {
            "site_id": slugify(handle or ""),
            "handle": handle,
            "title": row.text("Title"),
            "project": project,
            "project_confidence": project_conf,
            "address": row.text("Address"),
            "country_iso3": iso3,
            "country_basis": basis,
            "latitude": dms(row, "Latitude"),
            "longitude": dms(row, "Longitude"),
            "owner": owner,
            "owner_confidence": owner_conf,
            "users": users,
            "investors": row.text("Investors"),
            "construction_companies": row.text("Construction companies"),
            "energy_companies": row.text("Energy companies"),
            "h100e": row.num("Current H100 equivalents"),
            "power_mw": row.num("Current power (MW)"),
            "capital_cost_bn_2025usd": row.num("Current total capital cost (2025 USD billions)"),
            "source_id": SOURCE_SITES,
        }
        if row.ok and handle in sites:
            row.fail("Handle", handle, "site listed twice", "remove the duplicate row")
        if row.ok and handle:
            sites[handle] = rec

    _, tl_rows = iter_rows(ctx, tl_path, required=["Date", "Data center", *TIMELINE_NUMBERS.values()])
    milestones: list[dict[str, Any]] = []
    for row in tl_rows:
        handle = row.text("Data center", required=True)
        if handle and handle not in sites:
            row.fail(
                "Data center",
                handle,
                "milestone for a site not in data_centers.csv",
                "use the site's Handle exactly as in data_centers.csv",
            )
        ms: dict[str, Any] = {
            "site_id": slugify(handle or ""),
            "date": row.date("Date", required=True),
            "construction_status": row.text("Construction status"),
            "source_id": SOURCE_TIMELINES,
        }
        ms.update({c: row.num(raw) for c, raw in TIMELINE_NUMBERS.items()})
        if row.ok and handle:
            milestones.append(ms)
            site = sites[handle]
            d: date = ms["date"]
            running = (ms["power_mw"] or 0) > 0 or (ms["buildings_operational"] or 0) > 0
            keys = ["first_milestone_date", "last_milestone_date"] + (["first_operational_date"] if running else [])
            for key in keys:
                old: date | None = site.get(key)
                site[key] = d if old is None else (max(old, d) if key.startswith("last") else min(old, d))

    common = {"publisher": "Epoch AI", "url": "https://epoch.ai/data/data-centers", "license": "CC-BY-4.0"}
    sources = [
        file_source(
            sites_path,
            ctx.raw,
            source_id=SOURCE_SITES,
            title="Frontier Data Centers: sites",
            citation="Epoch AI, 'Frontier Data Centers' (sites). Published online at "
            "epoch.ai. Retrieved from https://epoch.ai/data/data-centers",
            **common,
        ),
        file_source(
            tl_path,
            ctx.raw,
            source_id=SOURCE_TIMELINES,
            title="Frontier Data Centers: construction timelines",
            citation="Epoch AI, 'Frontier Data Centers' (timelines, from satellite imagery "
            "and permits). Retrieved from https://epoch.ai/data/data-centers",
            **common,
        ),
    ]
    milestones.sort(key=lambda r: (str(r["site_id"]), r["date"]))
    return LoadResult(
        tables={
            "data_centers": typed_frame(list(sites.values()), SITE_SCHEMA),
            "data_center_timelines": typed_frame(milestones, TIMELINE_SCHEMA),
        },
        sources=sources,
    )
