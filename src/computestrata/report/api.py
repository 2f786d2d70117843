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
        }


def _sections() -> list[tuple[str, str, tuple[str, ...], Callable[[Context], ReportSection]]]:
    """(key, title key, tables it needs, builder) in the order of the paper's argument."""
    from computestrata.report.sections import chokepoints, controls, cooperation, table1, top500, trends

    return [
        ("top500", "report.top500.title", top500.TABLES, top500.build),
        ("chokepoints", "report.stack.title", chokepoints.TABLES, chokepoints.build),
        ("controls", "report.controls.title", controls.TABLES, controls.build),
        ("table1", "report.table1.title", table1.TABLES, table1.build),
        ("trends", "report.trends.title", trends.TABLES, trends.build),
        ("cooperation", "report.coop.title", cooperation.TABLES, cooperation.build),
    ]


SECTIONS = ("top500", "chokepoints", "controls", "table1", "trends", "cooperation")


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


def build_sections(ctx: Context) -> list[ReportSection]:
    """Every section in order; one whose data is hidden or absent says so instead of failing."""
    from computestrata.errors import AtlasError
    from computestrata.i18n import t

    out = []
    for key, title_key, tables, build in _sections():
        title = t(title_key, lang=ctx.lang)
        why = _hidden(ctx.atlas, key, title, tables, ctx.lang)
        if why is None:
            try:
                out.append(build(ctx))
                continue
            except AtlasError as exc:  # a table the section needs is missing or unreadable
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
    from computestrata.report.captions import caption, safe_url

    recs = _records(atlas, sections, lang)
    for s in sections:
        own = [recs[i] for i in sorted(s.source_ids) if i in recs] + list(s.extra_sources)
        for item in s.items():
            if item.source_ids is None and item.extra_sources is None:
                cited = own
            else:
                cited = [recs[i] for i in sorted(item.source_ids or ()) if i in recs] + list(item.extra_sources or [])
            item.caption = caption(cited, lang)
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
            built=str(atlas.manifest.get("built_at") or "—"),
            today=datetime.now(UTC).date().isoformat(),
        ),
        "sections": sections,
        "sources_title": t("report.sources.title", lang=lang),
        "sources_lead": t("report.sources.lead", lang=lang, n=len(rows)),
        "source_columns": [t(f"col.{c}", lang=lang) for c in ("source_id", "publisher", "title", "license")],
        "source_rows": rows,
        "notes_title": t("report.notes", lang=lang),
        "footer": t("report.footer", lang=lang, a=pair[0], b=pair[1]),
    }


def build_report(
    atlas: Atlas | str | Path | None,
    out: str | Path,
    lang: str | None = "en",
    pair: Sequence[str] | None = None,
    date: date | str | None = None,
) -> ReportResult:
    """Write the report for ``atlas`` into the folder ``out`` (``out/index.html`` plus plotly.js).

    ``pair`` is the cooperation pair (default KOR, CHN) and ``date`` its date (default: today,
    or the newest date the rules cover).  The folder is built aside and swapped in; an existing
    folder that ``strata report`` did not write is never overwritten."""
    from computestrata.atlas import store
    from computestrata.errors import InputError
    from computestrata.i18n import get_lang, use_lang
    from computestrata.report import output
    from computestrata.report.render import render_page
    from computestrata.report.sections.common import Context

    if not isinstance(atlas, store.Atlas):
        opened = store.open(atlas)
        try:
            return build_report(opened, out, lang, pair, date)
        finally:
            opened.close()
    a = atlas
    target = Path(out).expanduser().resolve()
    output.check_target(target)  # before the minutes of work, not after
    js = output.plotly_js()
    p = tuple(pair) if pair else DEFAULT_PAIR
    if len(p) != 2:
        raise InputError.keyed("report.error.pair", "report.error.pair_hint")
    with use_lang(lang):
        code = get_lang()
        on = None
        if date is not None:
            from computestrata.cooperation.api import check_date

            on = check_date(date)
        from computestrata.cooperation.api import check_pair

        pa, pb = check_pair(a, p[0], p[1])  # bad countries fail now, with the closest names
        ctx = Context(atlas=a, lang=code, pair=(pa, pb), on=on)
        sections = build_sections(ctx)
        page = render_page(_context(sections, a, code, (pa, pb)))
    recs = _records(a, sections, code)
    unknown = sorted(i for i, r in recs.items() if r.get("unknown"))
    atlas_ids = {r["source_id"] for r in a.sources(recs)}

    def fill(tmp: Path) -> None:
        (tmp / "index.html").write_text(page, encoding="utf-8")
        shutil.copyfile(js, tmp / "plotly.min.js")
        folder = resources.files("computestrata.report") / "templates"
        for name in ("report.js", "report.css"):  # static assets, kept as .j2 so they ship as package data
            (tmp / name).write_text((folder / f"{name}.j2").read_text(encoding="utf-8"), encoding="utf-8")

    meta: dict[str, object] = {
        "generator": "computestrata report",
        "lang": code,
        "pair": [pa, pb],
        "sections": SECTIONS,
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
    )
