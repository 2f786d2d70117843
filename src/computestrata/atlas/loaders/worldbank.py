"""World Bank WDI: GDP (current USD), population, GDP per capita PPP → facts.

Only economies in the atlas ``countries`` table become facts: World Bank aggregates
(regions, income groups: AFE, ARB, EUU, WLD…) and codes without an ISO 3166 entry (XKX
Kosovo, CHI Channel Islands) are left out on purpose — they are not bad rows.  The World Bank
publishes no figures for Taiwan, so TWN has none here: missing stays missing.  Empty cells
give no fact (never a zero).
"""

from __future__ import annotations

import re
from pathlib import Path

from computestrata.atlas.loaders.base import BuildContext, LoadResult, facts_frame
from computestrata.atlas.loaders.parsing import iter_rows
from computestrata.atlas.sources import Source, file_source

NAME = "worldbank"
FOLDER = "worldbank_gdp_population"
_CODE = re.compile(r"^[A-Z0-9]{3}$")
_YEAR = re.compile(r"^\d{4}$")

#: file, source id, indicator code, variable, unit, WB title, wide (year columns) or long
INDICATORS = (
    (
        "gdp_current_usd.csv",
        "wb_gdp_current_usd",
        "NY.GDP.MKTP.CD",
        "Economy|GDP",
        "USD (current)",
        "GDP (current US$)",
        False,
    ),
    ("population.csv", "wb_population", "SP.POP.TOTL", "Population", "persons", "Population, total", False),
    (
        "API_NY.GDP.PCAP.PP.CD_DS2_en_csv_v2_1887125.csv",
        "wb_gdp_pc_ppp",
        "NY.GDP.PCAP.PP.CD",
        "Economy|GDP per capita PPP",
        "international $ (current PPP)",
        "GDP per capita, PPP (current international $)",
        True,
    ),
)


def country_codes(ctx: BuildContext) -> set[str]:
    """ISO3 codes of the atlas countries table (the countries loader runs first)."""
    table = ctx.tables.get("countries")
    if table is not None:
        return {str(c) for c in table["iso3"]}
    return set(ctx.countries.iso3_codes) if ctx.countries else set()


def last_updated(path: Path) -> str | None:
    """The 'Last Updated Date' of a WDI bulk export's title block, if present."""
    with path.open(encoding="utf-8-sig") as fh:
        head = fh.read(600)
    m = re.search(r'"Last Updated Date","(\d{4}-\d{2}-\d{2})"', head)
    return m[1] if m else None


def load(ctx: BuildContext) -> LoadResult:
    keep = country_codes(ctx)
    facts: list[dict[str, object]] = []
    sources: list[Source] = []
    for fname, sid, code, variable, unit, title, wide in INDICATORS:
        path = ctx.path(FOLDER, fname)
        if wide:
            _, rows = iter_rows(ctx, path, skip_lines=4, required=["Country Code"])
        else:
            _, rows = iter_rows(ctx, path, required=["Country Code", "Year", "Value"])
        for row in rows:
            iso = row.raw("Country Code")
            if not _CODE.match(iso):
                row.fail("Country Code", iso, "not a 3-letter code", "use the World Bank/ISO3 code")
                continue
            if iso not in keep:  # aggregate or non-ISO economy: not a country of the atlas
                continue
            if wide:
                cells = [(y, v) for y, v in row.data.items() if _YEAR.match(y or "") and v.strip()]
            else:
                cells = [(row.raw("Year"), row.raw("Value"))]
            found: list[dict[str, object]] = []
            for year, cell in cells:
                if not _YEAR.match(year):
                    row.fail("Year", year, "not a year", "write the year as YYYY")
                    continue
                if not cell:
                    continue
                value = row.parse_num(year if wide else "Value", cell, min_value=0.0)
                if value is not None and value > 0:
                    found.append(
                        {
                            "entity": iso,
                            "variable": variable,
                            "unit": unit,
                            "period": year,
                            "value": value,
                            "source_id": sid,
                            "note": None,
                        }
                    )
                elif value == 0:
                    row.fail(
                        year if wide else "Value",
                        cell,
                        "zero is not a plausible value",
                        "leave the cell empty when the World Bank has no figure",
                    )
            if row.ok:  # a row with a bad cell is dropped whole (lenient builds)
                facts.extend(found)
        sources.append(
            file_source(
                path,
                ctx.raw,
                source_id=sid,
                publisher="World Bank",
                title=f"World Development Indicators: {title} ({code})",
                url=f"https://data.worldbank.org/indicator/{code}",
                license="CC-BY-4.0",
                citation=f"World Bank, World Development Indicators, {title} [{code}]",
                date_published=last_updated(path) if wide else None,
            )
        )
    return LoadResult(sources=sources, facts=facts_frame(facts))
