"""The projection model: a stock-flow model of installed compute by country and kind.

Interface contract (the sweep, the CLI and analysts rely on exactly this):

- :func:`prepare` ``(atlas, scenario, *, pair=("KOR", "CHN"), to_year=2035) -> Prepared`` does
  ALL atlas reads, controls-engine classifications and cooperation computations.  ``Prepared``
  is a picklable dataclass of plain Python / numpy data (no DuckDB handle), so it can be
  shipped to Dask workers.
- :func:`evaluate` ``(prepared, params) -> dict[str, float]`` is pure and fast (numpy only): the
  scenario's central values overridden by ``params`` (unknown names or values outside the
  declared range: :class:`InputError`), returning flat named outputs: ``share.<ISO3>.<year>``
  (intelligent compute), ``share.<ISO3>.super.<year>``, ``share.<ISO3>.basic.<year>`` and
  ``share.<ISO3>.total.<year>`` (CHN, USA, ROW), ``hhi.<year>``, ``cr3.<year>``,
  ``gini.<year>``, ``theil.<year>``, ``hhi.frontier.<year>``, ``hhi.rest.<year>``,
  ``coop.open_share.<year>``, ``coop.limited_share.<year>``, ``coop.restricted_share.<year>``,
  ``world.intelligent.<year>`` and ``cn.domestic_share.<year>``.
- :func:`evaluate_many` ``(prepared, rows) -> dict[str, ndarray]`` is the same for R rows at
  once (``rows``: names → arrays, or a 2-D array in ``prepared.central``'s column order); the
  sweep's workers call it per chunk, and :func:`evaluate` is it on one row (one model).
- :func:`project` ``(prepared, params) -> Projection`` is the full per-year result for
  ``strata scenario run``.

The model (equations in ``docs/scenarios.md``), per year t after the base year b, τ = t − b:

- world shipments of accelerators (H100e) A(t) = A(b) · g^τ, g = min(demand growth,
  chip-output growth × efficiency gain): the smaller of what is wanted and what can be made;
- a share f(t) = f(b) + shift · τ of them is inference-grade, the rest training-grade;
- country c wants d_c (its share of the base-year stock) and receives
  R_c = A · d_c · a_c + ρ · B · d_c a_c / Σ d a, where a_c is its access (the controls engine's
  verdicts for representative chips, mapped free → 1, licence/case-by-case → approval rate,
  denial → 0, mixed by grade) and B = A · Σ d (1 − a) the blocked volume, a share ρ of which
  is sold elsewhere;
- China adds domestic output D(t) = D(b) · h^τ · y(t)/y(b), yields y ramping linearly from
  y(b) to the target over the ramp years;
- stocks: S_c(t) = S_c(t−1) · (1 − 1/L) + R_c(t) (+ D(t) for China);
- super (TOP500 Rmax) and basic (CAICT shares) grow at their world rates with constant country
  shares, except that China's basic growth loses a share when every server is controlled;
- the control state of a year mixes the enacted rules and the posture by the part of the year
  the posture is in force (``posture_start``).

Concentration uses the SAME formulas as ``strata measure`` (the array forms in
:mod:`computestrata.maths.concentration`, which its scalar functions call) and the cooperation
summary is :func:`computestrata.cooperation.api.pair`'s, computed once per distinct control
state; a posture's is compared like with like with the enacted rules (:func:`posture_segments`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from computestrata.atlas.store import Atlas
    from computestrata.controls.regime import Regime
    from computestrata.scenarios.spec import Scenario

    FloatArray = npt.NDArray[np.float64]
else:
    FloatArray = Any

ROW = "ROW"
KINDS = ("basic", "intelligent", "super")
#: Representative chips per grade (catalogue names): what the controls engine classifies.
TRAINING_CHIPS = ("A100", "H100", "B200")
INFERENCE_CHIPS = ("L40S", "H20")
#: Status → access category: 0 open, 1 licensed at the approval rate, 2 denied.
OPEN_STATUSES = ("free", "exception", "approval")
DENIED_STATUSES = ("denial",)
#: A country is tracked on its own when its base-year intelligent share is at least this.
TRACK_SHARE = 0.01
MAX_TRACKED = 12
FRONTIER_YEARS = 2  # additions of the last two years form the frontier tier
COOP_CLASSES = ("open", "limited", "restricted")


@dataclass
class ControlState:
    """One distinct control state: the date, its label, access categories and cooperation summary."""

    label: str
    on: str
    #: [country, grade(0 training, 1 inference), category(open, licensed, denied)] fractions
    access: FloatArray
    servers_controlled_cn: bool
    coop: dict[str, float] | None
    citations: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    """Everything :func:`evaluate` needs, as plain data (picklable, no atlas handle)."""

    scenario: str
    base_year: int
    years: list[int]
    countries: list[str]
    pair: tuple[str, str]
    central: dict[str, float]
    ranges: dict[str, tuple[float, float]]
    intelligent0: FloatArray  # H100e by country at the end of the base year
    additions0: float  # world accelerator shipments in the base year, H100e
    super0: FloatArray  # Rmax share by country (TOP500 list of the base year or the latest)
    super_world0: float
    basic0: dict[str, float]  # CAICT Table 1 shares: CHN, USA, ROW
    kind_weights: dict[str, float]  # Table 1 fitted weights of the kinds in the total
    enacted: list[int]  # per year: index of the enacted control state
    posture: int | None  # index of the posture state, if the scenario has one
    #: when the posture starts (fractional year) if the scenario has no ``posture_start`` parameter
    posture_from: float | None
    states: list[ControlState]
    data_years: dict[str, int]
    source_ids: list[str]
    notes: list[str]
    #: output names per metric template, one per year (:func:`output_names` fills it once)
    names: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    def params(self, given: Mapping[str, float] | None = None) -> dict[str, float]:
        """Central values overridden by ``given`` (names and ranges checked)."""
        out = dict(self.central)
        from computestrata.scenarios.spec import check_value

        for k, v in (given or {}).items():
            rng = self.ranges.get(k)
            if rng is None:
                from computestrata.errors import unknown

                raise unknown("scenario parameter", k, self.ranges)
            out[k] = check_value(self.scenario, k, float(v), *rng)
        return out


@dataclass
class Projection:
    """The per-year result of one scenario under one parameter set."""

    scenario: str
    pair: tuple[str, str]
    params: dict[str, float]
    years: list[dict[str, Any]]
    source_ids: list[str]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.scenario, "pair": list(self.pair), "parameters": self.params, "years": self.years}


# ---------------------------------------------------------------- preparation (atlas, controls, cooperation)


def _access(regime: Regime, countries: Sequence[str], weights: Sequence[Sequence[tuple[str, float]]], on: date) -> Any:
    """Access categories [country, grade, category] from the engine's verdicts for representative chips."""
    import numpy as np

    from computestrata.controls import catalogue
    from computestrata.controls.classify import classify

    cat = catalogue.from_frame(None)
    specs = [[cat.lookup(n).spec for n in grade] for grade in (TRAINING_CHIPS, INFERENCE_CHIPS)]
    out = np.zeros((len(countries), 2, 3))
    for i, members in enumerate(weights):
        total = sum(w for _, w in members) or 1.0
        for member, w in members:
            for g, grade in enumerate(specs):
                for spec in grade:
                    status = classify(spec, member, on, regime=regime).status
                    k = 0 if status in OPEN_STATUSES else 2 if status in DENIED_STATUSES else 1
                    out[i, g, k] += w / total / len(grade)
    return out


def _servers_controlled(regime: Regime, on: date) -> bool:
    from computestrata.controls.scope import controlled_eccns

    return any(r["segment"] == "servers" for r in controlled_eccns(regime, on))


def _coop(
    atlas: Atlas, pair: tuple[str, str], on: date, regime: Regime, enacted: Regime | None = None
) -> tuple[dict[str, float], list[str]]:
    """The pair's cooperation shares under ``regime``; for a posture, ``enacted`` is the rule set
    it was derived from (see :func:`posture_segments`)."""
    from computestrata.cooperation import api as coop

    res = coop.pair(atlas, pair[0], pair[1], on, regime=regime)
    ids = set(res.source_ids)
    segs = res.segments
    if enacted is not None:
        segs, more = posture_segments(atlas, pair, on, enacted, res.segments)
        ids |= more
    shares = coop.summarise(segs)["all"]["share_of_segments"]
    return {f"{c}_share": float(shares[c]) for c in COOP_CLASSES}, sorted(ids)


def posture_segments(
    atlas: Atlas, pair: tuple[str, str], on: date, enacted: Regime, posture: Sequence[Any]
) -> tuple[list[Any], set[str]]:
    """The pair's segments under a posture, compared like with like with the enacted rules.

    The full controls engine answers only for its own shipped rules; a posture derived from them
    is answered by the chip-rules path, which cannot assess segments without a representative
    chip (EDA, fab tools: ``indeterminate``, counted as restricted).  So a posture changes a
    segment only where the chip-rules path gives the posture a different class from the enacted
    rules (both on that path); there the class is the more restrictive of that and the engine's
    enacted class, elsewhere the engine's enacted class stays.  A posture thus never opens a
    segment, and a posture that changes nothing (the small yard) equals the enacted rules.
    """
    import dataclasses

    from computestrata.cooperation import api as coop

    rank = {c: i for i, c in enumerate(COOP_CLASSES)}
    engine = coop.pair(atlas, pair[0], pair[1], on, regime=enacted)  # the engine's own rules: engine path
    # a copy of the same rules is not the engine's object, so it takes the chip-rules path
    chips = coop.pair(atlas, pair[0], pair[1], on, regime=dataclasses.replace(enacted))
    out = []
    for e, c, p in zip(engine.segments, chips.segments, posture, strict=True):
        if p.klass != c.klass and rank[p.klass] > rank[e.klass]:
            out.append(dataclasses.replace(e, klass=p.klass))
        else:
            out.append(e)
    return out, set(engine.source_ids)


def transformed_regime(base: Regime, scenario: Scenario, on: date | None = None) -> Regime:
    """The full enacted regime with the scenario's posture and transformations from ``on``
    (default: the control path's start date)."""
    from computestrata.controls import scope

    path = scenario.control
    reg = base
    if not path.changes or path.start is None:
        return reg
    on = on or path.start
    for i, tr in enumerate(path.transformations):
        ident = f"{scenario.name}.{i}.{tr.kind}"
        if tr.kind == "scale_thresholds":
            reg = scope.scale_thresholds(reg, float(tr.factor or 0.0), on, ident=ident)
        elif tr.kind == "add_segments":
            reg = scope.add_segments(reg, tr.segments, on, ident=ident)
        elif tr.kind == "drop_segments":
            reg = scope.drop_segments(reg, tr.segments, on, ident=ident)
        elif tr.kind == "fence":
            reg = scope.fence(reg, tr.groups, tr.countries, on, ident=ident)
        else:
            reg = scope.drop_destinations(reg, tr.countries, on, ident=ident)
    if path.posture:
        reg = scope.apply_posture(reg, path.posture, on)
    return reg


def kind_weights(paper_figures: Any, upto: int) -> dict[str, float]:
    """Weights of basic / intelligent / super in CAICT's total share, fitted to Table 1.

    Table 1 gives, for China and the U.S. and each year, the total share and the share of each
    kind; total ≈ Σ_k w_k · share_k with Σ w = 1, w ≥ 0 (non-negative least squares with the sum
    as a heavily weighted extra row).  Years after ``upto`` are not used (hindcast honesty).
    """
    import numpy as np
    from scipy.optimize import nnls

    pf = paper_figures
    pf = pf[(pf["figure_id"] == "T1")]
    rows, rhs = [], []
    for (yr, _iso), g in pf.groupby(["year", "entity_iso3"]):
        if int(str(yr)) > upto:
            continue
        v = {str(r.variable).split("|")[1].lower(): float(r.value) for r in g.itertuples()}
        if all(k in v for k in ("total", "basic", "intelligent", "super")):
            rows.append([v["basic"], v["intelligent"], v["super"]])
            rhs.append(v["total"])
    if not rows:
        return {"basic": 1 / 3, "intelligent": 1 / 3, "super": 1 / 3}
    big = 1000.0
    m = np.vstack([np.asarray(rows), big * np.ones(3)])
    b = np.concatenate([np.asarray(rhs), [big]])
    w, _ = nnls(m, b)
    w = w / w.sum()
    return {k: float(x) for k, x in zip(KINDS, w, strict=True)}


def _basic_shares(paper_figures: Any, upto: int) -> tuple[dict[str, float], int]:
    pf = paper_figures
    pf = pf[(pf["figure_id"] == "T1") & (pf["variable"] == "Compute|Basic|Share")]
    pf = pf[pf["year"].astype(str).str.fullmatch(r"\d{4}")]
    pf = pf[pf["year"].astype(int) <= upto]
    if pf.empty:
        raise InputError.keyed(
            "scenario.error.no_base_data",
            "scenario.error.no_base_data_hint",
            what="CAICT basic-compute shares (Table 1)",
            year=str(upto),
            first="2020",
        )
    yr = int(pf["year"].astype(int).max())
    cur = pf[pf["year"].astype(int) == yr]
    out = {str(r.entity_iso3): float(r.value) / 100 for r in cur.itertuples()}
    out[ROW] = max(0.0, 1.0 - sum(out.values()))
    return out, yr


def tracked_sales(chip_stocks: Any, year: int) -> dict[str, float]:
    """Epoch's cumulative tracked accelerator sales (H100e, median) by vendor at the end of ``year``."""
    from computestrata.measure.estimates import _tracked_rows

    rows = _tracked_rows(chip_stocks, year)
    return {str(v): float(m) for v, m in zip(rows["vendor"], rows["median"], strict=True)}


def world_additions(chip_stocks: Any, year: int) -> float | None:
    """World accelerator shipments in ``year`` (H100e): Epoch sales of the vendors tracked in both
    ``year − 1`` and ``year``, scaled up to every vendor tracked in ``year``."""
    now, before = tracked_sales(chip_stocks, year), tracked_sales(chip_stocks, year - 1)
    if year - 1 < 2022:  # Epoch's model starts on 2022-01-01: the 2022 stock is 2022's sales
        before = {v: 0.0 for v in now}
    common = [v for v in now if v in before]
    if not common:
        return None
    add = sum(now[v] - before[v] for v in common)
    return add * sum(now.values()) / sum(now[v] for v in common)


def prepare(
    atlas: Atlas,
    scenario: Scenario,
    *,
    pair: tuple[str, str] = ("KOR", "CHN"),
    to_year: int = 2035,
    base_year: int | None = None,
    cooperation: bool = True,
) -> Prepared:
    """All atlas reads, controls verdicts and cooperation summaries for ``scenario`` (see module doc).

    ``base_year`` overrides the scenario's (the hindcast calibrates on an earlier year);
    ``cooperation=False`` skips the pair summaries (the hindcast does not compare them).
    """
    import numpy as np

    from computestrata.cooperation.api import check_pair
    from computestrata.cooperation.controls_view import current_regime
    from computestrata.i18n import t
    from computestrata.measure import estimates as est
    from computestrata.scenarios.spec import check_horizon

    base = scenario.base_year if base_year is None else base_year
    check_horizon(base, to_year, "--to")
    a, b = check_pair(atlas, *pair)
    atlas.require("gpu_clusters", "chip_stocks", "top500_systems", "paper_figures")
    notes: list[str] = []
    sources: set[str] = {"paper_an_zhou_2026"}

    # intelligent: the measure module's national estimate (clusters + chip stocks, Monte Carlo)
    intel = est.from_atlas(atlas, "intelligent", base, draws=400)
    sources.update(intel.source_ids)
    values = {str(r["country"]): float(r["value_median"]) for r in intel.rows if r.get("value_median")}
    world = sum(values.values())
    ranked = sorted(values, key=lambda c: -values[c])
    tracked = [c for c in ranked if values[c] / world >= TRACK_SHARE][:MAX_TRACKED]
    for c in ("USA", "CHN", a, b):
        if c not in tracked:
            tracked.append(c)
    countries = [*tracked, ROW]
    s0 = np.array([values.get(c, 0.0) for c in tracked] + [sum(v for c, v in values.items() if c not in tracked)])
    chips = atlas.table("chip_stocks")
    add0 = world_additions(chips, base)
    if add0 is None:
        raise InputError.keyed(
            "scenario.error.no_base_data",
            "scenario.error.no_base_data_hint",
            what=f"Epoch chip-sales estimate ({base - 1}–{base})",
            year=str(base),
            first="2022",
        )
    add0 *= world / max(sum(tracked_sales(chips, base).values()), 1.0)  # on the national estimate's scale
    # super: TOP500 Rmax shares of the base year's November list (or the latest before it)
    top = est.load_top500(atlas)
    lists = sorted(str(x) for x in top["list_id"].unique() if str(x).endswith("-11") and int(str(x)[:4]) <= base)
    if not lists:
        raise InputError.keyed(
            "scenario.error.no_base_data",
            "scenario.error.no_base_data_hint",
            what="TOP500 November list",
            year=str(base),
            first="1993",
        )
    sup = est.super_compute(top, int(lists[-1][:4]), list_id=lists[-1])
    sources.update(sup.source_ids)
    svals = {str(r["country"]): float(r["value_median"]) for r in sup.rows}
    sworld = sum(svals.values())
    super0 = np.array([svals.get(c, 0.0) for c in tracked] + [sum(v for c, v in svals.items() if c not in tracked)])
    if int(lists[-1][:4]) < base:
        notes.append(t("scenario.note.super_list", list=lists[-1], year=base))
    pf = atlas.table("paper_figures")
    basic0, basic_year = _basic_shares(pf, base)
    weights = kind_weights(pf, base)
    # control states: enacted per year (year end, capped at today) and the posture from its start
    reg = current_regime()
    today = date.today()
    years = list(range(base, to_year + 1))
    others: dict[str, float] = {c: v for c, v in values.items() if c not in tracked}
    members: list[list[tuple[str, float]]] = [[(c, 1.0)] for c in tracked]
    known = set(reg.countries)
    row_members = [(c, v) for c, v in others.items() if c in known] or [("GBR", 1.0)]
    members.append(row_members)
    states: list[ControlState] = []
    by_date: dict[date, int] = {}
    enacted: list[int] = []

    def state(label: str, on: date, regime: Regime, enacted_rules: Regime | None = None) -> ControlState:
        coop, ids = _coop(atlas, (a, b), on, regime, enacted_rules) if cooperation else (None, [])
        sources.update(ids)
        return ControlState(
            label=label,
            on=on.isoformat(),
            access=_access(regime, countries, members, on),
            servers_controlled_cn=_servers_controlled(regime, on),
            coop=coop,
        )

    for y in years:
        on = min(date(y, 12, 31), today)
        if on not in by_date:
            by_date[on] = len(states)
            states.append(state("enacted", on, reg))
        enacted.append(by_date[on])
    posture_idx = None
    if scenario.control.changes and scenario.control.start is not None:
        from computestrata.cooperation.controls_view import date_range

        # the rules can be asked about dates up to `bound`; after its start the posture's state is
        # constant in this model, so it is built and read on the start date or on `bound`,
        # whichever is earlier, and its timing enters through `posture_start`
        bound = date_range(reg)[1]
        applied = min(scenario.control.start, bound)
        preg = transformed_regime(reg, scenario, applied)
        on = max(applied, today)
        if applied != scenario.control.start:
            notes.append(
                t("scenario.note.posture_read", start=scenario.control.start.isoformat(), on=applied.isoformat())
            )
        posture_idx = len(states)
        states.append(state(scenario.control.posture or "transformed", on, preg, reg))
    central = scenario.central()
    ranges = {k: (p.low, p.high) for k, p in scenario.parameters.items()}
    notes.append(t("scenario.note.intelligent_base", year=base, share=f"{TRACK_SHARE:.0%}"))
    notes.append(t("scenario.note.basic_base", year=basic_year))
    prep = Prepared(
        scenario=scenario.name,
        base_year=base,
        years=years,
        countries=countries,
        pair=(a, b),
        central=central,
        ranges=ranges,
        intelligent0=s0,
        additions0=float(add0),
        super0=super0 / max(sworld, 1e-12),
        super_world0=sworld,
        basic0=basic0,
        kind_weights=weights,
        enacted=enacted,
        posture=posture_idx,
        posture_from=_fractional_year(scenario.control.start) if scenario.control.start else None,
        states=states,
        data_years={"intelligent": base, "super": int(lists[-1][:4]), "basic": basic_year},
        source_ids=sorted(sources),
        notes=notes,
    )
    output_names(prep)
    return prep


# ---------------------------------------------------------------- evaluation (pure numpy)


def _fractional_year(day: date) -> float:
    """2027-01-01 → 2027.0, 2027-07-02 → about 2027.5."""
    return day.year + (day.timetuple().tm_yday - 1) / 365.0


def _posture_weight(p: Mapping[str, float], year: int, start: float | None) -> float:
    """Part of ``year`` under the posture: 0 before ``posture_start`` (else the control path's
    start date), 1 from the first full year under it."""
    if start is None:
        return 0.0
    begin = p.get("posture_start", start)
    return min(1.0, max(0.0, year + 1 - begin))


def _run(prep: Prepared, p: Mapping[str, float]) -> dict[str, Any]:
    """The model's trajectories for one parameter set: arrays [year, country] plus per-year scalars."""
    import numpy as np

    many = _run_many(prep, {k: np.array([float(v)]) for k, v in p.items()})
    return {k: ({kk: vv[0] for kk, vv in v.items()} if isinstance(v, dict) else v[0]) for k, v in many.items()}


def _run_many(prep: Prepared, p: Mapping[str, FloatArray]) -> dict[str, Any]:
    """The model on R parameter rows at once: arrays [row, year, country] and [row, year].

    ``p`` maps every parameter to an array of R values (checked by the caller).  The year loop
    is the model's recursion (stocks carry over); everything inside a year is array arithmetic
    on (rows × countries), so a sweep chunk costs one pass instead of one pass per row."""
    import numpy as np

    n_y, n_c = len(prep.years), len(prep.countries)
    n_r = len(next(iter(p.values())))
    cn = prep.countries.index("CHN")
    demand = prep.intelligent0 / prep.intelligent0.sum()
    g = np.minimum(p["ai_demand_growth"], p["world_chip_output_growth"] * p["efficiency_gain"])
    keep = 1 - 1 / p["accelerator_life"]
    y0, y1 = p["cn_yield_base"], p["cn_yield_target"]
    ramp = np.maximum(p["cn_yield_ramp_years"], 1e-9)
    rate, realloc = p["licence_approval_rate"], p["reallocation"]
    stock = np.empty((n_r, n_y, n_c))
    adds = np.zeros((n_r, n_y, n_c))
    frontier = np.empty((n_r, n_y, n_c))
    dom_share = np.zeros((n_r, n_y))
    basic_cn = np.empty((n_r, n_y))
    world_k = {k: np.empty((n_r, n_y)) for k in KINDS}
    coop = {c: np.full((n_r, n_y), np.nan) for c in COOP_CLASSES}
    access_cn = np.empty((n_r, n_y))
    post = prep.states[prep.posture] if prep.posture is not None else None
    stock[:, 0] = prep.intelligent0
    adds[:, 0] = prep.additions0 * demand  # base-year split: shares of the stock (before controls bite)
    frontier[:, 0] = prep.intelligent0
    basic_cn[:, 0] = prep.basic0.get("CHN", math.nan)
    world_k["intelligent"][:, 0] = prep.intelligent0.sum()
    world_k["super"][:, 0] = 1.0
    world_k["basic"][:, 0] = 1.0
    basic_cn_level = np.full(n_r, prep.basic0.get("CHN", 0.0))
    basic_rest_level = 1.0 - basic_cn_level

    def access(st: ControlState) -> FloatArray:
        # [row, country, grade]: open counts fully, licensed at the approval rate, denied not at all
        a: FloatArray = st.access[None, :, :, 0] + st.access[None, :, :, 1] * rate[:, None, None]
        return a

    for i, year in enumerate(prep.years):
        e = prep.states[prep.enacted[i]]
        acc = access(e)
        servers: Any = float(e.servers_controlled_cn)
        if post is not None:
            # part of the year under the posture: 0 before its start, 1 from the first full year
            begin: Any = p.get("posture_start", prep.posture_from)
            w = np.zeros(n_r) if prep.posture_from is None else np.clip(year + 1 - begin, 0.0, 1.0) * np.ones(n_r)
            acc = (1 - w)[:, None, None] * acc + w[:, None, None] * access(post)
            servers = (1 - w) * servers + w * float(post.servers_controlled_cn)
            for c in COOP_CLASSES:
                ev = e.coop[f"{c}_share"] if e.coop else math.nan
                pv = post.coop[f"{c}_share"] if post.coop else math.nan
                coop[c][:, i] = (1 - w) * ev + w * pv
        elif e.coop:
            for c in COOP_CLASSES:
                coop[c][:, i] = e.coop[f"{c}_share"]
        inf = np.clip(p["inference_share_base"] + p["inference_shift"] * (year - prep.base_year), 0.0, 0.95)
        a_c = (1 - inf)[:, None] * acc[:, :, 0] + inf[:, None] * acc[:, :, 1]  # access by country, grade-mixed
        access_cn[:, i] = a_c[:, cn]
        if i == 0:
            continue
        tau = year - prep.base_year
        shipped = prep.additions0 * g**tau
        got = shipped[:, None] * demand * a_c
        blocked = shipped - got.sum(axis=1)
        da = demand * a_c
        da_sum = da.sum(axis=1)
        some = da_sum > 0
        resold = (realloc * blocked)[:, None] * da / np.where(some, da_sum, 1.0)[:, None]
        got = np.where(some[:, None], got + resold, got)
        yld = y0 + (y1 - y0) * np.minimum(1.0, tau / ramp)
        dom = p["cn_accel_output_base"] * p["cn_output_growth"] ** tau * yld / np.maximum(y0, 1e-9)
        got[:, cn] += dom
        dom_share[:, i] = np.where(got[:, cn] > 0, dom / np.where(got[:, cn] > 0, got[:, cn], 1.0), np.nan)
        adds[:, i] = got
        stock[:, i] = stock[:, i - 1] * keep[:, None] + got
        lo = max(0, i - FRONTIER_YEARS + 1)
        frontier[:, i] = adds[:, lo : i + 1].sum(axis=1)
        world_k["intelligent"][:, i] = stock[:, i].sum(axis=1)
        # super: constant country shares, world Rmax grows; basic: China's growth drags when servers are controlled
        world_k["super"][:, i] = world_k["super"][:, i - 1] * p["super_growth"]
        gb = p["basic_growth"]
        basic_cn_level = basic_cn_level * (gb - servers * p["basic_server_drag"] * (gb - 1))
        basic_rest_level = basic_rest_level * gb
        world_k["basic"][:, i] = basic_cn_level + basic_rest_level
        basic_cn[:, i] = basic_cn_level / (basic_cn_level + basic_rest_level)
    return {
        "stock": stock,
        "adds": adds,
        "frontier": frontier,
        "dom_share": dom_share,
        "super": np.broadcast_to(prep.super0, (n_r, n_y, n_c)),
        "basic_cn": basic_cn,
        "world": world_k,
        "coop": coop,
        "access_cn": access_cn,
        "growth": g,
    }


def _shares_by_kind(prep: Prepared, run: dict[str, Any], i: int) -> dict[str, dict[str, float]]:
    """Country shares of each kind in year index ``i`` (of a one-row :func:`_run`); total for the
    countries with basic data."""
    stock = run["stock"][i]
    intel = (stock / stock.sum()).tolist()
    sup = run["super"][i].tolist()
    b_cn = float(run["basic_cn"][i])
    b_rest0 = 1.0 - prep.basic0.get("CHN", 0.0)
    scale = (1.0 - b_cn) / b_rest0 if b_rest0 > 0 else math.nan
    basic = {c: (b_cn if c == "CHN" else v * scale) for c, v in prep.basic0.items()}
    w0 = prep.kind_weights
    wk = {k: w0[k] * float(run["world"][k][i] / run["world"][k][0]) for k in KINDS}
    tot = sum(wk.values())
    wk = {k: v / tot for k, v in wk.items()}
    by_c = dict(zip(prep.countries, intel, strict=True))
    sup_c = dict(zip(prep.countries, sup, strict=True))
    total = {
        c: wk["basic"] * basic[c] + wk["intelligent"] * by_c[c] + wk["super"] * sup_c[c] for c in basic if c in by_c
    }
    return {"intelligent": by_c, "super": sup_c, "basic": basic, "total": total, "weights": wk}


def output_names(prep: Prepared) -> dict[str, list[str]]:
    """The flat output names per metric, one per year (built once per :class:`Prepared`)."""
    if prep.names is None:
        kinds = {
            "super": prep.countries,
            "basic": list(prep.basic0),
            "total": [c for c in prep.basic0 if c in prep.countries],
        }
        tpl = [f"share.{c}.{{}}" for c in prep.countries]
        tpl += [f"share.{c}.{k}.{{}}" for k in ("super", "basic", "total") for c in ("CHN", "USA") if c in kinds[k]]
        tpl += [f"{k}.{{}}" for k in ("hhi", "cr3", "gini", "theil", "hhi.frontier", "hhi.rest")]
        tpl += [f"coop.{c}_share.{{}}" for c in COOP_CLASSES]
        tpl += ["world.intelligent.{}", "cn.domestic_share.{}", "cn.access.{}"]
        prep.names = {t: [t.format(y) for y in prep.years] for t in tpl}
    return prep.names


def rows_of(prepared: Prepared, rows: Mapping[str, Any] | Any) -> dict[str, FloatArray]:
    """Parameter rows as {name: array of R values}: the central values overridden by ``rows``
    (a mapping of names to arrays, or a 2-D array whose columns follow ``prepared.central``'s
    order), every value checked against its declared range (one vectorised check)."""
    import numpy as np

    if isinstance(rows, Mapping):
        given = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in rows.items()}
    else:
        arr = np.asarray(rows, dtype=float)
        names = list(prepared.central)
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise InputError(
                f"parameter rows: expected a 2-D array with {len(names)} columns ({', '.join(names)}),"
                f" got shape {arr.shape}",
                hint="pass one column per parameter, in the scenario's order, or a mapping of names to arrays",
            )
        given = {k: arr[:, j] for j, k in enumerate(names)}
    sizes = {v.size for v in given.values()}
    if len(sizes) > 1:
        raise InputError(
            f"parameter rows have different lengths {sorted(sizes)}",
            hint="give every parameter the same number of rows",
        )
    n = sizes.pop() if sizes else 1
    for k, v in given.items():
        bad = ~((v >= prepared.ranges[k][0]) & (v <= prepared.ranges[k][1])) if k in prepared.ranges else None
        if bad is None or bad.any():
            prepared.params({k: float(v[np.argmax(bad)]) if bad is not None else 0.0})  # raises the same error
    out = {k: np.full(n, v) for k, v in prepared.central.items()}
    out.update({k: v.reshape(n) for k, v in given.items()})
    return out


def evaluate_many(prepared: Prepared, rows: Mapping[str, Any] | Any) -> dict[str, FloatArray]:
    """Flat named outputs for R parameter rows at once: {output name: array of R values}.

    The same model and the same names as :func:`evaluate` (which is this on one row); the
    concentration metrics come from the shared ``*_rows`` functions with one input check."""
    import numpy as np

    from computestrata.maths import concentration as cm

    p = rows_of(prepared, rows)
    run = _run_many(prepared, p)
    names = output_names(prepared)
    n_r, n_y = run["stock"].shape[:2]
    out: dict[str, FloatArray] = {}

    def put(tpl: str, values: FloatArray) -> None:  # values [row, year]
        for i, name in enumerate(names[tpl]):
            out[name] = values[:, i]

    stock = run["stock"]
    intel = stock / stock.sum(axis=2, keepdims=True)
    for j, c in enumerate(prepared.countries):
        put(f"share.{c}.{{}}", intel[:, :, j])
    b_cn = run["basic_cn"]
    b_rest0 = 1.0 - prepared.basic0.get("CHN", 0.0)
    scale = (1.0 - b_cn) / b_rest0 if b_rest0 > 0 else np.full_like(b_cn, np.nan)
    basic = {c: (b_cn if c == "CHN" else v * scale) for c, v in prepared.basic0.items()}
    w0 = prepared.kind_weights
    wk = {k: w0[k] * (run["world"][k] / run["world"][k][:, :1]) for k in KINDS}
    tot = sum(wk.values())
    wk = {k: v / tot for k, v in wk.items()}
    col = {c: j for j, c in enumerate(prepared.countries)}
    sup = {c: np.full((n_r, n_y), prepared.super0[j]) for c, j in col.items()}
    by_kind = {
        "super": sup,
        "basic": basic,
        "total": {
            c: wk["basic"] * basic[c] + wk["intelligent"] * intel[:, :, col[c]] + wk["super"] * sup[c]
            for c in prepared.basic0
            if c in col
        },
    }
    for kind, shares in by_kind.items():
        for c in ("CHN", "USA"):
            if c in shares:
                put(f"share.{c}.{kind}.{{}}", shares[c])
    # concentration over the tracked countries (ROW left out): stock, frontier tier, the rest
    tracked = [j for j, c in enumerate(prepared.countries) if c != ROW]
    front = run["frontier"][:, :, tracked]
    now = stock[:, :, tracked]
    batch = cm.matrix(np.concatenate([now, front, (now - front).clip(min=0.0)]).reshape(-1, len(tracked)))
    k = n_r * n_y
    hh = cm.hhi_rows(batch).reshape(3, n_r, n_y)
    put("hhi.{}", hh[0])
    put("cr3.{}", cm.cr_k_rows(batch[:k], 3).reshape(n_r, n_y))
    put("gini.{}", cm.gini_rows(batch[:k]).reshape(n_r, n_y))
    put("theil.{}", cm.theil_rows(batch[:k]).reshape(n_r, n_y))
    put("hhi.frontier.{}", hh[1])
    put("hhi.rest.{}", hh[2])  # NaN where nothing is older than the frontier
    for c in COOP_CLASSES:
        put(f"coop.{c}_share.{{}}", run["coop"][c])
    put("world.intelligent.{}", run["world"]["intelligent"])
    dom = run["dom_share"].copy()
    dom[:, 0] = np.nan
    put("cn.domestic_share.{}", dom)
    put("cn.access.{}", run["access_cn"])
    return out


def evaluate(prepared: Prepared, params: Mapping[str, float]) -> dict[str, float]:
    """Flat named outputs for one parameter set (see the module docstring for the names)."""
    prepared.params(params)  # named, ranged errors for one set
    out = evaluate_many(prepared, {k: [v] for k, v in params.items()})
    return {k: (float(v[0]) if v[0] == v[0] else math.nan) for k, v in out.items()}  # one NaN object


def project(prepared: Prepared, params: Mapping[str, float] | None = None) -> Projection:
    """The full per-year result: shares by kind, concentration, cooperation, control state."""
    p = prepared.params(params)
    flat = evaluate(prepared, p)
    run = _run(prepared, p)
    years = []
    for i, year in enumerate(prepared.years):
        sh = _shares_by_kind(prepared, run, i)
        w = _posture_weight(p, year, prepared.posture_from if prepared.posture is not None else None)
        state = prepared.states[prepared.posture] if (prepared.posture is not None and w >= 0.5) else None
        state = state or prepared.states[prepared.enacted[i]]
        years.append(
            {
                "year": year,
                "shares": {k: sh[k] for k in ("intelligent", "super", "basic", "total")},
                "kind_weights": sh["weights"],
                "intelligent_h100e": {c: float(v) for c, v in zip(prepared.countries, run["stock"][i], strict=True)},
                "world_intelligent_h100e": flat[f"world.intelligent.{year}"],
                "china_domestic_share_of_additions": None
                if math.isnan(flat[f"cn.domestic_share.{year}"])
                else flat[f"cn.domestic_share.{year}"],
                "china_access": flat[f"cn.access.{year}"],
                "stratification": {
                    "hhi": flat[f"hhi.{year}"],
                    "cr3": flat[f"cr3.{year}"],
                    "gini": flat[f"gini.{year}"],
                    "theil": flat[f"theil.{year}"],
                    "hhi_frontier": flat[f"hhi.frontier.{year}"],
                    "hhi_rest": None if math.isnan(flat[f"hhi.rest.{year}"]) else flat[f"hhi.rest.{year}"],
                },
                "control_state": {"label": state.label, "date": state.on, "posture_weight": w},
                "cooperation": {
                    "pair": list(prepared.pair),
                    **{
                        f"{c}_share": None
                        if math.isnan(flat[f"coop.{c}_share.{year}"])
                        else flat[f"coop.{c}_share.{year}"]
                        for c in COOP_CLASSES
                    },
                },
            }
        )
    return Projection(
        scenario=prepared.scenario,
        pair=prepared.pair,
        params=p,
        years=years,
        source_ids=prepared.source_ids,
        notes=list(prepared.notes),
    )
