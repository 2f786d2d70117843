"""Trade-share maths for the regionalisation trend (pure functions on flow tables).

A *flow table* has columns ``exporter``, ``importer``, ``value`` (and optionally ``year``,
``hs6``).  Economies in no bloc are the rest: a flow is intra-bloc only when both ends are
in the *same named* bloc, so trade among rest economies never counts as intra-bloc.
Optional ``weights`` (one per row) let the bootstrap resample reporters without copying
frames.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

BlocOf = Callable[[str | None], str | None]


def _w(flows: pd.DataFrame, weights: Any | None) -> Any:
    import numpy as np

    v = flows["value"].to_numpy(dtype=float)
    return v if weights is None else v * np.asarray(weights, dtype=float)


def intra_bloc_share(flows: pd.DataFrame, bloc_of: BlocOf, weights: Any | None = None) -> float:
    """Share of trade value between two members of the same bloc (NaN when there is no trade)."""
    import numpy as np

    v = _w(flows, weights)
    total = float(v.sum())
    if total <= 0:
        return math.nan
    be = flows["exporter"].map(bloc_of)
    bi = flows["importer"].map(bloc_of)
    same = (be.notna() & (be == bi)).to_numpy(dtype=bool)
    return float(np.where(same, v, 0.0).sum()) / total


def bloc_export_shares(flows: pd.DataFrame, bloc_of: BlocOf) -> dict[str, dict[str, float]]:
    """For each exporter bloc (and ``rest``), the share of its exports going to each bloc/rest."""
    be = flows["exporter"].map(bloc_of).fillna("rest")
    bi = flows["importer"].map(bloc_of).fillna("rest")
    tab = flows.assign(be=be, bi=bi).groupby(["be", "bi"])["value"].sum()
    out: dict[str, dict[str, float]] = {}
    for key, val in tab.items():
        pair: tuple[Any, Any] = key  # type: ignore[assignment]
        out.setdefault(str(pair[0]), {})[str(pair[1])] = float(val)
    for src, row in list(out.items()):
        tot = sum(row.values())
        out[src] = {k: (v / tot if tot > 0 else math.nan) for k, v in row.items()}
    return out


def partner_share(
    flows: pd.DataFrame,
    *,
    exporters: Collection[str] | None = None,
    importers: Collection[str] | None = None,
    numerator_exporters: Collection[str] | None = None,
    numerator_importers: Collection[str] | None = None,
    weights: Any | None = None,
) -> float:
    """Share of the flows from ``exporters`` to ``importers`` (None = any) that go from
    ``numerator_exporters`` to ``numerator_importers`` (None = same as the denominator)."""
    import numpy as np

    v = _w(flows, weights)
    den = np.ones(len(flows), dtype=bool)
    if exporters is not None:
        den &= flows["exporter"].isin(list(exporters)).to_numpy(dtype=bool)
    if importers is not None:
        den &= flows["importer"].isin(list(importers)).to_numpy(dtype=bool)
    num = den.copy()
    if numerator_exporters is not None:
        num &= flows["exporter"].isin(list(numerator_exporters)).to_numpy(dtype=bool)
    if numerator_importers is not None:
        num &= flows["importer"].isin(list(numerator_importers)).to_numpy(dtype=bool)
    total = float(v[den].sum())
    return float(v[num].sum()) / total if total > 0 else math.nan


def group_shares(flows: pd.DataFrame, groups: Mapping[str, Collection[str]]) -> dict[str, float]:
    """Share of all flow value going to each importer group (groups may overlap)."""
    total = float(flows["value"].sum())
    return {
        g: (float(flows.loc[flows["importer"].isin(list(m)), "value"].sum()) / total if total > 0 else math.nan)
        for g, m in groups.items()
    }


def matrix(flows: pd.DataFrame, economies: list[str] | None = None) -> pd.DataFrame:
    """Exporter × importer value matrix (missing pairs are zero: the extract lists all flows ≥ its cut-off)."""
    mat = flows.pivot_table(index="exporter", columns="importer", values="value", aggfunc="sum", fill_value=0.0)
    if economies is not None:
        mat = mat.reindex(index=economies, columns=economies, fill_value=0.0)
    return mat


def bloc_modularity(flows: pd.DataFrame, bloc_of: BlocOf) -> float:
    """Newman modularity of the bloc partition on the undirected weighted trade graph.

    The rest forms one community (documented choice: splitting it into singletons would
    lower Q mechanically).  NaN when the graph has no weight.
    """
    import networkx as nx

    g = _graph(flows)
    if g.size(weight="weight") <= 0:
        return math.nan
    comms: dict[str, set[str]] = {}
    for n in g.nodes:
        comms.setdefault(bloc_of(n) or "rest", set()).add(n)
    return float(nx.community.modularity(g, list(comms.values()), weight="weight"))


def detected_communities(flows: pd.DataFrame, seed: int = 0) -> tuple[list[list[str]], float]:
    """Louvain communities of the undirected weighted graph and their modularity."""
    import networkx as nx

    g = _graph(flows)
    if g.size(weight="weight") <= 0:
        return [], math.nan
    comms = nx.community.louvain_communities(g, weight="weight", seed=seed)
    out = [sorted(c) for c in sorted(comms, key=lambda c: (-len(c), sorted(c)))]
    return out, sorted_modularity(g, out)


def sorted_modularity(g: Any, communities: list[list[str]]) -> float:
    """Newman modularity of an undirected weighted graph, summed in sorted node order.

    networkx's ``modularity`` sums over ``set(community)``, whose order follows the string hash
    (different in every process), so the last digits of Q changed from run to run; this is its
    formula with every sum in a fixed order.

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b", {"weight": 1.0}), ("c", "d", {"weight": 1.0})])
    >>> sorted_modularity(g, [["a", "b"], ["c", "d"]])
    0.5
    """
    deg = {n: sum(float(g[n][v].get("weight", 1)) for v in sorted(g[n])) for n in sorted(g.nodes)}
    deg_sum = sum(deg[n] for n in sorted(deg))
    if deg_sum <= 0:
        return math.nan
    m = deg_sum / 2
    q = 0.0
    for comm in communities:
        members = set(comm)
        inside = sorted(members)
        # each edge once (u < v; self-loops are dropped when the graph is built)
        lc = sum(float(g[u][v].get("weight", 1)) for u in inside for v in sorted(g[u]) if v in members and u < v)
        dc = sum(deg[u] for u in inside)
        q += lc / m - dc * dc / deg_sum**2
    return q


def _graph(flows: pd.DataFrame) -> Any:
    """Undirected graph, edge weight = trade both ways (self-flows dropped)."""
    import networkx as nx

    g = nx.Graph()
    for e, i, v in flows[["exporter", "importer", "value"]].itertuples(index=False):
        if e == i or e is None or i is None or not v or v != v:
            continue
        g.add_node(e)
        g.add_node(i)
        w = g[e][i]["weight"] + float(v) if g.has_edge(e, i) else float(v)
        g.add_edge(e, i, weight=w)
    return g
