"""Sweeps on analytic models: the design, the estimators, percentiles, executors and bad input.

The models here are plain module-level functions of the same shape as the scenario model's
``evaluate(prepared, params) -> {output: value}``; the real model is swept in
``test_scenarios_sweep_model.py``.
"""

from __future__ import annotations

import io
import math
import socket
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.scenarios import executor as exe
from computestrata.scenarios.sweep import (
    MAX_BASE,
    Range,
    check_n,
    chunk_rows,
    run_sweep,
    saltelli_rows,
)

PI = math.pi
ISHIGAMI = [Range(f"x{i}", 0.0, -PI, PI, source="test") for i in (1, 2, 3)]
# Ishigami (a=7, b=0.1), x_i ~ U(-π, π): analytic first-order and total indices
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(prepared: object, p: dict[str, float]) -> dict[str, float]:
    x1, x2, x3 = p["x1"], p["x2"], p["x3"]
    return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1), "flat": 2.0}


def linear(prepared: dict[str, float], p: dict[str, float]) -> dict[str, float]:
    """y = Σ a_i x_i: with independent uniforms, S1_i = ST_i = a_i² var_i / Σ a_j² var_j."""
    return {"y": sum(prepared[k] * p[k] for k in prepared), "x1": p["x1"]}


def linear_many(prepared: dict[str, float], p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": sum(prepared[k] * p[k] for k in prepared), "x1": p["x1"]}


def gappy(prepared: object, p: dict[str, float]) -> dict[str, float]:
    """An output the model cannot give for part of the space (missing, not zero)."""
    out = {"y": p["x1"] + p["x2"]}
    if p["x1"] > 0.3:
        out["tail"] = p["x2"]
    return out


def chunk_id(shared: int, chunk: list[int]) -> list[int]:
    import time

    time.sleep(0.002 * (5 - chunk[0]))  # early chunks finish last
    return [shared + c for c in chunk]


LINEAR_A = {"x1": 1.0, "x2": 2.0, "x3": 0.0}
LINEAR = [Range("x1", 0.5, 0.0, 1.0), Range("x2", 0.5, 0.0, 1.0), Range("x3", 0.5, 0.0, 1.0)]


def test_saltelli_layout_follows_salib() -> None:
    u = saltelli_rows(8, 3, seed=1)
    step = 5
    assert u.shape == (8 * step, 3)
    a, b = u[0::step], u[step - 1 :: step]
    for i in range(3):
        ab = u[i + 1 :: step]
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))
        assert np.array_equal(ab[:, i], b[:, i])
    assert ((u >= 0) & (u < 1)).all()
    # A and B are different columns of one Sobol sample, not a copy
    assert not np.array_equal(a, b)


def test_ishigami_indices_match_the_analytic_values() -> None:
    res = run_sweep(ishigami, None, ISHIGAMI, n=4096, seed=7)
    y = res.output("y")
    for k in ("x1", "x2", "x3"):
        assert y.s1[k] == pytest.approx(ISHIGAMI_S1[k], abs=0.03), k
        assert y.st[k] == pytest.approx(ISHIGAMI_ST[k], abs=0.03), k
    assert y.driver()[0] == "x1"  # largest total index (interaction with x3)
    # a constant output has no defined index, and says so
    flat = res.output("flat")
    assert all(math.isnan(v) for v in flat.st.values())
    assert flat.p5 == flat.median == flat.p95 == 2.0
    assert any("flat" in n for n in res.notes)


def test_linear_model_indices_and_percentiles() -> None:
    res = run_sweep(linear, LINEAR_A, LINEAR, n=2048, seed=3)
    y = res.output("y")
    total = 1.0 + 4.0
    assert y.s1["x1"] == pytest.approx(1 / total, abs=0.02)
    assert y.s1["x2"] == pytest.approx(4 / total, abs=0.02)
    assert y.st["x3"] == pytest.approx(0.0, abs=1e-12)  # x3 has no effect at all
    assert y.st["x2"] == pytest.approx(4 / total, abs=0.02)
    # x1 ~ U(0, 1): the quantiles of a uniform are its quantile levels
    x1 = res.output("x1")
    assert (x1.p5, x1.median, x1.p95) == pytest.approx((0.05, 0.5, 0.95), abs=0.01)
    assert x1.central == 0.5
    assert res.evaluations == 2048 * 5
    assert res.sampled == ["x1", "x2", "x3"]


def test_percentiles_use_both_independent_blocks() -> None:
    """p5 / median / p95 are over the 2N points of A and B (as documented), not A alone."""
    res = run_sweep(linear, LINEAR_A, LINEAR, n=16, seed=9, keep_values=True)
    assert res.values is not None
    step = 3 + 2
    col = [o.name for o in res.outputs].index("y")
    ab = np.concatenate([res.values[0::step, col], res.values[step - 1 :: step, col]])
    y = res.output("y")
    assert (y.p5, y.median, y.p95) == pytest.approx(tuple(np.quantile(ab, [0.05, 0.5, 0.95])), abs=1e-12)
    assert y.p5 != pytest.approx(float(np.quantile(res.values[0::step, col], 0.05)), abs=1e-9)


def test_vectorised_and_row_by_row_models_agree() -> None:
    one = run_sweep(linear, LINEAR_A, LINEAR, n=64, seed=2, keep_values=True)
    many = run_sweep(linear, LINEAR_A, LINEAR, n=64, seed=2, evaluate_many=linear_many, keep_values=True)
    assert one.values is not None and many.values is not None
    np.testing.assert_allclose(one.values, many.values, rtol=0, atol=1e-12)


def test_same_seed_same_result_other_seed_other_result() -> None:
    a = run_sweep(ishigami, None, ISHIGAMI, n=64, seed=11, keep_values=True)
    b = run_sweep(ishigami, None, ISHIGAMI, n=64, seed=11, executor=exe.LocalExecutor(1), keep_values=True)
    c = run_sweep(ishigami, None, ISHIGAMI, n=64, seed=12, keep_values=True)
    assert a.values is not None and b.values is not None and c.values is not None
    assert np.array_equal(a.values, b.values)  # 2 workers or 1: identical
    assert repr(a.outputs) == repr(b.outputs)  # NaN indices of the flat output compare as text
    assert not np.array_equal(a.values, c.values)


def test_missing_outputs_stay_missing() -> None:
    params = [Range("x1", 0.5, 0.0, 1.0), Range("x2", 0.5, 0.0, 1.0)]
    res = run_sweep(gappy, None, params, n=64, seed=0)
    tail = res.output("tail")
    assert 0 < tail.missing < res.evaluations
    assert all(math.isnan(v) for v in tail.s1.values())  # not estimated from a gappy sample
    assert tail.p95 <= 1.0 and not math.isnan(tail.median)
    assert any("tail" in n for n in res.notes)
    assert res.output("y").missing == 0


def test_fixed_parameters_are_not_sampled() -> None:
    params = [*LINEAR[:2], Range("x3", 0.25, 0.25, 0.25)]
    res = run_sweep(linear, LINEAR_A, params, n=16, seed=0)
    assert res.sampled == ["x1", "x2"]
    assert res.evaluations == 16 * 4


def test_output_patterns_select_outputs() -> None:
    res = run_sweep(linear, LINEAR_A, LINEAR, n=8, seed=0, outputs=["x*"])
    assert [o.name for o in res.outputs] == ["x1"]
    with pytest.raises(InputError, match="no model output matches"):
        run_sweep(linear, LINEAR_A, LINEAR, n=8, seed=0, outputs=["share.*"])


def test_results_come_back_in_chunk_order() -> None:
    chunks = [[i] for i in range(6)]
    seen: list[int] = []
    with exe.LocalExecutor(2) as ex:
        handle = ex.share(100)
        out = ex.map(chunk_id, chunks, handle, on_done=seen.append)
    assert out == [[100 + i] for i in range(6)]
    assert sorted(seen) == list(range(6))


@given(st.integers(min_value=1, max_value=MAX_BASE))
@settings(max_examples=200, deadline=None)
def test_check_n_rounds_up_to_a_power_of_two(n: int) -> None:
    base, note = check_n(n)
    assert base >= max(n, 8) and base & (base - 1) == 0
    assert base < 2 * max(n, 8)
    assert (note is None) == (base == n)


@given(st.integers(min_value=1, max_value=5_000_000))
def test_chunks_do_not_depend_on_workers(total: int) -> None:
    size = chunk_rows(total)
    assert 16 <= size <= 2048
    assert math.ceil(total / size) <= max(64, math.ceil(total / 2048))


@pytest.mark.parametrize(
    ("n", "match"),
    [(0, "at least 1"), (-5, "at least 1"), (MAX_BASE + 1, "at most"), (1.5, "whole number"), (True, "whole number")],
)
def test_bad_n(n: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        run_sweep(linear, LINEAR_A, LINEAR, n=n, seed=0)  # type: ignore[arg-type]


def test_too_many_evaluations() -> None:
    many = [Range(f"p{i}", 0.5, 0.0, 1.0) for i in range(40)]
    with pytest.raises(InputError, match="more than the limit") as e:
        run_sweep(linear, {}, many, n=MAX_BASE, seed=0)
    assert e.value.hint and "--n" in e.value.hint


def test_bad_seed_and_bad_range() -> None:
    with pytest.raises(InputError, match="--seed"):
        run_sweep(linear, LINEAR_A, LINEAR, n=8, seed=-1)
    with pytest.raises(InputError, match="x9"):
        run_sweep(linear, LINEAR_A, [*LINEAR, Range("x9", 2.0, 0.0, 1.0)], n=8, seed=0)


def test_executor_choice_is_checked() -> None:
    with pytest.raises(InputError, match="executor") as e:
        exe.make_executor("spark")
    assert e.value.hint and "local" in e.value.hint
    with pytest.raises(InputError, match="only used with --executor dask"):
        exe.make_executor("local", "tcp://127.0.0.1:8786")
    with pytest.raises(InputError, match="needs --scheduler"):
        exe.make_executor("dask")
    with pytest.raises(InputError, match="workers"):
        exe.LocalExecutor(0)


@pytest.mark.parametrize("address", ["", "tcp://", "http//x", "tcp://host", "host:99999", "a b:1"])
def test_bad_scheduler_address(address: str) -> None:
    with pytest.raises(InputError, match="not a Dask scheduler address"):
        exe.check_address(address)


def test_scheduler_address_gets_tcp() -> None:
    assert exe.check_address("10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert exe.check_address("tcp://[::1]:8786") == "tcp://[::1]:8786"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_scheduler_is_a_clear_error_not_a_hang() -> None:
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    with pytest.raises(InputError) as e, exe.DaskExecutor(address, timeout=1.0):
        pass
    assert address in e.value.message and "1 s" in e.value.message
    assert e.value.hint and "scheduler" in e.value.hint


def test_local_and_dask_give_the_same_sweep() -> None:
    distributed = pytest.importorskip("distributed")
    local = run_sweep(ishigami, None, ISHIGAMI, n=128, seed=5, keep_values=True)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp://",
        dashboard_address=":0",
    ) as cluster:
        remote = run_sweep(
            ishigami,
            None,
            ISHIGAMI,
            n=128,
            seed=5,
            executor=exe.DaskExecutor(cluster.scheduler_address),
            keep_values=True,
        )
    assert remote.executor == "dask" and remote.n_workers == 2
    assert local.values is not None and remote.values is not None
    assert np.array_equal(local.values, remote.values)
    assert repr(local.outputs) == repr(remote.outputs)


def test_workers_without_the_model_say_so(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cluster whose workers cannot import the model is told apart from a model error."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        # a module only this process can import: the workers started before it existed
        (tmp_path / "sweep_model_only_here.py").write_text("def f(prepared, p):\n    return {'y': p['x1']}\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        import importlib

        mod = importlib.import_module("sweep_model_only_here")
        with pytest.raises(InputError, match="cannot import") as e:
            run_sweep(mod.f, None, LINEAR[:1], n=8, seed=0, executor=exe.DaskExecutor(cluster.scheduler_address))
    assert e.value.hint and "every worker" in e.value.hint


@given(
    st.lists(st.floats(min_value=-5, max_value=5).filter(lambda a: abs(a) > 0.05), min_size=2, max_size=4),
    st.integers(min_value=0, max_value=2**16),
)
@settings(max_examples=15, deadline=None)
def test_additive_models_split_their_variance_exactly(coefs: list[float], seed: int) -> None:
    """For y = Σ a_i x_i (x_i uniform, independent) S1_i = ST_i = a_i² / Σ a_j² (equal ranges)."""
    prepared = {f"x{i}": a for i, a in enumerate(coefs)}
    params = [Range(f"x{i}", 0.5, 0.0, 1.0) for i in range(len(coefs))]
    res = run_sweep(linear, prepared, params, n=1024, seed=seed, outputs=["y"])
    y = res.output("y")
    total = sum(a * a for a in coefs)
    for i, a in enumerate(coefs):
        assert y.s1[f"x{i}"] == pytest.approx(a * a / total, abs=0.04)
        assert y.st[f"x{i}"] == pytest.approx(a * a / total, abs=0.04)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from computestrata.scenarios.sweep import progress_bar

    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    with progress_bar(100, True, "Sweeping 100 evaluations") as advance:
        for _ in range(4):
            advance(25)
    assert "Sweeping 100 evaluations" in term.getvalue()
    pipe = io.StringIO()  # not a terminal (CI log, a pipe): no frames
    monkeypatch.setattr("sys.stderr", pipe)
    with progress_bar(100, True, "Sweeping") as advance:
        advance(100)
    with progress_bar(100, False, "Sweeping") as advance:  # --json
        advance(100)
    assert pipe.getvalue() == ""


def test_errors_in_korean_and_chinese() -> None:
    with pytest.raises(InputError) as e:
        check_n(0)
    ko, ko_hint = e.value.shown("ko")
    zh, _ = e.value.shown("zh")
    assert "1 이상" in ko and ko_hint and "기본 표본" in ko_hint
    assert "至少为 1" in zh
    with pytest.raises(InputError) as e2:
        exe.check_address("nonsense")
    assert "Dask 스케줄러 주소가 아닙니다" in e2.value.shown("ko")[0]


def test_a_notebook_client_is_used_and_left_open() -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            host="127.0.0.1",
            protocol="tcp://",
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        ex = exe.DaskExecutor(client=client)
        assert ex.address == cluster.scheduler_address
        res = run_sweep(linear, LINEAR_A, LINEAR, n=8, seed=1, executor=ex)
        assert res.executor == "dask" and res.n_workers == 1
        assert client.status == "running"  # the caller's client is not closed
