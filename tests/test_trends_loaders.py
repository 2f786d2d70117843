"""The three trade loaders on tiny real-shaped files (with planted bad rows)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from computestrata.atlas.countries import CountryResolver, shipped_aliases
from computestrata.atlas.loaders import trade_semis, trade_sme, trade_taiwan_ic
from computestrata.atlas.loaders.base import BuildContext
from computestrata.errors import RawDataError

RAW = Path(__file__).resolve().parent / "fixtures" / "trends" / "raw"
CODES = ["CHN", "USA", "NLD", "KOR", "HKG", "JPN", "TWN", "TUR", "CIV", "MAC", "AUS", "CAF"]
NAMES = [("China", "CHN"), ("Netherlands", "NLD"), ("Japan", "JPN"), ("Korea", "KOR"), ("KR", "KOR")]
NAMES += [("US", "USA"), ("HK", "HKG"), ("CN", "CHN"), ("JP", "JPN"), ("TW", "TWN"), ("USA", "USA")]


def ctx(lenient: bool = True) -> BuildContext:
    c = BuildContext(raw=RAW, lenient=lenient)
    c.countries = CountryResolver.from_pairs([*shipped_aliases(), *NAMES], CODES)
    c.tables["countries"] = pd.DataFrame({"iso3": CODES})
    return c


def bad(c: BuildContext) -> list[tuple[str, int | None, str | None]]:
    return [(e.file.split("/")[-1], e.row, e.column) for e in c.skipped]


def test_semis_bilateral_rows_and_units() -> None:
    c = ctx()
    df = trade_semis.load(c).tables["trade_semis_bilateral"]
    assert list(df.columns) == list(trade_semis.SCHEMA)
    net = df[df["source_id"] == "comtrade_semis_network"]
    assert len(net) == 4 and set(net["flow"]) == {"X"}
    usa = net[net["reporter_iso3"] == "USA"].iloc[0]
    assert (usa["partner_iso3"], usa["hs6"], usa["year"], usa["value_usd"]) == ("CHN", "848620", 2019, 2000000000.5)
    assert net[net["reporter_iso3"] == "KOR"]["partner_iso3"].tolist() == ["HKG"]
    assert pd.isna(net[net["hs6"] == "811292"]["layer"].iloc[0])  # "NA" layer: missing, not a string
    ita = df[df["reporter_iso3"] == "TWN"]
    # USD 1000 → USD; "Others" keeps its text with a missing code; Korea/Türkiye spellings resolve
    assert ita[ita["partner_raw"] == "China"]["value_usd"].iloc[0] == 1234000.0
    assert pd.isna(ita[ita["partner_raw"] == "Others"]["partner_iso3"].iloc[0])
    assert set(ita["partner_iso3"].dropna()) == {"CHN", "NLD", "KOR", "TUR"}
    assert set(ita["flow"]) == {"X", "M"}
    assert bad(c) == [
        ("semiconductor_network.csv", 6, "hs_code"),
        ("taiwan_ita_backend_2022.csv", 4, "Imports/Exports"),
    ]


def test_taiwan_ic_exports_and_world() -> None:
    c = ctx()
    tables = trade_taiwan_ic.load(c).tables
    tw = tables["trade_taiwan_ic_exports"]
    assert list(tw.columns) == list(trade_taiwan_ic.TAIWAN_SCHEMA)
    assert tw["partner_iso3"].tolist()[:2] == ["CHN", "HKG"] and pd.isna(tw["partner_iso3"].iloc[2])
    assert tw["month"].isna().all() and tw["hs6"].tolist()[0] == "854231"
    assert tw[tw["partner_raw"] == "南韓"]["partner_iso3"].iloc[0] == "KOR"  # CLDR zh_Hant name
    w = tables["trade_ic_exports_world"]
    assert w[w["reporter_raw"] == "Other Asia, nes"]["reporter_iso3"].iloc[0] == "TWN"
    civ = w[w["reporter_iso3"] == "CIV"].iloc[0]  # Latin-1 file: "Côte d'Ivoire"
    assert (civ["year"], civ["month"], civ["reporter_raw"]) == (2025, 3, "Côte d'Ivoire")
    assert bad(c) == [
        ("taiwan_exports_8542_by_country_2013_2025.csv", 6, "Country"),
        ("taiwan_exports_8542_by_country_2013_2025.csv", 7, "Export Value (USD)"),
        ("comtrade_hs8542_exports_to_world_2013_2024.csv", 4, "partnerISO"),
    ]


def test_sme_world_flows_and_taiwan() -> None:
    c = ctx()
    df = trade_sme.load(c).tables["trade_sme_world"]
    assert list(df.columns) == list(trade_sme.SCHEMA)
    assert df[["reporter_iso3", "flow"]].values.tolist() == [["CHN", "M"], ["TWN", "X"], ["HKG", "RX"]]
    assert bad(c) == [
        ("comtrade_sme_848620_903082_903141_2016_2020.csv", 5, "Partner ISO"),
        ("comtrade_sme_848620_903082_903141_2016_2020.csv", 6, None),  # duplicate would double-count
    ]


@pytest.mark.parametrize("loader", [trade_semis, trade_taiwan_ic, trade_sme])
def test_strict_build_stops_at_first_bad_row(loader: object) -> None:
    with pytest.raises(RawDataError):
        loader.load(ctx(lenient=False))  # type: ignore[attr-defined]


@pytest.mark.integration
def test_trade_tables_in_built_atlas(atlas) -> None:  # type: ignore[no-untyped-def]
    atlas.require("trade_semis_bilateral", "trade_taiwan_ic_exports", "trade_ic_exports_world", "trade_sme_world")
    # Taiwan's own customs total and Comtrade's "Other Asia, nes" agree within 1% (2022)
    tw = atlas.rows("SELECT sum(value_usd) v FROM trade_taiwan_ic_exports WHERE year = 2022")[0]["v"]
    cw = atlas.rows("SELECT value_usd v FROM trade_ic_exports_world WHERE year = 2022 AND reporter_iso3 = 'TWN'")
    assert abs(tw / cw[0]["v"] - 1) < 0.01
    # the bilateral network has no Taiwan in its Comtrade part
    n = atlas.rows(
        "SELECT count(*) n FROM trade_semis_bilateral WHERE source_id = 'comtrade_semis_network' "
        "AND (reporter_iso3 = 'TWN' OR partner_iso3 = 'TWN')"
    )[0]["n"]
    assert n == 0
    ids = {r["source_id"] for r in atlas.rows("SELECT DISTINCT source_id FROM trade_sme_world")}
    assert ids <= {r["source_id"] for r in atlas.rows("SELECT source_id FROM sources")}
