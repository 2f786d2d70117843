"""The shipped cases on the built atlas, the API and the `strata network` commands."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.network import api
from computestrata.network.case import case_ids

pytestmark = pytest.mark.integration
runner = CliRunner()


def test_every_parameter_says_where_it_comes_from(atlas) -> None:  # type: ignore[no-untyped-def]
    for cid in case_ids():
        params = api.parameters(cid, atlas)
        assert params
        for p in params:
            assert p["kind"] in ("source", "derived", "assumption", "atlas")
            assert p["basis"], p
            if p["kind"] == "source":
                assert p["basis"].startswith("http")
        atlas_ids = {p["basis"].split(" ")[0] for p in params if p["kind"] == "atlas"}
        known = {s["source_id"] for s in atlas.sources(atlas_ids)}
        assert atlas_ids == known  # every atlas-backed number cites a source in the atlas


def test_edwc_sites_and_grid_factors_come_from_the_atlas(atlas) -> None:  # type: ignore[no-untyped-def]
    c = api.load_case("edwc", atlas)
    assert len(c.sites) == 10 and {s.side for s in c.sites} == {"east", "west"}
    qingyang = next(s for s in c.sites if s.id == "qingyang")
    row = atlas.rows("SELECT * FROM eds_hubs WHERE cluster_en = 'Qingyang cluster'")[0]
    assert (qingyang.lat, qingyang.lon, qingyang.pue) == (row["approx_lat"], row["approx_lon"], row["pue_target_max"])
    gansu = atlas.rows("SELECT ef_kgco2_kwh FROM china_grid_factors WHERE name_en = 'Gansu' AND year = 2022")[0]
    assert qingyang.ef_t_mwh == gansu["ef_kgco2_kwh"]
    assert row["source_id"] in qingyang.source_ids


def test_edwc_plan_is_optimal_and_respects_latency(atlas) -> None:  # type: ignore[no-untyped-def]
    r = api.solve("edwc", hours=24, atlas=atlas)
    assert r.status == "optimal" and r.served_share is not None and r.served_share > 0.99
    assert r.cost_usd is not None and r.cost_usd > 0 and r.emissions_t is not None and r.emissions_t > 0
    assert {s["site_id"] for s in r.sites} == {s.id for s in api.load_case("edwc", atlas).sites}
    for s in r.sites:
        assert s["utilisation"] is None or -1e-9 <= s["utilisation"] <= 1 + 1e-9
        assert s["shadow_price"] >= -1e-6
    for f in r.flows:
        assert f["latency_limit_ms"] is None or f["latency_ms"] <= f["latency_limit_ms"] + 1e-9
    # the parts add up to the objective
    assert r.objective == pytest.approx(sum(r.costs.values()), rel=1e-7)


def test_korea_case_runs_with_build(atlas) -> None:  # type: ignore[no-untyped-def]
    r = api.solve("korea", hours=4, atlas=atlas)
    assert r.status == "optimal" and r.build and r.duals_from_fixed_lp
    built = {s["site_id"]: s["built_mw"] for s in r.sites}
    assert sum(built.values()) > 0
    assert built["capital_dc"] <= 4 * 20  # the grid bottleneck derived from the atlas facts
    assert r.served_share is not None and r.served_share > 0.9


def test_compare_without_western_hubs_costs_more(atlas) -> None:  # type: ignore[no-untyped-def]
    runs = api.compare("edwc", hours=4, atlas=atlas)
    assert len(runs) == 4
    base, carbon, no_west = runs[0], runs[1], runs[2]
    assert carbon.carbon_price > base.carbon_price and carbon.emissions_t <= base.emissions_t + 1e-3  # type: ignore[operator]
    assert no_west.excluded_sites and all(s["side"] != "west" for s in no_west.sites)
    assert no_west.objective > base.objective  # type: ignore[operator]


def test_frontier_emissions_fall_as_price_rises(atlas) -> None:  # type: ignore[no-untyped-def]
    rows = api.frontier("sea", prices=(0, 50, 200), hours=4, atlas=atlas)
    em = [r["emissions_t"] for r in rows]
    assert all(b <= a + 1e-3 for a, b in itertools.pairwise(em))


def test_cli_solve_json_envelope(built_atlas: Path) -> None:
    res = runner.invoke(
        app, ["network", "solve", "--case", "korea", "--hours", "4", "--atlas", str(built_atlas), "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    for key in ("status", "objective", "cost_usd", "emissions_t", "served_share", "sites", "sources", "notes"):
        assert key in d
    assert d["status"] == "optimal"
    assert {"site_id", "utilisation", "shadow_price"} <= set(d["sites"][0])
    assert d["sources"] and all("source_id" in s for s in d["sources"])


def test_cli_infeasible_reports_conflicts_not_a_traceback(built_atlas: Path) -> None:
    args = ["network", "solve", "--case", "edwc", "--hours", "2", "--strict", "--atlas", str(built_atlas), "--json"]
    args += ["--exclude-site", "horinger", "--exclude-site", "guian"]
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    d = json.loads(res.stdout)
    assert d["status"] == "infeasible" and d["objective"] is None
    names = {c["constraint"] for c in d["conflicts"]}
    assert "capacity" in names and any(n.startswith("demand_") for n in names)


@pytest.mark.parametrize(
    "args",
    [
        ["--case", "nowhere"],
        ["--hours", "25"],
        ["--hours", "0"],
        ["--carbon-price", "-1"],
        ["--solver", "cplex"],
    ],
)
def test_cli_bad_input_is_an_input_error(built_atlas: Path, args: list[str]) -> None:
    res = runner.invoke(app, ["network", "solve", "--atlas", str(built_atlas), *args])
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError | SystemExit)


def test_bad_case_file_names_the_parameter(tmp_path: Path, atlas) -> None:  # type: ignore[no-untyped-def]
    src = (Path(api.__file__).parent / "cases" / "sea.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(src.replace("capacity_mw: {value: 500", "capacity_mw: {value: -5", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"sites.johor.capacity_mw"):
        api.load_case(bad, atlas)
    bad.write_text(src.replace(', assumption: "fast-growing cluster"', "", 1), encoding="utf-8")
    with pytest.raises(InputError, match="exactly one of source, derived, assumption"):
        api.load_case(bad, atlas)


def test_cli_translated(built_atlas: Path) -> None:
    res = runner.invoke(app, ["network", "params", "--case", "sea", "--atlas", str(built_atlas), "--lang", "ko"])
    assert res.exit_code == 0, res.output
    assert "매개변수" in res.output


def test_methods_page_lists_every_parameter(atlas) -> None:  # type: ignore[no-untyped-def]
    doc = (Path(__file__).resolve().parents[1] / "docs" / "network.md").read_text(encoding="utf-8")
    for cid in case_ids():
        for p in api.parameters(cid, atlas):
            if p["kind"] != "atlas":
                assert f"`{p['parameter']}`" in doc, (cid, p["parameter"])
