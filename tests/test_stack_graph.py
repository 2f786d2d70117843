"""The dependency graph: validation names the bad edge; CSET evidence is checked; drawing output."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.stack import graph as gr
from computestrata.stack.segments import Segment, Sensitivity

FIX = Path(__file__).parent / "fixtures" / "cset"


def _seg(sid: str, layer: str = "L1") -> Segment:
    return Segment(sid, layer, {"en": sid, "ko": sid, "zh": sid}, "", Sensitivity("low", "r", "s"))


def test_shipped_graph_is_a_dag_with_sourced_edges() -> None:
    g = gr.build_graph()
    assert nx.is_directed_acyclic_graph(g)
    assert all(d["source"] for _, _, d in g.edges(data=True))
    for chain in [
        (
            "euv_lithography",
            "advanced_logic_fab",
            "ai_accelerators",
            "ai_servers",
            "frontier_training",
            "foundation_models",
            "inference_services",
            "app_smart_manufacturing",
        ),
        ("hbm", "ai_accelerators"),
        ("power_supply", "data_centers", "cloud_platforms"),
    ]:
        for a, b in itertools.pairwise(chain):
            assert g.has_edge(a, b), f"{a} → {b}"
    # every application segment sits above the frontier chain
    assert nx.has_path(g, "euv_lithography", "app_medical")


def test_dangling_edge_is_named() -> None:
    with pytest.raises(InputError) as err:
        gr.validate([_seg("a"), _seg("b")], [gr.Edge("a", "bb", source="s")])
    assert "dangling edge a → bb" in err.value.message and "'bb'" in err.value.message
    assert err.value.hint is not None and "b" in err.value.hint


def test_cycle_is_named() -> None:
    segs = [_seg("a"), _seg("b"), _seg("c")]
    edges = [gr.Edge("a", "b", source="s"), gr.Edge("b", "c", source="s"), gr.Edge("c", "a", source="s")]
    with pytest.raises(InputError) as err:
        gr.validate(segs, edges)
    assert "closes a cycle" in err.value.message
    assert (
        "a → b → c → a" in err.value.message
        or "b → c → a → b" in err.value.message
        or "c → a → b → c" in err.value.message
    )


def test_downward_edge_and_bad_weight_are_rejected() -> None:
    with pytest.raises(InputError, match="runs down the stack"):
        gr.validate([_seg("top", "L5"), _seg("bottom", "L1")], [gr.Edge("top", "bottom", source="s")])
    with pytest.raises(InputError, match="weight"):
        gr.parse_edges({"edges": [{"from": "a", "to": "b", "weight": 1.5, "source": "s"}]})
    with pytest.raises(InputError, match="no source"):
        gr.parse_edges({"edges": [{"from": "a", "to": "b"}]})
    with pytest.raises(InputError, match="listed twice"):
        gr.validate([_seg("a"), _seg("b")], [gr.Edge("a", "b", source="s"), gr.Edge("a", "b", source="t")])


def test_cset_evidence_checked_against_sequence_table() -> None:
    seq = pd.read_csv(FIX / "sequence.csv", dtype=str, keep_default_na=False).replace("", None)
    edges = [
        gr.Edge("euv", "fab", source="s", cset=("N20", "N99")),  # N20 → N19 → N25 → N99
        gr.Edge("eda", "fab", source="s", cset=("N84", "N99")),  # N84 → N0 only
        gr.Edge("x", "y", source="s"),
    ]
    assert gr.check_cset(edges, seq) == {("euv", "fab"): True, ("eda", "fab"): False}
    g = gr.build_graph([_seg("euv"), _seg("eda"), _seg("fab")], edges[:2], gr.check_cset(edges, seq))
    assert g.edges["euv", "fab"]["source_id"] == gr.CSET_SEQUENCE_SOURCE
    assert g.edges["eda", "fab"]["source_id"] is None


def test_dot_and_json_output() -> None:
    g = gr.build_graph()
    dot = gr.to_dot(g, "ko")
    assert dot.startswith("digraph") and '"euv_lithography" -> "advanced_logic_fab"' in dot
    assert "EUV 노광" in dot
    data = json.loads(json.dumps(gr.to_json(g)))
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    assert len(data["edges"]) == g.number_of_edges()
    order = [n["id"] for n in data["nodes"]]
    assert order.index("euv_lithography") < order.index("frontier_training")


def test_partial_dependence_weights_state_their_basis() -> None:
    edges = gr.load_edges()
    assert all(e.basis for e in edges if e.weight < 1.0)
    with pytest.raises(InputError, match="version"):
        gr.parse_edges({"version": 2, "edges": []})
