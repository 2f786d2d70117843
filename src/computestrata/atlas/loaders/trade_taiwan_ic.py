"""Taiwan's IC exports by destination, and HS 8542 exports of 180 reporters to the world.

Two tables (stable schemas; other parts rely on them):

``trade_taiwan_ic_exports`` — Taiwan Ministry of Finance customs, HS 8542 exports by
destination, 2013–2025 (2025 partial: the months covered are not stated in the file):

=============  =======  ===============================================================
year           Int64    calendar year
month          Int64    always missing here (annual file; kept so monthly data can join)
partner_iso3   string   destination (ISO3); missing for 其他國家 "other countries" and the
                        dissolved Netherlands Antilles (``partner_raw`` keeps the name)
partner_raw    string   destination as published, in Traditional Chinese
hs_code        string   Taiwan's 11-digit CCC code (first 6 digits = HS6)
hs6            string   first six digits of ``hs_code``
description    string   the code's English description as published
value_usd      float64  export value, USD
source_id      string   ``taiwan_customs_8542_by_country``
=============  =======  ===============================================================

``trade_ic_exports_world`` — UN Comtrade, HS 8542 exports to partner World by 180
reporters, annual 2013–2024 plus monthly January–August 2025 (73 reporters):

=============  =======  ===============================================================
year           Int64    calendar year
month          Int64    1–12 for the monthly file, missing for annual rows
reporter_iso3  string   exporter (ISO3; Comtrade "Other Asia, nes" = TWN)
reporter_raw   string   reporter name as published
hs_code        string   ``8542``
value_usd      float64  Comtrade ``primaryValue`` (FOB for exports), USD
is_reported    boolean  Comtrade ``isReported`` (False = Comtrade estimate or aggregate)
source_id      string   ``comtrade_8542_world_annual`` or ``comtrade_8542_world_monthly_2025``
=============  =======  ===============================================================

Known gaps: Hong Kong's HS 8542 exports are mostly re-exports of mainland, Taiwanese and
Korean chips; 2024 has 86 reporters instead of ~145; Comtrade's Taiwan figures are Taiwan's
own customs figures relayed as "Other Asia, nes".
"""

from __future__ import annotations

from computestrata.atlas.loaders import trade_support as ts
from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import iter_rows, typed_frame
from computestrata.atlas.sources import Source, file_source

NAME = "trade_taiwan_ic"
FOLDER = "taiwan_customs_ic_exports"
TAIWAN_FILE = "taiwan_exports_8542_by_country_2013_2025.csv"
WORLD_FILES = (
    ("comtrade_hs8542_exports_to_world_2013_2024.csv", "comtrade_8542_world_annual", "annual 2013–2024"),
    (
        "comtrade_hs8542_exports_to_world_monthly_2025_01_08.csv",
        "comtrade_8542_world_monthly_2025",
        "monthly 2025-01…08",
    ),
)
TAIWAN_SCHEMA: dict[str, str] = {
    "year": "Int64",
    "month": "Int64",
    "partner_iso3": "string",
    "partner_raw": "string",
    "hs_code": "string",
    "hs6": "string",
    "description": "string",
    "value_usd": "float64",
    "source_id": "string",
}
WORLD_SCHEMA: dict[str, str] = {
    "year": "Int64",
    "month": "Int64",
    "reporter_iso3": "string",
    "reporter_raw": "string",
    "hs_code": "string",
    "value_usd": "float64",
    "is_reported": "boolean",
    "source_id": "string",
}


def taiwan(ctx: BuildContext) -> tuple[list[dict[str, object]], Source]:
    path = ctx.path(FOLDER, TAIWAN_FILE)
    _, rows = iter_rows(ctx, path, required=["Year", "Country", "HS Code", "Export Value (USD)"])
    src = file_source(
        path,
        ctx.raw,
        source_id="taiwan_customs_8542_by_country",
        publisher="Taiwan Ministry of Finance, Customs Administration",
        title="Taiwan exports of HS 8542 (electronic integrated circuits) by destination, 2013–2025",
        url=ts.TAIWAN_CUSTOMS_URL,
        license=ts.TAIWAN_CUSTOMS_LICENSE,
        citation="Ministry of Finance (Taiwan), Customs Administration, trade statistics: exports of "
        "CCC 8542 by country, 2013–2025 (2025 partial)",
    )
    out: list[dict[str, object]] = []
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        code = row.raw("HS Code")
        if not (code.isdigit() and code.startswith("8542") and len(code) >= 6):
            row.fail("HS Code", code, "not an HS 8542 code", "use Taiwan's CCC code starting 8542")
        y = row.num("Year", min_value=1990, max_value=2100, integer=True, required=True)
        rec: dict[str, object] = {
            "year": None if y is None else int(y),
            "month": None,
            "partner_iso3": ts.country(row, "Country"),
            "partner_raw": row.raw("Country"),
            "hs_code": code,
            "hs6": code[:6],
            "description": row.text("Description"),
            "value_usd": row.num("Export Value (USD)", required=True),
            "source_id": src.source_id,
        }
        if row.ok and ts.first_time(row, rec, ("year", "partner_raw", "hs_code"), seen):
            out.append(rec)
    return out, src


def world(ctx: BuildContext) -> tuple[list[dict[str, object]], list[Source]]:
    out: list[dict[str, object]] = []
    sources: list[Source] = []
    seen: set[tuple[object, ...]] = set()
    for fname, sid, what in WORLD_FILES:
        path = ctx.path(FOLDER, fname)
        _, rows = iter_rows(
            ctx,
            path,
            encoding="latin-1",
            required=["freqCode", "refYear", "refMonth", "reporterISO", "reporterDesc", "flowCode", "partnerISO"],
        )
        sources.append(
            file_source(
                path,
                ctx.raw,
                source_id=sid,
                publisher="United Nations, UN Comtrade",
                title=f"HS 8542 exports to the world by reporter, {what}",
                url=ts.COMTRADE_URL,
                license=ts.COMTRADE_LICENSE,
                citation=f"United Nations, UN Comtrade Database, HS 8542 exports to World ({what})",
            )
        )
        for row in rows:
            if row.raw("partnerISO") not in ("W00", "WLD"):
                row.fail("partnerISO", row.raw("partnerISO"), "partner is not World", "export partner World only")
            if ts.flow(row, "flowCode") != "X":
                row.fail("flowCode", row.raw("flowCode"), "not an export flow", "export flow X only")
            freq = row.raw("freqCode")
            y = row.num("refYear", min_value=1990, max_value=2100, integer=True, required=True)
            month: int | None = None
            if freq == "M":
                m = row.num("refMonth", min_value=1, max_value=12, integer=True, required=True)
                month = None if m is None else int(m)
            elif freq != "A":
                row.fail("freqCode", freq, "unknown frequency", "use A (annual) or M (monthly)")
            rec: dict[str, object] = {
                "year": None if y is None else int(y),
                "month": month,
                "reporter_iso3": ts.country(row, "reporterDesc", code=row.raw("reporterISO")),
                "reporter_raw": row.raw("reporterDesc"),
                "hs_code": row.raw("cmdCode"),
                "value_usd": row.num("primaryValue", required=True),
                "is_reported": row.flag("isReported"),
                "source_id": sid,
            }
            if row.ok and ts.first_time(row, rec, ("year", "month", "reporter_raw", "source_id"), seen):
                out.append(rec)
    return out, sources


def load(ctx: BuildContext) -> LoadResult:
    tw, tw_src = taiwan(ctx)
    wd, wd_src = world(ctx)
    return LoadResult(
        tables={
            "trade_taiwan_ic_exports": typed_frame(tw, TAIWAN_SCHEMA),
            "trade_ic_exports_world": typed_frame(wd, WORLD_SCHEMA),
        },
        sources=[tw_src, *wd_src],
    )
