"""QA pass 2 (measure): data sufficiency of intelligent compute (N4), the licence filter named
in stratification verdicts (N5) and the scope of ``--without`` (N12)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from computestrata.atlas import store
from computestrata.errors import InputError
from computestrata.measure import estimates as es
from computestrata.measure import stratification as st


def clusters(countries: list[str]) -> pd.DataFrame:
    """One operating cluster per entry of ``countries`` (2020), each 100 H100e."""
    n = len(countries)
    return pd.DataFrame({"country_iso3": countries, "h100e": [100.0] * n})


# ---------------------------------------------------------------- N4: the sufficiency rule


def test_few_clusters_or_countries_are_insufficient() -> None:
    assert es.sufficiency(clusters(["CHN"] * 3))["level"] == "insufficient"
    # enough clusters, but one country: a share of 100 % measures the sample
    assert es.sufficiency(clusters(["CHN"] * 30))["level"] == "insufficient"
    mixed = ["CHN"] * 20 + ["USA"] * 15 + ["JPN"] * 5
    assert es.sufficiency(clusters(mixed))["level"] == "thin"
    assert es.sufficiency(clusters(mixed * 2))["level"] == "ok"


def test_countries_with_few_records_are_named() -> None:
    suff = es.sufficiency(clusters(["USA"] * 40 + ["CHN"] * 20 + ["ISL", "SVN", "SVN"]))
    assert suff["thin_countries"] == ["ISL", "SVN"]
    assert suff["rule"]["min_clusters"] == es.MIN_CLUSTERS


@pytest.mark.integration
def test_early_year_is_refused_naming_the_first_year_that_passes(built_atlas: Path) -> None:
    a = store.open(built_atlas)
    with pytest.raises(InputError) as exc:
        es.national_compute(a, "intelligent", 2012, draws=200)
    assert "3 operating clusters in 1 countries" in exc.value.message
    assert exc.value.hint is not None and "2016" in exc.value.hint and "--allow-thin" in exc.value.hint


@pytest.mark.integration
def test_allow_thin_shows_the_figures_headed_by_a_warning(built_atlas: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(
        app,
        [
            *("measure", "compute", "--kind", "intelligent", "--year", "2012", "--allow-thin", "--draws", "200"),
            *("--atlas", str(built_atlas), "--json", "--lang", "en"),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["sufficiency"]["level"] == "insufficient"
    assert data["notes"][0].startswith("WARNING — insufficient data")


@pytest.mark.integration
def test_thin_year_warns_first_and_full_year_does_not(built_atlas: Path) -> None:
    a = store.open(built_atlas)
    thin = es.national_compute(a, "intelligent", 2016, draws=200)
    assert thin.data["sufficiency"]["level"] == "thin"
    assert thin.notes[0].startswith("WARNING — thin data") and thin.notes[1] == thin.estimate.method
    full = es.national_compute(a, "intelligent", 2024, draws=200)
    assert full.data["sufficiency"]["level"] == "ok"
    assert full.notes[0] == full.estimate.method
    assert any(n.startswith("Bands resting on at most 2") for n in full.notes)


# ---------------------------------------------------------------- N5: licence filter named


@pytest.mark.integration
def test_stratification_names_the_licence_that_hid_a_dataset(built_atlas: Path) -> None:
    a = store.open(built_atlas, exclude_licenses=["CC-BY-4.0"])
    res = st.analyse(a)
    for ds in ("clusters", "chips"):
        v = res.verdict_for(ds)
        assert v is not None and v.outcome == "no_data"
        assert "hidden by --exclude-license CC-BY-4.0" in v.text
        assert "fewer than 3 periods" not in v.text
    # no robustness note for a dataset the filter emptied
    assert not any(r["dataset"] in ("clusters", "chips") for r in res.robustness)
    top = res.verdict_for("top500")
    assert top is not None and top.outcome != "no_data"


@pytest.mark.integration
def test_intelligent_compute_names_the_licence_that_hid_the_clusters(built_atlas: Path) -> None:
    a = store.open(built_atlas, exclude_licenses=["CC-BY-4.0"])
    with pytest.raises(InputError) as exc:
        es.national_compute(a, "intelligent", 2024, draws=200)
    assert "hidden by --exclude-license CC-BY-4.0" in exc.value.message


# ---------------------------------------------------------------- N12: --without scope


def test_without_china_variant_is_skipped_when_china_is_dropped() -> None:
    rows = []
    for y in range(2015, 2021):
        for i in range(30):
            rows.append(
                {
                    "list_id": f"{y}-11",
                    "rank": i + 1,
                    "country_iso3": ["USA", "CHN", "JPN", "DEU"][i % 4],
                    "rmax_tflops": float(100 - i),
                }
            )
    table = pd.DataFrame(rows)
    plain = [r for r, _ in st._robust_variants(table, "top500", 2015, None)]
    assert any("without CHN" in r["variant"] for r in plain)
    dropped = [r for r, _ in st._robust_variants(table, "top500", 2015, None, ["CHN"])]
    assert [r["variant"] for r in dropped] == ["top 5", "top 10", "top 20"]


@pytest.mark.integration
def test_without_a_country_notes_that_chips_are_unaffected(built_atlas: Path) -> None:
    a = store.open(built_atlas)
    res = st.analyse(a, without=["CHN"])
    assert any(n.startswith("chips: --without CHN does not apply") for n in res.notes)
    assert not any("without CHN" in r["variant"] for r in res.robustness)
    assert not any(n.startswith("top500: --without") for n in res.notes)
