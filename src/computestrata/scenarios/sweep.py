"""Uncertainty sweeps of a scenario: which outcomes are likely, and which assumptions drive them.

Every uncertain parameter of a scenario (``low < high``) is drawn uniformly from its declared
range; parameters without a range stay at their central value.  The draws are a Saltelli
design built on scrambled Sobol points (:func:`measure.index.uncertainty._sobol_points`, the
index engine's sampler): ``N`` base points ``A`` and ``B`` (2·d Sobol columns) and, for each
parameter ``i``, ``A`` with column ``i`` taken from ``B`` — ``N·(d+2)`` evaluations in SALib's
row layout, so the index engine's estimators (:func:`sobol_indices`: Saltelli 2010 first-order,
Jansen total) apply unchanged.  The p5 / median / p95 of each output come from the ``2N``
independent points ``A`` and ``B``.

The evaluations run on an :mod:`~computestrata.scenarios.executor` (local processes or a Dask
cluster).  Rows are cut into chunks whose size depends only on the number of rows, and the
results are put back in row order, so the same seed gives the same numbers on any executor
with any number of workers.
"""

from __future__ import annotations

import fnmatch
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import t

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from computestrata.atlas.store import Atlas
    from computestrata.scenarios.executor import DaskExecutor, Executor, LocalExecutor

    Array = NDArray[Any]

#: fewest base samples: a scrambled Sobol sample is balanced in powers of two, and fewer than
#: 8 points give no p5-p95 interval or variance worth the name
MIN_BASE = 8
#: most base samples, and most evaluations N·(d+2) in one sweep (memory and patience)
MAX_BASE = 1 << 16
MAX_EVALUATIONS = 2_000_000
QUANTILES = (0.05, 0.5, 0.95)
#: below this many base samples the Sobol estimates are rough (an ST above 1 is possible)
ROUGH_BELOW = 512
#: an output whose spread is below this (relative) is constant: its indices are undefined
FLAT_TOLERANCE = 1e-9

Evaluate = Callable[[Any, Mapping[str, float]], Mapping[str, float]]
EvaluateMany = Callable[[Any, Mapping[str, "Array"]], Mapping[str, "Array"]]


@dataclass(frozen=True)
class Range:
    """One parameter as the sweep sees it: its central value and the range it is drawn from."""

    name: str
    central: float
    low: float
    high: float
    source: str = ""

    @property
    def uncertain(self) -> bool:
        return self.high > self.low


@dataclass(frozen=True)
class Job:
    """What every worker receives once: the model, its prepared inputs and the row layout."""

    evaluate: Evaluate
    prepared: Any
    names: tuple[str, ...]  # columns of a row: the sampled parameters
    fixed: Mapping[str, float]  # every parameter's central value (sampled ones are overwritten)
    outputs: tuple[str, ...]
    evaluate_many: EvaluateMany | None = None


def evaluate_chunk(job: Job, rows: Array) -> Array:
    """Outputs (rows × outputs) for a block of parameter rows — what a worker runs.

    Uses the model's vectorised ``evaluate_many`` when it has one, else ``evaluate`` row by
    row.  An output the model does not return for some row stays missing (NaN)."""
    import numpy as np

    out = np.full((rows.shape[0], len(job.outputs)), np.nan)
    if job.evaluate_many is not None:
        params: dict[str, Any] = {k: np.full(rows.shape[0], v, dtype=float) for k, v in job.fixed.items()}
        for j, name in enumerate(job.names):
            params[name] = rows[:, j]
        res = job.evaluate_many(job.prepared, params)
        for k, name in enumerate(job.outputs):
            if name in res:
                out[:, k] = res[name]
        return out
    base = dict(job.fixed)
    position = {name: k for k, name in enumerate(job.outputs)}
    for r, row in enumerate(rows.tolist()):
        params_r = base.copy()
        params_r.update(zip(job.names, row, strict=True))
        for name, value in job.evaluate(job.prepared, params_r).items():
            col = position.get(name)
            if col is not None and value is not None:
                out[r, col] = value
    return out


# --------------------------------------------------------------------------------------
# design


def check_n(n: object) -> tuple[int, str | None]:
    """Base samples to run: ``n`` rounded up to a power of two (at least 8), and a note if rounded."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError.keyed("sweep.error.n_not_int", "sweep.error.n_hint", n=repr(n), top=f"{MAX_BASE:,}")
    if n < 1:
        raise InputError.keyed("sweep.error.n_small", "sweep.error.n_hint", n=n, top=f"{MAX_BASE:,}")
    if n > MAX_BASE:
        raise InputError.keyed("sweep.error.n_large", "sweep.error.n_hint", n=f"{n:,}", top=f"{MAX_BASE:,}")
    base = max(MIN_BASE, 1 << (n - 1).bit_length())
    return base, (t("sweep.note.n_rounded", given=n, n=base) if base != n else None)


def check_seed(seed: object) -> int:
    """A seed for the Sobol scrambling: a whole number ≥ 0."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError.keyed("sweep.error.bad_seed", "sweep.error.bad_seed_hint", seed=repr(seed))
    return seed


def saltelli_rows(n_base: int, d: int, seed: int) -> Array:
    """Points in [0, 1)^d in SALib's Saltelli layout: per base sample, ``A``, ``AB_1``…``AB_d``, ``B``.

    ``A`` and ``B`` are the first and last ``d`` columns of a 2·d-dimensional scrambled Sobol
    sample (the index engine's sampler), as SALib builds them."""
    import numpy as np

    from computestrata.measure.index.uncertainty import _sobol_points

    base = _sobol_points(n_base, 2 * d, seed)
    a, b = base[:, :d], base[:, d:]
    step = d + 2
    u = np.empty((n_base * step, d))
    u[0::step] = a
    u[step - 1 :: step] = b
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        u[i + 1 :: step] = ab
    return u


def chunk_rows(total: int) -> int:
    """Rows per chunk: ~64 chunks (a smooth progress bar, balanced workers), 16 to 2,048 rows each.

    Depends on the number of rows only — never on the executor or its workers — so that a
    vectorised model sees the same blocks everywhere."""
    return max(16, min(2048, math.ceil(total / 64)))


# --------------------------------------------------------------------------------------
# results


@dataclass
class OutputStats:
    """One output across the sweep: its central-run value, spread and the drivers of that spread."""

    name: str
    central: float
    p5: float
    median: float
    p95: float
    missing: int  # evaluations where the model returned no value
    s1: dict[str, float]  # first-order Sobol index per sampled parameter (NaN: undefined)
    st: dict[str, float]  # total-order index

    def driver(self) -> tuple[str | None, float]:
        """The parameter with the largest total index (None if no index is defined)."""
        best = [(v, k) for k, v in self.st.items() if not math.isnan(v)]
        if not best:
            return None, math.nan
        v, k = max(best)
        return k, v


@dataclass
class SweepCore:
    """The numbers of a sweep, without the scenario around them (see :class:`SweepResult`)."""

    parameters: list[Range]  # every parameter, sampled or fixed
    sampled: list[str]
    n_base: int
    evaluations: int
    seed: int
    outputs: list[OutputStats]
    executor: str
    n_workers: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    values: Array | None = None  # (evaluations × outputs), kept only when asked

    @property
    def evaluations_per_minute(self) -> float:
        """Throughput of the sweep (NaN when it took no measurable time)."""
        return self.evaluations / self.seconds * 60 if self.seconds > 0 else math.nan

    def output(self, name: str) -> OutputStats:
        for o in self.outputs:
            if o.name == name:
                return o
        from computestrata.errors import unknown

        raise unknown("output", name, [o.name for o in self.outputs])


def _summarise(
    y: Array, outputs: Sequence[str], central: Mapping[str, float], sampled: list[str]
) -> tuple[list[OutputStats], list[str]]:
    """Percentiles over A and B, Sobol indices by the index engine's estimators, and notes on
    outputs that do not vary or are missing in some evaluations."""
    import numpy as np

    from computestrata.measure.index.uncertainty import sobol_indices

    d = len(sampled)
    step = d + 2
    ab = np.concatenate([y[0::step], y[step - 1 :: step]])  # the 2N independent points
    missing = np.isnan(y).sum(axis=0)
    with warnings.catch_warnings():  # an output missing everywhere has missing quantiles: said in a note
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(ab, QUANTILES, axis=0) if ab.size else np.full((3, y.shape[1]), np.nan)
        lo, hi = np.nanmin(y, axis=0), np.nanmax(y, axis=0)
    if d:
        s1, st = sobol_indices(y, d)
    else:
        s1 = st = np.empty((0, y.shape[1]))
    constant: list[str] = []
    stats = []
    for k, name in enumerate(outputs):
        # rounding noise (1e-16 on a share) is not variance worth decomposing
        flat = bool(np.isfinite(hi[k])) and not hi[k] - lo[k] > FLAT_TOLERANCE * max(1.0, abs(hi[k]), abs(lo[k]))
        if flat and d:
            constant.append(name)
        ok = d > 0 and not flat and missing[k] == 0

        def idx(a: Array, k: int = k, ok: bool = ok) -> dict[str, float]:
            return {p: float(a[i, k]) if ok and np.isfinite(a[i, k]) else math.nan for i, p in enumerate(sampled)}

        stats.append(
            OutputStats(
                name=name,
                central=float(central.get(name, math.nan)),
                p5=float(q[0, k]),
                median=float(q[1, k]),
                p95=float(q[2, k]),
                missing=int(missing[k]),
                s1=idx(s1),
                st=idx(st),
            )
        )
    notes = []
    if constant:
        shown = ", ".join(constant[:5]) + (" …" if len(constant) > 5 else "")
        notes.append(t("sweep.note.constant", n=len(constant), outputs=shown))
    gaps = [o.name for o in stats if o.missing]
    if gaps:
        notes.append(t("sweep.note.missing", n=len(gaps), outputs=", ".join(gaps[:5])))
    return stats, notes


# --------------------------------------------------------------------------------------
# running


@contextmanager
def progress_bar(total: int, enabled: bool, label: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (only when ``enabled`` and stderr is a terminal);
    yields ``advance(rows)``."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _rows: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda rows: bar.advance(task, rows)


def evaluate_rows(job: Job, rows: Array, executor: Executor, progress: bool = False) -> Array:
    """Outputs (rows × ``job.outputs``) of every parameter row, computed on ``executor``.

    The job is shipped once; rows go in chunks (:func:`chunk_rows`) and come back in row
    order.  This is the whole parallel part of a sweep — analysts can call it with their own
    rows (a grid, a scenario family) and the benchmark times it."""
    import numpy as np

    size = chunk_rows(len(rows))
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    with executor as ex:
        handle = ex.share(job)
        label = t("sweep.progress", n=f"{len(rows):,}", executor=ex.name)
        with progress_bar(len(rows), progress, label) as advance:
            parts = ex.map(evaluate_chunk, chunks, handle, on_done=lambda i: advance(len(chunks[i])))
    return np.concatenate(parts) if parts else np.empty((0, len(job.outputs)))


def run_sweep(
    evaluate: Evaluate,
    prepared: Any,
    parameters: Sequence[Range],
    *,
    n: int,
    seed: int = 0,
    executor: Executor | None = None,
    evaluate_many: EvaluateMany | None = None,
    outputs: Sequence[str] | None = None,
    progress: bool = False,
    keep_values: bool = False,
) -> SweepCore:
    """Sweep any model ``evaluate(prepared, params) -> {output: value}`` over ``parameters``.

    ``n`` base samples (rounded up to a power of two) give ``n·(d+2)`` evaluations for ``d``
    uncertain parameters.  ``outputs`` keeps only outputs matching these glob patterns
    (default: all).  Without an ``executor`` a :class:`LocalExecutor` is used."""
    import numpy as np

    from computestrata.scenarios.executor import LocalExecutor

    t0 = time.perf_counter()
    n_base, rounded = check_n(n)
    check_seed(seed)
    params = list(parameters)
    for p in params:
        if not (math.isfinite(p.low) and math.isfinite(p.high) and p.low <= p.central <= p.high):
            raise InputError.keyed(
                "sweep.error.bad_range",
                "sweep.error.bad_range_hint",
                name=p.name,
                low=p.low,
                central=p.central,
                high=p.high,
            )
    sampled = [p.name for p in params if p.uncertain]
    d = len(sampled)
    evaluations = n_base * (d + 2)
    if evaluations > MAX_EVALUATIONS:
        raise InputError.keyed(
            "sweep.error.too_many",
            "sweep.error.n_hint",
            n=n_base,
            d=d,
            evaluations=f"{evaluations:,}",
            limit=f"{MAX_EVALUATIONS:,}",
            top=f"{max(MIN_BASE, MAX_EVALUATIONS // (d + 2)):,}",
        )
    fixed = {p.name: float(p.central) for p in params}
    central = dict(evaluate(prepared, fixed))  # the central run: also names the outputs
    names = [k for k in central if not outputs or any(fnmatch.fnmatchcase(k, pat) for pat in outputs)]
    if not names:
        raise InputError.keyed(
            "sweep.error.no_output",
            "sweep.error.no_output_hint",
            patterns=", ".join(outputs or ()),
            examples=", ".join(list(central)[:5]),
        )
    u = saltelli_rows(n_base, d, seed)
    lows = np.array([p.low for p in params if p.uncertain])
    highs = np.array([p.high for p in params if p.uncertain])
    rows = np.clip(lows + u * (highs - lows), lows, highs)  # never a rounding step outside the range
    job = Job(
        evaluate=evaluate,
        prepared=prepared,
        names=tuple(sampled),
        fixed=fixed,
        outputs=tuple(names),
        evaluate_many=evaluate_many,
    )
    ex = executor if executor is not None else LocalExecutor()
    y = evaluate_rows(job, rows, ex, progress=progress)
    name, n_workers = ex.name, ex.n_workers
    stats, notes = _summarise(y, names, central, sampled)
    if rounded:
        notes.insert(0, rounded)
    if d == 0:
        notes.append(t("sweep.note.no_uncertain"))
    elif n_base < ROUGH_BELOW:
        notes.append(t("sweep.note.rough", n=n_base, good=ROUGH_BELOW))
    return SweepCore(
        parameters=params,
        sampled=sampled,
        n_base=n_base,
        evaluations=len(rows),
        seed=seed,
        outputs=stats,
        executor=name,
        n_workers=n_workers,
        seconds=time.perf_counter() - t0,
        notes=notes,
        values=y if keep_values else None,
    )


# --------------------------------------------------------------------------------------
# scenarios


@dataclass
class SweepResult:
    """A scenario's sweep: the numbers, the scenario around them and where its parameters come from."""

    scenario: str
    pair: tuple[str, str]
    to_year: int
    core: SweepCore
    source_ids: list[str]
    extra_sources: list[dict[str, Any]]
    notes: list[str]

    def rows(self) -> list[dict[str, Any]]:
        """One row per output: central run, p5 / median / p95 and the parameter driving the spread."""
        out = []
        for o in self.core.outputs:
            driver, st = o.driver()
            out.append(
                {
                    "output": o.name,
                    "central": o.central,
                    "p5": o.p5,
                    "median": o.median,
                    "p95": o.p95,
                    "top_driver": driver,
                    "top_driver_st": st,
                }
            )
        return out

    def horizon_rows(self) -> tuple[list[dict[str, Any]], str | None]:
        """The rows of the last projected year only, and a note saying how many were left out
        (for a table; every year stays in :meth:`rows` and :meth:`to_dict`).  All rows, and no
        note, when the outputs are not per year or are all of that year."""
        rows = self.rows()
        final = [r for r in rows if str(r["output"]).endswith(f".{self.to_year}")]
        if not final or len(final) == len(rows):
            return rows, None
        return final, t("sweep.note.table_outputs", shown=len(final), year=self.to_year, total=len(rows))

    def executor_note(self) -> str:
        """Where the sweep ran and how fast: executor, workers, seconds, evaluations per minute."""
        from computestrata.i18n import fmt_number

        c = self.core
        return t(
            "sweep.note.executor",
            executor=c.executor,
            workers=c.n_workers,
            seconds=fmt_number(c.seconds, 1),
            rate=fmt_number(c.evaluations_per_minute, 0),
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.core
        return {
            "scenario": self.scenario,
            "pair": list(self.pair),
            "to_year": self.to_year,
            "seed": c.seed,
            "n_base": c.n_base,
            "evaluations": c.evaluations,
            "executor": c.executor,
            "workers": c.n_workers,
            "seconds": round(c.seconds, 3),
            "design": "saltelli-sobol",
            "parameters": [
                {
                    "name": p.name,
                    "central": p.central,
                    "low": p.low,
                    "high": p.high,
                    "sampled": p.uncertain,
                    "source": p.source,
                }
                for p in c.parameters
            ],
            "outputs": [
                {
                    "name": o.name,
                    "central": o.central,
                    "p5": o.p5,
                    "median": o.median,
                    "p95": o.p95,
                    "missing": o.missing,
                    "indices": {p: {"S1": o.s1[p], "ST": o.st[p]} for p in c.sampled},
                }
                for o in c.outputs
            ],
        }


def _model() -> tuple[Evaluate, EvaluateMany | None]:
    """The scenario model's ``evaluate`` (and its vectorised ``evaluate_many`` if it has one)."""
    from computestrata.scenarios import model

    return model.evaluate, getattr(model, "evaluate_many", None)


def _parameter_sources(
    atlas: Atlas, scenario: str, params: Sequence[Range], shipped: bool
) -> tuple[list[str], list[dict[str, Any]]]:
    """Atlas source ids the parameters cite, and a citation record for each source text that is
    more than an id (a publication, or the author's judgement with its reasoning), naming the
    parameters it backs.  ``shipped``: the scenario file is one of computestrata's own."""
    from computestrata.scenarios.citations import cited_ids

    ids = cited_ids(atlas, (p.source for p in params))
    texts: dict[str, list[str]] = {}
    for p in params:
        src = (p.source or "").strip()
        if src and src not in ids:  # a bare id is cited as the atlas source, nothing more
            texts.setdefault(src, []).append(p.name)
    where = f"scenarios/library/{scenario}.yaml" if shipped else f"scenario file ({scenario})"
    records = [
        {
            "source_id": f"scenario:{scenario}:{i}",
            "publisher": "computestrata scenario assumptions",
            "title": f"{where}: {', '.join(names)}",
            "citation": f"{where}, {', '.join(names)}: {text}",
            "license": "Apache-2.0" if shipped else "LicenseRef-user-scenario",
        }
        for i, (text, names) in enumerate(texts.items(), start=1)
    ]
    return ids, records


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
    """Sweep a named scenario (or a scenario file) over its uncertain parameters.

    ``executor`` is ``"local"`` (processes on this machine), ``"dask"`` (with ``scheduler``,
    e.g. ``tcp://10.0.0.5:8786``) or an :class:`~computestrata.scenarios.executor.Executor`.
    Arguments are checked before the atlas is read or a worker starts."""
    from computestrata.scenarios import model, spec
    from computestrata.scenarios.executor import DEFAULT_TIMEOUT, make_executor

    check_n(n)
    check_seed(seed)
    if timeout is not None and not (isinstance(timeout, int | float) and 0 < timeout <= 3600):
        raise InputError.keyed("sweep.error.bad_timeout", "sweep.error.bad_timeout_hint", timeout=repr(timeout))
    ex: Executor | LocalExecutor | DaskExecutor = (
        make_executor(executor, scheduler, workers, timeout or DEFAULT_TIMEOUT)
        if isinstance(executor, str)
        else executor
    )
    scenario = spec.load_scenario(name_or_path)
    params = [
        Range(name=k, central=float(p.central), low=float(p.low), high=float(p.high), source=str(p.source or ""))
        for k, p in scenario.parameters.items()
    ]
    with ex:  # a Dask client connects here: an unreachable scheduler fails before the atlas work
        prepared = model.prepare(atlas, scenario, pair=pair, to_year=to_year)
        evaluate, evaluate_many = _model()
        core = run_sweep(
            evaluate,
            prepared,
            params,
            n=n,
            seed=seed,
            executor=ex,
            evaluate_many=evaluate_many,
            outputs=outputs,
            progress=progress,
        )
    shipped = name_or_path in spec.list_scenarios()
    ids, extra = _parameter_sources(atlas, str(getattr(scenario, "name", name_or_path)), params, shipped)
    ids += [s for s in getattr(prepared, "source_ids", []) or [] if s not in ids]
    notes = [
        t("sweep.note.design", n=core.n_base, d=len(core.sampled), evaluations=f"{core.evaluations:,}", seed=seed),
        t("sweep.note.uniform"),
        *core.notes,
        *(getattr(prepared, "notes", []) or []),
    ]
    return SweepResult(
        scenario=str(getattr(scenario, "name", name_or_path)),
        pair=(str(pair[0]), str(pair[1])),
        to_year=to_year,
        core=core,
        source_ids=ids,
        extra_sources=extra,
        notes=notes,
    )
