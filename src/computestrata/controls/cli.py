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
ItemOpt = Annotated[
    str,
    typer.Option(
        "--item",
        help="Item kind: chip or hbm (with --chip/--spec), or equipment, eda, material (with --eccn).",
    ),
]
EccnOpt = Annotated[
    str | None,
    typer.Option(
        "--eccn",
        help="For --item equipment|eda|material: ECCN paragraph (3B001.f.1.a, 3B993.f.1, 3D006) or a national "
        "item id (NL.metrology, JP.anneal, CN.gallium); `strata controls eccns` lists them.",
    ),
]
ExporterOpt = Annotated[
    str | None,
    typer.Option("--exporter", help="Also apply this exporter's own controls: USA, NLD, JPN or CHN."),
]
EndUseOpt = Annotated[
    str | None,
    typer.Option(
        "--end-use", help="End use: logic:14nm, dram:18nm, nand:128l, supercomputer or sme (§744.23, §744.6)."
    ),
]
EndUserOpt = Annotated[
    str | None,
    typer.Option("--end-user", help="Party name, screened against the Entity List and MOFCOM lists (needs the atlas)."),
]
MadeInOpt = Annotated[
    str | None,
    typer.Option("--made-in", help="Country where the item was made (ISO3 or name); decides FDP reach."),
]
UsTechOpt = Annotated[
    str | None,
    typer.Option("--us-tech", help="yes|no: made with U.S. technology/software or by a plant that is (FDP rules)."),
]
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


def _regime(posture: str | None, basis: str, on: str | None = None, full: bool = False) -> Regime:
    """The shipped regime (``full``: with equipment, EDA, materials, allied and Chinese rules),
    or a posture applied on date ``on`` (on top of all rules in force then)."""
    from computestrata.controls import regime as rg
    from computestrata.errors import unknown

    if basis not in ("compliance", "effective"):
        raise unknown("--basis", basis, ("compliance", "effective"))
    base = rg.load_full() if full else rg.load()
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
    eccn: EccnOpt = None,
    exporter: ExporterOpt = None,
    end_use: EndUseOpt = None,
    end_user: EndUserOpt = None,
    made_in: MadeInOpt = None,
    us_tech: UsTechOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Is a licence needed for this item, destination, party and date — under whose rule, and why?"""
    from computestrata.cli_common import Output, emit
    from computestrata.controls.classify import classify as run
    from computestrata.controls.items_beyond import ITEM_CLASSES
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    if item in ITEM_CLASSES or eccn:
        _classify_beyond(
            item,
            eccn,
            chip,
            spec,
            dest,
            date,
            hq,
            basis,
            posture,
            exporter,
            end_use,
            end_user,
            made_in,
            us_tech,
            at,
            as_json,
        )
        return
    it, entry, cat_notes = _item(chip, spec, item, at)
    dest_code = _country(at, dest, "--dest")
    hq_code = _country(at, hq, "--hq") if hq else None
    regime = _regime(posture, basis, date)
    v = run(it, dest_code, date, hq=hq_code, regime=regime, basis=basis)  # type: ignore[arg-type]
    if any((exporter, end_use, end_user, made_in)):
        from computestrata.controls import api

        if posture:
            from computestrata.errors import InputError

            raise InputError(
                "--posture cannot be combined with --exporter/--end-use/--end-user/--made-in",
                hint="postures rewrite the chip rules only; drop one of them",
            )
        made = _country(at, made_in, "--made-in") if made_in else None
        lists = _screening(at) if end_user else None
        v = api.fold_layers(v, exporter, end_user, end_use, made, _yes_no(us_tech), lists)
        from computestrata.controls.regime import load_full

        regime = load_full()
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


def _yes_no(text: str | None) -> bool | None:
    """``--us-tech yes|no`` → True/False (None when not given)."""
    from computestrata.errors import InputError

    if text is None:
        return None
    s = text.strip().lower()
    if s in ("yes", "y", "true", "1"):
        return True
    if s in ("no", "n", "false", "0"):
        return False
    raise InputError(f"--us-tech: expected yes or no, got {text!r}", hint="--us-tech yes")


def _ccl(at: Atlas | None) -> frozenset[str] | None:
    """The CCL paragraph ids of the atlas (``ccl_paragraphs``), to check --eccn against; None without it."""
    if at is None or not at.has("ccl_paragraphs"):
        return None
    return frozenset(r["paragraph"] for r in at.rows("select paragraph from ccl_paragraphs"))


def _screening(at: Atlas | None) -> Any:
    from computestrata.controls.screening import Lists
    from computestrata.errors import AtlasError

    if at is None:
        raise AtlasError("screening needs the atlas (table screening_parties)", hint="run `strata atlas build` first")
    return Lists.from_atlas(at, "all")


def _classify_beyond(
    item: str,
    eccn: str | None,
    chip: str | None,
    spec: list[str] | None,
    dest: str,
    date: str,
    hq: str | None,
    basis: str,
    posture: str | None,
    exporter: str | None,
    end_use: str | None,
    end_user: str | None,
    made_in: str | None,
    us_tech: str | None,
    at: Atlas | None,
    as_json: bool,
) -> None:
    """``classify --item equipment|eda|material --eccn …``: the same verdict shape as for chips."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls import sources
    from computestrata.controls.items_beyond import ITEM_CLASSES, classify_item
    from computestrata.controls.regime import load_full
    from computestrata.errors import InputError
    from computestrata.i18n import t

    if chip or spec:
        raise InputError(
            "--chip/--spec classify chips; --eccn classifies equipment, EDA and materials",
            hint="give --item equipment --eccn 3B001.f.1.a, or drop --eccn",
        )
    if item not in ITEM_CLASSES:
        raise InputError(
            f"--eccn needs --item equipment, eda or material (got --item {item})",
            hint="e.g. --item equipment --eccn 3B001.f.1.a",
        )
    if not eccn:
        raise InputError(
            f"--item {item} needs --eccn", hint="e.g. --eccn 3B001.f.1.a; `strata controls eccns` lists them"
        )
    if posture:
        raise InputError("--posture applies to the chip rules only", hint="drop --posture for equipment items")
    for flag, value in (("--made-in", made_in), ("--end-user", end_user), ("--exporter", exporter)):
        if value is not None and not value.strip():
            raise InputError(f"{flag} is empty", hint=f"give a value or leave {flag} out")
    dest_code = _country(at, dest, "--dest")
    hq_code = _country(at, hq, "--hq") if hq else None
    made = _country(at, made_in, "--made-in") if made_in else None
    lists = _screening(at) if end_user else None
    regime = load_full()
    v = classify_item(
        item,
        eccn,
        dest_code,
        date,
        exporter=exporter,
        end_user=end_user,
        end_use=end_use,
        made_in=made,
        us_tech=_yes_no(us_tech),
        hq=hq_code,
        regime=regime,
        basis=basis,  # type: ignore[arg-type]
        screening=lists,
        ccl=_ccl(at),
    )
    d = v.to_dict()
    notes = _finish_notes(v.notes)
    cited = {r.instrument for r in v.reasons}
    in_force = sources.rules(regime, [v.date], v.basis)  # type: ignore[arg-type]
    extra = [x for x in in_force if x["source_id"].removeprefix("controls_rule_") in cited]
    ids = sorted({r["source_id"] for r in d.get("screening") or [] if r.get("source_id")})
    title = t(
        "controls.beyond.title.classify",
        item=v.item,
        kind=t(f"controls.beyond.item.{item}"),
        dest=v.destination,
        date=v.date.isoformat(),
    )
    cite = {"source_ids": ids, "extra_sources": extra, "notes": notes}
    if as_json:
        emit(Output(title=title, data=d, **cite), True, at)  # type: ignore[arg-type]
        return
    fields = _verdict_fields(d, v.status, None)
    for k in ("tpp", "tpp_driver", "performance_density", "hbm_bandwidth_density", "measures"):
        fields.pop(_header(k), None)
    from computestrata.controls import display

    for k in ("exporter", "made_in", "end_use", "end_user"):
        fields[_header(k)] = d.get(k)
    fields[_header("subject_to_ear")] = display.yes_no(d.get("subject_to_ear"))
    emit(Output(title=title, data=fields), False)
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
    chips: Annotated[
        bool,
        typer.Option("--chips", help="One row per chip and date, not counts by status (--json lists every chip)."),
    ] = False,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Classify the whole chip catalogue for one destination at several dates.

    The table counts chips by status at each date; --chips lists every chip.
    """
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
    if chips or as_json:
        _show(t("controls.title.matrix", dest=dest_code), rows, cols, as_json, notes, at, src, extra)
        return
    _show_counts(t("controls.title.matrix", dest=dest_code), rows, days, notes, at, src, extra)


def _show_counts(
    title: str,
    rows: list[dict[str, Any]],
    days: list[str],
    notes: list[str],
    atlas: Atlas | None,
    source_ids: list[str],
    extra_sources: list[dict[str, Any]],
) -> None:
    """The compact matrix: chips per status (in the reader's language) at each date."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls import display
    from computestrata.controls.batch import status_counts
    from computestrata.i18n import t

    counts = status_counts(rows, days)
    statuses = [k for k in (counts[0] if counts else {}) if k != "date"]
    labels = [_header("date"), *(display.status(s) or s for s in statuses)]
    shown = [{lab: r[k] for lab, k in zip(labels, ["date", *statuses], strict=True)} for r in counts]
    notes = [t("render.matrix_counts", n=len({r["chip"] for r in rows})), *notes]
    out = Output(
        title=title,
        rows=shown,
        columns=labels,
        notes=_finish_notes(notes),
        source_ids=source_ids,
        extra_sources=extra_sources,
        raw_headers=True,
    )
    emit(out, False, atlas)


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
    eccn: EccnOpt = None,
    exporter: ExporterOpt = None,
    made_in: MadeInOpt = None,
    us_tech: UsTechOpt = None,
    end_use: EndUseOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Every change of status for one item and destination, with the instrument that caused it."""
    from computestrata.controls import regime as rg
    from computestrata.controls.batch import timeline as run
    from computestrata.controls.items_beyond import ITEM_CLASSES
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    if item in ITEM_CLASSES or eccn:
        from computestrata.controls import api, sources
        from computestrata.errors import InputError

        if item not in ITEM_CLASSES or not eccn or chip or spec:
            raise InputError(
                "timeline for equipment, EDA and materials needs --item equipment|eda|material and --eccn",
                hint="e.g. --item equipment --eccn 3B001.f.1.b",
            )
        dest_code = _country(at, dest, "--dest")
        made = _country(at, made_in, "--made-in") if made_in else None
        events = api.timeline_item(
            item, eccn, dest_code, exporter=exporter, made_in=made, us_tech=_yes_no(us_tech), end_use=end_use
        )
        full = rg.load_full()
        extra = sources.rules(full, [rg.parse_date(e["date"], earliest=rg.EARLIEST_BEYOND) for e in events], basis)  # type: ignore[arg-type]
        title = t("controls.beyond.title.timeline", item=eccn, kind=item, dest=dest_code)
        cols = ("date", "status", "review_policy", "license_basis", "citations")
        _show(title, events, cols, as_json, [t("controls.beyond.timeline.note")], at, [], extra)
        return
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
    shown_cols = ("date", "status", "summary", "caused_by")
    _show(title, events, shown_cols, as_json, [*cat_notes, *it.notes], at, src, extra)


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="Party name or alias (Latin or Chinese script).")],
    date: Annotated[
        str | None, typer.Option("--date", help="Date YYYY-MM-DD (default: the list snapshot, 2026-07-31).")
    ] = None,
    lists: Annotated[
        str, typer.Option("--list", help="el (Entity List, default), mofcom (MOFCOM's three lists), csl, or all.")
    ] = "el",
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Is this party on the Entity List (or MOFCOM's lists) on this date? Matches with scores and dates."""
    from computestrata.controls import api
    from computestrata.errors import AtlasError
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    if at is None:
        raise AtlasError("screening needs the atlas (table screening_parties)", hint="run `strata atlas build` first")
    res = api.screen(name, date, lists, atlas=at)
    title = t("controls.beyond.title.screen", name=name, date=res.on.isoformat(), lists=res.lists)
    cols = (
        "list",
        "name",
        "score",
        "listed",
        "listed_on",
        "federal_register_citation",
        "license_policy",
        "fdp_rule",
    )
    if as_json:
        from computestrata.cli_common import Output, emit

        data = {
            "name": name,
            "date": res.on.isoformat(),
            "lists": res.lists,
            "listed": res.listed,
            "threshold": res.threshold,
        }
        emit(
            Output(
                title=title,
                data=data,
                rows=res.rows,
                notes=_finish_notes(res.notes),
                source_ids=res.source_ids,
            ),
            True,
            at,
        )
        return
    from computestrata.controls import display

    rows = [{**r, "listed": display.yes_no(r["listed"]) or "?", "listed_on": _when(r)} for r in res.rows]
    _show(title, rows, cols, False, res.notes, at, res.source_ids)


def _when(r: dict[str, Any]) -> str | None:
    """A listing date as shown: the date, or its range, with the confidence tag."""
    if not r["listed_on"]:
        return None
    span = r["listed_on"] if r["listed_on"] == r["listed_on_latest"] else f"{r['listed_on']} … {r['listed_on_latest']}"
    return f"{span} [{r['listed_on_confidence']}]"


@app.command()
def rules(
    date: Annotated[str | None, typer.Option("--date", help="Show what is in force on this date.")] = None,
    basis: BasisOpt = "compliance",
    include_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Also the equipment, EDA, materials, end-use, FDP, Dutch, Japanese and Chinese instruments."
        ),
    ] = False,
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
    reg = _regime(None, basis, full=include_all)
    day = rg.parse_date(date, earliest=rg.EARLIEST_BEYOND if include_all else rg.EARLIEST) if date else None
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
        "authority": getattr(x, "authority", "USA"),
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
    exporter: Annotated[
        str | None,
        typer.Option("--exporter", help="Whose rules: USA (default), NLD, JPN, CHN, or all."),
    ] = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """ECCNs (and national item ids) a (real or hypothetical) regime controls, with segments and citations."""
    from computestrata.controls import regime as rg
    from computestrata.controls.scope import controlled_eccns
    from computestrata.i18n import t

    _start(lang)
    if exclude_license:  # the rule data is US government work: only a typo is worth reporting
        _open(None, exclude_license)
    from computestrata.controls.items_beyond import check_exporter

    auths = rg.AUTHORITIES if (exporter or "").strip().lower() == "all" else (check_exporter(exporter) or "USA",)
    reg = _regime(posture, basis, date, full=True)
    day = rg.parse_date(date, earliest=rg.EARLIEST_BEYOND) if date else None
    rows = controlled_eccns(reg, day, basis, authorities=auths)  # type: ignore[arg-type]
    for r in rows:
        r["paragraphs"] = ", ".join(r["paragraphs"])
        r["citations"] = "; ".join(r["citations"])
    from computestrata.controls import sources

    # the real rules in force that day are the sources (a posture's hypothetical ones are not)
    real = _regime(None, basis, full=True)
    on = day if day is not None else real.change_dates(basis)[-1]  # type: ignore[arg-type]
    _show(t("controls.title.eccns"), rows, None, as_json, [], extra_sources=sources.rules(real, [on], basis))  # type: ignore[arg-type]
