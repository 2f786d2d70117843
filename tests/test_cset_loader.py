"""CSET / ETO Chip Explorer loader: share forms, tables, bad rows (on a tiny mock of each CSV)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from computestrata.atlas.countries import CountryResolver
from computestrata.atlas.loaders import cset
from computestrata.atlas.loaders.base import BuildContext
from computestrata.errors import RawDataError

FIX = Path(__file__).parent / "fixtures" / "cset"
ISO3 = ["USA", "CHN", "JPN", "NLD", "KOR", "TWN", "DEU"]


def _ctx(tmp_path: Path, lenient: bool = False, edit: dict[str, str] | None = None) -> BuildContext:
    folder = tmp_path / cset.FOLDER
    folder.mkdir(parents=True)
    for f in FIX.glob("*.csv"):
        shutil.copy(f, folder / f.name)
    for name, text in (edit or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    ctx = BuildContext(raw=tmp_path, lenient=lenient)
    ctx.countries = CountryResolver.from_pairs([("Japan", "JPN"), ("Netherlands", "NLD")], ISO3)
    return ctx


@pytest.mark.parametrize(
    ("cell", "share", "flag"),
    [
        ("61", 0.61, "number"),
        ("61.0", 0.61, "number"),
        (61.0, 0.61, "number"),
        ("61%", 0.61, "percent_string"),
        (" 2.5 % ", 0.025, "percent_string"),
        ("~5%", 0.05, "approximate"),
        ("ca. 5", 0.05, "approximate"),
        ("0", 0.0, "number"),
        ("100", 1.0, "number"),
    ],
)
def test_parse_share_numbers(cell: object, share: float, flag: str) -> None:
    got = cset.parse_share(cell)
    assert got is not None
    assert got.share == pytest.approx(share)
    assert got.flag == flag


@pytest.mark.parametrize(
    ("cell", "flag", "upper"),
    [
        ("negligible", "negligible", 0.02),
        ("Negligible", "negligible", 0.02),
        ("", "unknown", None),
        (None, "unknown", None),
        (float("nan"), "unknown", None),
        ("<1%", "less_than", 0.01),
        ("less than 2", "less_than", 0.02),
    ],
)
def test_parse_share_unknown_forms_stay_missing(cell: object, flag: str, upper: float | None) -> None:
    got = cset.parse_share(cell)
    assert got is not None and math.isnan(got.share)
    assert got.flag == flag
    assert got.upper == upper


@pytest.mark.parametrize("cell", ["61 percent!", "abc", "150", "-3", "150%"])
def test_parse_share_rejects_garbage(cell: str) -> None:
    assert cset.parse_share(cell) is None


def test_market_size_parsing() -> None:
    assert cset.market_size_usd("$13 billion (2025)") == pytest.approx(13e9)
    assert cset.market_size_usd("$665.7 million (2025)") == pytest.approx(665.7e6)
    assert cset.market_size_usd("") is None
    assert cset.market_size_usd("see text") is None


def test_load_mock_tables(tmp_path: Path) -> None:
    res = cset.load(_ctx(tmp_path))
    t = res.tables
    assert set(t) == {"sc_stages", "sc_inputs", "sc_providers", "sc_provision", "sc_sequence"}
    # one source per file, all CC-BY-NC-4.0 with a sha256
    assert len(res.sources) == 5
    assert {s.license for s in res.sources} == {"CC-BY-NC-4.0"}
    assert all(s.sha256 and len(s.sha256) == 64 for s in res.sources)
    assert {s.source_id for s in res.sources} >= {"cset_chip_explorer_provision"}
    prov = t["sc_provision"].set_index(["provider_id", "input_id", "year"])
    assert prov.loc[("P45", "N22", 2025), "share"] == pytest.approx(0.81)
    assert prov.loc[("P45", "N22", 2025), "share_flag"] == "percent_string"
    assert prov.loc[("P45", "N22", 2025), "share_raw"] == "81%"
    assert math.isnan(prov.loc[("P2", "N22", 2025), "share"])
    assert prov.loc[("P2", "N22", 2025), "share_flag"] == "negligible"
    assert prov.loc[("P191", "N84", 2019), "share_flag"] == "less_than"
    assert prov.loc[("P191", "N84", 2019), "share_upper"] == pytest.approx(0.01)
    assert prov.loc[("P1", "N84", 2019), "share_flag"] == "unknown"  # empty stays missing
    assert set(t["sc_provision"]["year"]) == {2019, 2022, 2025}  # mixed years kept per row


def test_providers_countries_groups_and_aliases(tmp_path: Path) -> None:
    prov = cset.load(_ctx(tmp_path)).tables["sc_providers"].set_index("provider_id")
    assert prov.loc["P1", "country_iso3"] == "USA"  # a country row names itself
    assert prov.loc["P88", "country_iso3"] == "NLD"  # a firm carries its country
    assert prov.loc["P312", "group_code"] == "EUR" and pd.isna(prov.loc["P312", "country_iso3"])
    assert prov.loc["P370", "group_code"] == "VAR"
    assert prov.loc["P159", "alias"] == "Canon ANELVA; Canon Machinery"  # repeated rows → aliases
    assert prov.index.is_unique


def test_inputs_and_sequence(tmp_path: Path) -> None:
    t = cset.load(_ctx(tmp_path)).tables
    inputs = t["sc_inputs"].set_index("input_id")
    assert inputs.loc["N20", "market_size_usd"] == pytest.approx(13e9)
    assert inputs.loc["N20", "year"] == 2025
    assert inputs.loc["N25", "stage_id"] == "S2"
    seq = t["sc_sequence"]
    assert len(seq) == 5 and set(seq.loc[seq["input_id"] == "N20", "is_type_of_id"]) == {"N19"}


BAD_PROVISION = (FIX / "provision.csv").read_text(
    encoding="utf-8"
) + "JPN,P7,ArF immersion (DUV) lithography tools,N22,lots,2025,TechInsights\n"


def test_bad_share_cell_names_file_row_column(tmp_path: Path) -> None:
    with pytest.raises(RawDataError) as err:
        cset.load(_ctx(tmp_path, edit={"provision.csv": BAD_PROVISION}))
    e = err.value.errors[0]
    assert e.file.endswith("provision.csv")
    assert e.row == 16 and e.column == "share_provided" and e.value == "lots"
    assert "percentage" in e.fix


def test_lenient_skips_and_records_bad_rows(tmp_path: Path) -> None:
    ctx = _ctx(
        tmp_path,
        lenient=True,
        edit={"provision.csv": BAD_PROVISION + "X,P999,Y,N20,5,2025,\nNLD,P45,EUV lithography tools,N20,5,20x5,\n"},
    )
    t = cset.load(ctx).tables
    assert len(t["sc_provision"]) == 14
    assert [(e.column, e.value) for e in ctx.skipped] == [
        ("share_provided", "lots"),
        ("provider_id", "P999"),
        ("year", "20x5"),
    ]


def test_unknown_firm_country_is_a_bad_row(tmp_path: Path) -> None:
    text = (FIX / "providers.csv").read_text(encoding="utf-8") + "Zeta,,P400,organization,Atlantis\n"
    with pytest.raises(RawDataError) as err:
        cset.load(_ctx(tmp_path, edit={"providers.csv": text}))
    assert err.value.errors[0].column == "country" and err.value.errors[0].value == "Atlantis"


def test_dangling_sequence_edge_is_a_bad_row(tmp_path: Path) -> None:
    text = (FIX / "sequence.csv").read_text(encoding="utf-8") + "Mystery,N20,Nowhere,N404,,\n"
    with pytest.raises(RawDataError) as err:
        cset.load(_ctx(tmp_path, edit={"sequence.csv": text}))
    assert err.value.errors[0].column == "goes_into_id" and err.value.errors[0].value == "N404"


@pytest.mark.integration
def test_real_chip_explorer(shared_data: Path, tmp_path: Path) -> None:
    from computestrata.atlas import store
    from computestrata.atlas.build import build

    build(shared_data, tmp_path / "a", only=["cset"])
    a = store.open(tmp_path / "a")
    n = {
        r["t"]: r["n"]
        for r in a.rows(
            "SELECT 'inputs' t, count(*) n FROM sc_inputs UNION ALL SELECT 'prov', count(*) FROM sc_provision "
            "UNION ALL SELECT 'seq', count(*) FROM sc_sequence UNION ALL SELECT 'stages', count(*) FROM sc_stages"
        )
    }
    assert n == {"inputs": 126, "prov": 1300, "seq": 139, "stages": 3}
    euv = a.rows(
        "SELECT p.country_iso3, v.share FROM sc_provision v JOIN sc_providers p USING (provider_id) "
        "WHERE v.input_id = 'N20' AND p.provider_type = 'country'"
    )
    assert euv == [{"country_iso3": "NLD", "share": 1.0}]
    lic = a.rows("SELECT DISTINCT license FROM sources WHERE source_id LIKE 'cset_%'")
    assert lic == [{"license": "CC-BY-NC-4.0"}]
    a.close()
    # excluding the licence hides every CSET row
    b = store.open(tmp_path / "a", exclude_licenses=["CC-BY-NC-4.0"])
    assert b.rows("SELECT count(*) AS n FROM sc_provision") == [{"n": 0}]
    b.close()
