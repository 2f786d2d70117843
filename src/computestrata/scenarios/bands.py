"""Scenario trajectories with their uncertainty bands: per year, the central path and the
p5 / median / p95 of a few outputs, taken from the parameter sweep of ``strata scenario sweep``
(:func:`computestrata.scenarios.api.sweep`, the function the command calls: same design, seed, numbers).

The report and the dashboard draw these bands, so they must be reproducible and quick: a fixed
seed (:data:`BAND_SEED`, the sweep command's default) and a fixed sample (:data:`BAND_N` base
samples, so ``2·BAND_N`` independent draws behind each percentile) run in-process
(:class:`~computestrata.scenarios.executor.InlineExecutor`) — the vectorised model evaluates
the ~10,000 rows of one scenario in a fraction of a second, less than a process pool takes to
start.  ``strata scenario sweep NAME --n 256 --seed 0`` prints the same numbers.

A band is parameter uncertainty only: every parameter with a declared range in the scenario
file is drawn uniformly from it; the base-year data and the model's structure are held fixed.

>>> from computestrata.atlas import store
>>> from computestrata.scenarios import bands
>>> b = bands.scenario_bands(store.open(), "no_yard")            # doctest: +SKIP
>>> b.band("share.CHN").p95[-1]                                  # doctest: +SKIP
0.26...
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

__all__ = ["BAND_N", "BAND_SEED", "METRICS", "Band", "ScenarioBands", "library_bands", "scenario_bands"]

#: base samples of the report's sweep: 2 × 256 = 512 independent draws behind each percentile
#: (about 25 beyond each of p5 and p95), 4,864 model runs for a 17-parameter scenario — a
#: fraction of a second; the preparation (atlas reads, control states) costs more than the runs
BAND_N = 256
#: the seed of the report's sweep: the sweep command's default, so its output matches
BAND_SEED = 0
#: outputs given as bands by default: China's share of intelligent compute, the pair's open
#: cooperation share, and concentration (HHI) — one sweep output per year each
METRICS = ("share.CHN", "coop.open_share", "hhi")

_YEAR = re.compile(r"\.(\d{4})$")


@dataclass(frozen=True)
class Band:
    """One output year by year: the central-values path and the sweep's p5 / median / p95.

    A value is ``None`` where the model returns none (never a silent zero)."""

    metric: str
    years: list[int]
    central: list[float | None]
    p5: list[float | None]
    median: list[float | None]
    p95: list[float | None]
    drivers: list[str | None]  # the parameter with the largest total Sobol index, per year

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "years": self.years,
            "central": self.central,
            "p5": self.p5,
            "median": self.median,
            "p95": self.p95,
            "drivers": self.drivers,
        }


@dataclass
class ScenarioBands:
    """One scenario's bands and what they rest on: the sample, the seed, the parameters drawn."""

    scenario: str
    title: str  # the scenario file's own title (shipped ones are translated by the caller)
    pair: tuple[str, str]
    seed: int
    n_base: int
    draws: int  # independent parameter draws behind each percentile (2 · n_base)
    evaluations: int  # model runs of the whole Saltelli design (n_base · (parameters + 2))
    sampled: list[str]  # parameters drawn from their declared ranges
    groups: dict[str, list[str]]  # YAML group (supply, demand, …) → parameters drawn from it
    bands: dict[str, Band]
    source_ids: list[str] = field(default_factory=list)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def band(self, metric: str) -> Band:
        if metric not in self.bands:
            from computestrata.errors import unknown

            raise unknown("band", metric, list(self.bands))
        return self.bands[metric]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "title": self.title,
            "pair": list(self.pair),
            "seed": self.seed,
            "n_base": self.n_base,
            "draws": self.draws,
            "evaluations": self.evaluations,
            "sampled": self.sampled,
            "groups": self.groups,
            "bands": {k: b.to_dict() for k, b in self.bands.items()},
        }


def _value(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def scenario_bands(
    atlas: Atlas,
    name: str,
    *,
    pair: tuple[str, str] = ("KOR", "CHN"),
    n: int = BAND_N,
    seed: int = BAND_SEED,
    to_year: int | None = None,
    metrics: Sequence[str] = METRICS,
) -> ScenarioBands:
    """The bands of ``metrics`` (output names without the year, e.g. ``share.CHN``) for one
    scenario, from :func:`computestrata.scenarios.api.sweep` (what ``strata scenario sweep``
    calls) run in-process.

    ``to_year`` defaults to the scenario's horizon.  A metric the model does not produce is an
    InputError listing the ones it does."""
    from computestrata.errors import InputError, unknown
    from computestrata.scenarios import api, spec
    from computestrata.scenarios.executor import InlineExecutor

    if not metrics:
        raise InputError("no band asked for", hint=f"give one or more of {', '.join(METRICS)}")
    s = spec.load_scenario(name)
    last = to_year or s.horizon
    # exactly "<metric>.<year>": "share.CHN.*" would also take share.CHN.super.2030
    patterns = [f"{m}.[12][0-9][0-9][0-9]" for m in metrics]
    res = api.sweep(atlas, name, n=n, seed=seed, pair=pair, to_year=last, outputs=patterns, executor=InlineExecutor())
    core = res.core
    by_metric: dict[str, list[Any]] = {m: [] for m in metrics}
    for o in core.outputs:
        hit = _YEAR.search(o.name)
        stem = o.name[: hit.start()] if hit else o.name
        if hit and stem in by_metric:
            by_metric[stem].append((int(hit.group(1)), o))
    absent = [m for m, got in by_metric.items() if not got]
    if absent:
        raise unknown("scenario output", absent[0], ["share.<ISO3>", "coop.open_share", "hhi", "gini", "cr3"])
    bands: dict[str, Band] = {}
    for m, got in by_metric.items():
        got.sort(key=lambda p: p[0])
        bands[m] = Band(
            metric=m,
            years=[y for y, _ in got],
            central=[_value(o.central) for _, o in got],
            p5=[_value(o.p5) for _, o in got],
            median=[_value(o.median) for _, o in got],
            p95=[_value(o.p95) for _, o in got],
            drivers=[o.driver()[0] for _, o in got],
        )
    notes = [x for x in res.notes[2:] if x not in core.notes]  # the model's; the design is in the caption
    if core.n_base != n:  # rounded up to a power of two: say so
        from computestrata.i18n import t

        notes.insert(0, t("sweep.note.n_rounded", given=n, n=core.n_base))
    groups: dict[str, list[str]] = {}
    for k in core.sampled:
        groups.setdefault(s.parameters[k].group or "other", []).append(k)
    return ScenarioBands(
        scenario=res.scenario,
        title=s.title,
        pair=res.pair,
        seed=core.seed,
        n_base=core.n_base,
        draws=2 * core.n_base,
        evaluations=core.evaluations,
        sampled=list(core.sampled),
        groups=groups,
        bands=bands,
        source_ids=list(res.source_ids),
        extra_sources=list(res.extra_sources),
        notes=notes,
    )


def library_bands(
    atlas: Atlas,
    names: Sequence[str] | None = None,
    *,
    pair: tuple[str, str] = ("KOR", "CHN"),
    n: int = BAND_N,
    seed: int = BAND_SEED,
    metrics: Sequence[str] = METRICS,
) -> list[ScenarioBands]:
    """:func:`scenario_bands` for each of ``names`` (default: every shipped scenario), in order."""
    from computestrata.scenarios.spec import list_scenarios

    chosen = list(names) if names is not None else list_scenarios()
    return [scenario_bands(atlas, nm, pair=pair, n=n, seed=seed, metrics=metrics) for nm in chosen]
