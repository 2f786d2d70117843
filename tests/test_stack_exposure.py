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


# ---------------------------------------------------------------- groups, unknowns, --assume (issue 8 item 7)


def test_group_with_cut_members_is_not_an_uncut_supplier() -> None:
    """KOR cut from DEU, FRA, NLD, ITA in logic design (CSET N6: USA 65, TWN 11, EUR 9, CHN 5, JPN 4, VAR 4, KOR 3).

    EUR holds Germany's and France's share and others': uncertain, so the figure shown counts
    it as lost: 0.03 + 0.65 + 0.11 + 0.05 + 0.04 + 0.04 (VAR: DEU etc. are in EUR) = 0.92;
    the upper bound keeps EUR: 1.0.  The old code kept all 100 %.
    """
    sh = _sh("d", {"USA": 0.65, "TWN": 0.11, "EUR": 0.09, "CHN": 0.05, "JPN": 0.04, "VAR": 0.04, "KOR": 0.03})
    v, det = supply_left(sh, "KOR", ["DEU", "FRA", "NLD", "ITA"])
    assert v == pytest.approx(0.92)
    assert det["uncertain_from"] == {"EUR": 0.09} and "VAR" in det["kept_from"]
    assert det["upper"] == pytest.approx(1.0)


def test_own_production_inside_a_group_is_not_lost_for_certain() -> None:
    """DEU cut from everyone in fabrication (CSET S2: CHN 24, TWN 18, JPN 17, KOR 17, USA 10, EUR 8, VAR 7).

    Germany is not listed; its fabs are inside EUR, so it keeps between 0 and 8 %, not 0 for certain.
    """
    sh = _sh("f", {"CHN": 0.24, "TWN": 0.18, "JPN": 0.17, "KOR": 0.17, "USA": 0.10, "EUR": 0.08, "VAR": 0.07})
    v, det = supply_left(sh, "DEU", None)
    assert v == pytest.approx(0.0) and det["upper"] == pytest.approx(0.08)
    assert det["own_in"] == ["EUR"] and "VAR" in det["lost_from"]
    # a country outside Europe that is not listed may sit in VAR instead
    v, det = supply_left(sh, "IND", None)
    assert det["own_in"] == ["VAR"] and det["upper"] == pytest.approx(0.07)


def test_various_countries_are_cut_only_when_a_named_supplier_may_be_among_them() -> None:
    sh = _sh("f", {"USA": 0.5, "JPN": 0.3, "VAR": 0.2})
    v, det = supply_left(sh, "KOR", ["JPN"])  # JPN is listed: VAR cannot include it
    assert v == pytest.approx(0.7) and det["kept_from"]["VAR"] == 0.2
    v, det = supply_left(sh, "KOR", ["SGP"])  # SGP is not listed: it may be in VAR
    assert v == pytest.approx(0.8) and det["uncertain_from"] == {"VAR": 0.2}
    v, det = supply_left(sh, "USA", ["VAR"])  # naming the group cuts all of it (USA is listed: not inside)
    assert v == pytest.approx(0.8) and det["lost_from"] == {"VAR": 0.2} and det["upper"] == pytest.approx(0.8)
    v, det = supply_left(sh, "KOR", ["VAR"])  # KOR is not listed: its own output may be inside VAR
    assert v == pytest.approx(0.8) and det["uncertain_from"] == {"VAR": 0.2} and det["own_in"] == ["VAR"]


def test_unknown_input_does_not_hide_an_input_known_to_be_lost() -> None:
    """c needs a (w 1, unknown) and b (w 1, lost: 0): c = 0 whatever a is.  With b at 0.5 instead,
    a could be lower, so c stays unknown."""
    parents = {"c": [("a", 1.0), ("b", 1.0)]}
    res = propagate(["a", "b", "c"], parents, {"a": math.nan, "b": 0.0})
    assert res["c"].available == 0.0 and res["c"].binding == "b"
    res = propagate(["a", "b", "c"], parents, {"a": math.nan, "b": 0.5})
    assert math.isnan(res["c"].available)
    # an unknown input of weight 0.3 cannot pull below 0.7: a known 0.5 decides
    res = propagate(["a", "b", "c"], {"c": [("a", 0.3), ("b", 1.0)]}, {"a": math.nan, "b": 0.5})
    assert res["c"].available == pytest.approx(0.5)


@settings(max_examples=80, deadline=None)
@given(dags(), st.data())
def test_a_known_result_holds_whatever_the_unknown_supplies_are(dag: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    """Soundness: where propagation returns a number despite unknown supplies, every filling-in of
    the unknowns (values in [0, 1]) gives that same number."""
    nodes, parents = dag
    supply = {n: data.draw(st.sampled_from([math.nan, 0.0, 0.5, 1.0])) for n in nodes if data.draw(st.booleans())}
    res = propagate(nodes, parents, supply)
    for fill in (0.0, 0.37, 1.0):
        full = propagate(nodes, parents, {n: fill if math.isnan(v) else v for n, v in supply.items()})
        for n in nodes:
            if not math.isnan(res[n].available):
                assert full[n].available == pytest.approx(res[n].available)


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_assume_is_validated_in_the_core(bad: float) -> None:
    from computestrata.errors import InputError

    with pytest.raises(InputError, match="within 0–1"):
        exposure("XXX", ["tool"], _Book({}), _toy_stack(), assume={"tool": bad})  # type: ignore[arg-type]


def test_exposure_reports_the_group_upper_bound_up_the_stack() -> None:
    """tool shares USA 0.6, EUR 0.4; X cut from DEU: EUR may include Germany → tool 0.6 shown
    (lower bound) to 1.0; chip (w 0.8) = 1 − 0.8·0.4 = 0.68 .. 1.0.  A listed country is never
    inside a group: cut from USA instead, EUR is simply kept."""
    book = _Book({"tool": _sh("tool", {"USA": 0.6, "EUR": 0.4})})
    res = exposure("XXX", ["tool"], book, _toy_stack(), suppliers=["DEU"])  # type: ignore[arg-type]
    chip = res.get("chip")
    assert chip.available == pytest.approx(0.68) and chip.available_upper == pytest.approx(1.0)
    assert chip.record()["available_upper"] == pytest.approx(1.0)
    assert any("EUR" in n for n in res.notes) and "EU-27" in res.group_rule
    res = exposure("XXX", ["tool"], book, _toy_stack(), suppliers=["USA"])  # type: ignore[arg-type]
    assert res.get("tool").available == pytest.approx(0.4) == res.get("tool").record()["available_upper"]
