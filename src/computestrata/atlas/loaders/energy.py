"""Electricity mix and grid carbon intensity per country (``energy_mix``) and per cloud region
(``cloud_regions``), from the files codecarbon ships.

``global_energy_mix.csv`` and ``.json`` carry the same 213 countries and values (checked when
this loader was written; the integration tests re-check it), so only the CSV is read and cited.
The values are Our World in Data's processing of Ember and the Energy Institute, for each
country's latest year (2023 for most, 2022 for many, a few older years): ``year`` is per row.

Traps: codecarbon's ``per_capita_Wh`` column is in kWh, not Wh (Aruba 9,205 = 0.98 TWh for
~107,000 people), so it is stored as ``per_capita_kwh``.  In the cloud file Google's Hong Kong
region (``asia-east2``) carries country code CHN: the city wins (HKG), the raw code is kept.
The cloud intensities are Google's published grid figures (gCO2eq/kWh, location-based) for an
unstated year.
"""

from __future__ import annotations

from computestrata.atlas.loaders.base import BuildContext, LoadResult, facts_frame
from computestrata.atlas.loaders.parsing import Row, iter_rows, typed_frame
from computestrata.atlas.sources import file_source

NAME = "energy"
FOLDER = "codecarbon_energy"
MIX_SOURCE, CLOUD_SOURCE = "owid_energy_mix", "google_cloud_region_carbon"
TWH: dict[str, str] = {
    "total_twh": "total_TWh",
    "fossil_twh": "fossil_TWh",
    "renewables_twh": "renewables_TWh",
    "low_carbon_twh": "low_carbon_TWh",
    "nuclear_twh": "nuclear_TWh",
    "coal_twh": "coal_TWh",
    "gas_twh": "gas_TWh",
    "oil_twh": "oil_TWh",
    "hydro_twh": "hydroelectricity_TWh",
    "solar_twh": "solar_TWh",
    "wind_twh": "wind_TWh",
    "biofuel_twh": "biofuel_TWh",
    "other_renewable_twh": "other_renewable_TWh",
    "other_renewable_exc_biofuel_twh": "other_renewable_exc_biofuel_TWh",
}
MIX_SCHEMA: dict[str, str] = {
    "country_iso3": "string",
    "country_name": "string",
    "year": "Int64",
    "carbon_intensity_gco2_kwh": "float64",
    **{c: "float64" for c in TWH},
    "per_capita_kwh": "float64",
    "renewables_share_pct": "float64",
    "low_carbon_share_pct": "float64",
    "fossil_share_pct": "float64",
    "source_id": "string",
}
CLOUD_SCHEMA: dict[str, str] = {
    "provider": "string",
    "provider_name": "string",
    "region": "string",
    "region_name": "string",
    "country_iso3": "string",
    "country_raw": "string",
    "country_code_raw": "string",
    "state": "string",
    "city": "string",
    "grid_intensity_gco2_kwh": "float64",
    "offset_ratio_pct": "float64",
    "data_url": "string",
    "comment": "string",
    "source_id": "string",
}
#: Cities that are their own ISO 3166 territory although a file files them under CHN.
CITY_TERRITORIES = {"hong kong": "HKG", "macau": "MAC", "macao": "MAC"}


def share(part: float | None, total: float | None) -> float | None:
    """Percent share; missing when either side is missing or the total is zero."""
    if part is None or total is None or total <= 0:
        return None
    return 100.0 * part / total


def parse_mix(row: Row) -> dict[str, object]:
    code = row.text("iso_code", required=True)
    iso3 = row.iso3("iso_code", code) if code else None
    year = row.num("year", min_value=1990, max_value=2100, integer=True, required=True)
    rec: dict[str, object] = {
        "country_iso3": iso3,
        "country_name": row.text("country_name"),
        "year": int(year) if year is not None else None,
        "carbon_intensity_gco2_kwh": row.num("carbon_intensity", max_value=2000),
        "per_capita_kwh": row.num("per_capita_Wh"),
        **{c: row.num(raw) for c, raw in TWH.items()},
    }
    total = rec["total_twh"]
    for col, part in (
        ("renewables_share_pct", "renewables_twh"),
        ("low_carbon_share_pct", "low_carbon_twh"),
        ("fossil_share_pct", "fossil_twh"),
    ):
        rec[col] = share(rec[part], total)  # type: ignore[arg-type]
    return rec


def parse_region(row: Row) -> dict[str, object]:
    city = row.text("city")
    given = row.text("countryIsoCode")
    iso3 = row.iso3("countryIsoCode", given) if given else row.iso3("country_name")
    name = row.text("country_name")
    by_name = row.ctx.countries.resolve(name) if name and row.ctx.countries else None
    if iso3 and by_name and by_name != iso3:
        row.fail(
            "countryIsoCode",
            given,
            f"code {iso3} disagrees with country name {name!r}",
            "make the country name and its ISO code agree",
        )
    iso3 = CITY_TERRITORIES.get((city or "").lower()) or iso3
    return {
        "provider": row.text("provider", required=True),
        "provider_name": row.text("providerName"),
        "region": row.text("region", required=True),
        "region_name": row.text("regionName"),
        "country_iso3": iso3,
        "country_raw": row.text("country_name"),
        "country_code_raw": given,
        "state": row.text("state"),
        "city": city,
        "grid_intensity_gco2_kwh": row.num("impact", max_value=2000, required=True),
        "offset_ratio_pct": row.num("offsetRatio", max_value=100),
        "data_url": row.text("source"),
        "comment": row.text("comment"),
        "source_id": CLOUD_SOURCE,
    }


def load(ctx: BuildContext) -> LoadResult:
    mix_path = ctx.path(FOLDER, "global_energy_mix.csv")
    cloud_path = ctx.path(FOLDER, "cloud_region_impact.csv")
    _, rows = iter_rows(ctx, mix_path, required=["iso_code", "year", "carbon_intensity", *TWH.values()])
    mix, facts = [], []
    seen: dict[object, int] = {}
    for row in rows:
        rec = parse_mix(row)
        if row.ok and rec["country_iso3"] in seen:
            row.fail(
                "iso_code",
                row.raw("iso_code"),
                f"country listed twice (also line {seen[rec['country_iso3']]})",
                "keep one row per country",
            )
        if not row.ok:
            continue
        seen[rec["country_iso3"]] = row.line
        rec["source_id"] = MIX_SOURCE
        mix.append(rec)
        period = str(rec["year"])
        for variable, unit, col in (
            ("Energy|Carbon intensity", "gCO2/kWh", "carbon_intensity_gco2_kwh"),
            ("Energy|Renewables share", "%", "renewables_share_pct"),
            ("Energy|Electricity generation", "TWh", "total_twh"),
        ):
            if rec[col] is not None:
                facts.append(
                    {
                        "entity": rec["country_iso3"],
                        "variable": variable,
                        "unit": unit,
                        "period": period,
                        "value": rec[col],
                        "source_id": MIX_SOURCE,
                        "note": "latest year available for this country (OWID/Ember)"
                        if col != "renewables_share_pct"
                        else "renewables_TWh / total_TWh (computed)",
                    }
                )
    _, rows = iter_rows(ctx, cloud_path, required=["provider", "region", "countryIsoCode", "impact"])
    regions = []
    for row in rows:
        rec = parse_region(row)
        if row.ok:
            regions.append(rec)
    sources = [
        file_source(
            mix_path,
            ctx.raw,
            source_id=MIX_SOURCE,
            publisher="Our World in Data (Ember; Energy Institute)",
            title="Electricity mix and carbon intensity of electricity, latest year per country",
            url="https://github.com/owid/energy-data",
            license="CC-BY-4.0",
            citation="Ember (2024); Energy Institute - Statistical Review of World Energy "
            "(2024) - with major processing by Our World in Data; file as shipped by "
            "codecarbon (global_energy_mix.csv, MIT)",
        ),
        file_source(
            cloud_path,
            ctx.raw,
            source_id=CLOUD_SOURCE,
            publisher="Google Cloud",
            title="Carbon free energy for Google Cloud regions: grid carbon intensity",
            url="https://cloud.google.com/sustainability/region-carbon",
            license="LicenseRef-google-region-carbon",
            citation="Google Cloud, 'Carbon free energy for Google Cloud regions' (grid "
            "carbon intensity, gCO2eq/kWh; year not stated in the file); as shipped by "
            "codecarbon (cloud_region_impact.csv, MIT). Licence of the values not stated",
        ),
    ]
    return LoadResult(
        tables={"energy_mix": typed_frame(mix, MIX_SCHEMA), "cloud_regions": typed_frame(regions, CLOUD_SCHEMA)},
        sources=sources,
        facts=facts_frame(facts),
    )
