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
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="html|png|pdf",
        help="html: the report folder; png: also one PNG per chart in DIR/png; "
        "pdf: also DIR/report.pdf (png and pdf need Chromium).",
    ),
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
    fmt: FormatOpt = "html",
    exclude_license: ExcludeLicenseOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the cited HTML report with charts (self-contained folder, works offline)."""
    from computestrata import progress
    from computestrata.cli_common import open_atlas, to_json
    from computestrata.i18n import set_lang, t
    from computestrata.report.api import SECTIONS, build_report

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    total = len(SECTIONS) + (fmt != "html")
    with progress.steps(t("report.progress"), total, progress.wanted(as_json)) as step:
        res = build_report(a, out, lang=lang, pair=pair, date=date, fmt=fmt, progress=step)
    if as_json:
        typer.echo(to_json({"title": t("report.title"), **res.to_dict()}))
        return
    typer.echo(t("report.written", path=res.path))
    if fmt == "pdf":
        typer.echo(t("report.written_pdf", path=res.path.parent / "report.pdf"))
    elif fmt == "png":
        typer.echo(t("report.written_png", n=len(res.images), path=res.path.parent / "png"))
    if res.hidden:
        typer.echo(t("report.written_hidden", sections=", ".join(res.hidden)))


def chart_cmd(
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="Chart name (see --list).")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE.png|svg", help="Image to write; the suffix picks the format.")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the chart names and what each shows.")] = False,
    lang: LangOpt = None,
    pair: PairOpt = None,
    date: DateOpt = None,
    width: Annotated[int, typer.Option("--width", min=300, max=4000, help="Image width in CSS pixels.")] = 1200,
    exclude_license: ExcludeLicenseOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write one chart of the report as PNG or SVG (for slides), with its caption and sources."""
    from computestrata.cli_common import Output, emit, open_atlas, to_json
    from computestrata.errors import InputError
    from computestrata.i18n import set_lang, t
    from computestrata.report import charts

    set_lang(lang)
    if list_:
        rows = charts.describe(lang)
        emit(
            Output(
                title=t("chart.list_title"),
                columns=["chart", "chart_section", "chart_title"],
                rows=[{"chart": r["chart"], "chart_section": r["section"], "chart_title": r["title"]} for r in rows],
            ),
            as_json,
        )
        return
    if name is None:
        raise InputError(t("chart.error.no_name"), hint="strata chart --list")
    charts.check_name(name)
    if out is None:
        raise InputError(t("chart.error.no_out"), hint=t("chart.error.suffix_hint"))
    path = charts.check_out(out)  # before the work, not after
    from computestrata.imaging import find_chromium

    find_chromium()
    a = open_atlas(atlas, exclude_license)
    c = charts.chart(name, a, lang, pair, date)
    written = charts.write_chart(c, path, width=width)
    if as_json:
        typer.echo(to_json({**{k: v for k, v in c.to_dict().items() if k != "figure"}, "path": str(written)}))
        return
    typer.echo(t("chart.written", path=written))
    typer.echo(c.caption)
