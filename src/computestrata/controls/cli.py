"""`strata controls` commands: classify, matrix, timeline, screen, rules, eccns.

Each command parses its options, calls one function of :mod:`computestrata.controls.api` and
prints the result (labels in the reader's language, JSON with the stable codes); no domain work
here.  Heavy imports stay inside the command bodies so `strata --help` stays fast.  Every
output carries the not-legal-advice notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from pathlib import Path

    from computestrata.atlas.api import Atlas

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
        from computestrata.vocab.segments import segment

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
    from computestrata.controls import api
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    res = api.classify_request(
        dest,
        date,
        chip=chip,
        spec=spec,
        item=item,
        eccn=eccn,
        hq=hq,
        basis=basis,
        posture=posture,
        exporter=exporter,
        end_use=end_use,
        end_user=end_user,
        made_in=made_in,
        us_tech=us_tech,
        atlas=at,
    )
    v = res.verdict
    assert v is not None
    title = res.title()
    cite = {"source_ids": res.source_ids, "extra_sources": res.extra_sources, "notes": _finish_notes(res.notes)}
    if as_json:
        emit(Output(title=title, data=res.data, **cite), True, at)  # type: ignore[arg-type]
        return
    # The verdict first, then its reasons as a narrow table (readable at 80 columns).
    emit(Output(title=title, data=_verdict_fields(res.summary())), False)
    rows = [_reason_row(r.to_dict()) for r in v.reasons]
    cols = tuple(_header(c) for c in ("rule_citation", "test", "result", "confidence"))
    emit(Output(title=t("controls.reasons"), rows=rows, columns=cols, **cite), False, at)  # type: ignore[arg-type]


def _verdict_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The verdict's summary fields (:meth:`~computestrata.controls.api.Classification.summary`)
    for people: translated labels and values (an empty value shows as "—")."""
    from computestrata.controls import display
    from computestrata.i18n import t

    shown: dict[str, Callable[[Any], Any]] = {
        "item": lambda x: x or t("controls.word.spec"),
        "status": lambda x: t(f"controls.status.{x}"),
        "review_policy": display.policy,
        "license_required": display.yes_no,
        "license_required_by_rules": display.yes_no,
        "subject_to_ear": display.yes_no,
        "license_basis": lambda x: [display.basis(b) for b in x or []] or None,
        "measures": lambda x: [f"{m['id']}: {display.measure_title(m)} ({m['citation']})" for m in x or []] or None,
        "regime": lambda x: t("stack.regime.posture", posture=t(f"controls.posture.{x}")),
    }
    return {_header(k): (shown[k](v) if k in shown else v) for k, v in fields.items()}


def _reason_row(r: dict[str, Any]) -> dict[str, Any]:
    """One reason in four narrow cells: rule and citation, the test, its result, the confidence tag."""
    from computestrata.cli_common import cell
    from computestrata.controls import display

    q = r["quantity"]
    shown = (cell(display.value(q, x)) for x in (r["value"], r["threshold"]))
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
    from computestrata.controls import api
    from computestrata.i18n import t

    _start(lang)
    at = _open(atlas, exclude_license)
    res = api.controls_matrix(at, dest, dates.split(","), hq=hq, origin=origin, basis=basis, posture=posture)
    title = t("controls.title.matrix", dest=res.dest)
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
        _show(title, res.rows, cols, as_json, res.notes, at, res.source_ids, res.extra_sources)
        return
    _show_counts(title, res, at)


def _show_counts(title: str, res: Any, atlas: Atlas | None) -> None:
    """The compact matrix: chips per status (in the reader's language) at each date."""
    from computestrata.cli_common import Output, emit
    from computestrata.controls import display
    from computestrata.i18n import t

    counts = res.counts
    statuses = [k for k in (counts[0] if counts else {}) if k != "date"]
    labels = [_header("date"), *(display.status(s) or s for s in statuses)]
    shown = [{lab: r[k] for lab, k in zip(labels, ["date", *statuses], strict=True)} for r in counts]
    notes = [t("render.matrix_counts", n=len({r["chip"] for r in res.rows})), *res.notes]
    out = Output(
        title=title,
        rows=shown,
        columns=labels,
        notes=_finish_notes(notes),
        source_ids=res.source_ids,
        extra_sources=res.extra_sources,
        raw_headers=True,
    )
    emit(out, False, atlas)


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
    from computestrata.controls import api

    _start(lang)
    at = _open(atlas, exclude_license)
    res = api.timeline(
        dest,
        chip=chip,
        spec=spec,
        item=item,
        eccn=eccn,
        hq=hq,
        basis=basis,
        exporter=exporter,
        made_in=made_in,
        us_tech=us_tech,
        end_use=end_use,
        atlas=at,
    )
    title = res.title()
    if res.beyond:
        cols = ("date", "status", "review_policy", "license_basis", "citations")
        _show(title, res.rows, cols, as_json, res.notes, at, res.source_ids, res.extra_sources)
        return
    events = res.rows
    if not as_json:  # the labelled phrases, under the same headers
        events = [{**e, "summary": e["summary_label"], "caused_by": e["caused_by_label"]} for e in events]
    shown_cols = ("date", "status", "summary", "caused_by")
    _show(title, events, shown_cols, as_json, res.notes, at, res.source_ids, res.extra_sources)


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
    from computestrata.controls import api
    from computestrata.i18n import t

    _start(lang)
    if exclude_license:  # the rule data is US government work: only a typo is worth reporting
        _open(None, exclude_license)
    res = api.rules(date, basis, include_all)
    cols = ("id", "kind", "citation", "effective", "compliance", "confidence", "in_force")
    _show(t("controls.title.rules"), res.rows, cols, as_json, [], extra_sources=res.extra_sources)


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
    from computestrata.controls import api
    from computestrata.i18n import t

    _start(lang)
    if exclude_license:  # the rule data is US government work: only a typo is worth reporting
        _open(None, exclude_license)
    res = api.eccns(date, posture, basis, exporter)
    _show(t("controls.title.eccns"), res.rows, None, as_json, [], extra_sources=res.extra_sources)
