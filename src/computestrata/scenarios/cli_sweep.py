"""`strata scenario sweep`: a thin command over :func:`computestrata.scenarios.api.sweep`.

Registered by ``scenarios/cli.py`` as ``app.command("sweep")(sweep)``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from computestrata.cli_common import AtlasOpt, JsonOpt, LangOpt

EXECUTOR_HELP = "Where the evaluations run: local (processes on this machine) or dask (a cluster, with --scheduler)."


def sweep(
    name: Annotated[str, typer.Argument(help="Scenario name (e.g. baseline, no_yard) or a scenario YAML file.")],
    n: Annotated[
        int,
        typer.Option("--n", help="Base samples (rounded up to a power of two); runs n × (uncertain parameters + 2)."),
    ] = 256,
    executor: Annotated[str, typer.Option("--executor", metavar="local|dask", help=EXECUTOR_HELP)] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the scrambled Sobol sample (same seed, same result).")
    ] = 0,
    pair: Annotated[
        tuple[str, str],
        typer.Option("--pair", metavar="A B", help="Country pair for the cooperation outputs."),
    ] = ("KOR", "CHN"),
    to: Annotated[int, typer.Option("--to", help="Last projected year (at most 2035).")] = 2035,
    output: Annotated[
        list[str] | None,
        typer.Option("--output", metavar="PATTERN", help="Keep only outputs matching this glob (repeatable)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Local worker processes (default: the cores available).")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for the Dask scheduler before giving up.")
    ] = 10.0,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Sample a scenario's uncertain parameters, run them in parallel, and show p5 / median / p95 per
    output with the parameter driving its spread (Sobol indices)."""
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.i18n import fmt_number, set_lang, t
    from computestrata.scenarios import api

    set_lang(lang)
    at = open_atlas(atlas)
    res = api.sweep(
        at,
        name,
        n=n,
        executor=executor,
        scheduler=scheduler,
        seed=seed,
        pair=pair,
        to_year=to,
        outputs=output,
        workers=workers,
        progress=not as_json,
        timeout=timeout,
    )
    title = t(
        "sweep.title",
        name=res.scenario,
        pair="–".join(res.pair),
        to=res.to_year,
        evaluations=fmt_number(res.core.evaluations, 0),
    )
    notes = [*res.notes, res.executor_note()]
    if as_json:  # every output of every year
        rows, data = res.rows(), {"title": title, **res.to_dict()}
    else:  # the table: the horizon year only
        rows, left_out = res.horizon_rows()
        notes += [left_out] if left_out else []
        data = None
    emit(
        Output(
            title=title,
            rows=rows,
            columns=["output", "central", "p5", "median", "p95", "top_driver", "top_driver_st"],
            data=data,
            source_ids=res.source_ids,
            notes=notes,
            extra_sources=res.extra_sources,
        ),
        as_json,
        atlas=at,
    )


__all__ = ["sweep"]
