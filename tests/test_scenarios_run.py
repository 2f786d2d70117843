"""The shipped scenarios on the built atlas: trajectories, the controls property, hindcast, CLI."""

from __future__ import annotations

import itertools
import json
import os
import runpy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.scenarios import api, model, spec

pytestmark = pytest.mark.integration

ORDER = ("baseline", "small_yard_high_fence", "big_yard_high_fence", "no_yard")  # controls widen
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prepared(atlas: Any) -> dict[str, model.Prepared]:
    return {n: model.prepare(atlas, spec.load_scenario(n)) for n in ORDER}


def test_prepared_is_plain_data(prepared: dict[str, model.Prepared]) -> None:
    import pickle

    for p in prepared.values():
        again = pickle.loads(pickle.dumps(p))
        assert model.evaluate(again, {}) == model.evaluate(p, {})
        assert p.countries[-1] == model.ROW and {"USA", "CHN", "KOR"} <= set(p.countries)
        assert p.source_ids and "epoch_gpu_clusters" in p.source_ids


def test_named_scenarios_differ_as_explained(prepared: dict[str, model.Prepared]) -> None:
    """Wider controls cut China's access to shipments, so its 2035 share falls; the no-yard
    China relies on domestic output alone; the open cooperation space shrinks with big/no yard."""
    out = {n: model.evaluate(p, {}) for n, p in prepared.items()}
    y = 2035
    assert out["baseline"][f"cn.access.{y}"] > out["small_yard_high_fence"][f"cn.access.{y}"] > 0
    assert out["no_yard"][f"cn.access.{y}"] == 0
    assert out["no_yard"][f"cn.domestic_share.{y}"] == pytest.approx(1.0)
    assert out["baseline"][f"share.CHN.{y}"] > out["small_yard_high_fence"][f"share.CHN.{y}"]
    assert out["small_yard_high_fence"][f"share.CHN.{y}"] > out["no_yard"][f"share.CHN.{y}"]
    assert out["no_yard"][f"coop.open_share.{y}"] < out["baseline"][f"coop.open_share.{y}"]
    # before the posture starts, every scenario is the enacted one
    for n in ORDER:
        assert out[n]["share.CHN.2026"] == pytest.approx(out["baseline"]["share.CHN.2026"])
        assert out[n]["coop.open_share.2026"] == pytest.approx(out["baseline"]["coop.open_share.2026"])


COMMON = sorted(spec.load_scenario("baseline").parameters)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(0, 1), min_size=len(COMMON), max_size=len(COMMON)), st.floats(0, 1))
def test_open_cooperation_never_grows_when_controls_widen(
    prepared: dict[str, model.Prepared], u: list[float], start: float
) -> None:
    """Same assumptions (a random draw within the declared ranges), controls widening along
    baseline → small yard → big yard → no yard: the open share never grows, and neither does
    China's access to shipments.  (China's *share* may: a wider fence also cuts other buyers,
    and the part of their blocked shipments not resold elsewhere shrinks the world total.)"""
    base = spec.load_scenario("baseline").parameters
    p = {k: base[k].low + x * (base[k].high - base[k].low) for k, x in zip(COMMON, u, strict=True)}
    p_post = {**p, "posture_start": 2027 + 3 * start}
    runs = [model.evaluate(prepared[n], p if n == "baseline" else p_post) for n in ORDER]
    for y in prepared["baseline"].years:
        opens = [r[f"coop.open_share.{y}"] for r in runs]
        assert all(b <= a + 1e-12 for a, b in itertools.pairwise(opens)), (y, opens)
        acc = [r[f"cn.access.{y}"] for r in runs]
        assert all(b <= a + 1e-12 for a, b in itertools.pairwise(acc)), (y, acc)


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_run_json_has_the_documented_shape(built_atlas: Path) -> None:
    res = _cli("scenario", "run", "baseline", "no_yard", "--to", "2030", "--json", "--atlas", str(built_atlas))
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [s["name"] for s in out["scenarios"]] == ["baseline", "no_yard"]
    for s in out["scenarios"]:
        assert [y["year"] for y in s["years"]] == list(range(2025, 2031))
        for y in s["years"]:
            assert {"open_share", "limited_share", "restricted_share"} <= set(y["cooperation"])
            assert abs(sum(y["cooperation"][f"{c}_share"] for c in ("open", "limited", "restricted")) - 1) < 1e-9
            assert abs(sum(y["shares"]["intelligent"].values()) - 1) < 1e-9
            assert y["stratification"]["hhi"] > 0
    ids = {x["source_id"] for x in out["sources"]}
    assert {"epoch_gpu_clusters", "paper_an_zhou_2026"} <= ids
    assert any(i.startswith("top500_") for i in ids)


def test_run_in_korean_and_chinese(built_atlas: Path) -> None:
    for lang, word in (("ko", "협력 공간"), ("zh", "合作空间")):
        res = _cli("scenario", "run", "baseline", "--to", "2027", "--lang", lang, "--atlas", str(built_atlas))
        assert res.exit_code == 0, res.output
        assert word in res.output


def test_hindcast_shows_its_errors(built_atlas: Path) -> None:
    res = _cli("scenario", "hindcast", "--cutoff", "2023", "--json", "--atlas", str(built_atlas))
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["cutoff"] == 2023 and out["calibrated"]["world_shipment_growth"] > 1
    targets = {r["target"] for r in out["rows"]}
    assert {"intelligent_share", "super_share_top500", "caict_intelligent_share", "epoch_sales_ratio"} <= targets
    for r in out["rows"]:
        assert r["year"] > 2023
        if r["observed"] is not None:
            assert r["error"] == pytest.approx(r["projected"] - r["observed"], abs=1e-6)
    assert any(abs(r["error"]) > 0.01 for r in out["rows"] if r["error"] is not None)  # errors shown, not zeroed
    assert all(s["mean_abs_error"] is not None for s in out["summary"])


def test_show_and_list(built_atlas: Path) -> None:
    res = _cli("scenario", "show", "no_yard", "--json", "--atlas", str(built_atlas))
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {r["parameter"] for r in out["rows"]} >= {"ai_demand_growth", "posture_start", "cn_accel_output_base"}
    assert all(r["source"] for r in out["rows"])
    res = _cli("scenario", "list", "--json")
    assert next(r["name"] for r in json.loads(res.output)["rows"]) == "baseline"


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["run", "no_yrd"], "no_yard"),
        (["run", "baseline", "--to", "2040"], "2035"),
        (["run", "baseline", "--to", "2024"], "base year"),
        (["run", "baseline", "--pair", "KOR", "KOR"], "same"),
        (["run", "baseline", "--pair", "KOR", "Atlantis"], "Atlantis"),
        (["hindcast", "--cutoff", "2019"], "2022"),
        (["show", "nothing_like_it"], "scenario"),
        (["run", "baseline", "--set", "ai_demand_growth=9"], "outside its declared range"),
        (["run", "baseline", "--set", "posture_start=2028"], "posture_start"),
        (["run", "baseline", "--set", "ai_demand_growth"], "NAME=VALUE"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(built_atlas: Path, args: list[str], word: str) -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "scenario", *args, "--atlas", str(built_atlas)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "STRATA_LANG": "en"},
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert word in res.stderr
    assert "Traceback" not in res.stderr


def test_every_table_read_is_cited(built_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check as tests/test_trust_cited_tables.py, for the scenario commands."""
    from computestrata.atlas import store

    a = store.open(built_atlas)
    table_sources = {
        t: {r["source_id"] for r in a.rows(f'SELECT DISTINCT source_id FROM "{t}"') if r["source_id"]}
        for t in a.tables
        if t not in {"sources", "countries", "country_aliases"}
        and "source_id" in a.manifest["tables"][t].get("columns", [])
    }
    for args in (["run", "baseline", "--to", "2027"], ["hindcast"], ["show", "baseline"]):
        read: set[str] = set()
        original = store.Atlas._touch

        def spy(self: store.Atlas, sql: str, read: set[str] = read, original: Any = original) -> None:
            original(self, sql)
            read.update(self.touched)

        monkeypatch.setattr(store.Atlas, "_touch", spy)
        res = _cli("scenario", *args, "--json", "--atlas", str(built_atlas))
        assert res.exit_code == 0, res.output
        cited = {s["source_id"] for s in json.loads(res.output)["sources"]}
        uncited = sorted(t for t in read & set(table_sources) if not table_sources[t] & cited)
        assert not uncited, f"{args} reads {uncited} but cites none of their sources"
        monkeypatch.undo()


def test_example_script_runs(built_atlas: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("STRATA_ATLAS", str(built_atlas))
    runpy.run_path(str(ROOT / "docs" / "scenarios_example.py"), run_name="__main__")
    assert "no_yard" in capsys.readouterr().out


def test_api_run_matches_project(atlas: Any, prepared: dict[str, model.Prepared]) -> None:
    runs = api.run(atlas, ["no_yard"], to_year=2035)
    proj = model.project(prepared["no_yard"], {})
    assert runs.scenarios[0].years == proj.years


def test_posture_states_compare_like_with_like(prepared: dict[str, model.Prepared]) -> None:
    """The small yard is the enacted rules as a posture: its cooperation summary equals the
    enacted state's on the same date; a wider posture never opens a segment (open share ≤,
    restricted share ≥ the enacted one)."""
    for name in ORDER[1:]:
        prep = prepared[name]
        assert prep.posture is not None
        post = prep.states[prep.posture]
        same_day = [s for s in prep.states if s.label == "enacted" and s.on == post.on]
        assert same_day, (name, post.on)
        enacted = same_day[0].coop
        assert enacted is not None and post.coop is not None
        if name == "small_yard_high_fence":
            assert post.coop == pytest.approx(enacted)
        assert post.coop["open_share"] <= enacted["open_share"] + 1e-12
        assert post.coop["restricted_share"] >= enacted["restricted_share"] - 1e-12
    wide = prepared["no_yard"]
    assert wide.states[wide.posture or 0].coop != prepared["small_yard_high_fence"].states[-1].coop


@pytest.mark.parametrize(
    ("args", "lang", "word"),
    [
        (["run", "baseline", "--set", "ai_demand_growth=9"], "ko", "선언된 범위"),
        (["run", "baseline", "--to", "2024"], "zh", "基准年"),
        (["run", "baseline", "--set", "ai_demand_growth"], "ko", "NAME=VALUE"),
        (["show", "/nonexistent/scenario.yaml"], "zh", "不存在"),
        (["hindcast", "--cutoff", "2019"], "ko", "사후 예측"),
    ],
)
def test_bad_input_is_translated(built_atlas: Path, args: list[str], lang: str, word: str) -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "scenario", *args, "--atlas", str(built_atlas), "--lang", lang],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert word in res.stderr and "Traceback" not in res.stderr
    assert not res.stdout.strip()  # nothing half-written
