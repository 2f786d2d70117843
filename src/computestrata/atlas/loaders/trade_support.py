"""Shared pieces of the three trade loaders: flow codes, licences, country cells.

UN Comtrade names Taiwan "Other Asia, nes" (code 490, ISO cell empty or ``S19``): it goes
through the atlas country resolver like every other name (the alias table maps it to TWN).
Taiwan's customs tables name destinations in Traditional Chinese (土耳其, 中國大陸): those
are mapped with the Unicode CLDR ``zh_Hant_TW`` territory names shipped with Babel plus a
short table of customs spellings CLDR lacks (:data:`ZH_HANT_EXTRA`).  Cells that name no
country (其他國家 "other countries", "Others", the dissolved Netherlands Antilles) keep
their raw text and a missing ISO3 code, as does Kosovo (no ISO 3166 code, so not in the
atlas countries table) — missing stays missing, and the rows still count
towards totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from computestrata.atlas.loaders.parsing import Row

#: Comtrade flow words/codes → the atlas flow code.
FLOWS: dict[str, str] = {
    "x": "X",
    "export": "X",
    "exports": "X",
    "2": "X",
    "m": "M",
    "import": "M",
    "imports": "M",
    "1": "M",
    "re-export": "RX",
    "3": "RX",
    "re-import": "RM",
    "4": "RM",
}
COMTRADE_LICENSE = "LicenseRef-UN-Comtrade-terms"
TAIWAN_CUSTOMS_LICENSE = "LicenseRef-Taiwan-customs-attribution"
COMTRADE_URL = "https://comtradeplus.un.org/"
TAIWAN_CUSTOMS_URL = "https://portal.sw.nat.gov.tw/APGA/GA30E"

#: Cells that name no country: kept as raw text with a missing ISO3 code (not bad rows).
NOT_COUNTRIES: frozenset[str] = frozenset(
    {
        "其他國家",  # "other countries" (Taiwan customs residual)
        "others",  # same, in Taiwan's English ITA tables
        "荷屬安地列斯",  # Netherlands Antilles, dissolved 2010 (ISO code ANT retired)
        "netherlands antilles",
        "world",
        "科索沃",  # Kosovo: no ISO 3166-1 code, so not in the atlas countries table
        "kosovo",
    }
)

#: Taiwan customs destination names that CLDR's zh_Hant_TW names do not spell this way.
ZH_HANT_EXTRA: dict[str, str] = {
    "中國大陸": "CHN",
    "中非": "CAF",
    "香港": "HKG",
    "澳門": "MAC",
    "澳大利亞": "AUS",
    "剛果": "COG",
    "剛果民主共和國": "COD",
    "可可斯基林群島": "CCK",
    "多明尼加": "DOM",
    "安圭拉": "AIA",
    "托克勞": "TKL",
    "格恩西": "GGY",
    "波士尼亞及赫塞哥維納": "BIH",
    "瓜德魯普": "GLP",
    "紐喀里多尼亞": "NCL",
    "聖克里斯多福": "KNA",
    "聖文森及格瑞納丁": "VCT",
    "聖赫勒拿及阿森松及特斯坦達庫尼亞": "SHN",
    "葛摩聯盟": "COM",
    "蒙瑟拉特": "MSR",
}

#: English spellings in Taiwan's ITA (International Trade Administration) tables that the
#: atlas resolver does not know ("Korea Republic of", mojibake "T?rkiye").
ITA_EXTRA: dict[str, str] = {
    "arab emirates united": "ARE",
    "korea republic of": "KOR",
    "congo democratic republic of": "COD",
    "islamic republic of iran": "IRN",
    "moldova republic of": "MDA",
    "tanzania united republic of": "TZA",
    "virgin islands british": "VGB",
    "u.s. virgin islands": "VIR",
    "c?te d'ivoire": "CIV",
    "t?rkiye": "TUR",
    "east timor": "TLS",
    "taiwan roc": "TWN",
    "lao people's democratic republic": "LAO",
    "syrian arab republic": "SYR",
    "russian federation": "RUS",
}


@cache
def zh_hant_names() -> dict[str, str]:
    """Traditional-Chinese (Taiwan) country name → ISO2 (CLDR) or ISO3 (:data:`ZH_HANT_EXTRA`)."""
    from babel import Locale

    names: dict[str, str] = {}
    for iso2, name in Locale.parse("zh_Hant_TW").territories.items():
        if len(iso2) == 2 and iso2.isalpha():
            names.setdefault(name, iso2)
    return {**names, **ZH_HANT_EXTRA}


def flow(row: Row, column: str) -> str | None:
    """The atlas flow code (X, M, RX, RM) of a Comtrade/customs flow cell."""
    v = row.raw(column).lower()
    code = FLOWS.get(v)
    if code is None:
        row.fail(column, row.raw(column), "unknown trade flow", "use Export/Import/Re-Export/Re-Import (or X/M)")
    return code


def country(row: Row, column: str, value: str | None = None, code: str | None = None) -> str | None:
    """ISO3 of a country cell via the atlas resolver; ``code`` (an ISO3 cell) is tried first.

    A cell naming no country (:data:`NOT_COUNTRIES`) gives None without failing the row.
    """
    name = (row.raw(column) if value is None else value).strip()
    resolver = row.ctx.countries
    assert resolver is not None, "countries loader must run first"
    if code and resolver.resolve(code) == code.strip().upper():
        return code.strip().upper()
    if name.lower() in NOT_COUNTRIES or name in NOT_COUNTRIES:
        return None
    if hit := resolver.resolve(name):
        return hit
    extra = ITA_EXTRA.get(name.lower())
    if extra is None:
        code2 = zh_hant_names().get(name)
        extra = resolver.resolve(code2) if code2 is not None else None
    if extra is not None and resolver.resolve(extra) == extra:
        return extra
    return row.iso3(column, name)  # unknown: a bad cell, reported with file/row/column


def first_time(row: Row, rec: dict[str, object], key: Sequence[str], seen: set[tuple[object, ...]]) -> bool:
    """True the first time a row's key is seen; a repeat is a bad row (it would double-count)."""
    k = tuple(rec[c] for c in key)
    if k in seen:
        row.fail(None, k, "the same flow is listed twice", "remove the duplicate row")
        return False
    seen.add(k)
    return True
