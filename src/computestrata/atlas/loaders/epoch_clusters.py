"""Epoch AI "GPU Clusters": one row per AI supercomputer / cluster (table ``gpu_clusters``).

Traps handled here:

- Chinese systems are anonymised and rounded by Epoch ("Anonymized Chinese System", chip
  supplier "Anonymized"): ``anonymized`` flags them; their figures are Epoch's rounded ones.
- Names repeat (about 250 anonymised rows), so ``cluster_id`` is the name's slug plus
  ``-2``, ``-3``… in file order for repeats.
- The ``latitude``/``longitude`` columns were added to the file by a third party, not by
  Epoch: they are kept as ``latitude_third_party``/``longitude_third_party`` and must not be
  cited as Epoch data.
- A multi-country cell ("A, B" or "A/B") keeps the first country in ``country_iso3`` and the
  whole cell in ``country_raw`` (the current file has none).
- Checkbox columns (Include in Standard Analysis, Exclude, Possible Duplicate) are Airtable
  checkboxes: empty means unchecked, so False, not missing.
"""

from __future__ import annotations

import re

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import Row, iter_rows, slugify, typed_frame
from computestrata.atlas.sources import file_source

NAME = "epoch_clusters"
FILE = ("epoch_gpu_clusters", "gpu_clusters.csv")
SOURCE_ID = "epoch_gpu_clusters"

NUMBERS: dict[str, str] = {
    "h100e": "H100 equivalents",
    "chip_quantity": "Chip quantity (primary)",
    "chip_quantity_secondary": "Chip quantity (secondary)",
    "total_chips": "Total number of AI chips",
    "power_mw": "Power Capacity (MW)",
    "power_mw_reported": "Reported Power Capacity (MW)",
    "power_mw_calculated": "Calculated Power Capacity (MW)",
    "hardware_cost_usd": "Hardware Cost",
    "hardware_cost_usd_reported": "Reported Cost",
    "hardware_cost_usd_reported_inflation_adj": "Reported Cost (Inflation adjusted)",
    "hardware_cost_usd_calculated": "Calculated Cost",
    "op32_s": "32-bit OP/s",
    "op16_s": "16-bit OP/s",
    "op8_s": "8-bit OP/s",
    "max_op_s": "Max OP/s",
    "energy_efficiency_op_s_per_w": "Energy Efficiency",
    "share_of_largest_when_first_operational": "% of largest cluster when first operational",
}
TEXTS: dict[str, str] = {
    "name": "Name",
    "status": "Status",
    "certainty": "Certainty",
    "chip_type": "Chip type (primary)",
    "chip_type_secondary": "Chip type (secondary)",
    "chip_supplier": "GPU Supplier (primary)",
    "chip_supplier_secondary": "GPU supplier (secondary)",
    "owner": "Owner",
    "users": "Users",
    "sector": "Sector",
    "location": "Location",
    "possible_duplicate_of": "Possible Duplicate Of",
    "builds_upon": "Builds Upon",
    "superseded_by": "Superseded by",
    "hardware_note": "Hardware note",
    "first_operational_date_note": "First Operational Date Note",
    "certainty_note": "Certainty Note",
    "notes": "Note",
}
FLAGS: dict[str, str] = {
    "include_in_standard_analysis": "Include in Standard Analysis",
    "exclude": "Exclude",
    "possible_duplicate": "Possible Duplicate",
    "noteworthy": "Noteworthy",
}
STATUSES = {"Existing", "Planned", "Decommissioned"}
SCHEMA: dict[str, str] = {
    "cluster_id": "string",
    "name": "string",
    "status": "string",
    "certainty": "string",
    "single_cluster": "boolean",
    "single_cluster_raw": "string",
    "anonymized": "boolean",
    "h100e": "float64",
    "chip_type": "string",
    "chip_quantity": "float64",
    "chip_type_secondary": "string",
    "chip_quantity_secondary": "float64",
    "total_chips": "float64",
    "chip_supplier": "string",
    "chip_supplier_secondary": "string",
    "country_iso3": "string",
    "country_raw": "string",
    "owner": "string",
    "users": "string",
    "sector": "string",
    "location": "string",
    "first_operational_date": "date",
    "decommissioned_date": "date",
    "power_mw": "float64",
    "power_mw_reported": "float64",
    "power_mw_calculated": "float64",
    "hardware_cost_usd": "float64",
    "hardware_cost_usd_reported": "float64",
    "hardware_cost_usd_reported_inflation_adj": "float64",
    "hardware_cost_usd_calculated": "float64",
    "op32_s": "float64",
    "op16_s": "float64",
    "op8_s": "float64",
    "max_op_s": "float64",
    "energy_efficiency_op_s_per_w": "float64",
    "rank_when_first_operational": "Int64",
    "share_of_largest_when_first_operational": "float64",
    "include_in_standard_analysis": "boolean",
    "exclude": "boolean",
    "possible_duplicate": "boolean",
    "noteworthy": "boolean",
    "possible_duplicate_of": "string",
    "builds_upon": "string",
    "superseded_by": "string",
    "hardware_note": "string",
    "first_operational_date_note": "string",
    "certainty_note": "string",
    "notes": "string",
    "source_urls": "list<string>",
    "latitude_third_party": "float64",
    "longitude_third_party": "float64",
    "source_id": "string",
}
_SPLIT = re.compile(r"\s*(?:,|/|;|\band\b)\s*")


def parse_cluster(row: Row) -> dict[str, object]:
    rec: dict[str, object] = {c: row.text(raw) for c, raw in TEXTS.items()}
    if not rec["name"]:
        row.fail("Name", "", "cluster has no name", "fill in the Name column")
    if rec["status"] not in STATUSES:
        row.fail("Status", rec["status"], "unknown status", f"use one of {sorted(STATUSES)}")
    for col, raw in NUMBERS.items():
        rec[col] = row.num(raw)
    rank = row.num("Rank when first operational", min_value=1, integer=True)
    rec["rank_when_first_operational"] = int(rank) if rank is not None else None
    for col, raw in FLAGS.items():
        rec[col] = row.flag(raw, empty=False)
    single = row.text("Single cluster?")
    rec["single_cluster_raw"] = single
    rec["single_cluster"] = {"yes": True, "no": False}.get((single or "").lower())
    rec["anonymized"] = rec["chip_supplier"] == "Anonymized" or str(rec["name"] or "").lower().startswith("anonymized")
    rec["first_operational_date"] = row.date("First Operational Date")
    rec["decommissioned_date"] = row.date("Decommissioned Date (if applicable)")
    raw_country = row.text("Country")
    rec["country_raw"] = raw_country
    if raw_country:
        code = row.ctx.countries.resolve(raw_country) if row.ctx.countries else None
        if code is None:  # maybe several countries in one cell: keep the first
            code = row.iso3("Country", _SPLIT.split(raw_country)[0])
        rec["country_iso3"] = code
    else:
        rec["country_iso3"] = None
    rec["latitude_third_party"] = row.num("latitude", min_value=-90, max_value=90)
    rec["longitude_third_party"] = row.num("longitude", min_value=-180, max_value=180)
    urls = [row.raw(f"Source {i}") for i in range(1, 6)]
    rec["source_urls"] = [u for u in urls if u] or None
    return rec


def load(ctx: BuildContext) -> LoadResult:
    path = ctx.path(*FILE)
    _, rows = iter_rows(ctx, path, required=["Name", "Status", "Country", "H100 equivalents"])
    records: list[dict[str, object]] = []
    counts: dict[str, int] = {}
    for row in rows:
        rec = parse_cluster(row)
        if not row.ok:
            continue
        base = slugify(str(rec["name"])) or "cluster"
        counts[base] = counts.get(base, 0) + 1
        rec["cluster_id"] = base if counts[base] == 1 else f"{base}-{counts[base]}"
        rec["source_id"] = SOURCE_ID
        records.append(rec)
    src = file_source(
        path,
        ctx.raw,
        source_id=SOURCE_ID,
        publisher="Epoch AI",
        title="GPU Clusters",
        url="https://epoch.ai/data/gpu-clusters",
        license="CC-BY-4.0",
        citation="Epoch AI, 'Data on GPU Clusters'. Published online at epoch.ai. Retrieved from "
        "https://epoch.ai/data/gpu-clusters. Chinese systems anonymised and rounded by Epoch; the "
        "latitude/longitude columns of the mirrored file were added by a third party, not Epoch",
    )
    return LoadResult(tables={"gpu_clusters": typed_frame(records, SCHEMA)}, sources=[src])
