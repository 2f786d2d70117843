"""Countries: ISO 3166 / UN M49 codes, World Bank income groups, names in en/ko/zh.

Runs first in every build: it sets ``ctx.countries``, the resolver that every other
loader uses for country spellings.  Korean and Chinese names come from the Unicode CLDR
data shipped with Babel; English display names from CLDR too (short, familiar forms such
as "South Korea"), with the UN formal name kept beside them.
"""

from __future__ import annotations

import re

from computestrata.atlas.countries import CountryResolver, shipped_aliases
from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.sources import Source, file_source
from computestrata.errors import RowError

NAME = "countries"
_ISO3 = re.compile(r"^[A-Z]{3}$")


def load(ctx: BuildContext) -> LoadResult:
    import pandas as pd
    from babel import Locale

    codes_path = ctx.path("country_codes", "country-codes.csv")
    wb_path = ctx.path("wb_income_groups", "wb_income_groups_FY2025.csv")
    src_codes = file_source(
        codes_path,
        ctx.raw,
        source_id="country_codes",
        publisher="datasets/country-codes (ISO 3166, UN M49)",
        title="Country codes: ISO 3166, UN M49 and UN names",
        url="https://github.com/datasets/country-codes",
        license="PDDL-1.0",
        citation="datasets/country-codes, ISO 3166-1 and UN M49 (PDDL)",
    )
    src_wb = file_source(
        wb_path,
        ctx.raw,
        source_id="wb_class_fy2025",
        publisher="World Bank",
        title="World Bank country and lending groups (CLASS), FY2025",
        url="https://datahelpdesk.worldbank.org/knowledgebase/articles/906519",
        license="CC-BY-4.0",
        citation="World Bank, Country and Lending Groups FY2025 (CLASS.xlsx)",
        date_published="2024-07-01",
    )
    src_cldr = Source(
        source_id="cldr_names",
        publisher="Unicode CLDR (via Babel)",
        title="CLDR territory display names",
        url="https://cldr.unicode.org/",
        license="Unicode-3.0",
        citation=f"Unicode CLDR territory names, via Babel {__import__('babel').__version__}",
    )
    raw = pd.read_csv(codes_path, keep_default_na=False, dtype=str)  # "NA" is Namibia
    fname = str(codes_path.relative_to(ctx.raw))
    loc = {lang: Locale.parse(lang) for lang in ("en", "ko", "zh")}
    rows = []
    for i, r in enumerate(raw.to_dict("records")):
        iso3 = r["ISO3166-1-Alpha-3"].strip()
        if not iso3:  # rows without an ISO3 code (e.g. Antarctica sub-areas) are not countries
            continue
        if not _ISO3.match(iso3):
            ctx.bad(
                RowError(
                    fname, i + 2, "ISO3166-1-Alpha-3", iso3, "not a 3-letter code", "use the ISO 3166-1 alpha-3 code"
                )
            )
            continue
        iso2 = r["ISO3166-1-Alpha-2"].strip()
        names = {lang: (loc[lang].territories.get(iso2) if iso2 else None) for lang in loc}
        rows.append(
            {
                "iso3": iso3,
                "iso2": iso2 or None,
                "m49": int(r["M49"]) if r["M49"].strip().isdigit() else None,
                "name_en": names["en"] or r["CLDR display name"] or r["official_name_en"],
                "name_ko": names["ko"],
                "name_zh": names["zh"] or r["UNTERM Chinese Short"] or None,
                "name_un": r["official_name_en"] or None,
                "region": r["Region Name"] or None,
                "subregion": r["Sub-region Name"] or None,
                "source_id": src_codes.source_id,
            }
        )
    countries = pd.DataFrame(rows)
    wb = pd.read_csv(wb_path, dtype=str, keep_default_na=False)
    wb = wb.rename(
        columns={
            "Code": "iso3",
            "Region": "wb_region",
            "Income group": "income_group",
            "Lending category": "lending_category",
            "Economy": "wb_name",
        }
    )
    countries = countries.merge(
        wb[["iso3", "wb_name", "wb_region", "income_group", "lending_category"]], on="iso3", how="left"
    )
    for c in ("wb_region", "income_group", "lending_category", "wb_name"):
        countries[c] = countries[c].replace("", None)
    # Economies absent from the WB classification keep a missing income group, never a guess.
    # Aliases come first so that a trap ("Korea") resolves as the alias table says.
    pairs: list[tuple[str, str]] = list(shipped_aliases())
    for rec in countries.to_dict("records"):
        cols = ("name_en", "name_un", "wb_name", "name_ko", "name_zh")
        pairs += [(rec[col], rec["iso3"]) for col in cols if isinstance(rec[col], str)]
    for u in raw.to_dict("records"):
        code = u["ISO3166-1-Alpha-3"].strip()
        un_cols = (
            "UNTERM English Short",
            "UNTERM English Formal",
            "CLDR display name",
            "ISO3166-1-Alpha-2",
            "official_name_en",
            "UNTERM Chinese Short",
            "official_name_cn",
        )
        pairs += [(u[col], code) for col in un_cols if code and u[col]]
    resolver = CountryResolver.from_pairs(pairs, countries["iso3"])
    ctx.countries = resolver
    aliases = pd.DataFrame(resolver.pairs(), columns=["alias_key", "iso3"])
    countries = countries.drop(columns=["wb_name"])
    countries["income_source_id"] = countries["income_group"].map(
        lambda v: src_wb.source_id if isinstance(v, str) else None
    )
    countries["names_source_id"] = src_cldr.source_id
    return LoadResult(
        tables={"countries": countries, "country_aliases": aliases}, sources=[src_codes, src_wb, src_cldr]
    )
