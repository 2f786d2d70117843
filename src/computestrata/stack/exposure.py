"""Exposure: what a country keeps of every segment when it loses access to some segments.

The rule (printed with every result, :data:`ASSUMPTION`):

1. **Cut segments.**  The country keeps ``supply = min(1, own share + shares of suppliers
   not cut)`` of a segment it is cut from (world shares, 0–1).  Without ``--from`` every
   foreign supplier is cut and only the country's own share is left.  Its own production
   and the unaffected suppliers are assumed able to substitute up to their share, no more.
2. **Propagation (weakest link, paper §III.3).**  Every segment's availability is the
   minimum over its own supply (1 when not cut) and, for each input ``p`` it depends on
   with weight ``w`` (``edges.yaml``), ``1 - w × (1 - avail(p))``.  ``w = 1`` means the
   input is essential (a total loss of it stops the segment); ``w < 1`` means part of the
   segment's capability does not need it (documented per edge as an assumption).
3. A cut reaches the products made downstream with the cut input, wherever they are made
   (as the US foreign-direct-product rules do), so the country cannot route around a cut
   by importing the downstream item.
4. Unknown stays unknown: a cut segment with no share data gives NaN unless the user
   assumes a supply (``--assume SEG=FRACTION``, validated here: within 0–1, cut segments
   only), and NaN propagates upwards — except where a known input already decides the
   minimum (an essential input known to be lost leaves 0 whatever the unknown one is).
5. Groups are not suppliers of their own: ``EUR``, ``VAR`` and ``UNK`` are resolved to
   the countries that may hold their share (:data:`~computestrata.stack.shares.GROUP_RULE`).
   A group that may contain both cut and uncut suppliers (e.g. Europe when only Germany
   and France cut; Europe for Germany's own fabs) is *uncertain*: the figure shown counts
   it as lost (a lower bound), ``available_upper`` counts it as kept, and a note names it.

The binding term of each segment gives the constraining path: follow it down to the cut
segment whose loss limits it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import get_lang, t

if TYPE_CHECKING:
    import networkx as nx

    from computestrata.stack.shares import SegmentShares, ShareBook

ASSUMPTION = (
    "Substitution: for a cut segment the country keeps its own world share plus the shares of "
    "suppliers that are not cut (capped at 100%); a segment's capability is the minimum over its "
    "inputs of 1 - w*(1 - input availability), w = the edge's dependence weight (1 = essential, "
    "<1 = partly substitutable, an assumption stated per edge); a cut also reaches downstream "
    "products made with the cut input (as the US foreign-direct-product rules do)."
)


@dataclass(frozen=True)
class NodeState:
    """Availability (0–1, NaN unknown) of one segment, what binds it, and the path to the cause."""

    available: float
    binding: str | None
    path: tuple[str, ...] = ()


def propagate(
    order: Sequence[str], parents: Mapping[str, Sequence[tuple[str, float]]], supply: Mapping[str, float]
) -> dict[str, NodeState]:
    """Weakest-link propagation over a DAG (``order`` topological, bottom first).

    ``parents[n]`` lists ``(parent, weight)``; ``supply[n]`` is the supply left of a cut
    segment (absent = 1).  ``avail(n) = min(supply(n), min_p 1 - w_p (1 - avail(p)))``.
    ``binding`` is ``n`` itself when its own supply binds, the parent otherwise, None when
    nothing is lost.  Ties prefer the own supply, then the parent id in sort order.

    An unknown term (NaN) makes the result unknown only when it could be lower than the
    known minimum: an unknown own supply can be as low as 0, an unknown parent's term as
    low as ``1 - w``.  So an input known to be 0 (essential, fully lost) still decides the
    segment beside an unknown one — unknown never hides a known total loss.
    """
    out: dict[str, NodeState] = {}
    for n in order:
        own = float(supply.get(n, 1.0))
        terms: list[tuple[float, int, str]] = [(own, 0, n)]
        floors: dict[str, float] = {n: 0.0}  # the lowest value each term could take
        for p, w in parents.get(n, ()):
            if p not in out:
                raise InputError(f"node {p!r} comes after {n!r} in the order", hint="pass a topological order")
            terms.append((1.0 - w * (1.0 - out[p].available), 1, p))
            floors[p] = 1.0 - w
        nan = [t for t in terms if math.isnan(t[0])]
        known = [t for t in terms if not math.isnan(t[0])]
        if nan:
            low = min(known, key=lambda t: (t[0], t[1], t[2])) if known else None
            if low is None or any(floors[t[2]] < low[0] for t in nan):
                cause = nan[0][2]
                out[n] = NodeState(math.nan, cause, (n,) if cause == n else (*out[cause].path, n))
                continue
            terms = known
        value, _, cause = min(terms, key=lambda t: (t[0], t[1], t[2]))
        value = min(1.0, max(0.0, value))
        if value >= 1.0 - 1e-12:
            out[n] = NodeState(1.0, None, ())
        elif cause == n:
            out[n] = NodeState(value, n, (n,))
        else:
            out[n] = NodeState(value, cause, (*out[cause].path, n))
    return out


def supply_left(
    sh: SegmentShares | None, country: str, suppliers: Iterable[str] | None
) -> tuple[float, dict[str, Any]]:
    """Supply of a cut segment left to ``country`` (0–1) and how it was reached.

    NaN when there are no shares; a lower bound (flagged) when the shares cover less than
    95 % of the world, counting unlisted countries as holding nothing.  Group entities
    (``EUR``, ``VAR``, ``UNK``) follow :data:`~computestrata.stack.shares.GROUP_RULE`: a group
    is kept when none of its possible members is cut, lost when none can be uncut (the
    country's own production may sit inside a group), else *uncertain* — counted as lost in
    the value and as kept in ``det["upper"]``.
    """
    from computestrata.stack.shares import GROUPS, may_hold

    empty: dict[str, Any] = {"own": None, "kept_from": {}, "lost_from": {}, "uncertain_from": {}, "own_in": []}
    if sh is None:
        return math.nan, {**empty, "upper": math.nan, "lower_bound": False, "year": None}
    own = sh.share_of(country)
    named = set(suppliers) if suppliers is not None else None
    listed = list(sh.shares)
    kept: dict[str, float] = {}
    lost: dict[str, float] = {}
    unsure: dict[str, float] = {}
    own_in: list[str] = []
    for ent, v in sh.shares.items():
        if ent == country:
            continue
        if ent in GROUPS:
            mine = may_hold(ent, country, listed)
            if mine and v > 0:
                own_in.append(ent)
            if named is None or ent in named:
                can_cut, can_keep = True, mine
            else:
                can_cut, can_keep = any(may_hold(ent, s, listed) for s in named), True
            (lost if not can_keep else kept if not can_cut else unsure)[ent] = v
        elif named is None or ent in named:
            lost[ent] = v
        else:
            kept[ent] = v
    value = min(1.0, (own or 0.0) + sum(kept.values()))
    upper = min(1.0, value + sum(unsure.values()))
    return value, {
        "own": own,
        "kept_from": kept,
        "lost_from": lost,
        "uncertain_from": unsure,
        "own_in": own_in,
        "upper": upper,
        "lower_bound": sh.coverage < 0.95,
        "year": sh.year,
    }


@dataclass
class SegmentExposure:
    segment_id: str
    layer: str
    available: float
    cut: bool
    binding: str | None
    path: tuple[str, ...]
    supply: dict[str, Any] | None = None
    available_upper: float | None = None  # when groups leave it open (see GROUP_RULE); None = same

    def record(self) -> dict[str, Any]:
        upper = self.available if self.available_upper is None else self.available_upper
        return {
            "segment": self.segment_id,
            "layer": self.layer,
            "available": self.available,
            "available_upper": upper,
            "cut": self.cut,
            "binding": self.binding,
            "path": " → ".join(self.path) or None,
            **({"supply": self.supply} if self.supply else {}),
        }


@dataclass
class ExposureResult:
    country: str
    cut: list[str]
    suppliers: list[str] | None
    segments: list[SegmentExposure]
    layers: list[dict[str, Any]]
    assumption: str = ASSUMPTION
    group_rule: str = ""
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)

    def get(self, sid: str) -> SegmentExposure:
        for s in self.segments:
            if s.segment_id == sid:
                return s
        raise KeyError(sid)

    def record(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "cut": self.cut,
            "from": self.suppliers,
            "assumption": self.assumption,
            "group_rule": self.group_rule,
            "segments": [s.record() for s in self.segments],
            "layers": self.layers,
            "citations": self.citations,
        }


def layer_summary(
    states: Mapping[str, NodeState], layer_of: Mapping[str, str], only: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Per layer: the weakest segment, its availability and the mean over known segments."""
    keep = set(only) if only is not None else set(states)
    out = []
    for layer in sorted({layer_of[n] for n in keep}):
        members = sorted(n for n in keep if layer_of[n] == layer)  # a fixed order: the mean must not vary by run
        known = [(states[n].available, n) for n in members if not math.isnan(states[n].available)]
        weakest = min(known) if known else (math.nan, None)
        out.append(
            {
                "layer": layer,
                "min": weakest[0],
                "weakest": weakest[1],
                "mean": sum(v for v, _ in known) / len(known) if known else math.nan,
                "segments": len(members),
                "unknown": len(members) - len(known),
            }
        )
    return out


def check_assume(assume: Mapping[str, float], cut: Sequence[str]) -> None:
    """``--assume`` must name cut segments and give a supply left within [0, 1] (no clamping:
    1.5 is a typo, not "everything")."""
    for sid, v in assume.items():
        if sid not in cut:
            raise InputError(
                f"--assume names {sid!r}, which is not cut", hint="assume a supply only for --cut segments"
            )
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        if not 0.0 <= x <= 1.0:  # also refuses NaN
            raise InputError(
                f"--assume {sid}={v}: the supply left must be within 0–1",
                hint=f"e.g. --assume {sid}=0.2 (20 % of the supply is left)",
            )


def exposure(
    country: str,
    cut: Sequence[str],
    book: ShareBook,
    graph: nx.DiGraph,
    suppliers: Sequence[str] | None = None,
    year: int | None = None,
    assume: Mapping[str, float] | None = None,
    include_all: bool = False,
) -> ExposureResult:
    """Remaining capability of every segment above ``cut`` for ``country`` (see module docstring)."""
    import networkx as nx

    from computestrata.stack.graph import topo_order

    order = topo_order(graph)
    parents = {n: [(p, float(graph.edges[p, n]["weight"])) for p in sorted(graph.predecessors(n))] for n in order}
    supply: dict[str, float] = {}
    details: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    sources: set[str] = set()
    citations: set[str] = set()
    from computestrata.stack.segments import segment, segment_ids
    from computestrata.stack.shares import GROUP_RULE, over_coverage_note

    known = set(segment_ids())
    check_assume(assume or {}, cut)
    for s in suppliers or ():
        if s == country:
            raise InputError(
                f"--from includes the country itself ({country})", hint="a country is not cut from its own production"
            )
    supply_hi: dict[str, float] = {}
    for sid in cut:
        # notes name segments in the reader's language (a toy graph's own ids stay as they are)
        name = segment(sid).label(get_lang()) if sid in known else sid
        if assume and sid in assume:
            supply[sid] = supply_hi[sid] = float(assume[sid])
            details[sid] = {"assumed": supply[sid]}
            notes.append(t("stack.note.assumed", segment=name, share=f"{supply[sid]:.0%}"))
            continue
        sh = book.for_segment(sid, year)
        value, det = supply_left(sh, country, suppliers)
        supply[sid] = value
        supply_hi[sid] = det["upper"]
        details[sid] = det
        if sh is None:
            notes.append(t("stack.note.supply_unknown", segment=name, segment_id=sid))
        else:
            sources.update(sh.source_ids)
            citations.update(sh.citations)
            if det["lower_bound"]:
                notes.append(t("stack.note.low_coverage", segment=name, coverage=f"{sh.coverage:.0%}"))
            if det["own"] is None:
                notes.append(t("stack.note.own_share_missing", segment=name, country=country))
            for g in det["own_in"]:
                notes.append(
                    t("stack.note.own_in_group", segment=name, country=country, group=g, share=f"{sh.shares[g]:.0%}")
                )
            if det["uncertain_from"]:
                notes.append(
                    t(
                        "stack.note.group_uncertain",
                        segment=name,
                        groups=", ".join(f"{g} {v:.0%}" for g, v in det["uncertain_from"].items()),
                        low=f"{value:.0%}",
                        high=f"{det['upper']:.0%}",
                    )
                )
            over = over_coverage_note(segment(sid), sh.raw_coverage) if sid in known else None
            if over:  # the supply left uses the scaled shares: say so
                notes.append(over)
    # the propagation runs over the graph's edges: cite the table that confirmed them
    sources.update(str(d["source_id"]) for _, _, d in graph.edges(data=True) if d.get("source_id"))
    states = propagate(order, parents, supply)
    upper = propagate(order, parents, supply_hi)
    affected = set(cut) | set().union(*(nx.descendants(graph, c) for c in cut)) if cut else set()
    keep = [n for n in order if include_all or n in affected]
    layer_of = {n: graph.nodes[n]["layer"] for n in order}
    rows = [
        SegmentExposure(
            n,
            layer_of[n],
            states[n].available,
            n in supply,
            states[n].binding,
            states[n].path,
            details.get(n),
            upper[n].available,
        )
        for n in keep
    ]
    rows.sort(key=lambda r: (r.layer, -1 if math.isnan(r.available) else r.available, r.segment_id))
    return ExposureResult(
        country=country,
        cut=list(cut),
        suppliers=list(suppliers) if suppliers else None,
        segments=rows,
        layers=layer_summary(states, layer_of, keep),
        group_rule=GROUP_RULE,
        notes=notes,
        source_ids=sorted(sources),
        citations=sorted(citations),
    )
