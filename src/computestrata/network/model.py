"""The siting-and-scheduling programme: numeric instance in, linopy model out, solution back.

Kept free of YAML, atlas and text so that tests can build tiny instances directly and the
benchmark can time exactly this code.  Units: power in MW of IT load, energy in MWh, money
in USD per year (each period stands for ``weight_h`` hours), emissions in tonnes CO2.
The equations are written out on the methods page ``docs/network.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import linopy
    import numpy as np


@dataclass(frozen=True)
class Instance:
    """Every number the programme needs, as arrays (R regions, S sites, K classes, D days, H hours)."""

    regions: tuple[str, ...]
    sites: tuple[str, ...]
    classes: tuple[str, ...]
    weight_h: float  # hours of the year each period stands for
    demand_mw: np.ndarray  # [R, K, D, H] IT load asked for
    flexible: tuple[bool, ...]  # [K] True: balanced per day (may move between hours)
    latency_ms: np.ndarray  # [R, S] one-way latency
    latency_limit_ms: np.ndarray  # [K] NaN = no limit
    net_cost_usd_mwh: np.ndarray  # [R, S, K] network (bandwidth) cost per MWh of IT load served
    capacity_mw: np.ndarray  # [S] existing IT capacity
    pue: np.ndarray  # [S] facility power / IT power
    price_usd_mwh: np.ndarray  # [S] grid electricity price
    ef_t_mwh: np.ndarray  # [S] grid emission factor
    ppa_usd_mwh: np.ndarray  # [S] price of contracted renewable energy
    renewable_mw: np.ndarray  # [S, D, H] renewable power available to the site
    grid_limit_mw: np.ndarray  # [S] grid connection limit (inf = none)
    unserved_usd_mwh: np.ndarray  # [K] penalty for load not served (NaN = must be served)
    carbon_price: float = 0.0  # USD per tonne CO2
    build_module_mw: float = 0.0
    build_cost_usd_mw_yr: np.ndarray | None = None  # [S] annualised cost of new IT capacity
    build_max_modules: np.ndarray | None = None  # [S] integer upper bound on modules
    labels: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int, int, int, int]:
        r, k, d, h = self.demand_mw.shape
        return r, len(self.sites), k, d, h

    def allowed(self) -> np.ndarray:
        """[R, S, K] True where a class may be served from a site (latency within its limit)."""
        import numpy as np

        lim = np.where(np.isnan(self.latency_limit_ms), np.inf, self.latency_limit_ms)
        return self.latency_ms[:, :, None] <= lim[None, None, :]

    def with_(self, **changes: Any) -> Instance:
        return replace(self, **changes)


@dataclass
class Solution:
    """What came back from the solver, as arrays aligned with the instance."""

    status: str  # optimal | infeasible | unbounded | error …
    termination: str
    objective: float | None = None
    served: np.ndarray | None = None  # [R, S, K, D, H] MW
    unserved: np.ndarray | None = None  # [R, K, D, H] MW
    grid: np.ndarray | None = None  # [S, D, H] MW
    renewable: np.ndarray | None = None  # [S, D, H] MW
    built_modules: np.ndarray | None = None  # [S]
    capacity_dual: np.ndarray | None = None  # [S, D, H] USD per MW per period (objective units)
    duals_from_fixed_lp: bool = False
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    build_s: float = 0.0
    solve_s: float = 0.0
    n_variables: int = 0
    n_constraints: int = 0


def build(inst: Instance, build_capacity: bool = False, fixed_modules: np.ndarray | None = None) -> linopy.Model:
    """The linopy model of an instance.

    ``build_capacity``: integer build modules per site (a MILP).  ``fixed_modules``: modules
    already decided (the LP re-solved after a MILP to read duals).

    Served load is masked where latency forbids it; the model relies on linopy's legacy
    rule that an absent slot adds nothing to a sum, which is what the equations on the
    methods page say.  linopy 0.10 warns about that rule on every run; the warning is
    silenced here so that it does not reach users' terminals.
    """
    import warnings

    import linopy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linopy.LinopySemanticsWarning)
        return _build(inst, build_capacity, fixed_modules)


def _build(inst: Instance, build_capacity: bool, fixed_modules: np.ndarray | None) -> linopy.Model:
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    R, S, K, D, H = inst.shape
    ir = pd.Index(list(inst.regions), name="region")
    js = pd.Index(list(inst.sites), name="site")
    kc = pd.Index(list(inst.classes), name="cls")
    dd = pd.RangeIndex(D, name="day")
    hh = pd.RangeIndex(H, name="hour")
    w = float(inst.weight_h)

    m = linopy.Model(force_dim_names=True)
    mask = xr.DataArray(
        np.broadcast_to(inst.allowed()[:, :, :, None, None], (R, S, K, D, H)), coords=[ir, js, kc, dd, hh]
    )
    x = m.add_variables(lower=0, coords=[ir, js, kc, dd, hh], name="served", mask=mask)
    ren_av = xr.DataArray(inst.renewable_mw, coords=[js, dd, hh])
    ren = m.add_variables(lower=0, upper=ren_av, coords=[js, dd, hh], name="renewable")
    glim = np.where(np.isfinite(inst.grid_limit_mw), inst.grid_limit_mw, np.inf)
    grid = m.add_variables(lower=0, upper=xr.DataArray(glim, coords=[js]).broadcast_like(ren_av), name="grid")

    must = np.isnan(inst.unserved_usd_mwh)
    u = None
    if not must.all():
        umask = xr.DataArray(np.broadcast_to(~must[None, :, None, None], (R, K, D, H)), coords=[ir, kc, dd, hh])
        u = m.add_variables(lower=0, coords=[ir, kc, dd, hh], name="unserved", mask=umask)

    dem = xr.DataArray(inst.demand_mw, coords=[ir, kc, dd, hh])
    served_rk = x.sum("site")
    for k, cls in enumerate(inst.classes):
        lhs = served_rk.sel(cls=cls)
        rhs = dem.sel(cls=cls)
        if u is not None and not must[k]:
            lhs = lhs + u.sel(cls=cls)
        if inst.flexible[k]:
            lhs, rhs = lhs.sum("hour"), rhs.sum("hour")
        m.add_constraints(lhs == rhs, name=f"demand_{cls}")

    load = x.sum(["region", "cls"])  # [S, D, H] IT load
    cap = xr.DataArray(inst.capacity_mw.astype(float), coords=[js])
    n = None
    if fixed_modules is not None:
        cap = cap + xr.DataArray(np.asarray(fixed_modules, dtype=float) * inst.build_module_mw, coords=[js])
    elif build_capacity:
        if inst.build_max_modules is None or inst.build_cost_usd_mw_yr is None or inst.build_module_mw <= 0:
            raise ValueError("instance has no build options")
        n = m.add_variables(
            lower=0,
            upper=xr.DataArray(inst.build_max_modules.astype(float), coords=[js]),
            coords=[js],
            name="modules",
            integer=True,
        )
    if n is not None:
        m.add_constraints(load - inst.build_module_mw * n <= cap, name="capacity")
    else:
        m.add_constraints(load <= cap, name="capacity")
    pue = xr.DataArray(inst.pue, coords=[js])
    m.add_constraints(pue * load - ren - grid == 0, name="power")

    grid_cost = xr.DataArray(w * (inst.price_usd_mwh + inst.carbon_price * inst.ef_t_mwh), coords=[js])
    ppa = xr.DataArray(w * inst.ppa_usd_mwh, coords=[js])
    netc = xr.DataArray(w * inst.net_cost_usd_mwh, coords=[ir, js, kc])
    obj = (grid_cost * grid).sum() + (ppa * ren).sum() + (netc * x).sum()
    if u is not None:
        pen = xr.DataArray(w * np.nan_to_num(inst.unserved_usd_mwh, nan=0.0), coords=[kc])
        obj = obj + (pen * u).sum()
    if n is not None:
        bc = xr.DataArray(inst.build_cost_usd_mw_yr * inst.build_module_mw, coords=[js])  # type: ignore[operator]
        obj = obj + (bc * n).sum()
    m.add_objective(obj)
    return m


def _by_label(m: linopy.Model, kind: str, dim: str = "day") -> np.ndarray:
    """For every variable (``kind='variables'``) or constraint label: its ``dim`` index (-1: none)."""
    import numpy as np

    items = m.variables if kind == "variables" else m.constraints
    top = int(m._xCounter if kind == "variables" else m._cCounter)
    out = np.full(top, -1, dtype=np.int64)
    for name in items:
        lab = items[name].labels
        if dim not in lab.dims:
            continue
        idx = np.broadcast_to(
            np.arange(lab.sizes[dim]).reshape([lab.sizes[dim] if d == dim else 1 for d in lab.dims]), lab.shape
        )
        ok = lab.values != -1
        out[lab.values[ok]] = idx[ok]
    return out


@dataclass
class _Blocks:
    """The constraint matrix with rows and columns reordered so that independent blocks are
    contiguous: block ``i`` is rows ``rb[i]:rb[i+1]`` x columns ``cb[i]:cb[i+1]``."""

    matrix: Any  # scipy CSC, permuted
    cols: np.ndarray  # permuted position -> matrix column (vlabels order)
    rows: np.ndarray  # permuted position -> matrix row (clabels order)
    cb: np.ndarray
    rb: np.ndarray

    def __len__(self) -> int:
        return len(self.cb) - 1

    def sub(self, i: int) -> Any:
        return self.matrix[:, self.cb[i] : self.cb[i + 1]][self.rb[i] : self.rb[i + 1], :].tocsc()

    def col_slice(self, i: int) -> np.ndarray:
        return self.cols[self.cb[i] : self.cb[i + 1]]

    def row_slice(self, i: int) -> np.ndarray:
        return self.rows[self.rb[i] : self.rb[i + 1]]


def _blocks(m: linopy.Model, mat: Any, split: bool) -> _Blocks:
    """Independent diagonal blocks of the constraint matrix: one per day when nothing couples
    days (no build variables), else the whole matrix.  Solving blocks apart is exact then."""
    import numpy as np

    csc = mat.A.tocsc()
    n_rows, n_cols = csc.shape
    whole = _Blocks(csc, np.arange(n_cols), np.arange(n_rows), np.array([0, n_cols]), np.array([0, n_rows]))
    if not split:
        return whole
    col_day = _by_label(m, "variables")[mat.vlabels]
    row_day = _by_label(m, "constraints")[mat.clabels]
    if (col_day < 0).any() or (row_day < 0).any():
        return whole
    coo = mat.A.tocoo()
    if not np.array_equal(row_day[coo.row], col_day[coo.col]):  # a row reaches into another day
        return whole
    corder, rorder = np.argsort(col_day, kind="stable"), np.argsort(row_day, kind="stable")
    n_days = int(col_day.max()) + 1
    cb = np.searchsorted(col_day[corder], np.arange(n_days + 1))
    rb = np.searchsorted(row_day[rorder], np.arange(n_days + 1))
    return _Blocks(csc[:, corder][rorder, :].tocsc(), corder, rorder, cb, rb)


def _row_bounds(mat: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    b, sense = mat.b[rows], mat.sense[rows]
    return np.where(sense == "<", -np.inf, b), np.where(sense == ">", np.inf, b)


def _highs_block(mat: Any, sub: Any, cols: np.ndarray, rows: np.ndarray, options: dict[str, Any]) -> Any:
    """A HiGHS instance holding one block of the matrix."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(rows)
    lp.col_cost_ = mat.c[cols]
    lp.col_lower_, lp.col_upper_ = mat.lb[cols], mat.ub[cols]
    lp.row_lower_, lp.row_upper_ = _row_bounds(mat, rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = sub.indptr, sub.indices, sub.data
    integer = mat.vtypes[cols] == "I"
    if integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    h = new_highs()
    for k, v in options.items():
        h.setOptionValue(k, v)
    h.passModel(lp)
    if lp.num_col_ and not np.isfinite(lp.col_cost_).all():  # pragma: no cover - costs come from finite data
        raise ValueError("non-finite objective coefficient")
    return h


def _same_pattern(a: Any, b: Any) -> bool:
    import numpy as np

    return bool(
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def new_highs() -> Any:
    """A silent HiGHS instance.  HiGHS prints its banner from C on the first construction in a
    process, before any option can be set; it would corrupt ``--json`` output, so standard
    output is pointed at the null device for that moment."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real file descriptor (e.g. captured in tests)
        fd = None
    saved = os.dup(fd) if fd is not None else None
    try:
        if fd is not None:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        h = highspy.Highs()
    finally:
        if fd is not None and saved is not None:
            os.dup2(saved, fd)
            os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _iis_rows(h: Any) -> list[int]:
    """Row positions (within the block) of HiGHS's irreducible infeasible subset, if it finds one."""
    import highspy

    h.setOptionValue(
        "iis_strategy", int(highspy.IisStrategy.kIisStrategyFromLp) | int(highspy.IisStrategy.kIisStrategyIrreducible)
    )
    status, iis = h.getIis()
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return []
    return [int(i) for i in iis.row_index_]


def _conflicts(m: linopy.Model, labels: list[int], limit: int = 12) -> list[dict[str, Any]]:
    """Constraint labels grouped by constraint family, with a few coordinates of each."""
    groups: dict[str, dict[str, Any]] = {}
    for lab in labels:
        pos: Any = m.constraints.get_label_position(lab)
        name, coords = pos
        if name is None:
            continue
        g = groups.setdefault(str(name), {"constraint": str(name), "count": 0, "examples": []})
        g["count"] += 1
        if len(g["examples"]) < limit:
            g["examples"].append({k: (v.item() if hasattr(v, "item") else v) for k, v in coords.items()})
    return sorted(groups.values(), key=lambda g: (-g["count"], g["constraint"]))


def _values(m: linopy.Model, name: str, by_label: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A variable's (or constraint's) values as a dense array; absent (masked) slots are 0."""
    import numpy as np

    items = m.variables if name in m.variables else m.constraints
    if name not in items:
        return np.zeros(shape)
    lab = items[name].labels.values
    out = np.where(lab >= 0, by_label[np.maximum(lab, 0)], 0.0)
    return np.nan_to_num(out.astype(float), nan=0.0).reshape(shape)


def solve(
    inst: Instance,
    build_capacity: bool = False,
    solver: str = "highs",
    options: dict[str, Any] | None = None,
    duals: bool = True,
    split_days: bool = True,
) -> Solution:
    """Build with linopy, solve with HiGHS through its direct API, read back.

    Without capacity build nothing couples one day to the next, so the LP is solved day by
    day (``split_days``; exact, and far faster than one monolithic LP).  A MILP is solved
    whole and then re-solved as an LP with its build fixed: the capacity duals it reports
    are those of that fixed LP (a MILP has no duals of its own).
    """
    import time

    import numpy as np

    if solver != "highs":
        from computestrata.errors import InputError

        raise InputError(f"unknown solver {solver!r}", hint="this build ships HiGHS: use --solver highs")
    t0 = time.perf_counter()
    m = build(inst, build_capacity=build_capacity)
    mat = m.matrices
    if not (mat.var_scaling == 1).all():  # pragma: no cover - the model sets no scaling
        raise RuntimeError("unexpected variable scaling")
    blocks = _blocks(m, mat, split=split_days and not build_capacity)
    t1 = time.perf_counter()
    A: Any = mat.A
    n_rows, n_cols = A.shape
    x = np.full(n_cols, np.nan)
    y = np.full(n_rows, np.nan)
    sol = Solution(status="optimal", termination="optimal", n_variables=n_cols, n_constraints=n_rows)
    import highspy

    opts = dict(options or {})
    objective = 0.0
    h: Any = None
    first: Any = None
    for i in range(len(blocks)):
        cols, rows, sub = blocks.col_slice(i), blocks.row_slice(i), blocks.sub(i)
        if h is not None and _same_pattern(sub, first):
            # same matrix as the day before, new bounds and costs: warm-start from its basis
            n, r = np.arange(len(cols)), np.arange(len(rows))
            h.changeColsBounds(len(cols), n, mat.lb[cols], mat.ub[cols])
            h.changeRowsBounds(len(rows), r, *_row_bounds(mat, rows))
            h.changeColsCost(len(cols), n, mat.c[cols])
        else:
            h, first = _highs_block(mat, sub, cols, rows, opts), sub
        h.run()
        ms = h.getModelStatus()
        if ms != highspy.HighsModelStatus.kOptimal:
            text = h.modelStatusToString(ms).lower()
            sol.termination = text
            if "infeasible" in text:
                sol.status = "infeasible"
                h = _highs_block(mat, sub, cols, rows, opts)  # a clean instance for the IIS
                h.run()
                sol.conflicts = _conflicts(m, [int(mat.clabels[rows[r]]) for r in _iis_rows(h)])
            else:
                sol.status = "error" if "error" in text else "time_limit" if "time" in text else text.replace(" ", "_")
            sol.build_s, sol.solve_s = t1 - t0, time.perf_counter() - t1
            return sol
        if len(blocks) > 1:
            h.setOptionValue("presolve", "off")  # keep the basis for the next day
        s = h.getSolution()
        x[cols] = np.asarray(s.col_value)
        if s.dual_valid:
            y[rows] = np.asarray(s.row_dual)
        objective += float(h.getInfo().objective_function_value)
    sol.build_s, sol.solve_s = t1 - t0, time.perf_counter() - t1
    R, S, K, D, H = inst.shape
    xl = np.full(int(m._xCounter), np.nan)
    xl[mat.vlabels] = x
    sol.objective = objective
    sol.served = _values(m, "served", xl, (R, S, K, D, H))
    sol.unserved = _values(m, "unserved", xl, (R, K, D, H))
    sol.grid = _values(m, "grid", xl, (S, D, H))
    sol.renewable = _values(m, "renewable", xl, (S, D, H))
    if build_capacity:
        sol.built_modules = np.rint(_values(m, "modules", xl, (S,))).astype(int)
        if duals:
            # the same instance with the build fixed: capacity grows by the modules chosen
            fixed = solve(
                inst.with_(capacity_mw=inst.capacity_mw + sol.built_modules * inst.build_module_mw),
                solver=solver,
                options=options,
                split_days=split_days,
            )
            sol.capacity_dual = fixed.capacity_dual
            sol.duals_from_fixed_lp = True
    elif duals:
        yl = np.full(int(m._cCounter), np.nan)
        yl[mat.clabels] = y
        sol.capacity_dual = _values(m, "capacity", yl, (S, D, H))
    return sol


def emissions_t(inst: Instance, sol: Solution) -> float:
    """Annual tonnes CO2 from grid electricity (contracted renewables count as zero)."""
    if sol.grid is None:
        return math.nan
    return float((sol.grid.sum(axis=(1, 2)) * inst.ef_t_mwh).sum() * inst.weight_h)
