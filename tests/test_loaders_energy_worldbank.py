"""Energy mix, cloud regions and World Bank loaders on tiny mock files."""

from __future__ import annotations

import pytest

from computestrata.atlas.loaders import energy, worldbank
from computestrata.errors import RawDataError
from loaders_support import make_ctx, run, skipped


def test_energy_mix_units_and_derived_shares() -> None:
    res, _ = run(energy)
    mix = res.tables["energy_mix"].set_index("country_iso3")
    chn = mix.loc["CHN"]
    assert chn["year"] == 2023 and chn["carbon_intensity_gco2_kwh"] == pytest.approx(582.317)
    assert chn["renewables_share_pct"] == pytest.approx(100 * 2902.24 / 9459.59)
    # codecarbon's "per_capita_Wh" is kWh: Aruba 9,205 per person, not 9 kWh
    assert mix.loc["ABW", "per_capita_kwh"] == pytest.approx(9205.422)
    assert mix.index.is_unique  # the second CHN row carries carbon_intensity 'n/a' → skipped


def test_energy_facts() -> None:
    res, _ = run(energy)
    f = res.facts
    assert f is not None
    chn = f[f["entity"] == "CHN"].set_index("variable")
    assert chn.loc["Energy|Carbon intensity", "unit"] == "gCO2/kWh"
    assert chn.loc["Energy|Electricity generation", "value"] == pytest.approx(9459.59)
    assert chn.loc["Energy|Renewables share", "unit"] == "%"
    assert set(f["period"]) <= {"2022", "2023"}


def test_cloud_region_hong_kong_is_hkg_not_chn() -> None:
    res, _ = run(energy)
    regions = res.tables["cloud_regions"].set_index("region")
    hk = regions.loc["asia-east2"]
    assert hk["country_iso3"] == "HKG" and hk["country_code_raw"] == "CHN"
    assert regions.loc["asia-northeast3", "country_iso3"] == "KOR"
    assert regions.loc["asia-east1", "country_iso3"] == "TWN"
    assert regions.loc["us-central1", "grid_intensity_gco2_kwh"] == 430


def test_energy_bad_rows() -> None:
    with pytest.raises(RawDataError) as exc:
        energy.load(make_ctx())
    e = exc.value.errors[0]
    assert (e.file, e.row, e.column) == ("codecarbon_energy/global_energy_mix.csv", 7, "carbon_intensity")
    _, ctx = run(energy)
    assert skipped(ctx)[1] == ("codecarbon_energy/cloud_region_impact.csv", 6, "countryIsoCode")
    assert "disagrees" in ctx.skipped[1].problem


def test_worldbank_keeps_countries_only() -> None:
    res, ctx = run(worldbank)
    f = res.facts
    assert f is not None
    assert set(f["entity"]) == {"CHN", "KOR"}  # no WLD/AFE aggregates, no XKX, no TWN (absent)
    gdp = f[(f["entity"] == "KOR") & (f["variable"] == "Economy|GDP")].set_index("period")
    assert gdp.loc["2023", "value"] == pytest.approx(1.7128e12, rel=1e-3)
    assert gdp.loc["2023", "unit"] == "USD (current)"
    pop = f[(f["entity"] == "CHN") & (f["variable"] == "Population")]
    assert set(pop["period"]) == {"2023", "2024"} and (pop["unit"] == "persons").all()
    ppp = f[f["variable"] == "Economy|GDP per capita PPP"]
    assert set(ppp["entity"]) == {"CHN", "KOR"} and ppp["period"].min() >= "1990"
    assert not (f["value"] == 0).any()
    assert {s.source_id for s in res.sources} == {"wb_gdp_current_usd", "wb_population", "wb_gdp_pc_ppp"}
    assert next(s for s in res.sources if s.source_id == "wb_gdp_pc_ppp").date_published == "2024-06-28"
    assert skipped(ctx) == [
        ("worldbank_gdp_population/gdp_current_usd.csv", 12, "Value"),
        ("worldbank_gdp_population/API_NY.GDP.PCAP.PP.CD_DS2_en_csv_v2_1887125.csv", 9, "Country Code"),
    ]


def test_worldbank_strict_names_the_bad_cell() -> None:
    with pytest.raises(RawDataError) as exc:
        worldbank.load(make_ctx())
    e = exc.value.errors[0]
    assert (e.row, e.column, e.value) == (12, "Value", "abc")
