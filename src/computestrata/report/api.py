"""Python API of the report: the one function ``strata report`` (and later the dashboard) calls.

>>> from computestrata.atlas import store
>>> from computestrata.report import api
>>> res = api.build_report(store.open(), "strata-report", lang="zh")   # doctest: +SKIP
>>> res.path.name, res.sections[:2]                                    # doctest: +SKIP
('index.html', ['top500', 'chokepoints'])
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.report.model import ReportSection

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.report.sections.common import Context

__all__ = ["SECTIONS", "ReportResult", "build_report"]

DEFAULT_PAIR = ("KOR", "CHN")


@dataclass
class ReportResult:
    """Where the report was written and what it holds."""

    path: Path  # DIR/index.html
    lang: str
    sections: list[str]  # section keys, in order
    hidden: dict[str, str] = field(default_factory=dict)  # section key → why it shows nothing
    source_ids: list[str] = field(default_factory=list)  # atlas sources cited
    extra_source_ids: list[str] = field(default_factory=list)  # cited records outside the atlas
    unknown_source_ids: list[str] = field(default_factory=list)  # cited ids the atlas lacks (a bug)
    images: list[str] = field(default_factory=list)  # PNG/PDF files written beside index.html

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "folder": str(self.path.parent),
            "lang": self.lang,
            "sections": self.sections,
            "hidden": self.hidden,
            "source_ids": self.source_ids,
            "extra_source_ids": self.extra_source_ids,
            "unknown_source_ids": self.unknown_source_ids,
            "images": self.images,
        }


def _sections() -> list[tuple[str, str, tuple[str, ...], Callable[[Context], ReportSection]]]:
    """(key, title key, tables it needs, builder) in the order of the paper's argument."""
    from computestrata.report.sections import (
        chokepoints,
        compute,
        controls,
        cooperation,
        hardware,
        index,
        scenarios,
        table1,
        top500,
        trends,
    )

    return [
        ("chokepoints", "report.stack.title", chokepoints.TABLES, chokepoints.build),
        ("top500", "report.top500.title", top500.TABLES, top500.build),
        ("compute", "report.compute.title", compute.TABLES, compute.build),
        ("table1", "report.table1.title", table1.TABLES, table1.build),
        ("hardware", "report.hardware.title", hardware.TABLES, hardware.build),
        ("trends", "report.trends.title", trends.TABLES, trends.build),
        ("controls", "report.controls.title", controls.TABLES, controls.build),
        ("cooperation", "report.coop.title", cooperation.TABLES, cooperation.build),
        ("scenarios", "report.scenarios.title", scenarios.TABLES, scenarios.build),
        ("index", "report.index.title", index.TABLES, index.build),
    ]


#: Section keys in the order of the paper's argument: the stack and its chokepoints, who holds
#: compute, the trends, the controls, what cooperation remains, and the composite index.
#: Scenario trajectories carry p5–p95 bands from a seeded parameter sweep (:mod:`computestrata.scenarios.bands`).
SECTIONS = (
    "chokepoints",
    "top500",
    "compute",
    "table1",
    "hardware",
    "trends",
    "controls",
    "cooperation",
    "scenarios",
    "index",
)


def _hidden(atlas: Atlas, key: str, title: str, tables: tuple[str, ...], lang: str) -> str | None:
    """Why a section shows nothing: the licence filter hides all its data, or a table is absent."""
    from computestrata.i18n import t
    from computestrata.overview import hidden_by_licence

    hiding = hidden_by_licence(atlas, tables) if tables else []
    if hiding:
        k = "report.hidden.licence" if atlas.exclude_licenses else "report.hidden.left_out"
        return t(k, lang=lang, section=title, licenses=", ".join(hiding))
    absent = [n for n in tables if not atlas.has(n)]
    if absent:
        return t("report.hidden.missing", lang=lang, section=title, tables=", ".join(absent))
    return None


def make_context(atlas: Atlas, lang: str, pair: Sequence[str] | None, on: date | str | None) -> Context:
    """The sections' context: the pair and date checked (bad ones fail now, with the closest names)."""
    from computestrata.cooperation.api import check_date, check_pair
    from computestrata.errors import InputError
    from computestrata.report.sections.common import Context

    p = tuple(pair) if pair else DEFAULT_PAIR
    if len(p) != 2:
        raise InputError.keyed("report.error.pair", "report.error.pair_hint")
    day = None if on is None else check_date(on)
    pa, pb = check_pair(atlas, p[0], p[1])
    return Context(atlas=atlas, lang=lang, pair=(pa, pb), on=day)


def build_sections(
    ctx: Context, progress: Callable[[str], None] | None = None, only: Sequence[str] | None = None
) -> list[ReportSection]:
    """Every section in order (or those in ``only``); one whose data is hidden or absent says so
    instead of failing.  ``progress(title)`` is called before each section (the progress bar)."""
    from computestrata.errors import AtlasError, InputError
    from computestrata.i18n import t

    out = []
    for key, title_key, tables, build in _sections():
        if only is not None and key not in only:
            continue
        title = t(title_key, lang=ctx.lang)
        if progress:
            progress(title)
        why = _hidden(ctx.atlas, key, title, tables, ctx.lang)
        if why is None:
            try:
                out.append(build(ctx))
                continue
            except (AtlasError, InputError) as exc:  # a table it needs is missing, or its data say no
                why = t("report.hidden.error", lang=ctx.lang, section=title, why=exc.message)
        out.append(ReportSection(key=key, title=title, hidden=why))
    return out


def _records(atlas: Atlas, sections: Sequence[ReportSection], lang: str) -> dict[str, dict[str, Any]]:
    """Every cited record by id: atlas sources first, then records outside the atlas."""
    ids: set[str] = set()
    for s in sections:
        ids |= s.source_ids
        for f in s.items():
            ids |= f.source_ids or set()
    recs = {r["source_id"]: r for r in atlas.sources(ids)}
    for s in sections:
        for extra in (s.extra_sources, *(f.extra_sources or [] for f in s.items())):
            for r in extra:
                recs.setdefault(r["source_id"], r)
    from computestrata.i18n import t

    for i in sorted(ids - set(recs)):  # cited but in neither the atlas nor the extras: shown, never dropped
        title = t("report.sources.unknown", lang=lang)
        recs[i] = {"source_id": i, "publisher": "—", "title": title, "license": "—", "unknown": True}
    return recs


def _context(sections: list[ReportSection], atlas: Atlas, lang: str, pair: tuple[str, str]) -> dict[str, Any]:
    from computestrata import __version__
    from computestrata.i18n import t
    from computestrata.i18n.formats import fmt_date
    from computestrata.report.captions import caption, safe_url

    recs = _records(atlas, sections, lang)
    for s in sections:
        own = [recs[i] for i in sorted(s.source_ids) if i in recs] + list(s.extra_sources)
        for item in s.items():
            if item.source_ids is None and item.extra_sources is None:
                cited = own
            else:
                cited = [recs[i] for i in sorted(item.source_ids or ()) if i in recs] + list(item.extra_sources or [])
            item.caption = " ".join(x for x in (item.about, caption(cited, lang)) if x)
    rows = [
        {
            "source_id": r["source_id"],
            "publisher": r.get("publisher") or "—",
            "title": r.get("title") or r.get("citation") or "—",
            "license": r.get("license") or "—",
            "url": safe_url(r.get("url")),
        }
        for r in sorted(recs.values(), key=lambda r: str(r["source_id"]))
    ]
    return {
        "lang": lang,
        "title": t("report.title", lang=lang),
        "subtitle": t("report.subtitle", lang=lang),
        "generated": t(
            "report.generated",
            lang=lang,
            version=__version__,
            built=fmt_date(str(atlas.manifest.get("built_at") or "")[:10] or None, lang),
            today=fmt_date(datetime.now(UTC).date(), lang),
        ),
        "sections": sections,
        "sources_title": t("report.sources.title", lang=lang),
        "sources_lead": t("report.sources.lead", lang=lang, n=len(rows)),
        "source_columns": [t(f"col.{c}", lang=lang) for c in ("source_id", "publisher", "title", "license")],
        "source_rows": rows,
        "notes_title": t("report.notes", lang=lang),
        "footer": t("report.footer", lang=lang, a=pair[0], b=pair[1]),
    }


FORMATS = ("html", "png", "pdf")


def build_report(
    atlas: Atlas | str | Path | None,
    out: str | Path,
    lang: str | None = "en",
    pair: Sequence[str] | None = None,
    date: date | str | None = None,
    fmt: str = "html",
    progress: Callable[[str], None] | None = None,
) -> ReportResult:
    """Write the report for ``atlas`` into the folder ``out`` (``out/index.html`` plus plotly.js).

    ``pair`` is the cooperation pair (default KOR, CHN) and ``date`` its date (default: today,
    or the newest date the rules cover).  ``fmt`` "png" adds one PNG per chart
    (``out/png/NN-NAME.png``), "pdf" the whole report printed (``out/report.pdf``); both need
    Chromium.  The folder is built aside and swapped in; an existing folder that
    ``strata report`` did not write is never overwritten.  ``progress(step)`` is told each step."""
    from computestrata.atlas import store
    from computestrata.errors import InputError
    from computestrata.i18n import get_lang, t, use_lang
    from computestrata.report import output
    from computestrata.report.render import render_page

    if fmt not in FORMATS:
        raise InputError(
            t("report.error.format", lang=lang, value=fmt),
            hint=t("report.error.format_hint", lang=lang, choices=", ".join(FORMATS)),
        )
    if not isinstance(atlas, store.Atlas):
        opened = store.open(atlas)
        try:
            return build_report(opened, out, lang, pair, date, fmt, progress)
        finally:
            opened.close()
    a = atlas
    target = Path(out).expanduser().resolve()
    output.check_target(target)  # before the minutes of work, not after
    js = output.plotly_js()
    if fmt != "html":
        from computestrata.imaging import find_chromium

        find_chromium()  # no browser: say so before the work, not after
    with use_lang(lang):
        code = get_lang()
        ctx = make_context(a, code, pair, date)
        pa, pb = ctx.pair
        sections = build_sections(ctx, progress)
        page = render_page(_context(sections, a, code, (pa, pb)))
    recs = _records(a, sections, code)
    unknown = sorted(i for i, r in recs.items() if r.get("unknown"))
    atlas_ids = {r["source_id"] for r in a.sources(recs)}
    images: list[str] = []

    def fill(tmp: Path) -> None:
        (tmp / "index.html").write_text(page, encoding="utf-8")
        shutil.copyfile(js, tmp / "plotly.min.js")
        folder = resources.files("computestrata.report") / "templates"
        for name in ("report.js", "report.css"):  # static assets, kept as .j2 so they ship as package data
            (tmp / name).write_text((folder / f"{name}.j2").read_text(encoding="utf-8"), encoding="utf-8")
        if progress and fmt != "html":
            progress(t("report.progress.images", lang=code))
        if fmt == "png":
            images.extend(_write_pngs(sections, tmp / "png", code))
        elif fmt == "pdf":
            from computestrata.imaging import print_pdf

            print_pdf(tmp / "index.html", tmp / "report.pdf")
            images.append("report.pdf")

    meta: dict[str, object] = {
        "generator": "computestrata report",
        "lang": code,
        "pair": [pa, pb],
        "sections": SECTIONS,
        "format": fmt,
    }
    output.write_folder(target, fill, meta)
    return ReportResult(
        path=target / "index.html",
        lang=code,
        sections=[s.key for s in sections],
        hidden={s.key: s.hidden for s in sections if s.hidden},
        source_ids=sorted(atlas_ids),
        extra_source_ids=sorted(set(recs) - atlas_ids - set(unknown)),
        unknown_source_ids=unknown,
        images=images,
    )


def _write_pngs(sections: Sequence[ReportSection], folder: Path, lang: str) -> list[str]:
    """One PNG per chart, named by its chart name (``NN-NAME.png``), drawn in one browser run."""
    from computestrata.imaging import render_images
    from computestrata.report.charts import CHARTS

    by_key = {v: k for k, v in CHARTS.items()}
    figs = [(by_key.get((s.key, f.key), f"{s.key}_{f.key}"), f.spec) for s in sections for f in s.figures]
    folder.mkdir()
    names = []
    for i, ((name, _), data) in enumerate(
        zip(figs, render_images([spec for _, spec in figs], "png", lang), strict=True)
    ):
        fname = f"{i + 1:02d}-{name}.png"
        (folder / fname).write_bytes(data)
        names.append(f"png/{fname}")
    return names
