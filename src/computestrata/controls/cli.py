"""`strata controls` commands: classify, matrix, timeline, rules, eccns.

Heavy imports stay inside the command bodies so `strata --help` stays fast.  Every output
carries the not-legal-advice notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from pathlib import Path

    from computestrata.atlas.store import Atlas
    from computestrata.controls.catalogue import Catalogue, CatalogueEntry
    from computestrata.controls.items import Item
    from computestrata.controls.regime import Regime

app = typer.Typer(no_args_is_help=True)

ChipOpt = Annotated[
    str | None,
    typer.Option(
        "--chip",
        help="Chip name (fuzzy). Precedence: exact name/alias of a shipped reference chip, "
        "exact Epoch name (atlas 'chips'), unique word match (reference first), close fuzzy match.",
    ),
]
SpecOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--spec",
        help="KEY=VALUE (repeatable): int8_tops, fp4_tflops, fp8_tflops, fp16_tflops, "
        "bf16_tflops, tf32_tflops, fp32_tflops, fp64_tflops (dense), die_area_mm2, "
        "io_bandwidth_gbps, datacenter, dram_bandwidth_gbps; for --item hbm: bandwidth_gbps, "
        "package_area_mm2, copackaged_with_logic.",
    ),
]
ItemOpt = Annotated[str, typer.Option("--item", help="Item kind for --spec: chip or hbm.")]
DestOpt = Annotated[str, typer.Option("--dest", help="Destination country, ISO3 (e.g. CHN).")]
HqOpt = Annotated[
    str | None,
    typer.Option("--hq", help="Headquarters country of the consignee (ISO3); applies the headquarters rule."),
]
BasisOpt = Annotated[
    str,
    typer.Option("--basis", help="'compliance' (when obligations bind; default) or 'effective' (FR effective dates)."),
]
PostureOpt = Annotated[
    str | None,
    typer.Option("--posture", help="Hypothetical posture: small_yard_high_fence, big_yard_high_fence, no_yard."),
]


def _regime(posture: str | None, basis: str, on: str | None = None) -> Regime:
    """The shipped regime, or a posture applied on date ``on`` (on top of all rules in force then)."""
    from computestrata.controls import regime as rg
    from computestrata.errors import unknown

    if basis not in ("compliance", "effective"):
        raise unknown("--basis", basis, ("compliance", "effective"))
    base = rg.load()
    if posture is None:
        return base
    from computestrata.controls.scope import apply_posture

    day = rg.parse_date(on) if on else None
    return apply_posture(base, posture, on=day, basis=basis)  # type: ignore[arg-type]


def _catalogue(atlas_path: Path | None) -> tuple[Catalogue, Atlas | None]:
    from computestrata.cli_common import open_atlas
    from computestrata.controls import catalogue
    from computestrata.errors import AtlasError

    try:
        atlas = open_atlas(atlas_path)
    except AtlasError:
        cat = catalogue.from_frame(None)
        cat.notes.append("no atlas found: only the shipped reference chips are available")
        return cat, None
    return catalogue.from_atlas(atlas), atlas


def _item(
    chip: str | None, spec: list[str] | None, item: str, atlas_path: Path | None
) -> tuple[Item, CatalogueEntry | None, Atlas | None, list[str]]:
    from computestrata.controls.items import parse_spec
    from computestrata.errors import InputError

    if chip and spec:
        raise InputError("give --chip or --spec, not both", hint="use --spec alone to override figures")
    if spec:
        return parse_spec(spec, item=item), None, None, []
    if not chip:
        raise InputError("nothing to classify", hint='give --chip "H100" or --spec int8_tops=624 ...')
    if item != "chip":
        raise InputError("--chip looks up logic ICs only", hint="for HBM use --item hbm with --spec")
    cat, atlas = _catalogue(atlas_path)
    entry = cat.lookup(chip)
    return entry.spec, entry, atlas, cat.notes


def _finish_notes(notes: list[str]) -> list[str]:
    from computestrata.i18n import t

    notice = t("common.not_legal_advice")
    return [*notes, notice] if notice not in notes else notes


@app.command()
def classify(
    dest: DestOpt,
    date: Annotated[str, typer.Option("--date", help="Date YYYY-MM-DD (2022-01-01 or later).")],
    chip: ChipOpt = None,
    spec: SpecOpt = None,
    item: ItemOpt = "chip",
    hq: HqOpt = None,
    basis: BasisOpt = "compliance",
    posture: PostureOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Is this chip or HBM stack controlled for this destination on this date, and why?"""
    from computestrata.cli_common import Output, emit
    from computestrata.controls.classify import classify as run
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    it, entry, at, cat_notes = _item(chip, spec, item, atlas)
    regime = _regime(posture, basis, date)
    v = run(it, dest, date, hq=hq, regime=regime, basis=basis)  # type: ignore[arg-type]
    d = v.to_dict()
    if entry is not None:
        d["catalogue"] = {"chip_id": entry.chip_id, "name": entry.name, "origin": entry.origin}
    if posture:
        d["regime"] = regime.name
    notes = _finish_notes([*cat_notes, *v.notes])
    src = [entry.source_id] if entry is not None and entry.source_id else []
    title = t(
        "controls.title.classify", item=v.item or t("controls.word.spec"), dest=v.destination, date=v.date.isoformat()
    )
    if as_json:
        emit(Output(title=title, data=d, source_ids=src, notes=notes), True, at)
        return
    summary_keys = (
        "item",
        "destination",
        "hq",
        "date",
        "eccn",
        "paragraph",
        "tpp",
        "tpp_driver",
        "performance_density",
        "hbm_bandwidth_density",
        "license_required",
        "review_policy",
        "license_exceptions",
        "status",
        "missing_inputs",
        "low_confidence",
    )
    data: dict[str, Any] = {k: d[k] for k in summary_keys}
    data["status"] = t(f"controls.status.{v.status}")
    data["measures"] = [f"{m['id']}: {m['title']} ({m['citation']})" for m in v.measures]
    rows = [r.to_dict() for r in v.reasons]
    cols = ("rule", "citation", "quantity", "value", "comparator", "threshold", "passed", "confidence")
    emit(Output(title=title, rows=rows, columns=cols, data=data, source_ids=src, notes=notes), False, at)


@app.command()
def matrix(
    dest: DestOpt,
    dates: Annotated[str, typer.Option("--dates", help="Comma-separated dates, e.g. 2022-12-01,2024-01-01.")],
    hq: HqOpt = None,
    origin: Annotated[str, typer.Option("--origin", help="Chips: all, reference or epoch.")] = "all",
    basis: BasisOpt = "compliance",
    posture: PostureOpt = None,
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Classify the whole chip catalogue for one destination at several dates."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls.batch import matrix as run
    from computestrata.errors import InputError, unknown
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    if origin not in ("all", "reference", "epoch"):
        raise unknown("--origin", origin, ("all", "reference", "epoch"))
    days = [d.strip() for d in dates.split(",") if d.strip()]
    if not days:
        raise InputError("--dates is empty", hint="e.g. --dates 2022-12-01,2024-01-01")
    cat, at = _catalogue(atlas)
    entries = [e for e in cat.entries if origin == "all" or e.origin == origin]
    entries_order = {e.name: i for i, e in enumerate(entries)}
    rows = []
    for day in days:  # a posture is applied on each date, on top of the rules in force then
        rows += run(entries, dest, [day], hq=hq, regime=_regime(posture, basis, day), basis=basis)  # type: ignore[arg-type]
    rows.sort(key=lambda r: (entries_order[r["chip"]], r["date"]))
    src = sorted({e.source_id for e in entries if e.source_id})
    cols = (
        "chip",
        "date",
        "tpp",
        "performance_density",
        "paragraph",
        "license_required",
        "review_policy",
        "license_exceptions",
        "measures",
        "status",
    )
    emit(
        Output(
            title=t("controls.title.matrix", dest=dest.upper()),
            rows=rows,
            columns=None if as_json else cols,
            source_ids=src,
            notes=_finish_notes(cat.notes),
        ),
        as_json,
        at,
    )


@app.command()
def timeline(
    dest: DestOpt,
    chip: ChipOpt = None,
    spec: SpecOpt = None,
    item: ItemOpt = "chip",
    hq: HqOpt = None,
    basis: BasisOpt = "compliance",
    atlas: AtlasOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Every change of status for one chip and destination, with the instrument that caused it."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls.batch import timeline as run
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    it, entry, at, cat_notes = _item(chip, spec, item, atlas)
    events = run(it, dest, hq=hq, regime=_regime(None, basis), basis=basis)  # type: ignore[arg-type]
    src = [entry.source_id] if entry is not None and entry.source_id else []
    cols = ("date", "status", "summary", "caused_by")
    emit(
        Output(
            title=t("controls.title.timeline", item=it.name or t("controls.word.spec"), dest=dest.upper()),
            rows=events,
            columns=None if as_json else cols,
            source_ids=src,
            notes=_finish_notes([*cat_notes, *it.notes]),
        ),
        as_json,
        at,
    )


@app.command()
def rules(
    date: Annotated[str | None, typer.Option("--date", help="Show what is in force on this date.")] = None,
    basis: BasisOpt = "compliance",
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The dated instruments (and is-informed letters) in the rule data, with citations."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls import regime as rg
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    reg = _regime(None, basis)
    day = rg.parse_date(date) if date else None
    live = {i.id for i in reg.at(day, basis).instruments} if day else None  # type: ignore[arg-type]
    rows: list[dict[str, Any]] = []
    for i in reg.instruments:
        rows.append(
            {
                "id": i.id,
                "kind": i.kind,
                "citation": i.citation,
                "fr_doc": i.fr_doc,
                "effective": i.effective,
                "compliance": i.compliance,
                "confidence": f"[{i.confidence}]",
                "in_force": None if live is None else i.id in live,
                "summary": i.summary,
            }
        )
    for m in reg.measures:
        rows.append(
            {
                "id": m.id,
                "kind": m.kind,
                "citation": m.citation,
                "fr_doc": None,
                "effective": m.effective,
                "compliance": None,
                "confidence": f"[{m.confidence}]",
                "in_force": None if day is None else m.in_force(day),
                "summary": m.title,
            }
        )
    cols = ("id", "kind", "citation", "effective", "compliance", "confidence", "in_force")
    emit(
        Output(title=t("controls.title.rules"), rows=rows, columns=None if as_json else cols, notes=_finish_notes([])),
        as_json,
    )


@app.command()
def eccns(
    date: Annotated[str | None, typer.Option("--date", help="Date (default: latest rule data).")] = None,
    posture: PostureOpt = None,
    basis: BasisOpt = "compliance",
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """ECCNs a (real or hypothetical) regime controls, with segments and citations."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls import regime as rg
    from computestrata.controls.scope import controlled_eccns
    from computestrata.i18n import set_lang, t

    if lang:
        set_lang(lang)
    reg = _regime(posture, basis, date)
    day = rg.parse_date(date) if date else None
    rows = controlled_eccns(reg, day, basis)  # type: ignore[arg-type]
    for r in rows:
        r["paragraphs"] = ", ".join(r["paragraphs"])
        r["citations"] = "; ".join(r["citations"])
    emit(Output(title=t("controls.title.eccns"), rows=rows, notes=_finish_notes([])), as_json)
