"""`strata report`: parse, call :func:`computestrata.report.api.build_report`, print where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

OutOpt = Annotated[
    Path,
    typer.Option(
        "--out", metavar="DIR", help="Folder to write (index.html + plotly.js); replaced only if it holds a report."
    ),
]
PairOpt = Annotated[
    tuple[str, str] | None,
    typer.Option("--pair", metavar="A B", help="Cooperation pair (ISO3 or names), default KOR CHN."),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="Date YYYY-MM-DD of the cooperation section (default: today or the newest rule date)."),
]


def report_cmd(
    out: OutOpt = Path("strata-report"),
    lang: LangOpt = None,
    pair: PairOpt = None,
    date: DateOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the cited HTML report with charts (self-contained folder, works offline)."""
    from computestrata.cli_common import open_atlas, to_json
    from computestrata.i18n import set_lang, t
    from computestrata.report.api import build_report

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    res = build_report(a, out, lang=lang, pair=pair, date=date)
    if as_json:
        typer.echo(to_json(res.to_dict()))
        return
    typer.echo(t("report.written", path=res.path))
    if res.hidden:
        typer.echo(t("report.written_hidden", sections=", ".join(res.hidden)))
