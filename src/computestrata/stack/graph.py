"""The dependency graph of the stack: support edges between segments, each with its source.

Edges live in ``edges.yaml`` ("from" supports "to").  Validation fails on an edge that
names an unknown segment (dangling) or closes a cycle, naming the edge.  Edges that the
CSET Chip Explorer sequence table covers carry ``cset: [input, node]``; :func:`check_cset`
confirms them against the atlas table ``sc_sequence`` so their source becomes that table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.stack.segments import LAYERS, QUOTE_FIX, Segment, segments, unbalanced

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

CSET_SEQUENCE_SOURCE = "cset_chip_explorer_sequence"


@dataclass(frozen=True)
class Edge:
    """``src`` supports ``dst``; ``weight`` = dependence of ``dst`` on ``src`` (0 < w <= 1)."""

    src: str
    dst: str
    weight: float = 1.0
    source: str = ""
    basis: str = ""
    cset: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        return f"{self.src} → {self.dst}"

    def record(self) -> dict[str, Any]:
        return {
            "from": self.src,
            "to": self.dst,
            "weight": self.weight,
            "source": self.source,
            "basis": self.basis,
            "cset": list(self.cset) if self.cset else None,
        }


def default_path() -> Path:
    return Path(str(resources.files("computestrata.stack") / "edges.yaml"))


def parse_edges(data: Any, where: str = "edges.yaml") -> tuple[Edge, ...]:
    """Typed edges from loaded YAML (shape and weights only; ids are checked by :func:`validate`)."""
    if not isinstance(data, dict) or not isinstance(data.get("edges"), list):
        raise InputError(
            f"segment data {where}: top level must be a mapping with an 'edges' list", hint="see stack/edges.yaml"
        )
    if data.get("version", 1) != 1:
        raise InputError(
            f"segment data {where}: version {data.get('version')!r} is not supported",
            hint="this release reads version 1",
        )
    from computestrata.stack.schemas import edge_entry

    out = []
    for i, raw in enumerate(data["edges"]):
        if not isinstance(raw, dict) or "from" not in raw or "to" not in raw:
            raise InputError(
                f"segment data {where}, edge {i + 1}: needs 'from' and 'to'",
                hint="write {from: SEG, to: SEG, weight: 1.0, source: ...}",
            )
        entry = edge_entry(raw, where, i + 1)  # types; the checks below need the values
        e = Edge(entry.src, entry.dst, entry.weight, entry.source, entry.basis, entry.cset)
        if not 0.0 < e.weight <= 1.0:
            raise InputError(
                f"segment data {where}: edge {e.label} has weight {e.weight}", hint="a dependence weight lies in (0, 1]"
            )
        if not e.source:
            raise InputError(
                f"segment data {where}: edge {e.label} has no source",
                hint="cite the paper section, CSET or the rule behind the link",
            )
        for fname, text in (("source", e.source), ("basis", e.basis)):
            if unbalanced(text):
                raise InputError(
                    f"segment data {where}: edge {e.label} {fname} {text!r} has unbalanced brackets", hint=QUOTE_FIX
                )
        out.append(e)
    return tuple(out)


def load_edges(path: str | Path | None = None) -> tuple[Edge, ...]:
    import yaml

    p = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"segment data {p}: cannot be read: {exc}", hint="fix the YAML syntax") from exc
    return parse_edges(data, p.name)


def validate(segs: Sequence[Segment], edges: Sequence[Edge]) -> None:
    """Fail on dangling edges, self-loops, duplicates, downward edges and cycles, naming the edge."""
    import networkx as nx

    ids = {s.id for s in segs}
    layer = {s.id: s.layer for s in segs}
    seen: set[tuple[str, str]] = set()
    for e in edges:
        for end in (e.src, e.dst):
            if end not in ids:
                from computestrata.errors import closest

                raise InputError(
                    f"segment data: dangling edge {e.label}: no segment {end!r}",
                    hint=f"closest ids: {', '.join(closest(end, sorted(ids)))}",
                )
        if e.src == e.dst:
            raise InputError(f"segment data: edge {e.label} is a self-loop", hint="remove it")
        if (e.src, e.dst) in seen:
            raise InputError(f"segment data: edge {e.label} is listed twice", hint="keep one")
        seen.add((e.src, e.dst))
        if LAYERS.index(layer[e.src]) > LAYERS.index(layer[e.dst]):
            raise InputError(
                f"segment data: edge {e.label} runs down the stack ({layer[e.src]} → {layer[e.dst]})",
                hint="support runs bottom to top (paper §I); reverse the edge or fix a layer",
            )
    g = nx.DiGraph([(e.src, e.dst) for e in edges])
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    first = cycle[0]
    path = " → ".join([str(u) for u, _v in cycle] + [str(cycle[0][0])])
    raise InputError(
        f"segment data: edge {first[0]} → {first[1]} closes a cycle ({path})",
        hint="the stack is a support hierarchy; remove one edge of the cycle",
    )


def build_graph(
    segs: Sequence[Segment] | None = None,
    edges: Sequence[Edge] | None = None,
    confirmed: Mapping[tuple[str, str], bool] | None = None,
) -> nx.DiGraph:
    """The validated stack as a networkx DiGraph; nodes carry segment data, edges weight and source."""
    import networkx as nx

    segs = tuple(segs) if segs is not None else segments()
    edges = tuple(edges) if edges is not None else load_edges()
    validate(segs, edges)
    g = nx.DiGraph()
    for s in segs:
        g.add_node(s.id, layer=s.layer, name=s.name["en"], tier=s.sensitivity.tier)
    for e in edges:
        ok = (confirmed or {}).get((e.src, e.dst))
        g.add_edge(
            e.src,
            e.dst,
            weight=e.weight,
            source=e.source,
            basis=e.basis,
            cset=list(e.cset) if e.cset else None,
            source_id=CSET_SEQUENCE_SOURCE if ok else None,
            cset_confirmed=ok,
        )
    return g


def stack_graph(atlas: Any = None) -> nx.DiGraph:
    """The shipped stack graph; with an atlas holding ``sc_sequence``, CSET edges are confirmed."""
    edges = load_edges()
    confirmed = None
    if atlas is not None and atlas.has("sc_sequence"):
        confirmed = check_cset(edges, atlas.table("sc_sequence"))
    return build_graph(segments(), edges, confirmed)


def cset_reach_graph(sequence: pd.DataFrame) -> nx.DiGraph:
    """CSET inputs as a graph: input → the process it goes into, and sub-type → its type."""
    import networkx as nx

    g = nx.DiGraph()
    for r in sequence.itertuples(index=False):
        for target in (r.goes_into_id, r.is_type_of_id):
            if isinstance(target, str) and target:
                g.add_edge(r.input_id, target)
    return g


def check_cset(edges: Iterable[Edge], sequence: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """For each edge with CSET evidence: does the sequence table lead from its input to its node?"""
    import networkx as nx

    g = cset_reach_graph(sequence)
    out = {}
    for e in edges:
        if e.cset:
            a, b = e.cset
            out[(e.src, e.dst)] = bool(a in g and b in g and nx.has_path(g, a, b))
    return out


def topo_order(g: nx.DiGraph) -> list[str]:
    """Nodes bottom-up; ties broken by layer then id so output is stable."""
    import networkx as nx

    return list(nx.lexicographical_topological_sort(g, key=lambda n: (g.nodes[n].get("layer", ""), n)))


def to_json(g: nx.DiGraph) -> dict[str, Any]:
    """Nodes and edges as plain data (for drawing in the report and dashboard)."""
    return {
        "nodes": [{"id": n, **g.nodes[n]} for n in topo_order(g)],
        "edges": [{"from": u, "to": v, **d} for u, v, d in sorted(g.edges(data=True))],
    }


def to_dot(g: nx.DiGraph, lang: str = "en") -> str:
    """Graphviz DOT text: one rank per layer, edge width by dependence weight."""
    from computestrata.i18n import t
    from computestrata.stack.segments import segment

    colours = {"frontier": "#d62728", "high": "#ff7f0e", "medium": "#1f77b4", "low": "#2ca02c"}
    lines = [
        "digraph compute_stack {",
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
    ]
    for layer in LAYERS:
        members = [n for n in topo_order(g) if g.nodes[n].get("layer") == layer]
        title = f"{layer} {t(f'stack.layer.{layer}', lang=lang)}"
        lines.append(f'  subgraph "cluster_{layer}" {{ label="{title}"; rank=same;')
        for n in members:
            label = segment(n).label(lang).replace('"', "'") if n in {s.id for s in segments()} else n
            lines.append(f'    "{n}" [label="{label}", color="{colours.get(g.nodes[n].get("tier"), "#888")}"];')
        lines.append("  }")
    for u, v, d in sorted(g.edges(data=True)):
        style = "solid" if d.get("weight", 1.0) >= 1.0 else "dashed"
        lines.append(f'  "{u}" -> "{v}" [penwidth={1 + 2 * d.get("weight", 1.0):.1f}, style={style}];')
    lines.append("}")
    return "\n".join(lines)
