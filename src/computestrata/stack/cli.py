"""`strata stack` commands: thin wrappers over :mod:`computestrata.stack.api`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

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


def _citation_note(text: str) -> str:
    """A citation shown as a note: the project's own mapping citation and the words the posture
    adds to rule citations translated (report titles and FR citations stay as published)."""
    from computestrata.controls import display
    from computestrata.i18n import t
    from computestrata.stack.shares import CLOUD_HQ_CITATION

    if text == CLOUD_HQ_CITATION:
        return t("stack.note.cloud_hq_citation")
    return display.citation(text)


def _label(prefix: str, code: Any) -> Any:
    """``prefix.code`` translated when the catalogue has it, else the code itself."""
    from computestrata.i18n import catalog, t

    key = f"{prefix}.{code}"
    return t(key) if key in catalog() else code


def _segment_name(sid: Any) -> Any:
    """A segment id as its name in the reader's language (ids not in the stack stay as they are)."""
    from computestrata.i18n import get_lang
    from computestrata.stack.segments import segment_ids, segments

    if sid not in segment_ids():
        return sid
    return next(s for s in segments() if s.id == sid).label(get_lang())


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


def _names(ids: Sequence[str]) -> str:
    """Segment ids as their names in the reader's language, comma-separated (for notes)."""
    return ", ".join(str(_segment_name(i)) for i in ids)


def _excluding(exclude_license: list[str] | None) -> bool:
    """Whether a licence filter is in force (``--exclude-license`` or ``$STRATA_EXCLUDE_LICENSE``)."""
    from computestrata.atlas.store import excluded_licenses

    return bool(excluded_licenses(exclude_license))


def _hidden_note(hidden: dict[str, list[str]]) -> list[str]:
    """The note naming the segments the licence filter hides (none when it hides nothing)."""
    from computestrata.stack.api import hidden_note

    return hidden_note(hidden)


def _controls_notes(day: str, posture: str | None) -> list[str]:
    from computestrata.controls import regime as rg
    from computestrata.controls.classify import data_end_note
    from computestrata.i18n import t

    notes = [t("stack.note.controls_join", date=day)]
    if posture:
        notes.append(t("stack.note.posture", posture=t(f"controls.posture.{posture}"), date=day))
    if rg.parse_date(day, "--date") > rg.DATA_AS_OF:  # same note as `controls classify` past the data
        notes.append(data_end_note(rg.load()))
    return [*notes, t("common.not_legal_advice")]


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
    from computestrata.errors import InputError
    from computestrata.i18n import get_lang, t
    from computestrata.stack import api

    _start(lang)
    # The segment list is package data; the atlas is only needed to say which share data a
    # licence filter hides, so it is opened only then.
    hidden = api.hidden_by_license(_open(atlas, exclude_license, lang)) if _excluding(exclude_license) else {}
    if posture and not date:
        raise InputError(t("stack.note.posture_needs_date"), hint="e.g. --date 2025-06-01 --posture no_yard")
    recs = api.segment_records(layer)
    code = get_lang()
    for r in recs:
        r["name"] = r[f"name_{code}"]
    cols: tuple[str, ...] = ("id", "layer", "name", "sensitivity", "eccn", "cset_inputs", "share_basis")
    notes = [t("stack.note.sensitivity")]
    data: dict[str, Any] = {}
    if date:
        from computestrata.stack.controls import controlled_segments

        join = {j["segment"]: j for j in controlled_segments(date, posture)}
        for r in recs:
            j = join[r["id"]]
            r["controlled"] = j["controlled"]
            r["control_status"] = j["status"]
        cols = (*cols[:5], "controlled", *cols[5:])
        day = next(iter(join.values()))["date"]
        notes += _controls_notes(day, posture)
        data = {"date": day, "posture": posture}
    if hidden:
        data["hidden_by_license"] = hidden
        notes += _hidden_note({k: v for k, v in hidden.items() if k in {r["id"] for r in recs}})
        if not as_json:
            mark = t("stack.word.hidden_by_license")
            recs = [
                {**r, "share_basis": f"{_fmt('share_basis', r['share_basis'])} ({mark})"} if r["id"] in hidden else r
                for r in recs
            ]
    _table(t("stack.title.show"), recs, cols, as_json, None, lang, notes=notes, data=data)


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
    from computestrata.stack.controls import controlled_segments
    from computestrata.stack.segments import by_layer

    _start(lang)
    excluded: tuple[str, ...] = ()
    if _excluding(exclude_license):  # validate the licence names; the rule files are not atlas data
        opened = _open(atlas, exclude_license, lang)
        excluded = opened.exclude_licenses if opened is not None else ()
    rows = controlled_segments(date, posture, basis)
    if layer is not None:
        keep = {s.id for s in by_layer(layer)}
        rows = [r for r in rows if r["segment"] in keep]
    day = rows[0]["date"] if rows else date
    extra = _rule_sources(day, basis)
    regime = t("stack.regime.posture", posture=t(f"controls.posture.{posture}")) if posture else t("stack.regime.real")
    title = t("stack.title.controls", date=day, regime=regime)
    notes = _controls_notes(day, posture)
    if excluded:
        notes.append(t("stack.note.license_nothing_here", licenses=", ".join(excluded)))
    cites = sorted({c for r in rows for c in r["citations"]})
    if as_json:
        data = {
            "date": day,
            "posture": posture,
            "basis": basis,
            "reached": [r["segment"] for r in rows if r["controlled"]],
            "hypothetical": [r["segment"] for r in rows if r["hypothetical"]],
            "uncontrolled": [r["segment"] for r in rows if not r["controlled"]],
            "citations": cites,
        }
        _table(title, rows, (), True, None, lang, notes=notes, data=data, extra_sources=extra)
        return
    modified = t("stack.word.modified")
    shown = [
        {
            **r,
            "status": t(f"stack.status.{r['status']}"),
            "controlled": [e["eccn"] + (f" ({modified})" if e["modified"] else "") for e in r["entries"]],
        }
        for r in rows
    ]
    cols = ("segment", "layer", "status", "controlled", "paragraphs", "confidence", "link_confidence")
    _table(title, shown, cols, False, None, lang, notes=[*notes, *map(_citation_note, cites)], extra_sources=extra)


def _rule_sources(day: str, basis: str) -> list[dict[str, Any]]:
    """Source records of the real rules in force on ``day`` (a posture's hypothetical instruments
    are not sources; the rules it modifies are)."""
    from computestrata.controls import regime as rg
    from computestrata.controls import sources

    return sources.rules(rg.load(), [rg.parse_date(day, "--date")], basis)  # type: ignore[arg-type]


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
    from computestrata.stack.graph import to_dot
    from computestrata.stack.graph import to_json as graph_json

    if fmt not in ("dot", "json"):
        raise unknown("format", fmt, ["dot", "json"])
    # with CSET excluded, edges are no longer confirmed by (or cited to) its sequence table
    a = _open(atlas, exclude_license, lang, required=_excluding(exclude_license))
    g = api.graph(a)
    typer.echo(to_dot(g, get_lang()) if fmt == "dot" else to_json(graph_json(g)))


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
    c = api.check_country(a, country, groups=True) if country else None
    res = api.shares(a, segment, year)
    hidden = {k: v for k, v in api.hidden_by_license(a, year).items() if k in res}
    rows, sids, notes, cites = [], set(), [], set()
    inputs: dict[str, Any] = {}
    missing = [sid for sid, sh in res.items() if sh is None and sid not in hidden]
    if missing:
        notes.append(t("stack.note.no_data", segment=_names(missing)))
    notes += _hidden_note(hidden)
    for sid, sh in res.items():
        if sh is None:
            continue
        if sh.inputs:
            inputs[sid] = sh.inputs
        sids.update(sh.source_ids)
        cites.update(sh.citations)
        notes.extend(sh.notes)
        for ent, v in sorted(sh.shares.items(), key=lambda kv: -kv[1]):
            if c is None or ent == c:
                rows.append({"segment": sid, "entity": ent, "year": sh.year, "share": v, "basis": sh.basis})
    _table(
        t("stack.title.shares"),
        rows,
        ("segment", "entity", "year", "share", "basis"),
        as_json,
        a,
        lang,
        sorted(sids),
        [*notes, *map(_citation_note, sorted(cites))],
        {"citations": sorted(cites), "cset_inputs": inputs, **({"hidden_by_license": hidden} if hidden else {})},
        api.curated_sources(res.values()),
    )


def _later_notes(atlas: Atlas | None, year: int | None) -> list[str]:
    from computestrata.i18n import t
    from computestrata.stack import api

    later = api.later_only(atlas, year)
    if not later:
        return []
    items = ", ".join(f"{_segment_name(k)} ({v})" for k, v in sorted(later.items()))
    return [t("stack.note.later_only", year=year, segments=items)]


def _concentration_table(
    kind: str,
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
    items = api.concentration(a, year) if kind == "concentration" else api.chokepoints(a, year)
    hidden = api.hidden_by_license(a, year)
    rows, sids, cites = [], set(), set()
    for c in items:
        rec = c.record()
        sids.update(rec.pop("source_ids"))
        cites.update(rec.pop("citations"))
        rows.append(rec)
    data: dict[str, Any]
    if kind == "concentration":
        derived = [s for s in api.segments() if s.derived_from is not None]
        missing = [s.id for s in api.segments() if s.id not in {r["segment"] for r in rows} and s not in derived]
        head = [t("stack.note.concentration_rules")]
        if [m for m in missing if m not in hidden]:
            head.append(t("stack.note.no_data", segment=_names([m for m in missing if m not in hidden])))
        head += [
            t("stack.note.derived_once", segment=_segment_name(s.id), parent=_segment_name(str(s.derived_from)))
            for s in derived
        ]
        columns: tuple[str, ...] = ("segment", "year", "hhi", "cr1", "cr3", "n90", "top", "coverage")
        data = {"year": year, "missing": missing, "citations": sorted(cites)}
    else:
        # every segment was tested to find the chokepoints: the data of those that are not are cited too
        sids.update(i for c in api.concentration(a, year) for i in c.source_ids)
        head = [t("stack.note.chokepoint_rule"), t("stack.note.as_of"), t("stack.note.screened")]
        columns = ("segment", "year", "n90", "top", "hhi", "cr1")
        data = {"year": year, "rule": "n90 <= 3", "citations": sorted(cites)}
    if hidden:
        data["hidden_by_license"] = hidden
    notes = [
        *head,
        *_share_notes(a, year, items),
        *_hidden_note(hidden),
        *_later_notes(a, year),
        *map(_citation_note, sorted(cites)),
    ]
    title = t(f"stack.title.{kind}", year=year or t("stack.latest"))
    _table(title, rows, columns, as_json, a, lang, sorted(sids), notes, data, api.curated_sources(items))


def _share_notes(atlas: Atlas | None, year: int | None, items: Sequence[Any]) -> list[str]:
    """Notes on the shares behind the rows shown, and only those: CSET's mixed years, raw shares
    that summed to more than 100 % (scaled), and mass held by groups or unknown origin."""
    from computestrata.i18n import t
    from computestrata.stack import api
    from computestrata.stack.shares import over_coverage_note

    shares = api.shares(atlas, None, year)
    shown = [c.segment_id for c in items]
    cset_years = sorted(
        {
            int(u["year"])
            for sid in shown
            if (sh := shares.get(sid)) is not None and sh.basis == "cset"
            for u in sh.inputs
            if u.get("used")
        }
    )
    notes = [t("stack.note.cset_years", first=cset_years[0], last=cset_years[-1])] if len(cset_years) > 1 else []
    notes += [n for c in items if (n := over_coverage_note(api.segment(c.segment_id), c.raw_coverage))]
    groups = [
        f"{_segment_name(c.segment_id)} "
        + ", ".join(f"{e} {v:.0%}" if v >= 0.005 else f"{e} <1%" for e, v in sorted(c.non_holders.items()))
        for c in items
        if c.non_holders
    ]
    if groups:
        notes.append(t("stack.note.non_holders", items="; ".join(groups)))
    return notes


def _concentration_command(kind: str, doc: str) -> Any:
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


def _exposure_title(res: Any, name: Any) -> str:
    from computestrata.i18n import t

    return t(
        "stack.title.exposure",
        country=res.country,
        cut=", ".join(str(name(c)) for c in res.cut),
        suppliers=", ".join(res.suppliers) if res.suppliers else t("stack.all_foreign"),
    )


def _parse_assume(items: list[str] | None) -> dict[str, float]:
    from computestrata.errors import InputError

    out = {}
    for item in items or []:
        key, _, val = item.partition("=")
        try:
            v = float(val.rstrip("%")) / (100.0 if val.endswith("%") else 1.0)
        except ValueError:
            v = math.nan
        if not key or not val or math.isnan(v):
            raise InputError(f"--assume {item!r} is not SEG=FRACTION", hint="e.g. --assume hbm=0.2 or hbm=20%")
        if not 0.0 <= v <= 1.0:
            raise InputError(
                f"--assume {item!r}: the fraction must be within 0–1 (or 0–100%), got {val}",
                hint=f"the supply left of the segment, e.g. --assume {key.strip()}=0.2 or {key.strip()}=20%",
            )
        out[key.strip()] = v
    return out


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
    res = api.exposure(a, country, cuts, _split(suppliers) or None, year, _parse_assume(assume), show_all)
    rows = [s.record() for s in res.segments]
    for r in rows:
        r.pop("supply", None)
    notes = [t("stack.note.assumption"), t("stack.note.group_rule"), *res.notes, *map(_citation_note, res.citations)]
    extra = api.curated_sources([res])
    data = {
        "country": res.country,
        "cut": res.cut,
        "from": res.suppliers,
        "assumption": res.assumption,
        "group_rule": res.group_rule,
        "layers": res.layers,
        "supply": {s.segment_id: s.supply for s in res.segments if s.supply},
        "citations": res.citations,
    }
    title = _exposure_title(res, str)
    if as_json:
        _table(title, rows, (), True, a, lang, res.source_ids, notes, data, extra)
        return
    title = _exposure_title(res, _segment_name)  # for people: segment names instead of ids
    layer_rows = [
        {"layer": r["layer"], "min": r["min"], "weakest": r["weakest"], "mean": r["mean"]} for r in res.layers
    ]
    _table(t("stack.title.layers"), layer_rows, ("layer", "min", "weakest", "mean"), False, None, lang)
    cols: tuple[str, ...] = ("segment", "layer", "available", "available_upper", "cut", "path")
    if all(r["available_upper"] == r["available"] or r["available"] != r["available"] for r in rows):
        cols = ("segment", "layer", "available", "cut", "path")  # no group left anything open
    _table(title, rows, cols, False, a, lang, res.source_ids, notes, None, extra)
