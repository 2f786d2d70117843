"""Semiconductor-equipment trade with the world, 2016–2020 → table ``trade_sme_world``.

Schema (one row per year × reporter × flow × HS6; stable, other parts rely on it):

=============  =======  ===============================================================
year           Int64    calendar year, 2016–2020
reporter_iso3  string   reporting economy (ISO3; Comtrade "Other Asia, nes" = TWN)
reporter_raw   string   reporter name as published
flow           string   X export, M import, RX re-export, RM re-import
hs6            string   ``848620`` (machines for making semiconductor devices/ICs),
                        ``903082`` (instruments for checking wafers/devices),
                        ``903141`` (optical inspection of wafers/devices/masks)
hs_vintage     string   HS revision the reporter used (H2…H5)
value_usd      float64  Comtrade trade value, USD
source_id      string   ``comtrade_sme_world``
=============  =======  ===============================================================

**Partner is always World**: the file cannot say from whom China imports equipment (use the
bilateral ``trade_semis_bilateral`` 8486xx/903082 flows for that, 2019 and 2022 only).
Imports are valued CIF, exports FOB, so world exports and world imports do not match.
"""

from __future__ import annotations

from computestrata.atlas.loaders import trade_support as ts
from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import iter_rows, typed_frame
from computestrata.atlas.sources import file_source

NAME = "trade_sme"
TABLE = "trade_sme_world"
FOLDER = "comtrade_sme_world_2016_2020"
FILE = "comtrade_sme_848620_903082_903141_2016_2020.csv"
SCHEMA: dict[str, str] = {
    "year": "Int64",
    "reporter_iso3": "string",
    "reporter_raw": "string",
    "flow": "string",
    "hs6": "string",
    "hs_vintage": "string",
    "value_usd": "float64",
    "source_id": "string",
}


def load(ctx: BuildContext) -> LoadResult:
    path = ctx.path(FOLDER, FILE)
    _, rows = iter_rows(
        ctx,
        path,
        required=[
            "Year",
            "Trade Flow",
            "Reporter",
            "Reporter ISO",
            "Partner ISO",
            "Commodity Code",
            "Trade Value (US$)",
        ],
    )
    src = file_source(
        path,
        ctx.raw,
        source_id="comtrade_sme_world",
        publisher="United Nations, UN Comtrade (via Andre Barbe's MIT-licensed research repository)",
        title="Trade in semiconductor manufacturing equipment (HS 848620, 903082, 903141) with the world, 2016–2020",
        url=ts.COMTRADE_URL,
        license=ts.COMTRADE_LICENSE,
        citation="United Nations, UN Comtrade Database, HS 848620/903082/903141, partner World, 2016–2020; "
        "extract by Andre Barbe (2021, MIT-licensed repository)",
    )
    out: list[dict[str, object]] = []
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        if row.raw("Partner ISO") not in ("WLD", "W00"):
            row.fail("Partner ISO", row.raw("Partner ISO"), "partner is not World", "this file holds World only")
        code = row.raw("Commodity Code")
        if len(code) != 6 or not code.isdigit():
            row.fail("Commodity Code", code, "not a six-digit HS code", "write the HS6 code, e.g. 848620")
        y = row.num("Year", min_value=1990, max_value=2100, integer=True, required=True)
        rec: dict[str, object] = {
            "year": None if y is None else int(y),
            "reporter_iso3": ts.country(row, "Reporter", code=row.raw("Reporter ISO")),
            "reporter_raw": row.raw("Reporter"),
            "flow": ts.flow(row, "Trade Flow"),
            "hs6": code,
            "hs_vintage": row.text("Classification"),
            "value_usd": row.num("Trade Value (US$)", required=True),
            "source_id": src.source_id,
        }
        if row.ok and ts.first_time(row, rec, ("year", "reporter_raw", "flow", "hs6"), seen):
            out.append(rec)
    return LoadResult(tables={TABLE: typed_frame(out, SCHEMA)}, sources=[src])
