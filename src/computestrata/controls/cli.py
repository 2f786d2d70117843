"""`strata controls` commands: classify, matrix, timeline, rules, eccns.

Heavy imports stay inside the command bodies so `strata --help` stays fast.  Every output
carries the not-legal-advice notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

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
DestOpt = Annotated[
    str,
    typer.Option(
        "--dest", help="Destination country: ISO3 code or name, also in Korean or Chinese (CHN, China, 中国)."
    ),
]
HqOpt = Annotated[
    str | None,
    typer.Option("--hq", help="Headquarters country of the consignee (code or name); applies the headquarters rule."),
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


def _open(atlas_path: Path | None, exclude_license: list[str] | None) -> Atlas | None:
    """The atlas the user chose.  An ``--atlas``/``STRATA_ATLAS`` that is not an atlas is an
    error, as in every other command; only a missing *shipped* atlas falls back to ``None``
    (reference chips, ISO3 codes)."""
    from computestrata.cli_common import open_atlas
    from computestrata.errors import AtlasError

    try:
        return open_atlas(atlas_path, exclude_license)
    except AtlasError:
        if atlas_path is not None:
            raise
        return None


def _catalogue(atlas: Atlas | None) -> Catalogue:
    from computestrata.controls import catalogue

    if atlas is None:
        from computestrata.i18n import t

        cat = catalogue.from_frame(None)
        cat.notes.append(t("controls.note.no_atlas"))
        return cat
    return catalogue.from_atlas(atlas)


def _country(atlas: Atlas | None, word: str, what: str) -> str:
    """ISO3 for a country the user typed: any code, name or alias the atlas knows (also Korean
    and Chinese names), else a plain ISO3 code checked against the rule data."""
    if atlas is not None and atlas.has("countries") and atlas.has("country_aliases"):
        from computestrata.atlas.countries import country_arg

        return country_arg(atlas, word, what=what)
    from computestrata.controls import regime as rg

    return rg.load().check_country(word, "destination" if what == "--dest" else "headquarters country")


def _item(
    chip: str | None, spec: list[str] | None, item: str, atlas: Atlas | None
) -> tuple[Item, CatalogueEntry | None, list[str]]:
    from computestrata.controls.items import parse_spec
    from computestrata.errors import InputError

    if chip and spec:
        raise InputError("give --chip or --spec, not both", hint="use --spec alone to override figures")
    if spec:
        return parse_spec(spec, item=item), None, []
    if not chip:
        raise InputError("nothing to classify", hint='give --chip "H100" or --spec int8_tops=624 ...')
    if item != "chip":
        raise InputError("--chip looks up logic ICs only", hint="for HBM use --item hbm with --spec")
    cat = _catalogue(atlas)
    entry = cat.lookup(chip)
    return entry.spec, entry, cat.notes


def _sources(
    entries: list[CatalogueEntry], regime: Regime, days: list[Any], basis: str, letters: set[str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Atlas source ids (Epoch chips) and the records the atlas does not hold: the reference
    chips, the instruments in force on ``days`` and the letters ``letters``."""
    from computestrata.controls import sources

    ids = sorted({e.source_id for e in entries if e.source_id})
    extra = sources.reference_chips(entries) + sources.rules(regime, days, basis, letters)  # type: ignore[arg-type]
    return ids, extra


def _finish_notes(notes: list[str]) -> list[str]:
    from computestrata.controls import display
    from computestrata.i18n import t

    notice = t("common.not_legal_advice")
    notes = [display.note(n) for n in notes]
    return [*notes, notice] if notice not in notes else notes


def _start(lang: str | None) -> None:
    """Every command starts here: the language must be set before any text is made."""
    from computestrata.i18n import set_lang

    if lang:
        set_lang(lang)


def _header(name: str) -> str:
    """A column/field label: the shared ``col.*`` key, else ours (``controls.col.*``), else the name."""
    from computestrata.i18n import catalog, t

    for key in (f"col.{name}", f"controls.col.{name}"):
        if key in catalog():
            return t(key)
    return name


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A row's codes as labels for a table (JSON keeps the codes); empty lists show as "—"."""
    from computestrata.controls import display

    out: dict[str, Any] = {k: (None if v == [] else v) for k, v in row.items()}
    for key, fn in (("status", display.status), ("review_policy", display.policy)):
        if key in out:
            out[key] = fn(out[key])
    for key in ("license_required", "license_required_by_rules", "in_force", "hypothetical"):
        if key in out:
            out[key] = display.yes_no(out[key])
    if "kind" in out:
        out["kind"] = display.kind(out["kind"])
    if out.get("segment"):  # eccns: the stack segment by its name in the reader's language
        from computestrata.i18n import get_lang
        from computestrata.stack.segments import segment

        out["segment"] = segment(out["segment"]).label(get_lang())
    if out.get("license_basis"):
        out["license_basis"] = [display.basis(b) for b in out["license_basis"]]
    if isinstance(out.get("citations"), str):  # eccns: "; "-joined
        out["citations"] = "; ".join(display.citation(c) for c in out["citations"].split("; "))
    return out


def _show(
    title: str,
    rows: list[dict[str, Any]],
    cols: tuple[str, ...] | None,
    as_json: bool,
    notes: list[str],
    atlas: Atlas | None = None,
    source_ids: list[str] | None = None,
    extra_sources: list[dict[str, Any]] | None = None,
) -> None:
    """JSON with the stable codes and every field, or a table of ``cols`` with translated labels."""
    from computestrata.cli_common import Output, emit

    cite = {"source_ids": source_ids or [], "extra_sources": extra_sources or []}
    if as_json:
        emit(Output(title=title, rows=rows, notes=_finish_notes(notes), **cite), True, atlas)  # type: ignore[arg-type]
        return
    names = cols or tuple(rows[0]) if rows else ()
    labels = [_header(c) for c in names]
    shown = [{lab: r.get(c) for lab, c in zip(labels, names, strict=True)} for r in map(_shown, rows)]
    out = Output(title=title, rows=shown, columns=labels, notes=_finish_notes(notes), **cite)  # type: ignore[arg-type]
    emit(out, False, atlas)


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
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Is this chip or HBM stack controlled for this destination on this date, and why?"""
    from computestrata.cli_common import Output, emit
    from computestrata.controls.classify import classify as run
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    it, entry, cat_notes = _item(chip, spec, item, at)
    dest_code = _country(at, dest, "--dest")
    hq_code = _country(at, hq, "--hq") if hq else None
    regime = _regime(posture, basis, date)
    v = run(it, dest_code, date, hq=hq_code, regime=regime, basis=basis)  # type: ignore[arg-type]
    d = v.to_dict()
    if entry is not None:
        d["catalogue"] = {"chip_id": entry.chip_id, "name": entry.name, "origin": entry.origin}
    if posture:
        d["regime"] = regime.name
    notes = _finish_notes([*cat_notes, *v.notes])
    src, extra = _sources([entry] if entry else [], regime, [v.date], basis, {m["id"] for m in v.measures})
    title = t(
        "controls.title.classify", item=v.item or t("controls.word.spec"), dest=v.destination, date=v.date.isoformat()
    )
    cite = {"source_ids": src, "extra_sources": extra, "notes": notes}
    if as_json:
        emit(Output(title=title, data=d, **cite), True, at)  # type: ignore[arg-type]
        return
    # The verdict first, then its reasons as a narrow table (readable at 80 columns).
    emit(Output(title=title, data=_verdict_fields(d, v.status, posture)), False)
    rows = [_reason_row(r.to_dict()) for r in v.reasons]
    cols = tuple(_header(c) for c in ("rule_citation", "test", "result", "confidence"))
    emit(Output(title=t("controls.reasons"), rows=rows, columns=cols, **cite), False, at)  # type: ignore[arg-type]


def _verdict_fields(d: dict[str, Any], status: str, posture: str | None) -> dict[str, Any]:
    """The verdict's summary fields for people: translated labels and values."""
    from computestrata.controls import display
    from computestrata.i18n import t

    keys = (
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
        "license_required_by_rules",
        "license_basis",
        "review_policy",
        "license_exceptions",
        "status",
        "missing_inputs",
        "low_confidence",
    )
    data = {k: (None if d[k] == [] else d[k]) for k in keys}  # an empty list shows as "—"
    data["item"] = data["item"] or t("controls.word.spec")
    data["status"] = t(f"controls.status.{status}")
    data["review_policy"] = display.policy(d["review_policy"])
    data["license_required"] = display.yes_no(d["license_required"])
    data["license_required_by_rules"] = display.yes_no(d["license_required_by_rules"])
    data["license_basis"] = [display.basis(b) for b in d["license_basis"]] or None
    data["measures"] = [f"{m['id']}: {display.measure_title(m)} ({m['citation']})" for m in d["measures"]] or None
    if posture:
        data["regime"] = t("stack.regime.posture", posture=t(f"controls.posture.{posture}"))
    return {_header(k): v for k, v in data.items()}


def _reason_row(r: dict[str, Any]) -> dict[str, Any]:
    """One reason in four narrow cells: rule and citation, the test, its result, the confidence tag."""
    from computestrata.cli_common import _cell
    from computestrata.controls import display

    q = r["quantity"]
    shown = (_cell(display.value(q, x)) for x in (r["value"], r["threshold"]))
    value, threshold = shown
    return {
        _header("rule_citation"): f"{r['rule']}\n{display.citation(r['citation'])}",
        _header("test"): f"{display.quantity(q)}: {value}\n{display.comparator(r['comparator'])} {threshold}",
        _header("result"): display.passed(r["passed"]),
        _header("confidence"): r["confidence"],
    }


@app.command()
def matrix(
    dest: DestOpt,
    dates: Annotated[str, typer.Option("--dates", help="Comma-separated dates, e.g. 2022-12-01,2024-01-01.")],
    hq: HqOpt = None,
    origin: Annotated[str, typer.Option("--origin", help="Chips: all, reference or epoch.")] = "all",
    basis: BasisOpt = "compliance",
    posture: PostureOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Classify the whole chip catalogue for one destination at several dates."""
    from computestrata.controls import regime as rg
    from computestrata.controls.batch import matrix as run
    from computestrata.controls.classify import data_end_note
    from computestrata.errors import InputError, unknown
    from computestrata.i18n import t

    _start(lang)
    if origin not in ("all", "reference", "epoch"):
        raise unknown("--origin", origin, ("all", "reference", "epoch"))
    days = [d.strip() for d in dates.split(",") if d.strip()]
    if not days:
        raise InputError("--dates is empty", hint="e.g. --dates 2022-12-01,2024-01-01")
    at = _open(atlas, exclude_license)
    dest_code = _country(at, dest, "--dest")
    hq_code = _country(at, hq, "--hq") if hq else None
    cat = _catalogue(at)
    entries = [e for e in cat.entries if origin == "all" or e.origin == origin]
    entries_order = {e.name: i for i, e in enumerate(entries)}
    rows = []
    for day in days:  # a posture is applied on each date, on top of the rules in force then
        rows += run(entries, dest_code, [day], hq=hq_code, regime=_regime(posture, basis, day), basis=basis)  # type: ignore[arg-type]
    rows.sort(key=lambda r: (entries_order[r["chip"]], r["date"]))
    parsed = [rg.parse_date(d, "--dates") for d in days]
    letters = {m for r in rows for m in r["measures"]}
    src, extra = _sources(entries, _regime(None, basis), parsed, basis, letters)
    notes = list(cat.notes)
    if at is not None and at.exclude_licenses and origin != "reference":
        notes += _epoch_hidden_note(at)
    if any(d > rg.DATA_AS_OF for d in parsed):
        notes.append(data_end_note(_regime(None, basis)))
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
    _show(t("controls.title.matrix", dest=dest_code), rows, cols, as_json, notes, at, src, extra)


def _epoch_hidden_note(atlas: Atlas) -> list[str]:
    """How many Epoch chips the licence filter hides (none hidden: no note), so a shorter
    catalogue is not mistaken for the whole one."""
    from computestrata.atlas import store
    from computestrata.controls import catalogue
    from computestrata.i18n import t

    full = store.open(atlas.path, exclude_licenses=[])
    if not full.has("chips"):
        return []
    total = len(catalogue.epoch_entries(full.table("chips")))
    kept = len(catalogue.epoch_entries(atlas.table("chips"))) if atlas.has("chips") else 0
    if kept >= total:
        return []
    return [
        t(
            "controls.note.epoch_hidden",
            hidden=total - kept,
            total=total,
            spdx=", ".join(atlas.exclude_licenses),
        )
    ]


@app.command()
def timeline(
    dest: DestOpt,
    chip: ChipOpt = None,
    spec: SpecOpt = None,
    item: ItemOpt = "chip",
    hq: HqOpt = None,
    basis: BasisOpt = "compliance",
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Every change of status for one chip and destination, with the instrument that caused it."""
    from computestrata.controls import regime as rg
    from computestrata.controls.batch import timeline as run
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    it, entry, cat_notes = _item(chip, spec, item, at)
    dest_code = _country(at, dest, "--dest")
    hq_code = _country(at, hq, "--hq") if hq else None
    regime = _regime(None, basis)
    events = run(it, dest_code, hq=hq_code, regime=regime, basis=basis)  # type: ignore[arg-type]
    # the instruments in force at each change, and at the end of the rule data (status unchanged since)
    days = [rg.parse_date(e["date"]) for e in events] + regime.change_dates(basis)[-1:]  # type: ignore[arg-type]
    letters = {m for e in events for m in e["measures"]}
    src, extra = _sources([entry] if entry else [], regime, days, basis, letters)
    title = t("controls.title.timeline", item=it.name or t("controls.word.spec"), dest=dest_code)
    if not as_json:  # the labelled phrases, under the same headers
        events = [{**e, "summary": e["summary_label"], "caused_by": e["caused_by_label"]} for e in events]
    cols = ("date", "status", "summary", "caused_by")
    _show(title, events, cols, as_json, [*cat_notes, *it.notes], at, src, extra)


@app.command()
def rules(
    date: Annotated[str | None, typer.Option("--date", help="Show what is in force on this date.")] = None,
    basis: BasisOpt = "compliance",
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The dated instruments (and is-informed letters) in the rule data, with citations."""
    from computestrata.controls import regime as rg
    from computestrata.i18n import t

    _start(lang)
    if exclude_license:  # the rule data is US government work: only a typo is worth reporting
        _open(None, exclude_license)
    reg = _regime(None, basis)
    day = rg.parse_date(date) if date else None
    live = {i.id for i in reg.at(day, basis).instruments} if day else None  # type: ignore[arg-type]
    rows: list[dict[str, Any]] = [
        _rule_row(i, i.fr_doc, i.compliance, None if live is None else i.id in live, i.summary) for i in reg.instruments
    ]
    rows += [_rule_row(m, None, None, None if day is None else m.in_force(day), m.title) for m in reg.measures]
    from computestrata.controls import sources

    cols = ("id", "kind", "citation", "effective", "compliance", "confidence", "in_force")
    _show(t("controls.title.rules"), rows, cols, as_json, [], extra_sources=sources.all_rules(reg))


def _rule_row(x: Any, fr_doc: Any, compliance: Any, in_force: bool | None, summary: str) -> dict[str, Any]:
    """One instrument or is-informed letter as a row of `strata controls rules`."""
    return {
        "id": x.id,
        "kind": x.kind,
        "citation": x.citation,
        "fr_doc": fr_doc,
        "effective": x.effective,
        "compliance": compliance,
        "confidence": f"[{x.confidence}]",
        "in_force": in_force,
        "summary": summary,
    }


@app.command()
def eccns(
    date: Annotated[str | None, typer.Option("--date", help="Date (default: latest rule data).")] = None,
    posture: PostureOpt = None,
    basis: BasisOpt = "compliance",
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """ECCNs a (real or hypothetical) regime controls, with segments and citations."""
    from computestrata.controls import regime as rg
    from computestrata.controls.scope import controlled_eccns
    from computestrata.i18n import t

    _start(lang)
    if exclude_license:  # the rule data is US government work: only a typo is worth reporting
        _open(None, exclude_license)
    reg = _regime(posture, basis, date)
    day = rg.parse_date(date) if date else None
    rows = controlled_eccns(reg, day, basis)  # type: ignore[arg-type]
    for r in rows:
        r["paragraphs"] = ", ".join(r["paragraphs"])
        r["citations"] = "; ".join(r["citations"])
    from computestrata.controls import sources

    # the real rules in force that day are the sources (a posture's hypothetical ones are not)
    real = _regime(None, basis)
    on = day if day is not None else real.change_dates(basis)[-1]  # type: ignore[arg-type]
    _show(t("controls.title.eccns"), rows, None, as_json, [], extra_sources=sources.rules(real, [on], basis))  # type: ignore[arg-type]
