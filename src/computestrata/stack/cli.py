"""`strata stack` commands: parse options, call :mod:`computestrata.stack.api`, lay the result out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.api import Atlas

app = typer.Typer(no_args_is_help=True)

YearOpt = Annotated[int | None, typer.Option("--year", help="Data as of this year (default: latest).")]
LayerOpt = Annotated[str | None, typer.Option("--layer", help="Only this layer: L1…L5 or its name.")]
PostureOpt = Annotated[
    str | None,
    typer.Option("--posture", help="Hypothetical posture: small_yard_high_fence, big_yard_high_fence, no_yard."),
]
BasisOpt = Annotated[
    str,
    typer.Option("--basis", help="'compliance' (when obligations bind; default) or 'effective' (FR effective dates)."),
]


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _start(lang: str | None) -> None:
    """Every command starts here: the language must be set before any text is made."""
    from computestrata.i18n import set_lang

    if lang:
        set_lang(lang)


def _open(atlas: Any, exclude_license: list[str] | None, lang: str | None, required: bool = True) -> Atlas | None:
    from computestrata.cli_common import open_atlas
    from computestrata.errors import AtlasError

    _start(lang)
    try:
        return open_atlas(atlas, exclude_license)
    except AtlasError:
        if required:
            raise
        return None


def _table(
    title: str,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    as_json: bool,
    atlas: Atlas | None,
    lang: str | None,
    source_ids: Sequence[str] = (),
    notes: Sequence[str] = (),
    data: dict[str, Any] | None = None,
    extra_sources: list[dict[str, Any]] | None = None,
) -> None:
    """JSON with stable keys, or a table with translated headers (``extra_sources``: cited
    records outside the atlas, e.g. curated shares and rule texts)."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t

    if as_json:
        emit(
            Output(
                title=title,
                rows=rows,
                data={"title": title, **(data or {})},
                source_ids=source_ids,
                notes=list(notes),
                extra_sources=list(extra_sources or []),
            ),
            True,
            atlas,
            lang,
        )
        return
    labels = [t(f"stack.col.{c}") for c in columns]
    shown = [
        {
            lab: (str(r.get(c)) if c == "year" and r.get(c) is not None else _fmt(c, r.get(c)))
            for lab, c in zip(labels, columns, strict=True)
        }
        for r in rows
    ]
    out = Output(
        title=title,
        rows=shown,
        columns=labels,
        source_ids=source_ids,
        notes=list(notes),
        extra_sources=list(extra_sources or []),
    )
    emit(out, False, atlas, lang)


def _label(prefix: str, code: Any) -> Any:
    from computestrata.stack.labels import label

    return label(prefix, code)


def _segment_name(sid: Any) -> Any:
    from computestrata.stack.labels import segment_name

    return segment_name(sid)


#: How a table shows the stable codes of each column (JSON keeps the codes).
_SHOWN: dict[str, Any] = {
    "layer": lambda v: f"{v} {_label('stack.layer', v)}" if v else v,
    "sensitivity": lambda v: _label("stack.tier", v),
    "share_basis": lambda v: _label("stack.basis", v),
    "basis": lambda v: _label("stack.basis", v),
    "link_confidence": lambda v: _label("stack.tier", v),
    "segment": _segment_name,
    "weakest": _segment_name,
    "cut": lambda v: _label("stack.bool", str(v).lower()) if isinstance(v, bool) else v,
    "path": lambda v: " → ".join(str(_segment_name(p)) for p in v.split(" → ")) if isinstance(v, str) else v,
    "coverage": lambda v: f"{v:.0%}" if isinstance(v, float | int) else v,  # one format: always percent
}


def _fmt(column: str, v: Any) -> Any:
    if column in _SHOWN and v is not None:
        return _SHOWN[column](v)
    if isinstance(v, float) and not math.isnan(v) and 0.0 <= v <= 1.0:
        return f"{v:.0%}" if v not in (0.0, 1.0) else ("0%" if v == 0 else "100%")
    return v


def _excluding(exclude_license: list[str] | None) -> bool:
    """Whether a licence filter is in force (``--exclude-license`` or ``$STRATA_EXCLUDE_LICENSE``)."""
    from computestrata.atlas.api import excluded_licenses

    return bool(excluded_licenses(exclude_license))


@app.command("show")
def show_cmd(
    layer: LayerOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Add the ECCNs in force on this date (YYYY-MM-DD) as a column.")
    ] = None,
    posture: PostureOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """The segments of the compute stack: layer, names, sensitivity, export controls, CSET inputs."""
    from computestrata.i18n import t
    from computestrata.stack import api

    _start(lang)
    # The segment list is package data; the atlas is only needed to say which share data a
    # licence filter hides, so it is opened only then.
    view = api.segments_view(
        _open(atlas, exclude_license, lang) if _excluding(exclude_license) else None, layer, date, posture
    )
    recs = view.rows
    cols: tuple[str, ...] = ("id", "layer", "name", "sensitivity", "eccn", "cset_inputs", "share_basis")
    if date:
        cols = (*cols[:5], "controlled", *cols[5:])
    hidden = view.data.get("hidden_by_license", {})
    if hidden and not as_json:
        mark = t("stack.word.hidden_by_license")
        recs = [
            {**r, "share_basis": f"{_fmt('share_basis', r['share_basis'])} ({mark})"} if r["id"] in hidden else r
            for r in recs
        ]
    _table(t("stack.title.show"), recs, cols, as_json, None, lang, notes=view.notes, data=view.data)


@app.command("controls")
def controls_cmd(
    date: Annotated[str, typer.Option("--date", help="Date YYYY-MM-DD (2022-01-01 or later).")],
    posture: PostureOpt = None,
    basis: BasisOpt = "compliance",
    layer: LayerOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Which segments the export-control rules reach on a date (or under a posture), with citations."""
    from computestrata.i18n import t
    from computestrata.stack import api
    from computestrata.stack.labels import citation_note

    _start(lang)
    excluded: tuple[str, ...] = ()
    if _excluding(exclude_license):  # validate the licence names; the rule files are not atlas data
        opened = _open(atlas, exclude_license, lang)
        excluded = opened.exclude_licenses if opened is not None else ()
    view = api.controls_view(date, posture, basis, layer, excluded)
    day = view.data["date"]
    regime = t("stack.regime.posture", posture=t(f"controls.posture.{posture}")) if posture else t("stack.regime.real")
    title = t("stack.title.controls", date=day, regime=regime)
    if as_json:
        _table(
            title, view.rows, (), True, None, lang, notes=view.notes, data=view.data, extra_sources=view.extra_sources
        )
        return
    modified = t("stack.word.modified")
    shown = [
        {
            **r,
            "status": t(f"stack.status.{r['status']}"),
            "controlled": [e["eccn"] + (f" ({modified})" if e["modified"] else "") for e in r["entries"]],
        }
        for r in view.rows
    ]
    cols = ("segment", "layer", "status", "controlled", "paragraphs", "confidence", "link_confidence")
    notes = [*view.notes, *map(citation_note, view.data["citations"])]
    _table(title, shown, cols, False, None, lang, notes=notes, extra_sources=view.extra_sources)


@app.command("graph")
def graph_cmd(
    fmt: Annotated[str, typer.Option("--format", help="dot (Graphviz) or json.")] = "dot",
    atlas: AtlasOpt = None,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """The dependency graph for drawing (edges carry weight and source)."""
    from computestrata.cli_common import to_json
    from computestrata.errors import unknown
    from computestrata.i18n import get_lang
    from computestrata.stack import api

    if fmt not in ("dot", "json"):
        raise unknown("format", fmt, ["dot", "json"])
    # with CSET excluded, edges are no longer confirmed by (or cited to) its sequence table
    a = _open(atlas, exclude_license, lang, required=_excluding(exclude_license))
    g = api.graph(a)
    typer.echo(api.graph_dot(g, get_lang()) if fmt == "dot" else to_json(api.graph_json(g)))


@app.command("shares")
def shares_cmd(
    segment: Annotated[str | None, typer.Argument(help="Segment id (default: all).")] = None,
    year: YearOpt = None,
    country: Annotated[str | None, typer.Option("--country", help="Only this country (ISO3).")] = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """Country shares of each segment, with the data year and source."""
    from computestrata.i18n import t
    from computestrata.stack import api

    a = _open(atlas, exclude_license, lang)
    view = api.shares_view(a, segment, year, country)
    cols = ("segment", "entity", "year", "share", "basis")
    _table(
        t("stack.title.shares"),
        view.rows,
        cols,
        as_json,
        a,
        lang,
        view.source_ids,
        view.notes,
        view.data,
        view.extra_sources,
    )


def _concentration_table(
    kind: Literal["concentration", "chokepoints"],
    year: int | None,
    atlas: Any,
    as_json: bool,
    lang: str | None,
    exclude_license: list[str] | None,
) -> None:
    """`concentration` and `chokepoints` share everything but their rows, columns and rule note."""
    from computestrata.i18n import t
    from computestrata.stack import api

    a = _open(atlas, exclude_license, lang)
    view = api.concentration_view(a, kind, year)
    columns: tuple[str, ...] = (
        ("segment", "year", "hhi", "cr1", "cr3", "n90", "top", "coverage")
        if kind == "concentration"
        else ("segment", "year", "n90", "top", "hhi", "cr1")
    )
    title = t(f"stack.title.{kind}", year=year or t("stack.latest"))
    _table(title, view.rows, columns, as_json, a, lang, view.source_ids, view.notes, view.data, view.extra_sources)


def _concentration_command(kind: Literal["concentration", "chokepoints"], doc: str) -> Any:
    """One command body for `concentration` and `chokepoints` (same options, different rows)."""

    def command(
        year: YearOpt = None,
        atlas: AtlasOpt = None,
        as_json: JsonOpt = False,
        lang: LangOpt = None,
        exclude_license: ExcludeLicenseOpt = None,
    ) -> None:
        _concentration_table(kind, year, atlas, as_json, lang, exclude_license)

    command.__doc__ = doc
    return command


concentration_cmd = app.command("concentration")(
    _concentration_command(
        "concentration", "HHI, CR1, CR3 and the number of countries holding 90 % for every segment with data."
    )
)
chokepoints_cmd = app.command("chokepoints")(
    _concentration_command("chokepoints", "Segments where at most three countries hold at least 90 % of the world.")
)


def _exposure_title(data: dict[str, Any], name: Any) -> str:
    from computestrata.i18n import t

    return t(
        "stack.title.exposure",
        country=data["country"],
        cut=", ".join(str(name(c)) for c in data["cut"]),
        suppliers=", ".join(data["from"]) if data["from"] else t("stack.all_foreign"),
    )


@app.command("exposure")
def exposure_cmd(
    country: Annotated[str, typer.Argument(help="The exposed country (ISO3 or name).")],
    cut: Annotated[str, typer.Option("--cut", help="Segments the country loses, comma-separated.")],
    suppliers: Annotated[
        str | None, typer.Option("--from", help="Only these supplier countries are cut (ISO3, comma-separated).")
    ] = None,
    assume: Annotated[
        list[str] | None, typer.Option("--assume", help="Supply left of a cut segment without data: SEG=0.2.")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every segment, not only those affected.")] = False,
    year: YearOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
) -> None:
    """What COUNTRY keeps of every segment above the cut ones (weakest link, with the constraining path)."""
    from computestrata.errors import InputError
    from computestrata.i18n import t
    from computestrata.stack import api

    cuts = _split(cut)
    if not cuts:
        raise InputError("--cut names no segment", hint="e.g. --cut euv_lithography,hbm")
    a = _open(atlas, exclude_license, lang)
    view = api.exposure_view(a, country, cuts, _split(suppliers) or None, year, assume, show_all)
    rows, data = view.rows, view.data
    if as_json:
        _table(
            _exposure_title(data, str), rows, (), True, a, lang, view.source_ids, view.notes, data, view.extra_sources
        )
        return
    title = _exposure_title(data, _segment_name)  # for people: segment names instead of ids
    layer_rows = [
        {"layer": r["layer"], "min": r["min"], "weakest": r["weakest"], "mean": r["mean"]} for r in data["layers"]
    ]
    _table(t("stack.title.layers"), layer_rows, ("layer", "min", "weakest", "mean"), False, None, lang)
    cols: tuple[str, ...] = ("segment", "layer", "available", "available_upper", "cut", "path")
    if all(r["available_upper"] == r["available"] or r["available"] != r["available"] for r in rows):
        cols = ("segment", "layer", "available", "cut", "path")  # no group left anything open
    _table(title, rows, cols, False, a, lang, view.source_ids, view.notes, None, view.extra_sources)
