"""Acceptance checks: case files and command lines a stranger might get wrong, what the
shipped cases show, and model terms no other test pins down."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.network import api
from computestrata.network.model import Instance, build

runner = CliRunner()
SEA = Path(api.__file__).parent / "cases" / "sea.yaml"


def _bad_case(tmp_path: Path, old: str, new: str) -> Path:
    src = SEA.read_text(encoding="utf-8")
    assert src.count(old) >= 1, old
    bad = tmp_path / "bad.yaml"
    bad.write_text(src.replace(old, new, 1), encoding="utf-8")
    return bad


@pytest.mark.integration
@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("sites:", "sites: 5\nxsites:", r"sites: not a list"),
        ("classes:", "classes: 7\nxclasses:", r"classes: not a list"),
        ("regions:", "regions: {a: 1}\nxregions:", r"regions: not a list"),
        (
            "capacity_mw: {value: 500, unit: MW IT, ",
            "capacity_mw: {value: 500, ",
            r"sites.johor.capacity_mw: unit is missing",
        ),
        (
            "name: {en: Johor (Malaysia),",
            "name: {en: Johor (Malaysia, Sedenak),",
            r"sites.johor.name: names must map en/ko/zh",
        ),
        (
            "name: {en: Johor (Malaysia), ko: 조호르 (말레이시아), zh: 柔佛（马来西亚）}",
            "name: [Johor]",
            r"sites.johor.name",
        ),
    ],
)
def test_malformed_case_file_is_an_input_error(tmp_path: Path, atlas, old: str, new: str, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        api.load_case(_bad_case(tmp_path, old, new), atlas)


@pytest.mark.integration
def test_malformed_case_file_on_the_command_line_exits_2_without_traceback(tmp_path: Path, built_atlas: Path) -> None:
    import subprocess
    import sys

    bad = _bad_case(tmp_path, "sites:", "sites: 5\nxsites:")
    code = "import sys; from computestrata.cli import main; sys.argv[0] = 'strata'; main()"
    args = ["network", "solve", "--case", str(bad), "--hours", "1", "--atlas", str(built_atlas)]
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "not a list" in res.stderr + res.stdout and "Traceback" not in res.stderr


@pytest.mark.integration
def test_shipped_names_are_whole_and_translated(atlas) -> None:  # type: ignore[no-untyped-def]
    """Every name of every shipped case has en, ko and zh text (no name cut at a comma)."""
    for cid in api.case_ids():
        c = api.load_case(cid, atlas)
        for item in [*c.classes, *c.regions, *({"id": s.id, "name": s.name} for s in c.sites)]:
            assert set(item["name"]) == {"en", "ko", "zh"}, (cid, item["id"], item["name"])
    korea = api.load_case("korea", atlas)
    assert next(s for s in korea.sites if s.id == "solaseado").name["en"].endswith("South Jeolla)")
    assert next(r for r in korea.regions if r["id"] == "southeast")["name"]["en"].endswith("Gyeongnam)")
    edwc = api.load_case("edwc", atlas)
    zh = {r["cluster_en"]: r["cluster_cn"] for r in atlas.rows("SELECT cluster_en, cluster_cn FROM eds_hubs")}
    for s in edwc.sites:
        assert s.name["zh"] == zh[s.name["en"]]  # the atlas's Chinese name, not overridden


@pytest.mark.integration
def test_sites_table_shows_names_in_the_chosen_language(built_atlas: Path) -> None:
    args = ["network", "solve", "--case", "edwc", "--hours", "1", "--atlas", str(built_atlas), "--lang", "zh"]
    res = runner.invoke(app, args, env={"COLUMNS": "320"})
    assert res.exit_code == 0, res.output
    assert "张家口集群" in res.output and "中卫集群" in res.output
    assert "西部枢纽" in res.output and "东部枢纽" in res.output  # site groups translated too


@pytest.mark.integration
def test_frontier_rejects_non_finite_prices_naming_the_option(built_atlas: Path) -> None:
    for bad in ("nan", "0,inf"):
        res = runner.invoke(app, ["network", "frontier", "--prices", bad, "--atlas", str(built_atlas)])
        assert res.exit_code != 0  # the entry point turns the InputError into exit code 2
        assert isinstance(res.exception, InputError) and "--prices" in str(res.exception)


@pytest.mark.integration
def test_frontier_json_says_the_profiles_are_synthetic(built_atlas: Path) -> None:
    """The table output names the synthetic solar, wind and demand profiles; the JSON used to drop that note."""
    from computestrata.i18n import t

    args = ["network", "frontier", "--case", "sea", "--prices", "0,100", "--hours", "4", "--atlas", str(built_atlas)]
    res = runner.invoke(app, [*args, "--json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    notes = json.loads(res.output)["notes"]
    assert t("network.note.profiles", lang="en") in notes and "synthetic" in " ".join(notes)


@pytest.mark.integration
def test_a_site_excluded_twice_is_listed_once(atlas) -> None:  # type: ignore[no-untyped-def]
    r = api.solve("sea", hours=1, exclude_sites=["batam", "batam"], atlas=atlas)
    assert r.status == "optimal" and r.excluded_sites == ["batam"]


def test_building_the_model_emits_no_linopy_warning() -> None:
    """A masked variable made linopy 0.10 print a semantics warning on every `network solve`."""
    inst = Instance(
        regions=("r",),
        sites=("near", "far"),
        classes=("inference",),
        weight_h=8760.0,
        demand_mw=np.full((1, 1, 1, 1), 10.0),
        flexible=(False,),
        latency_ms=np.array([[2.0, 12.0]]),  # "far" is masked out by the latency limit
        latency_limit_ms=np.array([10.0]),
        net_cost_usd_mwh=np.zeros((1, 2, 1)),
        capacity_mw=np.array([100.0, 100.0]),
        pue=np.array([1.2, 1.2]),
        price_usd_mwh=np.array([90.0, 30.0]),
        ef_t_mwh=np.array([0.5, 0.5]),
        ppa_usd_mwh=np.zeros(2),
        renewable_mw=np.zeros((2, 1, 1)),
        grid_limit_mw=np.full(2, np.inf),
        unserved_usd_mwh=np.array([np.nan]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build(inst)


@pytest.mark.integration
def test_json_cites_only_sources_in_the_atlas(built_atlas: Path, atlas) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(
        app, ["network", "solve", "--case", "edwc", "--hours", "1", "--atlas", str(built_atlas), "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    cited = {i for s in d["sites"] for i in s["source_ids"]}
    listed = {s["source_id"] for s in d["sources"]}
    assert cited <= listed
    assert listed == {s["source_id"] for s in atlas.sources(listed)}


@pytest.mark.integration
def test_a_plan_that_leaves_load_unserved_says_its_cost_leaves_it_out(atlas) -> None:  # type: ignore[no-untyped-def]
    """Without the western hubs EDWC serves about two thirds of demand; its lower cost_usd
    must not read as a saving."""
    west = [s.id for s in api.load_case("edwc", atlas).sites if s.side == "west"]
    r = api.solve("edwc", hours=1, exclude_sites=west, atlas=atlas)
    assert r.status == "optimal" and r.served_share is not None and r.served_share < 0.9
    assert any("leaves out the load that is not served" in n for n in r.notes)
    full = api.solve("edwc", hours=1, atlas=atlas)
    assert not any("not served" in n for n in full.notes)


@pytest.mark.parametrize("hours", [1, 2, 3, 4, 6, 8, 12, 24])
def test_a_representative_day_of_n_periods_keeps_the_annual_means(hours: int) -> None:
    """Each period stands for a block of hours and carries its mean: with one period, solar is
    its annual capacity factor (not the midnight value 0) and inference load its mean 1."""
    from computestrata.network import profiles

    days, hod, w = profiles.sample_periods(hours)
    solar, wind = profiles.full_year_solar(0.18), profiles.full_year_wind(0.3)
    infer = profiles.full_year_inference(0.3)
    assert profiles.pick(solar, days, hod).mean() == pytest.approx(0.18, rel=1e-6)
    assert profiles.pick(wind, days, hod).mean() == pytest.approx(0.3, rel=1e-6)
    assert profiles.pick(infer, days, hod).mean() == pytest.approx(1.0, rel=1e-9)
    assert profiles.pick(solar, days, hod).shape == (1, hours) and w * hours == 8760


def test_grid_power_and_emissions_carry_the_pue_factor() -> None:
    """Facility power is PUE x IT load: 10 MW of IT at PUE 1.5 draws 15 MW from the grid
    (no renewables), and emissions and energy cost follow the facility power."""
    from computestrata.network.model import emissions_t, solve

    inst = Instance(
        regions=("r",),
        sites=("s",),
        classes=("training",),
        weight_h=8760.0,
        demand_mw=np.full((1, 1, 1, 1), 10.0),
        flexible=(False,),
        latency_ms=np.array([[1.0]]),
        latency_limit_ms=np.array([np.nan]),
        net_cost_usd_mwh=np.zeros((1, 1, 1)),
        capacity_mw=np.array([100.0]),
        pue=np.array([1.5]),
        price_usd_mwh=np.array([40.0]),
        ef_t_mwh=np.array([0.6]),
        ppa_usd_mwh=np.zeros(1),
        renewable_mw=np.zeros((1, 1, 1)),
        grid_limit_mw=np.full(1, np.inf),
        unserved_usd_mwh=np.array([np.nan]),
    )
    sol = solve(inst)
    assert sol.status == "optimal" and sol.grid is not None
    assert sol.grid[0, 0, 0] == pytest.approx(15.0)
    assert sol.objective == pytest.approx(15.0 * 40 * 8760)
    assert emissions_t(inst, sol) == pytest.approx(15.0 * 0.6 * 8760)
