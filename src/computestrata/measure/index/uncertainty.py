"""Uncertainty and sensitivity analysis by array operations, not rebuilds.

Each uncertain choice (imputation, normalisation, aggregation per level, weight set per
level, data draw from p5/p95) is a factor with a finite set of levels.  Everything that
depends only on data × imputation × normalisation is computed once per combination — a few
hundred ``(units, indicators)`` arrays.  A replication is then only a code per factor: the
replications are sorted by their data variant, and each level-2 aggregate of a whole group
of replications is one matrix product (units × children) @ (children × replications); power
means become products on pre-transformed data (log x for geometric, x^p for generalised).
Higher levels are batched element-wise products over (nodes, units, replications).  This is
what lets 100,000 replications run in seconds where rebuilding the index per replication
(COINr's approach) takes minutes.

Sampling is quasi-random: scrambled Sobol points (:mod:`scipy.stats.qmc`) for uncertainty,
Saltelli's design (SALib) for Sobol indices.  A discrete factor with k levels takes level
⌊u·k⌋.  Level 0 of the weight and data factors is the nominal one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import t
from computestrata.maths.means import POWER as POWER  # re-exported (moved)
from computestrata.maths.means import exponent, from_mean_space, to_mean_space
from computestrata.measure.index.config import MIN_SAMPLES, Framework
from computestrata.measure.index.engine import (
    IndexResult,
    Panel,
    Prepared,
    build,
    normalise,
    prepare,
    pretreat,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[Any]


#: fewest replications (UA) / base samples (SA): a scrambled Sobol sample is balanced only
#: in powers of two, and fewer than 8 points cannot give a p5-p95 interval or a variance
MIN_N = MIN_SAMPLES
#: most replications (UA) and base samples (SA): (replications × units) ranks and scores
#: are held in memory; SA runs N·(factors + 2) replications
MAX_N = {"replications": 1 << 20, "base samples": 1 << 16}


def check_n(n: int | None, default: int, what: str = "replications", option: str = "--n") -> tuple[int, str | None]:
    """The sample size to run: ``n`` (or ``default``) rounded up to a power of two.

    Returns ``(n, note)``, the note saying it was rounded up (None if not).  Zero and
    negative counts are refused, not replaced by the default: ``--n 0`` is a mistake."""
    value = default if n is None else n
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError.keyed(
            "index.error.n_whole", "index.error.n.hint", option=option, value=repr(value), example=1024
        )
    top = MAX_N[what]
    if value < MIN_N:
        raise InputError.keyed(
            "index.error.n_low",
            "index.error.n_low.hint",
            option=option,
            minimum=MIN_N,
            value=value,
            what=what,
            top=f"{top:,}",
        )
    if value > top:
        raise InputError.keyed(
            "index.error.n_high",
            "index.error.n.hint",
            option=option,
            top=f"{top:,}",
            value=f"{value:,}",
            example=1 << 14,
        )
    base = 1 << (value - 1).bit_length()
    note = t("index.note.n_rounded", given=value, n=base) if base != value else None
    return base, note


@dataclass
class Factor:
    """One uncertain choice: its name and the labels of its levels."""

    name: str
    levels: list[str]


@dataclass
class Plan:
    """Precomputed variants and tree layout for vectorised replications."""

    prep: Prepared
    nominal: IndexResult
    factors: list[Factor]
    impute: list[str]
    normalise: list[str]
    variants: Array  # (draws, impute, normalise, units, indicators)
    node_levels: list[list[str]]  # aggregate ids for levels 2..L
    child_pos: list[list[Array]]  # per level, per node: positions in the level below
    node_method: list[list[str]]  # nominal method per node
    agg_choices: list[list[str] | None]  # per level: varied methods, or None
    weight_sets: list[Array]  # per level: (sets, n_below), normalised within each node
    power: float = 2.0
    zeros: str = "error"
    epsilon: float = 1e-6
    min_coverage: float = 0.5
    notes: list[str] = field(default_factory=list)
    gaps: bool = False  # some variant keeps missing values (imputation "none")
    #: varied step parameters, in factor order, and how many values each takes; the variants'
    #: normalisation axis is (normalisation method × every combination of these)
    param_names: list[str] = field(default_factory=list)
    param_sizes: list[int] = field(default_factory=list)
    #: per level: the factor switching its aggregation (tied levels share one), or None
    agg_factor: list[str | None] = field(default_factory=list)
    #: whether the weights of each level follow the named-weight-set factor
    named_weights: list[bool] = field(default_factory=list)
    n_exclusions: int = 1  # indicator sets: level-2 weight sets are (base sets × these)

    @property
    def d(self) -> int:
        return len(self.factors)

    def codes(self, u: Array) -> Array:
        """Factor level codes from points in [0, 1)^d (one column per factor)."""
        import numpy as np

        k = np.array([len(f.levels) for f in self.factors])
        if u.shape[1] != len(k):
            raise InputError(
                f"sample has {u.shape[1]} columns for {len(k)} factors", hint="sample one column per factor"
            )
        return np.minimum((u * k).astype(np.int64), k - 1)


def _draws(prep: Prepared, n: int, seed: int) -> Array:
    """``n`` data draws (draw 0 = nominal) from a two-piece normal matching p5/p95."""
    import numpy as np

    x = prep.raw
    out = np.repeat(x[None], n, axis=0)
    if n <= 1:
        return out
    up = (prep.p95 - x) / 1.6448536269514722
    down = (x - prep.p5) / 1.6448536269514722
    band = ~np.isnan(up) & ~np.isnan(down) & (up >= 0) & (down >= 0)
    if not band.any():
        raise InputError(
            "data noise needs p5/p95 bands, and no indicator value has one",
            hint="drop `uncertainty.factors.data_noise` or add p5/p95 to the facts",
        )
    z = np.random.default_rng(seed).standard_normal((n - 1, *x.shape))
    noisy = x + np.where(z > 0, z * np.nan_to_num(up), z * np.nan_to_num(down))
    out[1:] = np.where(band, noisy, x)
    return out


def make_plan(fw: Framework, panel: Panel, year: int) -> Plan:
    """Check the framework can be varied, build the nominal index, precompute variants."""
    import numpy as np

    from computestrata.measure.index import weights as wts

    s, u = fw.steps, fw.uncertainty
    if s.power_by_level or s.min_coverage_by_level or s.coverage != "weight":
        raise InputError(
            "uncertainty: per-level powers or coverage thresholds, and count-based coverage, are not vectorised",
            hint="drop steps.aggregate.power_by_level / min_coverage_by_level / coverage for the uncertainty run",
        )
    prep = prepare(fw, panel, year)
    nominal = build(fw, panel, year, prep=prep)
    factors: list[Factor] = []
    imp = list(u.impute) if len(u.impute) > 1 else [s.impute]
    nrm = list(u.normalise) if len(u.normalise) > 1 else [s.normalise]
    if len(imp) > 1:
        factors.append(Factor("impute", imp))
    if len(nrm) > 1:
        factors.append(Factor("normalise", nrm))
    import itertools
    from dataclasses import replace

    from computestrata.measure.index.config import PARAM_PATHS

    for name in u.params:
        factors.append(Factor(f"param:{name}", [_label(v) for v in u.params[name]]))
    # indicator sets change level-2 weights (an indicator left out weighs 0); the other
    # parameters change the data before aggregation, so they multiply the variants
    exclusions: tuple[Any, ...] = u.params.get("indicators.exclude", ((),))
    param_names = [p for p in u.params if p != "indicators.exclude"]
    combos = list(itertools.product(*(u.params[name] for name in param_names)))
    n_levels = fw.n_levels
    node_levels = [prep.levels[lvl] for lvl in range(2, n_levels + 1)]
    below = prep.indicators
    child_pos: list[list[Array]] = []
    agg_factor: list[str | None] = []
    named_weights: list[bool] = []
    node_method: list[list[str]] = []
    agg_choices: list[list[str] | None] = []
    weight_sets: list[Array] = []
    for k, lvl in enumerate(range(2, n_levels + 1)):
        nodes = node_levels[k]
        child_pos.append([np.array([below.index(c) for c in prep.children[n]]) for n in nodes])
        methods = [fw.method_at(n) for n in nodes]
        for n, m in zip(nodes, methods, strict=True):
            w = nominal.weights[n]
            if getattr(w, "ndim", 1) == 2 or m == "copeland":
                raise InputError(
                    f"uncertainty: {n} uses {'benefit-of-the-doubt weights' if w.ndim == 2 else m}, "
                    "which is not vectorised",
                    hint="use manual/equal/pca/entropy weights and power-mean aggregation here",
                )
        node_method.append(methods)
        ch = u.aggregate.get(lvl)
        agg_name = u.agg_factor(lvl)
        if ch and len(ch) > 1 and agg_name is not None:
            if "copeland" in ch:
                raise InputError(
                    f"uncertainty.factors.aggregate.{lvl}: copeland is not vectorised",
                    hint="vary among arithmetic, geometric, harmonic, generalised",
                )
            agg_choices.append(list(ch))
            if all(f.name != agg_name for f in factors):
                factors.append(Factor(agg_name, list(ch)))
        else:
            agg_choices.append(None)
        agg_factor.append(agg_name if ch and len(ch) > 1 else None)
        nominal_w = np.zeros(len(below))
        for n, pos in zip(nodes, child_pos[k], strict=True):
            nominal_w[pos] = nominal.weights[n]
        sets = [nominal_w]
        if u.weight_noise > 0 and lvl in u.weight_levels:
            noisy = np.zeros((u.weight_sets - 1, len(below)))
            for j, (n, pos) in enumerate(zip(nodes, child_pos[k], strict=True)):
                noisy[:, pos] = wts.noisy(
                    np.asarray(nominal.weights[n]), u.weight_noise, u.weight_sets - 1, u.seed + 1000 * lvl + j
                )
            sets += list(noisy)
            factors.append(Factor(f"weights_L{lvl}", [f"set{i}" for i in range(u.weight_sets)]))
        named_weights.append(bool(u.weight_set_names))
        for set_name in u.weight_set_names:  # a named set: its weights, normalised within each node
            fw_set = replace(fw, steps=replace(s, weight_set=set_name))
            w_set = np.zeros(len(below))
            for n, pos in zip(nodes, child_pos[k], strict=True):
                raw_w = np.array([fw_set.weight_of(c) for c in prep.children[n]], dtype=float)
                if not raw_w.sum() > 0:
                    raise InputError(
                        f"weight set {set_name}: the weights under {n} sum to zero", hint="give a child weight > 0"
                    )
                w_set[pos] = raw_w / raw_w.sum()
            sets.append(w_set)
        if k == 0 and len(exclusions) > 1:  # every weight set × every indicator set
            expanded = []
            for w_base in sets:
                for excluded in exclusions:
                    w_ex = np.array(w_base, dtype=float, copy=True)
                    gone = [below.index(i) for i in excluded if i in below]
                    w_ex[gone] = 0.0
                    for n, pos in zip(nodes, child_pos[k], strict=True):
                        tot = w_ex[pos].sum()
                        if not tot > 0:
                            raise InputError(
                                f"uncertainty.factors.params.indicators.exclude: leaving out "
                                f"{', '.join(excluded)} empties {n}",
                                hint="keep at least one indicator of every pillar in each set",
                            )
                        w_ex[pos] = w_ex[pos] / tot
                    expanded.append(w_ex)
            sets = expanded
        weight_sets.append(np.array(sets))
        below = nodes
    if u.weight_set_names:
        factors.append(Factor("weight_set", ["nominal", *u.weight_set_names]))
    n_draws = max(u.data_draws, 1)
    if u.data_draws > 1:
        factors.append(Factor("data", [f"draw{i}" for i in range(n_draws)]))
    draws = _draws(prep, n_draws, u.seed)
    n_set = len(combos)
    variants = np.empty((n_draws, len(imp), len(nrm) * n_set, len(prep.units), len(prep.indicators)))
    for ci, combo in enumerate(combos):  # each combination of varied step parameters
        changes = {PARAM_PATHS[p]: v for p, v in zip(param_names, combo, strict=True) if PARAM_PATHS[p]}
        prep_c = replace(prep, fw=replace(fw, steps=replace(s, **changes))) if changes else prep
        for di in range(n_draws):
            for mi, m in enumerate(imp):
                base = prep.cross(m) if di == 0 else np.where(np.isnan(prep.raw), prep.cross(m), draws[di])
                treated, _ = pretreat(prep_c, base, m)
                for ni, nm in enumerate(nrm):
                    variants[di, mi, ni * n_set + ci] = normalise(prep_c, treated, nm)
    return Plan(
        prep=prep,
        nominal=nominal,
        factors=factors,
        impute=imp,
        normalise=nrm,
        variants=variants,
        node_levels=node_levels,
        child_pos=child_pos,
        node_method=node_method,
        agg_choices=agg_choices,
        weight_sets=weight_sets,
        power=s.power,
        zeros=s.zeros,
        epsilon=s.epsilon,
        min_coverage=s.min_coverage,
        gaps=bool(np.isnan(variants).any()),
        param_names=param_names,
        param_sizes=[len(u.params[p]) for p in param_names],
        n_exclusions=len(exclusions),
        agg_factor=agg_factor,
        named_weights=named_weights,
    )


def _forward(x: Array, method: str, plan: Plan) -> tuple[Array, Array | None, float, float]:
    """Transform for a power mean: returns (t, zero mask or None, shift, power)."""
    import numpy as np

    p = exponent(method, plan.power)
    if p == 1.0:
        return x, None, 0.0, p
    low = x.min()
    if low < 0:
        raise InputError(
            f"uncertainty: {method} mean of negative values",
            hint="normalise onto a positive range, e.g. `range: [1, 100]`",
        )
    zero = None
    shift = 0.0
    if p <= 0 and low == 0:
        if plan.zeros == "error":
            raise InputError(
                f"uncertainty: {method} mean of zero values in some replication",
                hint="set `steps.normalise.range: [1, 100]` or `steps.aggregate.zeros`",
            )
        if plan.zeros == "epsilon":
            x = np.where(x == 0, plan.epsilon, x)
        elif plan.zeros == "shift":
            shift = plan.epsilon
        else:
            zero = (x == 0).astype(float)
    t = to_mean_space(x, p, shift)
    if zero is not None:
        t = np.where(x == 0, 0.0, t)
    return t, zero, shift, p


def _inverse(y: Array, p: float, shift: float) -> Array:
    return from_mean_space(y, p, shift)


def _level2(plan: Plan, v: Array, method_code: int, w: Array, out: Array) -> None:
    """Level-2 aggregates of one group of replications sharing data variant ``v``.

    ``w``: (reps, indicators) weights; ``out``: (nodes, units, reps) slice to fill.
    """
    import numpy as np

    choices = plan.agg_choices[0]
    nan = np.isnan(v)
    for j, pos in enumerate(plan.child_pos[0]):
        method = choices[method_code] if choices is not None else plan.node_method[0][j]
        xs = v[:, pos]
        ws = w[:, pos].T  # (k, reps)
        if nan[:, pos].any():
            have = ~nan[:, pos]
            t, zero, shift, p = _forward(np.where(have, xs, 1.0), method, plan)
            cover = have.astype(float) @ ws
            with np.errstate(invalid="ignore", divide="ignore"):
                y = _inverse((np.where(have, t, 0.0) @ ws) / cover, p, shift)
            y = np.where(cover + 1e-12 >= plan.min_coverage, y, np.nan)
        else:
            t, zero, shift, p = _forward(xs, method, plan)
            y = _inverse(t @ ws, p, shift)
        if zero is not None:
            y = np.where((zero @ ws) > 0, 0.0, y)
        out[j] = y


def _upper(plan: Plan, k: int, s_below: Array, runs: list[tuple[int, int, int]], w: Array) -> Array:
    """Aggregates at level k+2 for a chunk: ``s_below`` (nodes_below, units, reps).

    ``runs`` are contiguous replication ranges sharing this level's method code (the
    replications are sorted so), so each method works on views, never gathered copies.
    """
    import numpy as np

    nodes = plan.node_levels[k]
    choices = plan.agg_choices[k]
    out = np.empty((len(nodes), s_below.shape[1], s_below.shape[2]))
    for j, pos in enumerate(plan.child_pos[k]):
        for a, b, code in runs:
            m = plan.node_method[k][j] if choices is None else choices[code]
            ws = w[a:b, pos].T  # (kids, reps)
            if plan.gaps:
                _upper_gaps(plan, m, s_below[pos, :, a:b], ws, out[j, :, a:b])
                continue
            acc = np.zeros((*out.shape[1:2], b - a))
            tmp = np.empty_like(acc)  # one buffer for the weighted child (no temporary per child)
            zeros = None
            for i, pi in enumerate(pos):
                t, zero, shift, p = _forward(s_below[pi, :, a:b], m, plan)
                acc += np.multiply(t, ws[i], out=tmp)
                if zero is not None:
                    zeros = zero * ws[i] if zeros is None else zeros + zero * ws[i]
            y = _inverse(acc, p, shift)
            if zeros is not None:
                y = np.where(zeros > 0, 0.0, y)
            out[j, :, a:b] = y
    return out


def _upper_gaps(plan: Plan, m: str, xs: Array, ws: Array, out: Array) -> None:
    """One node and method when some children may be missing (weights rescaled)."""
    import numpy as np

    have = ~np.isnan(xs)
    t, zero, shift, p = _forward(np.where(have, xs, 1.0), m, plan)
    t = np.where(have, t, 0.0)
    cover = (have * ws[:, None, :]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = _inverse((t * ws[:, None, :]).sum(axis=0) / cover, p, shift)
    if zero is not None:
        y = np.where((zero * ws[:, None, :]).sum(axis=0) > 0, 0.0, y)
    out[...] = np.where(cover + 1e-12 >= plan.min_coverage, y, np.nan)


def _runs(codes: Array) -> list[tuple[int, int, int]]:
    """Contiguous ranges of equal codes: (start, stop, code)."""
    import numpy as np

    cut = np.flatnonzero(np.diff(codes)) + 1
    starts = np.r_[0, cut]
    stops = np.r_[cut, codes.size]
    return [(int(a), int(b), int(codes[a])) for a, b in zip(starts, stops, strict=True)]


def _rank_rows(scores: Array) -> Array:
    """Ranks (1 = highest) along the last axis, ties by the package's one rule (min, as the
    index build); missing scores get rank 0.  See :func:`computestrata.maths.ranking.rank_rows`."""
    from computestrata.maths.ranking import rank_rows

    return rank_rows(scores)


def evaluate(plan: Plan, codes: Array, chunk: int = 8192) -> tuple[Array, Array]:
    """Index scores and ranks for each replication (rows of ``codes``): ``(reps, units)``."""
    import numpy as np

    n = codes.shape[0]
    col = {f.name: i for i, f in enumerate(plan.factors)}

    def code(name: str) -> Array:
        return codes[:, col[name]] if name in col else np.zeros(n, dtype=np.int64)

    n_levels = len(plan.node_levels)
    lvl_names = [f"L{k + 2}" for k in range(n_levels)]
    d_c, i_c, n_c = code("data"), code("impute"), code("normalise")
    n_set = 1
    p_c = np.zeros(n, dtype=np.int64)
    for name, size in zip(plan.param_names, plan.param_sizes, strict=True):  # mixed radix
        p_c = p_c * size + code(f"param:{name}")
        n_set *= size
    n_c = n_c * n_set + p_c
    a_c = [code(plan.agg_factor[k] or f"aggregate_{L}") for k, L in enumerate(lvl_names)]
    w_c = [code("weight_set") if plan.named_weights[k] else code(f"weights_{L}") for k, L in enumerate(lvl_names)]
    if plan.n_exclusions > 1:
        w_c[0] = w_c[0] * plan.n_exclusions + code("param:indicators.exclude")
    variant = ((d_c * len(plan.impute) + i_c) * len(plan.normalise) * n_set + n_c) * 64 + a_c[0]
    upper = np.zeros(n, dtype=np.int64)
    for k in range(1, n_levels):
        upper = upper * 64 + a_c[k]
    key = upper * (int(variant.max()) + 1) + variant
    perm = np.argsort(key, kind="stable")
    units = plan.variants.shape[3]
    scores = np.empty((n, units), dtype=np.float32)
    ranks = np.empty((n, units), dtype=np.int16)
    for start in range(0, n, chunk):
        idx = perm[start : start + chunk]
        m = idx.size
        s2 = np.empty((len(plan.node_levels[0]), units, m))
        w2 = plan.weight_sets[0][w_c[0][idx]]
        for a, b, _ in _runs(key[idx]):
            r0 = idx[a]
            v = plan.variants[d_c[r0], i_c[r0], n_c[r0]]
            _level2(plan, v, int(a_c[0][r0]), w2[a:b], s2[:, :, a:b])
        s = s2
        for k in range(1, n_levels):
            wk = plan.weight_sets[k][w_c[k][idx]]
            s = _upper(plan, k, s, _runs(a_c[k][idx]) if plan.agg_choices[k] is not None else [(0, m, 0)], wk)
        root = np.ascontiguousarray(s[0].T)  # (reps, units)
        scores[idx] = root
        ranks[idx] = _rank_rows(root)
    return scores, ranks


def _label(value: Any) -> str:
    """A parameter value as a level label (lists joined by "|", numbers as written)."""
    if isinstance(value, tuple | list):
        return "|".join(_label(v) for v in value) if value else "(none)"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def nominal_codes(plan: Plan) -> Array:
    """The codes of the nominal index (level 0 everywhere it is the nominal choice)."""
    import numpy as np

    from computestrata.measure.index.config import PARAM_PATHS

    s = plan.prep.fw.steps
    row = []
    for f in plan.factors:
        if f.name == "impute":
            row.append(f.levels.index(s.impute) if s.impute in f.levels else -1)
        elif f.name == "normalise":
            row.append(f.levels.index(s.normalise) if s.normalise in f.levels else -1)
        elif f.name.startswith("aggregate_L"):
            lvl = int(f.name[11:].split("+")[0])
            m = s.aggregate_at(lvl)
            row.append(f.levels.index(m) if m in f.levels else -1)
        elif f.name.startswith("param:"):
            path = f.name[6:]
            field_name = PARAM_PATHS[path]
            nominal = getattr(s, field_name) if field_name else ()
            label = _label(nominal)
            row.append(f.levels.index(label) if label in f.levels else -2)  # -2: use the built nominal
        else:
            row.append(0)
    if -1 in row:
        raise InputError(
            "the nominal choice is not among the uncertainty choices",
            hint="list the nominal method (and the nominal value of each varied parameter) among the "
            "`uncertainty.factors` choices",
        )
    return np.array([row], dtype=np.int64)


@dataclass
class UAResult:
    """Rank and score distributions per unit, and the mean rank shift per replication."""

    units: list[str]
    factors: list[Factor]
    n: int
    nominal_rank: Array
    ranks: Array  # (reps, units) int16
    scores: Array  # (reps, units) float32
    mean_shift: Array  # (reps,)
    source_ids: list[str]
    notes: list[str]
    seconds: float = 0.0
    codes: Array | None = None  # (reps, factors): the sample, for export
    plan: Plan | None = None

    def rank_quantiles(self, qs: tuple[float, ...] = (0.05, 0.5, 0.95)) -> Array:
        """Rank quantiles per unit ``(len(qs), units)``: the smallest rank whose share of
        replications at or below it reaches q.  Counting ranks (small integers) is much
        faster than sorting 10⁷ values; missing ranks (0) are left out."""
        import numpy as np

        n_units = self.ranks.shape[1]
        off = ((n_units + 1) * np.arange(n_units, dtype=np.intp))[None, :]
        counts = np.zeros(n_units * (n_units + 1), dtype=np.int64)
        rows = 4096  # blocks that stay in cache: no (reps, units) int64 temporary
        buf = np.empty((rows, n_units), dtype=np.intp)
        for a in range(0, self.ranks.shape[0], rows):
            blk = self.ranks[a : a + rows]
            flat = buf[: blk.shape[0]]
            np.add(blk, off, out=flat, casting="unsafe")
            counts += np.bincount(flat.ravel(), minlength=counts.size)
        counts = counts.reshape(n_units, n_units + 1)[:, 1:]  # drop rank 0 (missing)
        cdf = np.cumsum(counts, axis=1) / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        out = np.empty((len(qs), n_units))
        for k, q in enumerate(qs):
            out[k] = np.argmax(cdf >= q - 1e-12, axis=1) + 1.0
        out[:, counts.sum(axis=1) == 0] = np.nan
        return out

    def rank_table(self) -> list[dict[str, Any]]:
        import numpy as np

        q = self.rank_quantiles()
        r = self.ranks
        valid = (r > 0).sum(axis=0)
        mean = np.where(valid > 0, r.sum(axis=0, dtype=np.int64) / np.maximum(valid, 1), np.nan)
        sq = _row_quantiles(np.ascontiguousarray(self.scores.T), (0.05, 0.5, 0.95))
        rows = []
        for j, u in enumerate(self.units):
            rows.append(
                {
                    "unit": u,
                    "rank": float(self.nominal_rank[j]),
                    "rank_median": float(q[1, j]),
                    "rank_p5": float(q[0, j]),
                    "rank_p95": float(q[2, j]),
                    "rank_mean": float(mean[j]),
                    "score_p5": float(sq[0, j]),
                    "score_median": float(sq[1, j]),
                    "score_p95": float(sq[2, j]),
                }
            )
        return sorted(rows, key=lambda x: x["rank"] if x["rank"] > 0 else float("inf"))


def _row_quantiles(x: Array, qs: tuple[float, ...]) -> Array:
    """Linear-interpolation quantiles of each row, NaN left out (numpy's default method).

    Sorting float32 rows uses numpy's SIMD sort, several times faster than ``percentile``'s
    partition on 10⁷ values."""
    import numpy as np

    s = np.sort(x, axis=1)  # NaN sorts last
    n = (~np.isnan(x)).sum(axis=1)
    rows = np.arange(x.shape[0])
    out = np.full((len(qs), x.shape[0]), np.nan)
    for k, q in enumerate(qs):
        pos = q * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        a = s[rows, lo].astype(float)
        b = s[rows, hi].astype(float)
        out[k] = np.where(n > 0, a + (b - a) * (pos - lo), np.nan)
    return out


def _sobol_points(n: int, d: int, seed: int) -> Array:
    import numpy as np
    from scipy.stats import qmc

    if d == 0:
        return np.zeros((n, 0))
    sampler = qmc.Sobol(d, scramble=True, seed=seed)
    m = int(np.ceil(np.log2(max(n, 2))))
    return sampler.random_base2(m)[:n]  # n is a power of two (check_n): the whole balanced sample


def _finish(plan: Plan, codes: Array) -> tuple[Array, Array, Array, Array]:
    import numpy as np

    nominal = nominal_codes(plan)
    if (nominal < 0).any():  # a continuous parameter's nominal value is not a grid point
        r = plan.nominal.ranks[plan.prep.fw.root.id].to_numpy()
        nominal_r = np.where(np.isnan(r), 0, r).astype(np.int16)[None, :]
    else:
        _, nominal_r = evaluate(plan, nominal)
    scores, ranks = evaluate(plan, codes)
    return nominal_r[0], scores, ranks, _mean_shift(ranks, nominal_r[0])


def _mean_shift(ranks: Array, nominal: Array, rows: int = 8192) -> Array:
    """Mean absolute rank change per replication against the nominal ranks (COINr's
    ``MeanAbsDiff``), units missing in either left out; in row blocks (no big temporaries)."""
    import numpy as np

    nom = nominal.astype(np.int32)
    shift = np.empty(ranks.shape[0])
    for a in range(0, ranks.shape[0], rows):
        blk = ranks[a : a + rows]
        if (blk == 0).any() or (nom == 0).any():
            ok = (blk > 0) & (nom > 0)
            diff = np.where(ok, np.abs(blk.astype(np.int32) - nom), 0)
            shift[a : a + rows] = diff.sum(axis=1) / np.maximum(ok.sum(axis=1), 1)
        else:
            shift[a : a + rows] = np.abs(blk.astype(np.int32) - nom).sum(axis=1) / ranks.shape[1]
    return shift


def samples_to_frame(plan: Plan, codes: Array) -> Any:
    """A sample as a table: one row per replication, one column per factor (level labels)."""
    import pandas as pd

    return pd.DataFrame({f.name: [f.levels[c] for c in codes[:, i]] for i, f in enumerate(plan.factors)})


def samples_from_frame(plan: Plan, df: Any, origin: str = "samples") -> Array:
    """Codes from a table of factor levels (as :func:`samples_to_frame` writes them); every
    factor must have a column and every cell must be one of its levels."""
    import numpy as np

    from computestrata.errors import closest

    cols = [str(c) for c in df.columns]
    missing = [f.name for f in plan.factors if f.name not in cols]
    if missing:
        raise InputError(
            f"{origin}: no column for factor(s) {', '.join(missing)}",
            hint=f"columns needed: {', '.join(f.name for f in plan.factors)}",
        )
    if len(df) == 0:
        raise InputError(f"{origin}: no replication rows", hint="give one row per replication")
    codes = np.empty((len(df), len(plan.factors)), dtype=np.int64)
    for i, f in enumerate(plan.factors):
        index = {lv: k for k, lv in enumerate(f.levels)}
        for r, cell in enumerate(df[f.name].astype(str)):
            if cell not in index:
                raise InputError(
                    f"{origin}: row {r + 2}, column {f.name!r}: {cell!r} is not a level of this factor",
                    hint=f"closest: {', '.join(closest(cell, f.levels, 3))}",
                )
            codes[r, i] = index[cell]
    return codes


def target_values(plan: Plan, target: str, scores: Array, ranks: Array, shift: Array) -> Array:
    """The output a sensitivity analysis decomposes: ``mean_shift`` (COINr's), ``rank:UNIT``,
    ``score:UNIT``, or ``gap:A-B`` (score of A minus score of B) per replication."""

    units = plan.prep.units
    if target == "mean_shift":
        return shift

    def pos(unit: str) -> int:
        if unit not in units:
            from computestrata.errors import unknown

            raise unknown("unit in --target", unit, units)
        return units.index(unit)

    kind, _, rest = target.partition(":")
    if kind == "rank" and rest:
        return ranks[:, pos(rest)].astype(float)
    if kind == "score" and rest:
        return scores[:, pos(rest)].astype(float)
    if kind == "gap" and "-" in rest:
        a, b = rest.split("-", 1)
        return (scores[:, pos(a)] - scores[:, pos(b)]).astype(float)
    raise InputError(
        f"--target {target!r} is not understood", hint="use mean_shift, rank:UNIT, score:UNIT or gap:UNIT-UNIT"
    )


def run_ua(
    fw: Framework,
    panel: Panel,
    year: int,
    n: int | None = None,
    plan: Plan | None = None,
    codes: Array | None = None,
) -> UAResult:
    """Monte Carlo over every configured factor (scrambled Sobol points), or over the given
    ``codes`` (an imported sample, :func:`samples_from_frame`)."""
    import time

    t0 = time.perf_counter()
    plan = plan or make_plan(fw, panel, year)
    if codes is None:
        n, rounded = check_n(n, fw.uncertainty.n)
        codes = plan.codes(_sobol_points(n, plan.d, fw.uncertainty.seed))
    else:
        n, rounded = int(codes.shape[0]), None
    nominal_r, scores, ranks, shift = _finish(plan, codes)
    notes = list(plan.nominal.notes) + ([rounded] if rounded else [])
    if plan.d == 0:
        notes.append(t("index.note.no_factor"))
    notes.append(t("index.note.fixed_weights"))
    return UAResult(
        units=plan.prep.units,
        factors=plan.factors,
        n=n,
        nominal_rank=nominal_r,
        ranks=ranks,
        scores=scores,
        mean_shift=shift,
        source_ids=plan.nominal.source_ids,
        notes=notes,
        seconds=time.perf_counter() - t0,
        codes=codes,
        plan=plan,
    )


def sobol_indices(y: Array, d: int) -> tuple[Array, Array]:
    """First-order (Saltelli 2010) and total (Jansen) indices for outputs ``y``.

    ``y`` rows follow SALib's Saltelli layout (blocks of A, AB_1..AB_d, B); trailing axes are
    separate outputs (e.g. one per unit), all estimated at once.  Returns ``(d, outputs…)``.
    """
    import numpy as np

    step = d + 2
    a = y[0::step]
    b = y[step - 1 :: step]
    var = np.var(np.concatenate([a, b]), axis=0)
    s1 = np.empty((d, *y.shape[1:]))
    st = np.empty((d, *y.shape[1:]))
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(d):
            ab = y[i + 1 :: step]
            s1[i] = np.mean(b * (ab - a), axis=0) / var
            st[i] = 0.5 * np.mean((a - ab) ** 2, axis=0) / var
    return s1, st


@dataclass
class SAResult:
    """Sobol indices of the mean rank shift (with CIs) and of every unit's rank."""

    units: list[str]
    factors: list[Factor]
    n_base: int
    runs: int
    s1: Array
    s1_conf: Array
    st: Array
    st_conf: Array
    unit_s1: Array  # (factors, units)
    unit_st: Array
    source_ids: list[str]
    notes: list[str]
    seconds: float = 0.0

    def factor_table(self) -> list[dict[str, Any]]:
        return [
            {
                "factor": f.name,
                "levels": len(f.levels),
                "S1": float(self.s1[i]),
                "S1_conf": float(self.s1_conf[i]),
                "ST": float(self.st[i]),
                "ST_conf": float(self.st_conf[i]),
            }
            for i, f in enumerate(self.factors)
        ]


def run_sa(
    fw: Framework,
    panel: Panel,
    year: int,
    n: int | None = None,
    plan: Plan | None = None,
    target: str = "mean_shift",
) -> SAResult:
    """Sobol indices over the configured factors: Saltelli design, N·(d+2) replications, of
    ``target`` (see :func:`target_values`; COINr's is the mean absolute rank shift)."""
    import time
    import warnings

    import numpy as np
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    t0 = time.perf_counter()
    base, rounded = check_n(n, fw.uncertainty.n, "base samples")
    plan = plan or make_plan(fw, panel, year)
    d = plan.d
    if d < 2:
        raise InputError(
            f"sensitivity needs at least two uncertain factors (have {d})",
            hint="add choices under `uncertainty.factors` in the framework",
        )
    notes = list(plan.nominal.notes) + ([rounded] if rounded else [])
    problem = {"num_vars": d, "names": [f.name for f in plan.factors], "bounds": [[0, 1]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = sobol_sample.sample(problem, base, calc_second_order=False, scramble=True, seed=fw.uncertainty.seed)
    u = np.clip(u, 0.0, np.nextafter(1.0, 0.0))
    codes = plan.codes(u)
    _, scores, ranks, shift = _finish(plan, codes)
    y = target_values(plan, target, scores, ranks, shift)
    if not np.isfinite(y).all():
        raise InputError(f"--target {target}: missing in some replications", hint="choose a unit scored in every run")
    if np.var(y) == 0:
        raise InputError(
            f"the target ({target}) does not vary: Sobol indices are undefined", hint="widen the uncertainty factors"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=200, seed=fw.uncertainty.seed)
    us1, ust = sobol_indices(ranks.astype(float), d)
    notes.append(t("index.note.per_unit_nan"))
    return SAResult(
        units=plan.prep.units,
        factors=plan.factors,
        n_base=base,
        runs=len(u),
        s1=np.asarray(res["S1"]),
        s1_conf=np.asarray(res["S1_conf"]),
        st=np.asarray(res["ST"]),
        st_conf=np.asarray(res["ST_conf"]),
        unit_s1=us1,
        unit_st=ust,
        source_ids=plan.nominal.source_ids,
        notes=notes,
        seconds=time.perf_counter() - t0,
    )
