"""Exposure propagation on small hand-made graphs (answers worked out by hand in each docstring)."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.stack.exposure import ASSUMPTION, exposure, layer_summary, propagate, supply_left
from computestrata.stack.shares import SegmentShares


def test_chain_of_essential_links() -> None:
    """a → b → c, all w = 1; a keeps 30 %.

    b = min(1, 1 − 1·(1 − 0.3)) = 0.3;  c = 0.3.  Path of c: a → b → c.
    """
    st_ = propagate(["a", "b", "c"], {"b": [("a", 1.0)], "c": [("b", 1.0)]}, {"a": 0.3})
    assert st_["b"].available == pytest.approx(0.3)
    assert st_["c"].available == pytest.approx(0.3)
    assert st_["c"].path == ("a", "b", "c")
    assert st_["a"].binding == "a"


def test_weighted_diamond() -> None:
    """e (cut, 0 left) → f (w 0.8);  h (cut, 0.5 left) → g (w 1);  f → g (w 1);  g → app (w 0.4).

    f   = 1 − 0.8·(1 − 0)        = 0.2
    g   = min(1 − 1·(1 − 0.2), 1 − 1·(1 − 0.5)) = min(0.2, 0.5) = 0.2   (bound by f)
    app = 1 − 0.4·(1 − 0.2)      = 0.68, path e → f → g → app
    """
    parents = {"f": [("e", 0.8)], "g": [("f", 1.0), ("h", 1.0)], "app": [("g", 0.4)]}
    res = propagate(["e", "h", "f", "g", "app"], parents, {"e": 0.0, "h": 0.5})
    assert res["f"].available == pytest.approx(0.2)
    assert res["g"].available == pytest.approx(0.2) and res["g"].binding == "f"
    assert res["app"].available == pytest.approx(0.68)
    assert res["app"].path == ("e", "f", "g", "app")
    assert res["h"].available == pytest.approx(0.5)


def test_own_supply_binds_when_lower_than_inputs() -> None:
    """x → y (w 1), x keeps 0.6, y is itself cut to 0.25.

    y = min(0.25, 1 − (1 − 0.6)) = min(0.25, 0.6) = 0.25, bound by its own supply; path (y,).
    """
    res = propagate(["x", "y"], {"y": [("x", 1.0)]}, {"x": 0.6, "y": 0.25})
    assert res["y"].available == pytest.approx(0.25)
    assert res["y"].binding == "y" and res["y"].path == ("y",)


def test_unaffected_segments_stay_whole_and_unbound() -> None:
    res = propagate(["a", "b", "z"], {"b": [("a", 1.0)]}, {"a": 0.5})
    assert res["z"].available == 1.0 and res["z"].binding is None and res["z"].path == ()


def test_unknown_supply_propagates_as_unknown() -> None:
    """a has no share data (NaN): b and c cannot be known either, and say why."""
    res = propagate(["a", "b", "c"], {"b": [("a", 0.5)], "c": [("b", 1.0)]}, {"a": math.nan})
    assert math.isnan(res["c"].available)
    assert res["c"].path == ("a", "b", "c")


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[str], dict[str, list[tuple[str, float]]]]:
    n = draw(st.integers(min_value=2, max_value=9))
    nodes = [f"n{i}" for i in range(n)]
    parents: dict[str, list[tuple[str, float]]] = {}
    for j in range(1, n):
        ps = draw(st.lists(st.integers(min_value=0, max_value=j - 1), unique=True, max_size=3))
        parents[nodes[j]] = [(nodes[i], draw(st.floats(min_value=0.05, max_value=1.0))) for i in ps]
    return nodes, parents


@settings(max_examples=80, deadline=None)
@given(dags(), st.data())
def test_total_loss_constrains_everything_above(dag: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    """A segment lost with no substitute (0 left) constrains every segment above it, nothing else."""
    nodes, parents = dag
    cut = data.draw(st.sampled_from(nodes))
    res = propagate(nodes, parents, {cut: 0.0})
    g = nx.DiGraph([(p, c) for c, ps in parents.items() for p, _ in ps])
    g.add_nodes_from(nodes)
    above = nx.descendants(g, cut)
    for n in nodes:
        if n == cut:
            assert res[n].available == 0.0
        elif n in above:
            assert res[n].available < 1.0 and res[n].path[0] == cut and res[n].path[-1] == n
        else:
            assert res[n].available == 1.0
        assert 0.0 <= res[n].available <= 1.0


@settings(max_examples=60, deadline=None)
@given(dags(), st.data())
def test_strict_weights_are_the_plain_weakest_link(dag: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    """With every w = 1 a segment keeps exactly the smallest supply among its ancestors (or itself)."""
    nodes, parents = dag
    strict = {c: [(p, 1.0) for p, _ in ps] for c, ps in parents.items()}
    supply = {n: data.draw(st.floats(min_value=0.0, max_value=1.0)) for n in nodes if data.draw(st.booleans())}
    res = propagate(nodes, strict, supply)
    g = nx.DiGraph([(p, c) for c, ps in strict.items() for p, _ in ps])
    g.add_nodes_from(nodes)
    for n in nodes:
        expect = min([supply.get(a, 1.0) for a in (nx.ancestors(g, n) | {n})])
        assert res[n].available == pytest.approx(expect)


def _sh(sid: str, shares: dict[str, float]) -> SegmentShares:
    return SegmentShares(sid, 2025, shares, "cset", ["src_" + sid])


def test_supply_left_arithmetic() -> None:
    """Shares NLD 0.6, JPN 0.3, CHN 0.1.

    CHN cut from NLD only: own 0.1 + JPN 0.3 = 0.4.   CHN cut from everyone: own 0.1.
    USA (not listed, data complete → own 0) cut from NLD: JPN 0.3 + CHN 0.1 = 0.4.
    """
    sh = _sh("s", {"NLD": 0.6, "JPN": 0.3, "CHN": 0.1})
    assert supply_left(sh, "CHN", ["NLD"])[0] == pytest.approx(0.4)
    assert supply_left(sh, "CHN", None)[0] == pytest.approx(0.1)
    v, det = supply_left(sh, "USA", ["NLD"])
    assert v == pytest.approx(0.4) and det["own"] == 0.0 and det["lost_from"] == {"NLD": 0.6}


def test_supply_left_incomplete_data_is_a_flagged_lower_bound() -> None:
    """Only USA 0.53 and CHN 0.15 known (coverage 0.68): KOR cut from USA keeps ≥ 0.15, own unknown."""
    v, det = supply_left(_sh("dc", {"USA": 0.53, "CHN": 0.15}), "KOR", ["USA"])
    assert v == pytest.approx(0.15) and det["lower_bound"] and det["own"] is None
    assert math.isnan(supply_left(None, "KOR", None)[0])


class _Book:
    def __init__(self, table: dict[str, SegmentShares]) -> None:
        self.table = table

    def for_segment(self, sid: str, year: int | None = None) -> SegmentShares | None:
        return self.table.get(sid)


def _toy_stack() -> nx.DiGraph:
    """tool (L1) → chip (L1, w 0.8) → train (L4, w 1) → app (L5, w 0.4); mem (L1) → chip (w 0.9)."""
    g = nx.DiGraph()
    for n, layer in [("tool", "L1"), ("mem", "L1"), ("chip", "L1"), ("train", "L4"), ("app", "L5"), ("other", "L5")]:
        g.add_node(n, layer=layer)
    g.add_edge("tool", "chip", weight=0.8)
    g.add_edge("mem", "chip", weight=0.9)
    g.add_edge("chip", "train", weight=1.0)
    g.add_edge("train", "app", weight=0.4)
    return g


def test_exposure_on_toy_stack() -> None:
    """X is cut from tool (NLD 1.0) and mem (KOR 0.9, USA 0.1) by NLD and KOR.

    tool: X owns 0, nobody else  → 0.          mem: own 0 + USA 0.1 (not cut) → 0.1
    chip  = min(1 − 0.8·1, 1 − 0.9·0.9) = min(0.2, 0.19) = 0.19 (bound by mem)
    train = 0.19;  app = 1 − 0.4·0.81 = 0.676;  'other' is not above the cut and is not listed.
    """
    book = _Book({"tool": _sh("tool", {"NLD": 1.0}), "mem": _sh("mem", {"KOR": 0.9, "USA": 0.1})})
    res = exposure("XXX", ["tool", "mem"], book, _toy_stack(), suppliers=["NLD", "KOR"])  # type: ignore[arg-type]
    assert res.get("mem").available == pytest.approx(0.1)
    assert res.get("chip").available == pytest.approx(0.19)
    assert res.get("train").path == ("mem", "chip", "train")
    assert res.get("app").available == pytest.approx(0.676)
    assert "other" not in {s.segment_id for s in res.segments}
    assert res.assumption == ASSUMPTION
    assert res.source_ids == ["src_mem", "src_tool"]
    layers = {r["layer"]: r for r in res.layers}
    assert layers["L4"]["weakest"] == "train" and layers["L5"]["min"] == pytest.approx(0.676)
    assert layers["L1"]["min"] == 0.0 and layers["L1"]["weakest"] == "tool"


def test_exposure_assume_and_missing_data() -> None:
    book = _Book({})
    g = _toy_stack()
    res = exposure("XXX", ["tool"], book, g)  # type: ignore[arg-type]
    assert math.isnan(res.get("app").available)
    assert any("no share data" in n for n in res.notes)
    res = exposure("XXX", ["tool"], book, g, assume={"tool": 0.5})  # type: ignore[arg-type]
    assert res.get("chip").available == pytest.approx(0.6)  # 1 − 0.8·0.5


def test_layer_summary_mean_skips_unknown() -> None:
    from computestrata.stack.exposure import NodeState

    states = {"a": NodeState(0.5, "a"), "b": NodeState(math.nan, "a"), "c": NodeState(1.0, None)}
    out = layer_summary(states, {"a": "L1", "b": "L1", "c": "L2"})
    assert out[0] == {"layer": "L1", "min": 0.5, "weakest": "a", "mean": 0.5, "segments": 2, "unknown": 1}
    assert out[1]["min"] == 1.0
