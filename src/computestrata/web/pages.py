"""Dashboard pages: Jinja2 templates (autoescape on) with controls; the charts are drawn by
``static/dashboard.js`` from the JSON API, so a page and ``curl /api/...`` show the same figures.

The report page draws the static report's own charts: :func:`report_figures` runs a
section builder of :mod:`computestrata.report` and hands back its plotly specs."""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from computestrata.web import params as p
from computestrata.web.routes import answer, request_lang
from computestrata.web.runner import Call, run_function

router = APIRouter()

PAGES = ("top500", "controls", "coop", "report")


@cache
def _env() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("computestrata.web", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )


def _json(response: Response) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bytes(response.body))
    return data


def _render(request: Request, page: str, lang: p.Lang | None, **ctx: Any) -> HTMLResponse:
    from computestrata import __version__
    from computestrata.i18n import fmt_number, t

    code = request_lang(request, lang)
    pages = [*PAGES, "scenarios"] if _has_scenarios() else list(PAGES)

    def tr(key: str, **fmt: Any) -> str:
        return t(key, lang=code, **fmt)

    def num(value: float | None, digits: int = 0) -> str:
        return fmt_number(value, digits, code)

    from computestrata.controls.vocab import Status
    from computestrata.cooperation.api import CLASSES

    labels: dict[str, Any] = {k: tr(f"web.{k}") for k in ("loading", "sources", "notes", "error", "hint")}
    # the owners' vocabularies: a new status or cooperation class gets its label here unasked
    labels["statuses"] = {s.value: tr(f"controls.status_label.{s.value}") for s in Status}
    labels["classes"] = {c: tr(f"coop.class.{c}") for c in CLASSES}
    labels["scenario_axis"] = tr("web.scenarios.axis")
    labels["rmax_share"], labels["systems_share"] = tr("col.rmax_share_pct"), tr("col.systems_share_pct")
    from computestrata.vocab.segments import segments

    # segment names as the CLI shows them (stack.labels.segment_name), not raw ids like "eda"
    labels["segments"] = {seg.id: seg.label(code) for seg in segments()}
    from computestrata.i18n import LANGS

    languages = [(c, t("web.language_name", lang=c)) for c in LANGS]  # each in its own language
    html = (
        _env()
        .get_template(f"{page}.html")
        .render(
            t=tr,
            num=num,
            lang=code,
            page=page,
            pages=pages,
            version=__version__,
            labels=json.dumps(labels),
            languages=languages,
            **ctx,
        )
    )
    return HTMLResponse(html, headers={"Content-Language": code})


def _has_scenarios() -> bool:
    from computestrata.web.routes import scenarios_available

    return scenarios_available()


async def _meta(request: Request, lang: p.Lang | None) -> dict[str, Any]:
    from computestrata.web.routes import meta

    return _json(await meta(request, lang))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    return _render(request, "home", lang)


@router.get("/top500", response_class=HTMLResponse, include_in_schema=False)
async def top500_page(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    from computestrata.web.routes import top500_systems

    m = await _meta(request, lang)
    systems = _json(await top500_systems(request, list_id=None, top=10, country=None, lang=lang, exclude_license=None))
    return _render(request, "top500", lang, meta=m, systems=systems)


@router.get("/controls", response_class=HTMLResponse, include_in_schema=False)
async def controls_page(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    return _render(request, "controls", lang, meta=await _meta(request, lang))


@router.get("/coop", response_class=HTMLResponse, include_in_schema=False)
async def coop_page(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    return _render(request, "coop", lang, meta=await _meta(request, lang))


@router.get("/report", response_class=HTMLResponse, include_in_schema=False)
async def report_page(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    from computestrata.report.api import SECTIONS

    code = request_lang(request, lang)
    sections = [(k, _section_title(k, code)) for k in SECTIONS]
    return _render(request, "report", lang, meta=await _meta(request, lang), sections=sections)


@router.get("/scenarios", response_class=HTMLResponse, include_in_schema=False)
async def scenarios_page(request: Request, lang: p.LangQ = None) -> HTMLResponse:
    from computestrata.scenarios import api as scen

    code = request_lang(request, lang)
    titles = {s.name: s.title for s in scen.scenarios(code)}  # the menu shows titles, not file names
    return _render(request, "scenarios", lang, meta=await _meta(request, lang), titles=titles)


def _section_title(key: str, lang: str) -> str:
    from computestrata.i18n import catalog, t

    k = "report." + {"chokepoints": "stack", "cooperation": "coop"}.get(key, key) + ".title"
    return t(k, lang=lang) if k in catalog() else key


# ---------------------------------------------------------------- report charts as JSON


@router.get("/api/report/figures", summary="The charts of one `strata report` section (plotly specs)")
async def report_figures(
    request: Request,
    section: Annotated[str, Query(pattern=r"^[a-z0-9_]{1,40}$", description="Section key (see `strata report`).")],
    a: Annotated[str, Query(pattern=p.COUNTRY)] = "KOR",
    b: Annotated[str, Query(pattern=p.COUNTRY)] = "CHN",
    date: p.DateQ = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    """The section as the report builds it (:func:`computestrata.report.api.build_sections`, which
    applies the licence-hidden check) and its charts through :mod:`computestrata.report.charts`
    (each with its caption and sources, as `strata chart NAME` draws it): the dashboard, the report
    and `strata chart` compute each figure one way.  A hidden section answers ``hidden`` and no
    figures."""

    def compute(call: Call) -> dict[str, Any]:
        def inner(atlas: Any) -> dict[str, Any]:
            from computestrata.errors import unknown
            from computestrata.report import api as report_api
            from computestrata.report import charts

            if section not in report_api.SECTIONS:
                raise unknown("report section", section, report_api.SECTIONS)
            ctx = report_api.make_context(atlas, call.lang, (a, b), date)
            sec = report_api.build_sections(ctx, only=[section])[0]
            figures: list[dict[str, Any]] = []
            for name, (key, fig_key) in charts.CHARTS.items():
                if key != section or sec.hidden or not any(f.key == fig_key for f in sec.figures):
                    continue
                c = charts.from_section(name, sec, atlas, call.lang, ctx.pair)
                figures.append({"key": fig_key, "name": name, "spec": c.spec, "caption": c.caption})
            charted = {f["key"] for f in figures}
            figures += [
                {"key": f.key, "name": None, "spec": f.spec, "caption": f.caption}
                for f in sec.figures
                if f.key not in charted
            ]
            ids: set[str] = set(sec.source_ids)
            for f in sec.figures:
                ids |= set(f.source_ids or ())
            sources = atlas.sources(ids)
            seen = {s["source_id"] for s in sources}
            sources += [s for s in sec.extra_sources if s["source_id"] not in seen]
            return {
                "title": sec.title,
                "section": section,
                "lead": sec.lead,
                "hidden": sec.hidden,
                "figures": figures,
                "tables": [{"key": tb.key, "columns": tb.columns, "rows": tb.rows} for tb in sec.tables],
                "warnings": sec.warnings,
                "sources": sources,
                "notes": sec.notes,
            }

        return run_function(inner, call, tuple(exclude_license or ()))

    kw = {"section": section, "a": a, "b": b, "date": date, "exclude_license": exclude_license}
    return await answer(request, "report.figures", lang, compute, **kw)
