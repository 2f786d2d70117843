"""Python API of the compute-network model: the functions the CLI and the report call.

>>> from computestrata.network import api
>>> r = api.solve("edwc", hours=24)                           # doctest: +SKIP
>>> r.status, round(r.served_share, 3), r.sites[0]["site_id"]   # doctest: +SKIP
('optimal', 1.0, 'zhangjiakou')

Money is USD per year, energy MWh per year, emissions tonnes CO2 per year (each modelled
period stands for 8,760 / hours hours).  Shadow prices are USD per MW of IT capacity per year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.network.case import case_ids

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.network.case import Case
    from computestrata.network.model import Instance, Solution

__all__ = [
    "CaseTable",
    "NetworkResult",
    "case_ids",
    "case_table",
    "compare",
    "comparison",
    "conflict_rows",
    "frontier",
    "frontier_table",
    "load_case",
    "parameter_table",
    "parameters",
    "parse_prices",
    "side_label",
    "site_rows",
    "solve",
]


@dataclass
class NetworkResult:
    """One solved (or infeasible) plan, with everything needed to trace its numbers."""

    case: str
    status: str
    hours: int
    carbon_price: float
    build: bool
    objective: float | None = None
    cost_usd: float | None = None
    costs: dict[str, float] = field(default_factory=dict)
    emissions_t: float | None = None
    served_share: float | None = None
    sites: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    excluded_sites: list[str] = field(default_factory=list)
    n_variables: int = 0
    n_constraints: int = 0
    build_s: float = 0.0
    solve_s: float = 0.0
    duals_from_fixed_lp: bool = False
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The headline numbers (the JSON envelope's top level)."""
        return {
            "case": self.case,
            "status": self.status,
            "objective": self.objective,
            "cost_usd": self.cost_usd,
            "emissions_t": self.emissions_t,
            "served_share": self.served_share,
            "carbon_price_usd_per_t": self.carbon_price,
            "hours": self.hours,
            "build": self.build,
            "excluded_sites": self.excluded_sites,
            "costs": self.costs,
            "n_variables": self.n_variables,
            "n_constraints": self.n_constraints,
            "duals_from_fixed_lp": self.duals_from_fixed_lp,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "sites": self.sites, "flows": self.flows, "conflicts": self.conflicts}


def load_case(case: str | Path, atlas: Atlas | None = None) -> Case:
    """A validated case with its atlas facts resolved (the shipped atlas when none is given)."""
    from computestrata.network.case import load

    return load(case, _atlas(atlas))


def _atlas(atlas: Atlas | None) -> Atlas:
    if atlas is not None:
        return atlas
    from computestrata.atlas import store

    return store.open()


def parameters(case: str | Path, atlas: Atlas | None = None) -> list[dict[str, Any]]:
    """Every parameter of a case with its provenance (source URL, derivation, assumption, atlas id)."""
    return [p.record() for p in load_case(case, atlas).params]


def _result(c: Case, inst: Instance, sol: Solution, hours: int, build: bool, excluded: Sequence[str]) -> NetworkResult:
    import numpy as np

    from computestrata.i18n import t

    res = NetworkResult(
        case=c.id,
        status=sol.status,
        hours=hours,
        carbon_price=inst.carbon_price,
        build=build,
        conflicts=sol.conflicts,
        excluded_sites=list(excluded),
        n_variables=sol.n_variables,
        n_constraints=sol.n_constraints,
        build_s=sol.build_s,
        solve_s=sol.solve_s,
        duals_from_fixed_lp=sol.duals_from_fixed_lp,
        source_ids=list(c.source_ids),
    )
    res.notes.append(t("network.note.assumptions", case=c.id))
    res.notes.append(t("network.note.profiles"))
    if sol.status != "optimal" or sol.served is None:
        res.notes.append(t("network.note.infeasible") if sol.status == "infeasible" else t("network.note.failed"))
        return res
    assert sol.grid is not None and sol.renewable is not None and sol.unserved is not None
    w = inst.weight_h
    served, grid, ren = sol.served, sol.grid, sol.renewable
    modules = sol.built_modules if sol.built_modules is not None else np.zeros(len(inst.sites), dtype=int)
    built_mw = modules * inst.build_module_mw
    capex = inst.build_cost_usd_mw_yr if inst.build_cost_usd_mw_yr is not None else np.zeros(len(inst.sites))
    pen = np.nan_to_num(inst.unserved_usd_mwh, nan=0.0)
    costs = {
        "energy_usd": float(
            w * ((grid.sum(axis=(1, 2)) * inst.price_usd_mwh).sum() + (ren.sum(axis=(1, 2)) * inst.ppa_usd_mwh).sum())
        ),
        "network_usd": float(w * (served.sum(axis=(3, 4)) * inst.net_cost_usd_mwh).sum()),
        "build_usd": float((built_mw * capex).sum()),
        "carbon_usd": float(w * inst.carbon_price * (grid.sum(axis=(1, 2)) * inst.ef_t_mwh).sum()),
        "unserved_penalty_usd": float(w * (sol.unserved.sum(axis=(2, 3)) * pen[None, :]).sum()),
    }
    res.costs = costs
    res.objective = sol.objective
    res.cost_usd = costs["energy_usd"] + costs["network_usd"] + costs["build_usd"]
    site_em = w * grid.sum(axis=(1, 2)) * inst.ef_t_mwh
    res.emissions_t = float(site_em.sum())
    demand = float(inst.demand_mw.sum())
    res.served_share = float(served.sum() / demand) if demand > 0 else None
    hours_year = w * served.shape[3] * served.shape[4]
    load_mwh = w * served.sum(axis=(0, 2, 3, 4))
    power_mwh = w * (grid + ren).sum(axis=(1, 2))
    dual = sol.capacity_dual
    by_id = {s.id: s for s in c.sites}
    from computestrata.i18n import get_lang

    lang = get_lang()
    for j, sid in enumerate(inst.sites):
        s = by_id[sid]
        cap_total = float(inst.capacity_mw[j] + built_mw[j])
        res.sites.append(
            {
                "site_id": sid,
                "name": s.name.get(lang) or s.name.get("en") or sid,
                "side": s.side,
                "capacity_mw": float(inst.capacity_mw[j]),
                "built_mw": float(built_mw[j]),
                "served_mwh": float(load_mwh[j]),
                "utilisation": float(load_mwh[j] / (cap_total * hours_year)) if cap_total > 0 else None,
                "shadow_price": float(-dual[j].sum()) + 0.0 if dual is not None else None,
                "pue": float(inst.pue[j]),
                "grid_ef_t_mwh": float(inst.ef_t_mwh[j]),
                "emissions_t": float(site_em[j]),
                "renewable_share": float(w * ren[j].sum() / power_mwh[j]) if power_mwh[j] > 0 else None,
                "price_usd_mwh": float(inst.price_usd_mwh[j]),
                "lat": s.lat,
                "lon": s.lon,
                "source_ids": s.source_ids,
            }
        )
    regions = {r["id"]: r for r in c.regions}
    flows = w * served.sum(axis=(3, 4))  # [R, S, K] MWh per year
    for i, rid in enumerate(inst.regions):
        for j, sid in enumerate(inst.sites):
            for k, cls in enumerate(inst.classes):
                if flows[i, j, k] > 1e-6:
                    res.flows.append(
                        {
                            "region": rid,
                            "site_id": sid,
                            "cls": cls,
                            "mwh": float(flows[i, j, k]),
                            "latency_ms": float(inst.latency_ms[i, j]),
                            "latency_limit_ms": None
                            if np.isnan(inst.latency_limit_ms[k])
                            else float(inst.latency_limit_ms[k]),
                            "from_lat": regions[rid]["lat"],
                            "from_lon": regions[rid]["lon"],
                            "to_lat": by_id[sid].lat,
                            "to_lon": by_id[sid].lon,
                        }
                    )
    if res.served_share is not None and res.served_share < 0.999:
        res.notes.append(t("network.note.unserved", share=f"{res.served_share:.0%}"))
    if sol.duals_from_fixed_lp:
        res.notes.append(t("network.note.milp_duals"))
    if any(by_id[s].source_ids and "no-source-page" in by_id[s].source_ids[0] for s in inst.sites):
        res.notes.append(t("network.note.low_confidence"))
    return res


def solve(
    case: str | Path = "edwc",
    hours: int = 24,
    carbon_price: float | None = None,
    build: bool | None = None,
    exclude_sites: Sequence[str] = (),
    strict: bool = False,
    solver: str = "highs",
    atlas: Atlas | None = None,
    time_limit: float | None = None,
) -> NetworkResult:
    """Solve a case: the least-cost plan (energy + network + build + carbon charge).

    ``build``: allow integer capacity modules (a MILP; ``None`` = the case's default).
    ``strict``: every class must be fully served (no unserved-load penalty), so an
    impossible case comes back ``infeasible`` with the conflicting constraints.
    ``time_limit``: seconds per HiGHS run; a run that hits it comes back ``time_limit``.
    """
    from computestrata.network import case as case_mod
    from computestrata.network import model

    c = load_case(case, atlas)
    exclude_sites = list(dict.fromkeys(exclude_sites))  # a site named twice is left out once
    do_build = c.default_build if build is None else bool(build)
    inst = case_mod.instance(
        c, hours=hours, carbon_price=carbon_price, exclude_sites=tuple(exclude_sites), strict=strict
    )
    if time_limit is not None and not time_limit > 0:
        from computestrata.errors import InputError

        raise InputError(f"--time-limit {time_limit} must be > 0", hint="seconds, e.g. 300")
    opts = {"time_limit": float(time_limit)} if time_limit else None
    sol = model.solve(inst, build_capacity=do_build, solver=solver, options=opts)
    return _result(c, inst, sol, hours, do_build, exclude_sites)


def compare(
    case: str | Path = "edwc",
    hours: int = 24,
    carbon_price: float | None = None,
    build: bool | None = None,
    atlas: Atlas | None = None,
) -> list[NetworkResult]:
    """The case four ways: base, with a carbon price, without the case's comparison group of
    sites (EDWC: the western hubs), and without them at the carbon price."""
    c = load_case(case, atlas)
    price = float(c.globals["compare_carbon_price_usd_per_t"] or 0) if carbon_price is None else carbon_price
    base_price = float(c.globals["carbon_price_usd_per_t"] or 0)
    group = [s.id for s in c.sites if c.exclude_side and s.side == c.exclude_side]
    runs: list[tuple[float, list[str]]] = [(base_price, []), (price, [])]
    if group and len(group) < len(c.sites):
        runs += [(base_price, group), (price, group)]
    a = atlas if atlas is not None else _atlas(None)
    return [solve(case, hours, p, build, excl, atlas=a) for p, excl in runs]


def frontier(
    case: str | Path = "edwc",
    prices: Sequence[float] = (0, 25, 50, 100, 200),
    hours: int = 24,
    build: bool | None = None,
    atlas: Atlas | None = None,
) -> list[dict[str, Any]]:
    """Cost and emissions as the carbon price rises (the cost/carbon frontier)."""
    a = atlas if atlas is not None else _atlas(None)
    out = []
    for p in prices:
        r = solve(case, hours, float(p), build, atlas=a)
        out.append(
            {
                "carbon_price_usd_per_t": float(p),
                "status": r.status,
                "cost_usd": r.cost_usd,
                "emissions_t": r.emissions_t,
                "served_share": r.served_share,
            }
        )
    return out


# ---------------------------------------------------------------- tables the faces show


@dataclass
class CaseTable:
    """Rows about one case (or every shipped case), with the atlas sources they cite."""

    case: str
    rows: list[dict[str, Any]]
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def side_label(side: str) -> str:
    """A site group in the reader's language (a group a user's case invents stays as written)."""
    from computestrata.i18n import t

    key = f"network.side.{side}"
    text = t(key)
    return side if not side or text == key else text


def site_rows(res: NetworkResult) -> list[dict[str, Any]]:
    """The solved sites with their group named in the reader's language."""
    return [{**s, "side": side_label(str(s["side"]))} for s in res.sites]


def conflict_rows(res: NetworkResult) -> list[dict[str, Any]]:
    """An infeasible plan's conflicting constraint families, what each means and three examples."""
    from computestrata.i18n import t

    out = []
    for g in res.conflicts:
        fam = str(g["constraint"]).split("_")[0]
        ex = "; ".join(", ".join(f"{k}={v}" for k, v in e.items()) for e in g.get("examples", [])[:3])
        out.append(
            {
                "constraint": g["constraint"],
                "count": g["count"],
                "meaning": t(f"network.conflict.{fam}"),
                "examples": ex,
            }
        )
    return out


def case_table(atlas: Atlas | None = None, lang: str | None = None) -> CaseTable:
    """The shipped cases with their size; cites the atlas tables that loading them reads."""
    from computestrata.i18n import get_lang

    a = _atlas(atlas)
    lang = lang or get_lang()
    rows: list[dict[str, Any]] = []
    cited: list[str] = []
    for cid in case_ids():
        c = load_case(cid, a)
        cited += [s for s in c.source_ids if s not in cited]
        rows.append({"case": cid, "name": c.label(lang), "regions": len(c.regions), "sites": len(c.sites)})
    return CaseTable(case="", rows=rows, source_ids=cited)


def parameter_table(case: str | Path, atlas: Atlas | None = None) -> CaseTable:
    """Every parameter of a case with its provenance, and the atlas sources the case cites."""
    c = load_case(case, atlas)
    return CaseTable(case=c.id, rows=[p.record() for p in c.params], source_ids=list(c.source_ids))


def comparison(
    case: str | Path = "edwc",
    hours: int = 24,
    carbon_price: float | None = None,
    build: bool | None = None,
    atlas: Atlas | None = None,
    with_sites: bool = False,
) -> CaseTable:
    """:func:`compare` as one row per scenario, with cost and emissions against the base run.

    ``with_sites`` keeps each run's site list in its row (the JSON output carries it).
    """
    from computestrata.i18n import t

    a = _atlas(atlas)
    runs = compare(case, hours, carbon_price, build, atlas=a)
    base = runs[0]
    c = load_case(case, a)
    rows = []
    for r in runs:
        parts = [t("network.scenario.carbon", price=f"{r.carbon_price:g}")]
        if r.excluded_sites:
            parts.append(t("network.scenario.without", side=t(f"network.side.{c.exclude_side}")))
        rows.append(
            {
                "scenario": "; ".join(parts),
                "excluded_sites": r.excluded_sites,
                **r.summary(),
                "delta_cost_usd": _delta(r.cost_usd, base.cost_usd),
                "delta_emissions_t": _delta(r.emissions_t, base.emissions_t),
                "sites": r.sites if with_sites else None,
            }
        )
    notes = [t("network.note.compare"), *base.notes]
    notes += [n for r in runs for n in r.notes if n not in notes]  # e.g. a scenario that leaves load unserved
    return CaseTable(case=c.id, rows=rows, source_ids=list(base.source_ids), notes=notes)


def _delta(value: float | None, base: float | None) -> float | None:
    """Missing stays missing: no difference when either side has no figure."""
    return None if value is None or base is None else value - base


def parse_prices(text: str) -> list[float]:
    """``"0,50,100"`` as carbon prices (USD/t); each must be a finite number >= 0."""
    import math

    from computestrata.errors import InputError

    try:
        ps = [float(p) for p in text.split(",") if p.strip()]
    except ValueError as exc:
        raise InputError(f"--prices {text!r} is not a list of numbers", hint="e.g. --prices 0,50,100") from exc
    if not ps or any(not math.isfinite(p) or p < 0 for p in ps):
        raise InputError(f"--prices {text!r} needs finite numbers >= 0", hint="e.g. --prices 0,50,100")
    return ps


def frontier_table(
    case: str | Path = "edwc",
    prices: Sequence[float] = (0, 25, 50, 100, 200),
    hours: int = 24,
    build: bool | None = None,
    atlas: Atlas | None = None,
) -> CaseTable:
    """:func:`frontier` with the case id, its sources and the note on synthetic profiles."""
    from computestrata.i18n import t

    a = _atlas(atlas)
    rows = frontier(case, prices, hours, build, atlas=a)
    c = load_case(case, a)
    return CaseTable(case=c.id, rows=rows, source_ids=list(c.source_ids), notes=[t("network.note.profiles")])
