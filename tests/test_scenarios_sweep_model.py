"""Sweeps of the real scenario model on the built atlas: local processes and a Dask cluster agree,
the command prints cited results, and bad input is a clear error."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from computestrata.scenarios import executor as exe
from computestrata.scenarios.sweep import Range, run_sweep, sweep

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def baseline(atlas: Any) -> tuple[Any, list[Range]]:
    from computestrata.scenarios import model, spec

    sc = spec.load_scenario("baseline")
    prepared = model.prepare(atlas, sc, pair=("KOR", "CHN"), to_year=2035)
    params = [Range(k, p.central, p.low, p.high, p.source) for k, p in sc.parameters.items()]
    return prepared, params


def _app() -> typer.Typer:
    """The command as ``strata scenario`` registers it (``app.command("sweep")(sweep)``)."""
    from computestrata.scenarios.cli_sweep import sweep as command

    app = typer.Typer()
    app.command("sweep")(command)
    app.command("noop")(lambda: None)  # two commands: typer keeps the sub-command name
    return app


def _invoke(args: list[str], atlas_dir: Any) -> Any:
    from computestrata.errors import StrataError

    res = CliRunner().invoke(_app(), ["sweep", *args, "--atlas", str(atlas_dir)])
    if isinstance(res.exception, StrataError):  # what computestrata.cli.main turns into exit 2
        return 2, str(res.exception)
    return res.exit_code, res.output


def test_real_model_same_on_local_processes_and_dask_cluster(baseline: tuple[Any, list[Range]]) -> None:
    distributed = pytest.importorskip("distributed")
    from computestrata.scenarios import model

    prepared, params = baseline
    local = run_sweep(model.evaluate, prepared, params, n=8, seed=4, keep_values=True)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        remote = run_sweep(
            model.evaluate,
            prepared,
            params,
            n=8,
            seed=4,
            executor=exe.DaskExecutor(cluster.scheduler_address, timeout=30),
            keep_values=True,
        )
    assert remote.executor == "dask" and local.executor == "local"
    assert local.values is not None and remote.values is not None
    assert local.values.shape == (8 * (len(local.sampled) + 2), len(local.outputs))
    assert np.array_equal(local.values, remote.values, equal_nan=True)
    assert repr(local.outputs) == repr(remote.outputs)


def test_sweep_spreads_and_drivers_are_plausible(atlas: Any) -> None:
    res = sweep(atlas, "baseline", n=64, seed=1, outputs=["share.CHN.2035", "coop.*.2035", "world.intelligent.2035"])
    chn = res.core.output("share.CHN.2035")
    assert 0 <= chn.p5 <= chn.median <= chn.p95 <= 1
    assert chn.p95 > chn.p5  # the assumptions leave China's share open
    world = res.core.output("world.intelligent.2035")
    driver, st = world.driver()
    # world compute is min(demand, chip output × efficiency) growth compounded: one of those drives it
    assert driver in {"ai_demand_growth", "world_chip_output_growth", "efficiency_gain", "accelerator_life"}
    assert st > 0.1
    # the scenario's parameters are cited: atlas ids and the scenario file's own reasoning
    assert res.source_ids and res.extra_sources
    assert all(r["citation"] and r["license"] for r in res.extra_sources)
    assert res.core.evaluations == 64 * (len(res.core.sampled) + 2)


def test_command_json(built_atlas: Any) -> None:
    code, out = _invoke(["baseline", "--n", "8", "--seed", "3", "--json", "--output", "share.*.2035"], built_atlas)
    assert code == 0, out
    doc = json.loads(out)
    assert doc["scenario"] == "baseline" and doc["seed"] == 3 and doc["executor"] == "local"
    assert doc["evaluations"] == 8 * (sum(p["sampled"] for p in doc["parameters"]) + 2)
    names = {o["name"] for o in doc["outputs"]}
    assert "share.CHN.2035" in names and all(n.startswith("share.") and n.endswith(".2035") for n in names)
    row = next(r for r in doc["rows"] if r["output"] == "share.CHN.2035")
    assert row["p5"] <= row["median"] <= row["p95"]
    first = doc["outputs"][0]
    assert set(first["indices"]) == {p["name"] for p in doc["parameters"] if p["sampled"]}
    assert doc["sources"] and doc["notes"]
    assert all(p["source"] for p in doc["parameters"])


def test_command_table_in_korean(built_atlas: Any) -> None:
    code, out = _invoke(["no_yard", "--n", "8", "--lang", "ko", "--to", "2030"], built_atlas)
    assert code == 0, out
    assert "시나리오 no_yard 스윕" in out and "share.CHN.2030" in out
    assert "share.CHN.2029" not in out  # the table shows the horizon year; JSON has every year


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["baseline", "--n", "0"], "--n must be at least 1"),
        (["baseline", "--n", "10000000"], "at most"),
        (["baseline", "--executor", "spark"], "executor"),
        (["baseline", "--scheduler", "tcp://127.0.0.1:8786"], "only used with --executor dask"),
        (["baseline", "--executor", "dask"], "needs --scheduler"),
        (["baseline", "--executor", "dask", "--scheduler", "not an address"], "not a Dask scheduler address"),
        (["no_such_scenario", "--n", "8"], "no_such_scenario"),
        (["baseline", "--n", "8", "--seed", "-1"], "--seed"),
        (["baseline", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1", "--timeout", "0"], "--timeout"),
    ],
)
def test_command_bad_input(built_atlas: Any, args: list[str], needle: str) -> None:
    code, out = _invoke(args, built_atlas)
    assert code == 2 and needle in out, out


def test_command_unreachable_scheduler(built_atlas: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    res = CliRunner().invoke(
        _app(),
        [
            "sweep",
            "baseline",
            "--n",
            "8",
            "--executor",
            "dask",
            "--scheduler",
            address,
            "--timeout",
            "2",
            "--atlas",
            str(built_atlas),
        ],
    )
    from computestrata.errors import InputError

    assert isinstance(res.exception, InputError)
    assert address in res.exception.message and "within 2 s" in res.exception.message


def test_fixed_outputs_have_no_indices(atlas: Any) -> None:
    """Outputs the sampled parameters cannot move (base-year shares) get no spurious drivers."""
    res = sweep(atlas, "baseline", n=8, seed=0, outputs=["share.CHN.2025"])
    o = res.core.output("share.CHN.2025")
    assert o.p5 == pytest.approx(o.p95)
    assert all(math.isnan(v) for v in o.st.values())
    assert o.driver() == (None, o.driver()[1])
