"""`strata scenario` commands: thin wrappers over :mod:`computestrata.scenarios.api`."""

from __future__ import annotations

from typing import Annotated

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

app = typer.Typer(no_args_is_help=True)

PairOpt = Annotated[
    tuple[str, str],
    typer.Option("--pair", metavar="A B", help="The two countries whose cooperation space is projected."),
]


@app.command("list")
def list_cmd(as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """The shipped scenarios: baseline and one per control posture."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import set_lang, t
    from computestrata.scenarios import api

    set_lang(lang)
    emit(
        Output(
            title=t("scenario.title.list"),
            rows=[s.to_dict() for s in api.scenarios()],
            columns=["name", "title", "control_posture", "start", "base_year", "horizon_year", "parameters"],
            notes=[t("scenario.note.list")],
        ),
        as_json,
    )


@app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="Scenario name (see `strata scenario list`) or a YAML file.")],
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """A scenario's control path and every parameter with its range and source."""
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.i18n import set_lang, t
    from computestrata.scenarios import api

    set_lang(lang)
    scenario = api.load(name)  # an unknown name is refused before the atlas is opened
    at = open_atlas(atlas)
    sheet = api.show(at, scenario)
    s = sheet.scenario
    emit(
        Output(
            title=t("scenario.title.show", name=s.name, base=s.base_year, horizon=s.horizon),
            rows=sheet.rows,
            columns=["group", "parameter", "central", "low", "high", "unit", "source"],
            source_ids=sheet.source_ids,
            notes=sheet.notes,
        ),
        as_json,
        atlas=at,
    )


@app.command("run")
def run_cmd(
    names: Annotated[list[str], typer.Argument(help="One or more scenario names or YAML files.")],
    pair: PairOpt = ("KOR", "CHN"),
    to: Annotated[
        int | None, typer.Option("--to", metavar="YEAR", help="Last year (default: the horizon, ≤ 2035).")
    ] = None,
    every: Annotated[int, typer.Option("--every", min=1, help="Show every N-th year in the table (JSON has all).")] = 5,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="NAME=VALUE", help="Override a parameter within its declared range (repeatable)."
        ),
    ] = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Project scenarios side by side: compute shares, stratification, cooperation space of a pair."""
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.i18n import set_lang, t
    from computestrata.scenarios import api

    set_lang(lang)
    at = open_atlas(atlas, exclude_license)
    res = api.run(at, names, pair=(pair[0], pair[1]), to_year=to, params=api.parse_settings(set_ or []))
    a, b = res.pair
    rows = res.rows(every)
    emit(
        Output(
            title=t("scenario.title.run", a=a, b=b, names=", ".join(p.scenario for p in res.scenarios)),
            rows=None if as_json else rows,
            columns=res.columns(rows),
            data=res.to_dict() if as_json else None,
            source_ids=res.source_ids,
            notes=res.notes,
        ),
        as_json,
        atlas=at,
    )


@app.command("hindcast")
def hindcast_cmd(
    cutoff: Annotated[int, typer.Option("--cutoff", metavar="YEAR", help="Last year of data the model sees.")] = 2023,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Calibrate on data up to a cut-off year, project the years after, and show the errors."""
    from computestrata.cli_common import Output, emit, open_atlas
    from computestrata.i18n import set_lang, t
    from computestrata.scenarios import api

    set_lang(lang)
    at = open_atlas(atlas, exclude_license)
    h = api.hindcast(at, cutoff)
    emit(
        Output(
            title=t("scenario.title.hindcast", cutoff=cutoff),
            rows=h.rows,
            columns=["label", "country", "year", "observed", "projected", "error", "persistence_error", "source"],
            data=h.to_dict() if as_json else None,
            source_ids=h.source_ids,
            notes=[*h.summary_notes(), *h.notes],
        ),
        as_json,
        atlas=at,
    )


def _register_sweep() -> None:
    """`strata scenario sweep` lives in :mod:`.cli_sweep` (its own module, the sweep engine's)."""
    try:
        from computestrata.scenarios.cli_sweep import sweep
    except ImportError:  # pragma: no cover - shipped together
        return
    app.command("sweep")(sweep)


_register_sweep()
