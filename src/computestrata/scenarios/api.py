"""Python API of the scenarios: the same functions the CLI calls, for analysts' own scenario families.

>>> from computestrata.atlas import store
>>> from computestrata.scenarios import api
>>> runs = api.run(store.open(), ["baseline", "no_yard"], pair=("KOR", "CHN"), to_year=2030)  # doctest: +SKIP
>>> runs.scenarios[1].years[-1]["cooperation"]["open_share"]                                   # doctest: +SKIP

A scenario family is a loop over :func:`computestrata.scenarios.model.evaluate` with other
parameter values (``docs/scenarios_example.py``); a new control path is a YAML file with
``extends: baseline`` and a ``control`` section (``docs/scenarios.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.scenarios.sweep import SweepResult

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.scenarios.executor import Executor
    from computestrata.scenarios.model import Prepared, Projection
    from computestrata.scenarios.spec import Scenario

__all__ = [
    "HINDCAST_CUTOFFS",
    "Hindcast",
    "Runs",
    "ScenarioInfo",
    "ScenarioSheet",
    "SweepResult",
    "hindcast",
    "list_scenarios",
    "load",
    "names",
    "parse_settings",
    "prepare",
    "run",
    "scenarios",
    "show",
    "sweep",
    "title",
]

HINDCAST_CUTOFFS = (2022, 2023, 2024)
LAST_OBSERVED = 2025  # the last year-end the atlas' Epoch data cover


def names() -> list[str]:
    """The shipped scenarios, baseline first: the files of the library folder are the registry,
    so a new scenario is a new YAML file there and nothing else."""
    from computestrata.scenarios.spec import list_scenarios as library

    return library()


def title(name: str, own: str | None = None, lang: str | None = None) -> str:
    """A scenario's title for the reader: a shipped scenario's from the catalogue
    (``scenario.title.<name>``, en/ko/zh) when it has one, else the file's own title."""
    from computestrata.i18n import catalog, t

    key = f"scenario.title.{name}"
    if name in names() and key in catalog():
        return t(key, lang=lang)
    return own or name


@dataclass(frozen=True)
class ScenarioInfo:
    """One shipped scenario as a menu shows it (``strata scenario list``, the dashboard)."""

    name: str
    title: str
    control_posture: str | None
    start: str | None  # ISO date the posture or transformation takes effect
    base_year: int
    horizon_year: int
    parameters: int  # how many assumptions it declares

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "control_posture": self.control_posture,
            "start": self.start,
            "base_year": self.base_year,
            "horizon_year": self.horizon_year,
            "parameters": self.parameters,
        }


def scenarios(lang: str | None = None) -> list[ScenarioInfo]:
    """The shipped scenarios with their titles in ``lang`` (default: the current language)."""
    out = []
    for n in names():
        s = load(n)
        out.append(
            ScenarioInfo(
                name=s.name,
                title=title(s.name, s.title, lang),
                control_posture=s.control.posture,
                start=s.control.start.isoformat() if s.control.start else None,
                base_year=s.base_year,
                horizon_year=s.horizon,
                parameters=len(s.parameters),
            )
        )
    return out


def list_scenarios() -> list[dict[str, Any]]:
    """:func:`scenarios` as plain rows (name, title in the current language, posture and start,
    base year, horizon, number of parameters)."""
    return [s.to_dict() for s in scenarios()]


def load(name_or_path: str) -> Scenario:
    """A validated scenario: a shipped name or a YAML file (a clear error otherwise)."""
    from computestrata.scenarios.spec import load_scenario

    return load_scenario(name_or_path)


@dataclass
class ScenarioSheet:
    """A scenario laid out for reading: one row per parameter, the atlas sources the rows cite
    and notes on its control path."""

    scenario: Scenario
    rows: list[dict[str, Any]]
    source_ids: list[str]
    notes: list[str]


def show(atlas: Atlas, scenario: Scenario | str) -> ScenarioSheet:
    """A scenario (or its name or file) and one row per parameter (group, name, central, range,
    unit, source), citing every atlas source its parameter texts name."""
    from computestrata.i18n import t
    from computestrata.scenarios.citations import cited_ids

    s = load(scenario) if isinstance(scenario, str) else scenario
    rows: list[dict[str, Any]] = [
        {
            "group": p.group,
            "parameter": k,
            "central": p.central,
            "low": p.low,
            "high": p.high,
            "unit": p.unit,
            "source": p.source,
        }
        for k, p in s.parameters.items()
    ]
    ctl = s.control
    notes = [
        t(
            "scenario.note.control",
            posture=ctl.posture or t("scenario.word.enacted"),
            start=ctl.start.isoformat() if ctl.start else "—",
            rationale=ctl.rationale or "—",
        ),
        s.description,
    ]
    return ScenarioSheet(s, rows, cited_ids(atlas, (r["source"] for r in rows)), notes)


def prepare(
    atlas: Atlas, name_or_path: str, *, pair: tuple[str, str] = ("KOR", "CHN"), to_year: int | None = None
) -> Prepared:
    """:func:`computestrata.scenarios.model.prepare` for a scenario name or file (horizon checked)."""
    from computestrata.scenarios import model

    s = load(name_or_path)
    return model.prepare(atlas, s, pair=pair, to_year=to_year or s.horizon)


@dataclass
class Runs:
    """Several scenarios projected side by side."""

    scenarios: list[Projection]
    pair: tuple[str, str]
    source_ids: list[str]
    notes: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair),
            "scenarios": [{**p.to_dict(), "title": self.titles.get(p.scenario, "")} for p in self.scenarios],
        }

    def rows(self, every: int = 1) -> list[dict[str, Any]]:
        """One row per scenario and year (every ``every`` years and the last): the headline figures."""
        out = []
        a, _b = self.pair
        for p in self.scenarios:
            last = p.years[-1]["year"]
            for y in p.years:
                if (y["year"] - p.years[0]["year"]) % every and y["year"] != last:
                    continue
                sh = y["shares"]["intelligent"]
                coop = y["cooperation"]
                out.append(
                    {
                        "scenario": p.scenario,
                        "year": y["year"],
                        "control_state": y["control_state"]["label"],
                        "share_usa": sh.get("USA"),
                        "share_chn": sh.get("CHN"),
                        "share_a": sh.get(a),
                        "share_chn_total": y["shares"]["total"].get("CHN"),
                        "china_access": y["china_access"],
                        "china_domestic": y["china_domestic_share_of_additions"],
                        "hhi": y["stratification"]["hhi"],
                        "hhi_frontier": y["stratification"]["hhi_frontier"],
                        "open": coop["open_share"],
                        "limited": coop["limited_share"],
                        "restricted": coop["restricted_share"],
                    }
                )
        return out

    def columns(self, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """The columns of :meth:`rows` worth a table: ``share_a`` repeats ``share_usa`` or
        ``share_chn`` when country A is one of those two, so it is left out then."""
        cols = list(rows[0].keys()) if rows else []
        if self.pair[0] in ("USA", "CHN"):
            cols = [c for c in cols if c != "share_a"]
        return cols


def run(
    atlas: Atlas,
    names: Sequence[str],
    *,
    pair: tuple[str, str] = ("KOR", "CHN"),
    to_year: int | None = None,
    params: Mapping[str, float] | None = None,
) -> Runs:
    """Project each scenario at its central values (or ``params``) and return them side by side."""
    from computestrata.i18n import t
    from computestrata.scenarios import model, spec

    if not names:
        raise InputError.keyed("scenario.error.no_scenario", "scenario.error.no_scenario_hint")
    loaded = [load(n) for n in names]  # every name checked before any work
    projections: list[Projection] = []
    sources: set[str] = set()
    notes: list[str] = []
    a, b = pair
    given = dict(params or {})
    for k in given:
        if not any(k in s.parameters for s in loaded):
            from computestrata.errors import unknown

            raise unknown("scenario parameter", k, sorted({n for s in loaded for n in s.parameters}))
    for s in loaded:
        spec.check_params(s, {k: v for k, v in given.items() if k in s.parameters})  # before any work
    for s in loaded:
        prep = model.prepare(atlas, s, pair=(a, b), to_year=to_year or s.horizon)
        a, b = prep.pair
        proj = model.project(prep, {k: v for k, v in given.items() if k in s.parameters})
        projections.append(proj)
        sources.update(proj.source_ids)
        notes += [n for n in proj.notes if n not in notes]
    notes.append(t("scenario.note.model"))
    notes.append(t("scenario.note.coop_path"))
    return Runs(projections, (a, b), sorted(sources), notes, {s.name: s.title for s in loaded})


def parse_settings(items: Sequence[str]) -> dict[str, float]:
    """``["name=value", …]`` from ``--set`` as floats, or an :class:`InputError` naming the item."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError.keyed(
                "scenario.error.set_syntax", "scenario.error.set_syntax_hint", item=repr(item)
            ) from None
    return out


# ---------------------------------------------------------------- hindcast


@dataclass
class Hindcast:
    cutoff: int
    calibrated: dict[str, Any]
    rows: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    source_ids: list[str]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff, "calibrated": self.calibrated, "summary": self.summary}

    def summary_notes(self) -> list[str]:
        """One sentence per target: the model's mean absolute error beside persistence's."""
        from computestrata.i18n import t

        return [
            t(
                "scenario.hindcast.summary",
                target=t(f"scenario.target.{s['target']}"),
                n=s["n"],
                mae=_num(s["mean_abs_error"]),
                pmae=_num(s["persistence_mean_abs_error"]),
            )
            for s in self.summary
        ]


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.4g}"


def _row(
    target: str, country: str, year: int, observed: float | None, projected: float, persistence: float, source: str
) -> dict[str, Any]:
    def err(x: float) -> float | None:
        return None if observed is None or math.isnan(x) else round(x - observed, 6)

    return {
        "target": target,
        "country": country,
        "year": year,
        "observed": observed,
        "projected": projected,
        "error": err(projected),
        "persistence": persistence,
        "persistence_error": err(persistence),
        "source": source,
    }


def hindcast(atlas: Atlas, cutoff: int = 2023) -> Hindcast:
    """Calibrate on data up to ``cutoff``, project the years after it, compare with what happened.

    Calibrated from data: the base state (the measure module's national estimates at the
    cut-off), the world shipment growth (Epoch sales in the cut-off year over the year before).
    Everything else stays at the baseline's central values.  Compared with: the measure
    module's intelligent-compute estimate (Epoch clusters and chip sales), Epoch's tracked
    sales, the TOP500 November lists and CAICT's Table 1 shares.  Each error is beside the
    error of persistence (no change from the cut-off), the naive forecast a model must beat.
    """
    from computestrata.i18n import t
    from computestrata.measure import estimates as est
    from computestrata.scenarios import model
    from computestrata.scenarios.spec import load_scenario

    if cutoff not in HINDCAST_CUTOFFS:
        raise InputError.keyed(
            "scenario.error.cutoff",
            "scenario.error.cutoff_hint",
            cutoff=str(cutoff),
            years=", ".join(map(str, HINDCAST_CUTOFFS)),
        )
    s = load_scenario("baseline")
    prep = model.prepare(atlas, s, pair=("KOR", "CHN"), to_year=LAST_OBSERVED, base_year=cutoff, cooperation=False)
    chips = atlas.table("chip_stocks")
    p = dict(prep.central)
    notes: list[str] = []
    add_now, add_before = model.world_additions(chips, cutoff), model.world_additions(chips, cutoff - 1)
    calibrated: dict[str, Any] = {"base_year": cutoff}
    if add_now and add_before:
        g = add_now / add_before
        # calibration, not a user input: the fitted growth may lie outside the declared ranges
        p["ai_demand_growth"] = g
        p["world_chip_output_growth"] = g
        p["efficiency_gain"] = 1.0
        calibrated["world_shipment_growth"] = round(g, 4)
        calibrated["growth_from"] = f"Epoch sales {cutoff} / {cutoff - 1}"
    else:
        notes.append(t("scenario.hindcast.no_growth", year=cutoff))
        calibrated["world_shipment_growth"] = None
    run = model._run(prep, p)
    sources = set(prep.source_ids)
    rows: list[dict[str, Any]] = []
    idx = {c: j for j, c in enumerate(prep.countries)}
    base_int = run["stock"][0] / run["stock"][0].sum()
    tracked0 = model.tracked_sales(chips, cutoff)
    for i, year in enumerate(prep.years):
        if i == 0:
            continue
        sh = model._shares_by_kind(prep, run, i)
        # intelligent shares: the measure module's estimate of that year
        try:
            obs = est.from_atlas(atlas, "intelligent", year, draws=400)
        except InputError:
            obs = None
        if obs is not None:
            sources.update(obs.source_ids)
            for c in ("USA", "CHN"):
                o = obs.share(c)
                rows.append(
                    _row(
                        "intelligent_share",
                        c,
                        year,
                        o["median"] if o else None,
                        sh["intelligent"][c],
                        float(base_int[idx[c]]),
                        "epoch_gpu_clusters",
                    )
                )
            world_obs = sum(float(r["value_median"]) for r in obs.rows if r.get("value_median"))
            rows.append(
                _row(
                    "world_stock_ratio",
                    "WLD",
                    year,
                    world_obs / prep.intelligent0.sum(),
                    float(run["stock"][i].sum() / run["stock"][0].sum()),
                    1.0,
                    "epoch_gpu_clusters",
                )
            )
        sold = model.tracked_sales(chips, year)
        common = [v for v in tracked0 if v in sold]
        if common:
            rows.append(
                _row(
                    "epoch_sales_ratio",
                    "WLD",
                    year,
                    sum(sold[v] for v in common) / sum(tracked0[v] for v in common),
                    float(run["stock"][i].sum() / run["stock"][0].sum()),
                    1.0,
                    "epoch_chips_nvidia_cumulative_totals",
                )
            )
        # super: TOP500 November list
        top = est.load_top500(atlas)
        lid = f"{year}-11"
        if lid in set(top["list_id"].astype(str)):
            sup = est.super_compute(top, year, list_id=lid)
            sources.update(sup.source_ids)
            for c in ("USA", "CHN"):
                o = sup.share(c)
                rows.append(
                    _row(
                        "super_share_top500",
                        c,
                        year,
                        o["median"] if o else None,
                        sh["super"][c],
                        float(prep.super0[idx[c]]),
                        f"top500_{year}_11",
                    )
                )
        # CAICT Table 1
        pf = atlas.table("paper_figures")
        t1 = pf[(pf["figure_id"] == "T1") & (pf["year"].astype(str) == str(year))]
        for variable, iso3, value in zip(t1["variable"], t1["entity_iso3"], t1["value"], strict=True):
            kind = str(variable).split("|")[1].lower()
            c = str(iso3)
            if kind not in sh or c not in sh[kind]:
                continue
            base_sh = model._shares_by_kind(prep, run, 0)[kind].get(c, math.nan)
            rows.append(
                _row(f"caict_{kind}_share", c, year, float(value) / 100, sh[kind][c], base_sh, "paper_an_zhou_2026")
            )
    summary = []
    for target in dict.fromkeys(r["target"] for r in rows):
        errs = [abs(r["error"]) for r in rows if r["target"] == target and r["error"] is not None]
        perr = [
            abs(r["persistence_error"]) for r in rows if r["target"] == target and r["persistence_error"] is not None
        ]
        summary.append(
            {
                "target": target,
                "n": len(errs),
                "mean_abs_error": round(sum(errs) / len(errs), 6) if errs else None,
                "persistence_mean_abs_error": round(sum(perr) / len(perr), 6) if perr else None,
                "model_beats_persistence": (sum(errs) < sum(perr)) if errs and perr else None,
            }
        )
    notes.append(t("scenario.hindcast.note", cutoff=cutoff))
    notes += prep.notes
    for r in rows:
        r["label"] = t(f"scenario.target.{r['target']}")
    return Hindcast(cutoff, calibrated, rows, summary, sorted(sources), notes)


# ---------------------------------------------------------------- sweeps


def sweep(
    atlas: Atlas,
    name_or_path: str,
    *,
    n: int,
    executor: str | Executor = "local",
    scheduler: str | None = None,
    seed: int = 0,
    pair: tuple[str, str] = ("KOR", "CHN"),
    to_year: int = 2035,
    outputs: Sequence[str] | None = None,
    workers: int | None = None,
    progress: bool = False,
    timeout: float | None = None,
) -> SweepResult:
    """Sample a scenario's uncertain parameters (Saltelli design on scrambled Sobol points), run
    them on ``executor`` (``"local"``, ``"dask"`` with ``scheduler``, or an
    :class:`~computestrata.scenarios.executor.Executor`) and return p5 / median / p95 and the
    Sobol indices of every output: :func:`computestrata.scenarios.sweep.sweep`."""
    from computestrata.scenarios import sweep as engine

    return engine.sweep(
        atlas,
        name_or_path,
        n=n,
        executor=executor,
        scheduler=scheduler,
        seed=seed,
        pair=pair,
        to_year=to_year,
        outputs=outputs,
        workers=workers,
        progress=progress,
        timeout=timeout,
    )
