"""Bilateral semiconductor trade 2019 and 2022 → table ``trade_semis_bilateral``.

Schema (one row per year × reporter × partner × flow × HS6; stable, other parts rely on it):

====================  ========  ==========================================================
column                type      meaning
====================  ========  ==========================================================
year                  Int64     calendar year (2019 or 2022)
reporter_iso3         string    reporting economy (ISO3; Taiwan = TWN)
partner_iso3          string    partner economy (ISO3); missing when the cell names none
partner_raw           string    the partner cell as published
flow                  string    X export, M import (as reported by ``reporter_iso3``)
hs6                   string    HS 2017 six-digit code, e.g. ``854231`` processors
hs_desc               string    the code's description as published
layer                 string    ``frontend`` (materials, fab equipment), ``backend`` (devices,
                                ICs), missing where the extract gives none (``NA``)
value_usd             float64   trade value in current USD (Taiwan ITA: USD 1000 × 1000)
source_id             string    ``comtrade_semis_network`` or ``taiwan_ita_{frontend,backend}_2022``
====================  ========  ==========================================================

What the data are (and are not):

* ``comtrade_semis_network``: UN Comtrade, **exporter-reported** exports (flow X) among 29
  economies only (reporters = partners = the same 29), 2019 and 2022 only, 23 HS6 codes,
  flows under USD 1 million dropped by the extract.  **Taiwan is neither reporter nor
  partner** (Comtrade does not publish Taiwan as a reporter).  Hong Kong re-exports of
  HS 8542 inflate HKG→CHN flows; mirror (importer-reported) values are not in the extract.
* ``taiwan_ita_*_2022``: Taiwan's own customs (ITA) tables for 2022, reporter TWN, flows X
  and M with every partner ("Others" kept with a missing code).  The back-end table is cut
  at 1,500 rows by the publisher's download, so it is incomplete: use it for shares among
  the partners it lists, not for totals.
"""

from __future__ import annotations

from computestrata.atlas.loaders import trade_support as ts
from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import Row, iter_rows, typed_frame
from computestrata.atlas.sources import Source, file_source

NAME = "trade_semis"
TABLE = "trade_semis_bilateral"
FOLDER = "comtrade_semis_bilateral_2019_2022"
NETWORK = "semiconductor_network.csv"
ITA_FILES = (
    ("taiwan_ita_frontend_2022.csv", "taiwan_ita_frontend_2022", "frontend", "front-end (materials, equipment)"),
    ("taiwan_ita_backend_2022.csv", "taiwan_ita_backend_2022", "backend", "back-end (devices, ICs)"),
)
SCHEMA: dict[str, str] = {
    "year": "Int64",
    "reporter_iso3": "string",
    "partner_iso3": "string",
    "partner_raw": "string",
    "flow": "string",
    "hs6": "string",
    "hs_desc": "string",
    "layer": "string",
    "value_usd": "float64",
    "source_id": "string",
}
KEY = ("year", "reporter_iso3", "partner_raw", "flow", "hs6", "source_id")
_LAYERS = {"layer1_frontend": "frontend", "layer2_backend": "backend", "na": None, "": None}


def year(row: Row, column: str) -> int | None:
    y = row.num(column, min_value=1990, max_value=2100, integer=True, required=True)
    return None if y is None else int(y)


def hs6(row: Row, column: str) -> str | None:
    v = row.raw(column)
    if len(v) != 6 or not v.isdigit():
        row.fail(column, v, "not a six-digit HS code", "write the HS6 code as six digits, e.g. 854231")
        return None
    return v


def network_rows(ctx: BuildContext) -> tuple[list[dict[str, object]], Source]:
    path = ctx.path(FOLDER, NETWORK)
    _, rows = iter_rows(
        ctx,
        path,
        required=["layer", "hs_code", "hs_desc", "year", "reporter_code", "partner_code", "partner", "trade_value_usd"],
    )
    src = file_source(
        path,
        ctx.raw,
        source_id="comtrade_semis_network",
        publisher="UN Comtrade (exporter-reported), extracted in a 2025 master's thesis (UC3M)",
        title="Bilateral semiconductor trade network, 29 economies, 23 HS6 codes, 2019 and 2022",
        url=ts.COMTRADE_URL,
        license=ts.COMTRADE_LICENSE,
        citation="United Nations, UN Comtrade Database (exporter-reported HS6 flows, 2019 and 2022), "
        "as extracted for a 2025 master's thesis, Universidad Carlos III de Madrid; flows < USD 1M dropped",
    )
    out: list[dict[str, object]] = []
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        rec: dict[str, object] = {
            "year": year(row, "year"),
            "reporter_iso3": ts.country(row, "reporter", code=row.raw("reporter_code")),
            "partner_iso3": ts.country(row, "partner", code=row.raw("partner_code")),
            "partner_raw": row.raw("partner"),
            "flow": "X",
            "hs6": hs6(row, "hs_code"),
            "hs_desc": row.text("hs_desc"),
            "layer": _LAYERS.get(row.raw("layer").lower()),
            "value_usd": row.num("trade_value_usd", required=True),
            "source_id": src.source_id,
        }
        if row.raw("layer").lower() not in _LAYERS:
            row.fail("layer", row.raw("layer"), "unknown layer", "use layer1_frontend, layer2_backend or NA")
        if row.ok and ts.first_time(row, rec, KEY, seen):
            out.append(rec)
    return out, src


def ita_rows(ctx: BuildContext) -> tuple[list[dict[str, object]], list[Source]]:
    out: list[dict[str, object]] = []
    sources: list[Source] = []
    seen: set[tuple[object, ...]] = set()
    for fname, sid, layer, what in ITA_FILES:
        path = ctx.path(FOLDER, fname)
        _, rows = iter_rows(
            ctx,
            path,
            required=["Imports/Exports", "Time", "Commodity Code", "Country(Area)", "Value(USD$ 1000)"],
        )
        sources.append(
            file_source(
                path,
                ctx.raw,
                source_id=sid,
                publisher="Taiwan Ministry of Finance / International Trade Administration",
                title=f"Taiwan trade in semiconductor {what} products by country, 2022 (HS6, USD 1000)",
                url="https://cuswebo.trade.gov.tw/",
                license=ts.TAIWAN_CUSTOMS_LICENSE,
                citation=f"Taiwan International Trade Administration, trade statistics, {what} HS6 by "
                "country, 2022" + ("; download cut at 1,500 rows" if layer == "backend" else ""),
            )
        )
        for row in rows:
            value = row.num("Value(USD$ 1000)", required=True)
            rec: dict[str, object] = {
                "year": year(row, "Time"),
                "reporter_iso3": "TWN",
                "partner_iso3": ts.country(row, "Country(Area)"),
                "partner_raw": row.raw("Country(Area)"),
                "flow": ts.flow(row, "Imports/Exports"),
                "hs6": hs6(row, "Commodity Code"),
                "hs_desc": row.text("Description of Good"),
                "layer": layer,
                "value_usd": None if value is None else value * 1000.0,
                "source_id": sid,
            }
            if row.ok and ts.first_time(row, rec, KEY, seen):
                out.append(rec)
    return out, sources


def load(ctx: BuildContext) -> LoadResult:
    rows, src = network_rows(ctx)
    ita, ita_sources = ita_rows(ctx)
    return LoadResult(tables={TABLE: typed_frame(rows + ita, SCHEMA)}, sources=[src, *ita_sources])
