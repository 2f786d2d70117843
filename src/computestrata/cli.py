"""`strata` — the command line.  Sub-commands live next to their domain (``<area>/cli.py``)
and import heavy libraries only inside the command bodies, so start-up stays fast."""

from __future__ import annotations

import sys

import typer

from computestrata.atlas.cli import app as atlas_app
from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt
from computestrata.controls.cli import app as controls_app
from computestrata.cooperation.cli import app as coop_app
from computestrata.measure.cli import app as measure_app
from computestrata.measure.index.cli import app as index_app
from computestrata.network.cli import app as network_app
from computestrata.report.cli import chart_cmd, report_cmd
from computestrata.scenarios.cli import app as scenario_app
from computestrata.stack.cli import app as stack_app
from computestrata.top500.cli import app as top500_app
from computestrata.trends.cli import trends_cmd
from computestrata.web.cli import serve_cmd

app = typer.Typer(
    name="strata",
    help="computestrata: measure and simulate the structural competition over computing power.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from computestrata import __version__

        typer.echo(f"computestrata {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    sources: str | None = typer.Option(
        None,
        "--sources",
        envvar="STRATA_SOURCES",
        metavar="short|full",
        help="Source lists: short (one line per publisher when long; default) or full. Accepted after any command too.",
    ),
) -> None:
    """computestrata: measure and simulate the structural competition over computing power."""
    from computestrata.errors import take_notices

    take_notices()  # warnings belong to the command that raised them: start each command clean
    if sources is not None:  # else: as given after the command (see main) or STRATA_SOURCES
        from computestrata.render import set_sources_mode

        set_sources_mode(sources)


app.add_typer(atlas_app, name="atlas", help="Build, extend and inspect the atlas of sourced data.")
app.add_typer(top500_app, name="top500", help="TOP500 supercomputer lists by country and system.")
app.add_typer(stack_app, name="stack", help="The layered compute stack: segments, graph, chokepoints.")
app.add_typer(controls_app, name="controls", help="US export controls on advanced computing items.")
app.add_typer(measure_app, name="measure", help="National compute estimates, concentration, stratification.")
app.add_typer(
    index_app,
    name="index",
    help="Composite indices (OECD/JRC, COINr parity) on the atlas or your own data: build, analyse, "
    "uncertainty, sensitivity, export.",
)
app.add_typer(network_app, name="network", help="Compute-network siting and scheduling (LP/MILP): EDWC, Korea, SEA.")
app.add_typer(coop_app, name="coop", help="Cooperation space of two countries across the stack, with reasons.")
app.add_typer(
    scenario_app, name="scenario", help="Scenarios to 2035: control postures, substitution, growth; hindcasts."
)
app.command("trends")(trends_cmd)
app.command("report")(report_cmd)
app.command("chart")(chart_cmd)
app.command("serve")(serve_cmd)


@app.command("overview")
def overview_cmd(
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The main job: the paper's argument in six sourced sections.

    TOP500 by country, stack chokepoints, export controls over time, Table 1 beside open
    estimates, the stratification test, and the four structural trends.
    """
    from computestrata.cli_common import Output, emit, open_atlas, to_json
    from computestrata.i18n import set_lang, t
    from computestrata.overview import overview

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    sections = overview(a)
    if as_json:
        ids = set().union(*(s.source_ids for s in sections))
        extra = {e["source_id"]: e for s in sections for e in s.extra_sources}
        typer.echo(
            to_json(
                {
                    "title": t("overview.title"),
                    "sections": [s.to_dict() for s in sections],
                    "sources": a.sources(ids) + [extra[k] for k in sorted(extra) if k not in ids],
                }
            )
        )
        return
    from rich.console import Console

    Console().rule(f"[bold]{t('overview.title')}")
    for s in sections:
        emit(
            Output(
                title=s.title,
                rows=s.rows,
                columns=s.columns,
                source_ids=s.source_ids,
                notes=s.notes,
                extra_sources=s.extra_sources,
            ),
            False,
            atlas=a,
        )


def main() -> None:
    """Entry point: run the app and turn :class:`StrataError` into a message and exit code."""
    from computestrata.errors import StrataError

    try:
        from computestrata.render import pop_sources_option
        from computestrata.usage_errors import install

        sys.argv[1:] = pop_sources_option(sys.argv[1:])
        install(sys.argv[1:])  # usage errors (a missing option…) in the language asked for
        app()
    except StrataError as exc:
        from computestrata.i18n import t

        message, hint = exc.shown()  # in the reader's language when the error has catalogue keys
        typer.echo(f"{t('common.error')}: {message}", err=True)
        if hint:
            typer.echo(f"  {t('common.hint')}: {hint}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
