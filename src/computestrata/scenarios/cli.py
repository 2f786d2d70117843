"""`strata scenario` commands: thin wrappers over :mod:`computestrata.scenarios.api`."""

from __future__ import annotations

import re
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
    rows = api.list_scenarios()
    for r in rows:
        r["title"] = t(f"scenario.title.{r['name']}") if r["name"] in _SHIPPED else r["title"]
    emit(
        Output(
            title=t("scenario.title.list"),
            rows=rows,
            columns=["name", "title", "control_posture", "start", "base_year", "horizon_year", "parameters"],
            notes=[t("scenario.note.list")],
        ),
        as_json,
    )


_SHIPPED = ("baseline", "small_yard_high_fence", "big_yard_high_fence", "no_yard")


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
    s, rows = api.show(name)
    at = open_atlas(atlas)
    words = {w for r in rows for w in re.findall(r"[A-Za-z0-9_\-]+", r["source"])}
    known = {x["source_id"] for x in at.sources(sorted(words))}
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
    emit(
        Output(
            title=t("scenario.title.show", name=s.name, base=s.base_year, horizon=s.horizon),
            rows=rows,
            columns=["group", "parameter", "central", "low", "high", "unit", "source"],
            source_ids=sorted(known),
            notes=notes,
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
    cols = list(rows[0].keys()) if rows else []
    if a in ("USA", "CHN"):
        cols = [c for c in cols if c != "share_a"]
    emit(
        Output(
            title=t("scenario.title.run", a=a, b=b, names=", ".join(p.scenario for p in res.scenarios)),
            rows=None if as_json else rows,
            columns=cols,
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
    summary = [
        t(
            "scenario.hindcast.summary",
            target=t(f"scenario.target.{s['target']}"),
            n=s["n"],
            mae=_num(s["mean_abs_error"]),
            pmae=_num(s["persistence_mean_abs_error"]),
        )
        for s in h.summary
    ]
    emit(
        Output(
            title=t("scenario.title.hindcast", cutoff=cutoff),
            rows=h.rows,
            columns=["label", "country", "year", "observed", "projected", "error", "persistence_error", "source"],
            data=h.to_dict() if as_json else None,
            source_ids=h.source_ids,
            notes=[*summary, *h.notes],
        ),
        as_json,
        atlas=at,
    )


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.4g}"


def _register_sweep() -> None:
    """`strata scenario sweep` lives in :mod:`.cli_sweep` (its own module, the sweep engine's)."""
    try:
        from computestrata.scenarios.cli_sweep import sweep
    except ImportError:  # pragma: no cover - shipped together
        return
    app.command("sweep")(sweep)


_register_sweep()
