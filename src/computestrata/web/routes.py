"""The JSON API under ``/api/``: one route per `strata` command, answering its ``--json`` envelope.

Each route validates its parameters (types, patterns, ranges, enums: a bad one is a 422),
then runs the CLI command (see :mod:`computestrata.web.runner`), which calls its part's API
module — one way to compute each figure.  A :class:`~computestrata.errors.StrataError` (an
unknown country, a date outside the rules) is a 400 with the message and hint in the
reader's language.  There is no SQL endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from computestrata.i18n import LANGS
from computestrata.web import params as p
from computestrata.web.runner import Call, ResultCache, freeze, run_command, run_function

router = APIRouter(prefix="/api")


def request_lang(request: Request, lang: p.Lang | None) -> str:
    """``?lang=`` first, else the best of en/ko/zh in Accept-Language, else the server's
    ``--lang``, else English."""
    if lang is not None:
        return str(lang)
    header = request.headers.get("accept-language", "")
    best: tuple[float, str] | None = None
    for part in header.split(",")[:20]:
        tag, _, q = part.strip().partition(";q=")
        code = tag.strip().lower()[:2]
        if code not in LANGS:
            continue
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if best is None or weight > best[0]:
            best = (weight, code)
    return best[1] if best else getattr(request.app.state, "default_lang", None) or "en"


def error_body(exc: Exception, lang: str) -> dict[str, Any]:
    """A StrataError as ``{"error", "hint"}`` in ``lang``."""
    from computestrata.errors import StrataError

    if isinstance(exc, StrataError):
        message, hint = exc.shown(lang)
    else:
        message, hint = str(exc), None
    return {"error": message, "hint": hint, "status": 400}


def _check_licences(values: list[str] | None) -> None:
    from computestrata.errors import InputError

    for v in values or []:
        if not re.fullmatch(p.LICENCE, v):
            raise InputError(f"exclude_license {v!r} is not an SPDX licence id", hint="e.g. CC-BY-NC-4.0")


def _check_specs(values: list[str] | None) -> None:
    """``spec=KEY=VALUE`` items as ``--spec`` takes them (the API reads the figures)."""
    from computestrata.errors import InputError

    for v in values or []:
        if not re.fullmatch(r"[A-Za-z0-9_]{1,40}=[^\x00-\x1f\x7f]{1,40}", v):
            raise InputError(f"spec {v!r} is not KEY=VALUE", hint="e.g. spec=fp16_tflops=990")


async def answer(
    request: Request,
    route: str,
    lang: p.Lang | None,
    compute: Callable[[Call], dict[str, Any]],
    /,
    **params: Any,
) -> Response:
    """The cached JSON body for this call, or a 400 with message and hint."""
    from computestrata.cli_common import to_json
    from computestrata.errors import StrataError

    code = request_lang(request, lang)
    atlas_dir: Path = request.app.state.atlas_dir
    call = Call(route, freeze(params), code, atlas_dir)
    cache: ResultCache = request.app.state.cache
    body = cache.get(call)  # a repeated question is answered here, without a worker thread
    if body is None:
        try:
            _check_licences(params.get("exclude_license"))
            _check_specs(params.get("spec"))
            payload = await run_in_threadpool(compute, call)
        except StrataError as exc:
            return JSONResponse(error_body(exc, code), status_code=400, headers={"Content-Language": code})
        body = to_json(payload).encode("utf-8")
        cache.put(call, body)
    return Response(body, media_type="application/json", headers={"Content-Language": code})


def _cmd(command: Callable[..., Any], **kwargs: Any) -> Callable[[Call], dict[str, Any]]:
    return lambda call: run_command(command, call, **kwargs)


def _v(x: Any) -> Any:
    """An enum member as its value (commands take plain strings)."""
    return x.value if hasattr(x, "value") else x


# ---------------------------------------------------------------- choices for the controls


@router.get("/meta", summary="Choices for the dashboard controls: TOP500 lists, countries, cases, frameworks")
async def meta(request: Request, lang: p.LangQ = None) -> Response:
    """Not a CLI command: what the dashboard's drop-downs offer (all read from the atlas)."""

    def compute(call: Call) -> dict[str, Any]:
        def inner(atlas: Any) -> dict[str, Any]:
            from computestrata import top500

            ids = top500.list_ids(atlas)
            latest = top500.countries(ids[-1], atlas=atlas, lang=call.lang)
            countries = [{"iso3": r["country_iso3"], "name": r["country"]} for r in latest]
            return {
                "title": "meta",
                "lists": ids,
                "countries": countries,
                "cases": list(p.cases()),
                "frameworks": list(p.frameworks()),
                "trends": list(p.trend_kinds()),
                "scenarios": _scenario_names(),
                "sources": [],
                "notes": [],
            }

        return run_function(inner, call)

    return await answer(request, "meta", lang, compute)


def _scenario_names() -> list[str]:
    if not scenarios_available():
        return []
    from computestrata.scenarios import api as scen

    return [str(s["name"]) for s in scen.list_scenarios()]


# ---------------------------------------------------------------- top500


@router.get("/top500/countries", summary="strata top500 countries")
async def top500_countries(
    request: Request, list_id: p.ListQ = None, lang: p.LangQ = None, exclude_license: p.ExcludeQ = None
) -> Response:
    from computestrata.top500.cli import countries_cmd

    kw = {"list_id": list_id, "exclude_license": exclude_license}
    return await answer(request, "top500.countries", lang, _cmd(countries_cmd, **kw), **kw)


@router.get("/top500/systems", summary="strata top500 systems")
async def top500_systems(
    request: Request,
    list_id: p.ListQ = None,
    top: Annotated[int, Query(ge=1, le=500)] = 10,
    country: Annotated[str | None, Query(pattern=p.COUNTRY)] = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.top500.cli import systems_cmd

    kw = {"list_id": list_id, "top": top, "country": country, "exclude_license": exclude_license}
    return await answer(request, "top500.systems", lang, _cmd(systems_cmd, **kw), **kw)


@router.get("/top500/series", summary="strata top500 history (one country over every list)")
async def top500_series(
    request: Request,
    country: Annotated[str, Query(pattern=p.COUNTRY)],
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.top500.cli import history_cmd

    kw = {"country": country, "exclude_license": exclude_license}
    return await answer(request, "top500.series", lang, _cmd(history_cmd, **kw), **kw)


# ---------------------------------------------------------------- stack


@router.get("/stack/segments", summary="strata stack show")
async def stack_segments(
    request: Request,
    layer: p.Layer | None = None,
    date: p.DateQ = None,
    posture: p.Posture | None = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.stack.cli import show_cmd

    kw = {"layer": _v(layer), "date": date, "posture": _v(posture), "exclude_license": exclude_license}
    return await answer(request, "stack.segments", lang, _cmd(show_cmd, **kw), **kw)


@router.get("/stack/chokepoints", summary="strata stack chokepoints")
async def stack_chokepoints(
    request: Request, year: p.YearQ = None, lang: p.LangQ = None, exclude_license: p.ExcludeQ = None
) -> Response:
    from computestrata.stack.cli import chokepoints_cmd

    kw = {"year": year, "exclude_license": exclude_license}
    return await answer(request, "stack.chokepoints", lang, _cmd(chokepoints_cmd, **kw), **kw)


@router.get("/stack/concentration", summary="strata stack concentration")
async def stack_concentration(
    request: Request, year: p.YearQ = None, lang: p.LangQ = None, exclude_license: p.ExcludeQ = None
) -> Response:
    from computestrata.stack.cli import concentration_cmd

    kw = {"year": year, "exclude_license": exclude_license}
    return await answer(request, "stack.concentration", lang, _cmd(concentration_cmd, **kw), **kw)


@router.get("/stack/exposure", summary="strata stack exposure")
async def stack_exposure(
    request: Request,
    country: Annotated[str, Query(pattern=p.COUNTRY)],
    cut: Annotated[str, Query(pattern=p.WORDS, description="Segments the country loses, comma-separated.")],
    suppliers: Annotated[
        str | None, Query(alias="from", pattern=p.WORDS, description="Supplier countries cut, comma-separated.")
    ] = None,
    show_all: Annotated[bool, Query(alias="all")] = False,
    year: p.YearQ = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.stack.cli import exposure_cmd

    kw = {
        "country": country,
        "cut": cut,
        "suppliers": suppliers,
        "assume": None,
        "show_all": show_all,
        "year": year,
        "exclude_license": exclude_license,
    }
    return await answer(request, "stack.exposure", lang, _cmd(exposure_cmd, **kw), **kw)


# ---------------------------------------------------------------- controls


@router.get("/controls/classify", summary="strata controls classify")
async def controls_classify(
    request: Request,
    dest: Annotated[str, Query(pattern=p.COUNTRY, description="Destination country (ISO3 or name).")],
    date: Annotated[str, Query(pattern=p.DATE)],
    chip: Annotated[str | None, Query(pattern=p.NAME)] = None,
    item: p.ItemKind = p.ItemKind.CHIP,
    eccn: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9.\-_]{1,40}$")] = None,
    hq: Annotated[str | None, Query(pattern=p.COUNTRY)] = None,
    basis: p.Basis = "compliance",
    posture: p.Posture | None = None,
    made_in: Annotated[str | None, Query(pattern=p.COUNTRY)] = None,
    exporter: Annotated[p.Exporter | None, Query(description="Also apply this exporter's own controls.")] = None,
    end_use: Annotated[
        str | None,
        Query(pattern=p.END_USE, description="End use: logic:14nm, dram:18nm, nand:128l, supercomputer or sme."),
    ] = None,
    end_user: Annotated[
        str | None, Query(pattern=p.NAME, description="Party name, screened against the Entity List and MOFCOM lists.")
    ] = None,
    us_tech: Annotated[p.YesNo | None, Query(description="Made with U.S. technology/software (FDP rules).")] = None,
    spec: Annotated[
        list[str] | None, Query(max_length=12, description="KEY=VALUE (repeatable), as `--spec`: figures of a chip.")
    ] = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.controls.cli import classify

    kw = {
        "dest": dest,
        "date": date,
        "chip": chip,
        "spec": spec,
        "item": _v(item),
        "hq": hq,
        "basis": _v(basis),
        "posture": _v(posture),
        "eccn": eccn,
        "exporter": _v(exporter),
        "end_use": end_use,
        "end_user": end_user,
        "made_in": made_in,
        "us_tech": _v(us_tech),
        "exclude_license": exclude_license,
    }
    return await answer(request, "controls.classify", lang, _cmd(classify, **kw), **kw)


@router.get("/controls/matrix", summary="strata controls matrix")
async def controls_matrix(
    request: Request,
    dest: Annotated[str, Query(pattern=p.COUNTRY)],
    dates: Annotated[
        str, Query(pattern=r"^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2}){0,11}$", description="Comma-separated dates.")
    ],
    hq: Annotated[str | None, Query(pattern=p.COUNTRY)] = None,
    origin: p.Origin = "all",
    basis: p.Basis = "compliance",
    posture: p.Posture | None = None,
    chips: bool = False,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.controls.cli import matrix

    kw = {
        "dest": dest,
        "dates": dates,
        "hq": hq,
        "origin": _v(origin),
        "basis": _v(basis),
        "posture": _v(posture),
        "chips": chips,
        "exclude_license": exclude_license,
    }
    return await answer(request, "controls.matrix", lang, _cmd(matrix, **kw), **kw)


@router.get("/controls/screen", summary="strata controls screen")
async def controls_screen(
    request: Request,
    name: Annotated[str, Query(pattern=p.NAME, description="Party name or alias (Latin or Chinese script).")],
    date: p.DateQ = None,
    lists: Annotated[p.ScreenLists, Query(alias="list")] = "el",
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.controls.cli import screen

    kw = {"name": name, "date": date, "lists": _v(lists), "exclude_license": exclude_license}
    return await answer(request, "controls.screen", lang, _cmd(screen, **kw), **kw)


# ---------------------------------------------------------------- measure and index


@router.get("/measure/estimates", summary="strata measure compute")
async def measure_estimates(
    request: Request,
    kind: p.ComputeKind = "super",
    year: Annotated[int, Query(ge=1990, le=2100)] = 2024,
    top: Annotated[int, Query(ge=1, le=300)] = 15,
    all_clusters: bool = False,
    allow_thin: bool = False,
    draws: p.DrawsQ = 4000,
    seed: p.SeedQ = 20260301,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.measure.cli import compute_cmd

    kw = {
        "kind": _v(kind),
        "year": year,
        "top": top,
        "all_clusters": all_clusters,
        "allow_thin": allow_thin,
        "draws": draws,
        "seed": seed,
        "exclude_license": exclude_license,
    }
    return await answer(request, "measure.estimates", lang, _cmd(compute_cmd, **kw), **kw)


@router.get("/measure/table1", summary="strata measure table1")
async def measure_table1(
    request: Request,
    draws: p.DrawsQ = 4000,
    seed: p.SeedQ = 20260301,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.measure.cli import table1_cmd

    kw = {"draws": draws, "seed": seed, "exclude_license": exclude_license}
    return await answer(request, "measure.table1", lang, _cmd(table1_cmd, **kw), **kw)


@router.get("/measure/concentration", summary="strata measure concentration")
async def measure_concentration(
    request: Request,
    dataset: p.Dataset = "top500",
    tier: p.Tier = "frontier",
    year: p.YearQ = None,
    list_id: p.ListQ = None,
    top: Annotated[int, Query(ge=1, le=500)] = 10,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.measure.cli import concentration_cmd

    if list_id is not None and _v(dataset) == "clusters":
        from computestrata.errors import InputError

        raise InputError("list applies to dataset top500 or chips", hint="use year= for clusters")
    kw = {
        "dataset": _v(dataset),
        "tier": _v(tier),
        "year": year,
        "list_id": list_id,
        "top": top,
        "exclude_license": exclude_license,
    }
    return await answer(request, "measure.concentration", lang, _cmd(concentration_cmd, **kw), **kw)


@router.get("/index/ranks", summary="strata index build (scores and ranks)")
async def index_ranks(
    request: Request,
    framework: p.Framework = "gci",
    year: p.YearQ = None,
    level: Annotated[int, Query(ge=1, le=2)] = 2,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.measure.index.cli import build_cmd

    kw = {
        "framework": _v(framework),
        "year": year,
        "level": level,
        "data": None,
        "plot": None,
        "exclude_license": exclude_license,
    }
    return await answer(request, "index.ranks", lang, _cmd(build_cmd, **kw), **kw)


# ---------------------------------------------------------------- cooperation

CountryA = Annotated[str, Query(pattern=p.COUNTRY, description="Country A (ISO3 or name, e.g. KOR, 한국).")]
CountryB = Annotated[str, Query(pattern=p.COUNTRY, description="Country B (ISO3 or name, e.g. CHN, 中国).")]


@router.get("/coop/pair", summary="strata coop pair")
async def coop_pair(
    request: Request,
    a: CountryA,
    b: CountryB,
    date: p.DateQ = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.cooperation.cli import pair_cmd

    kw = {"a": a, "b": b, "date": date, "rules": None, "show_drivers": False, "exclude_license": exclude_license}
    return await answer(request, "coop.pair", lang, _cmd(pair_cmd, **kw), **kw)


@router.get("/coop/timeline", summary="strata coop timeline")
async def coop_timeline(
    request: Request,
    a: CountryA,
    b: CountryB,
    start: Annotated[int, Query(alias="from", ge=2018, le=2100)] = 2022,
    end: Annotated[int, Query(alias="to", ge=2018, le=2100)] = 2026,
    show_all: Annotated[bool, Query(alias="all")] = False,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.cooperation.cli import timeline_cmd

    kw = {
        "a": a,
        "b": b,
        "start": start,
        "end": end,
        "show_all": show_all,
        "rules": None,
        "exclude_license": exclude_license,
    }
    return await answer(request, "coop.timeline", lang, _cmd(timeline_cmd, **kw), **kw)


@router.get("/coop/matrix", summary="strata coop matrix")
async def coop_matrix(
    request: Request,
    date: p.DateQ = None,
    countries: Annotated[str | None, Query(pattern=p.WORDS, description="Comma-separated countries.")] = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.cooperation.cli import matrix_cmd

    kw = {"date": date, "countries": countries, "parquet": None, "rules": None, "exclude_license": exclude_license}
    return await answer(request, "coop.matrix", lang, _cmd(matrix_cmd, **kw), **kw)


@router.get("/coop/third-markets", summary="strata coop third-markets")
async def coop_third_markets(
    request: Request,
    a: CountryA,
    b: CountryB,
    region: Annotated[str | None, Query(pattern=p.NAME)] = None,
    date: p.DateQ = None,
    top: Annotated[int | None, Query(ge=1, le=250)] = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.cooperation.cli import third_cmd

    kw = {"a": a, "b": b, "region": region, "date": date, "top": top, "rules": None, "exclude_license": exclude_license}
    return await answer(request, "coop.third_markets", lang, _cmd(third_cmd, **kw), **kw)


# ---------------------------------------------------------------- trends


@router.get("/trends", summary="strata trends [KIND]")
async def trends_route(
    request: Request,
    kind: p.TrendKind | None = None,
    start: Annotated[int | None, Query(alias="from", ge=1900, le=2100)] = None,
    end: Annotated[int | None, Query(alias="to", ge=1900, le=2100)] = None,
    robust: bool = True,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    """As ``strata trends --json``: all four trends with verdicts, or one with its indicators."""
    k = _v(kind)

    def compute(call: Call) -> dict[str, Any]:
        def inner(atlas: Any) -> dict[str, Any]:
            from computestrata.i18n import t
            from computestrata.trends import api

            if k is None:
                results = api.trends(atlas, start, end, robust=robust)
                return {
                    "title": t("trends.title.all"),
                    "trends": [r.to_dict() for r in results],
                    "sources": api.cited_sources(atlas, results),
                    "notes": [t("trends.note.rule")],
                }
            res = api.trend(atlas, k, start, end, robust=robust)
            return {"title": t(f"trends.title.{res.kind}"), **res.to_dict(), "sources": api.cited_sources(atlas, [res])}

        return run_function(inner, call, tuple(exclude_license or ()))

    return await answer(
        request, "trends", lang, compute, kind=k, start=start, end=end, robust=robust, exclude_license=exclude_license
    )


# ---------------------------------------------------------------- network


@router.get("/network/cases", summary="strata network cases")
async def network_cases(request: Request, lang: p.LangQ = None) -> Response:
    from computestrata.network.cli import cases_cmd

    return await answer(request, "network.cases", lang, _cmd(cases_cmd))


@router.get("/network/solve", summary="strata network solve (one average day at most)")
async def network_solve(
    request: Request,
    case: p.Case = "edwc",
    hours: Annotated[int, Query(ge=1, le=24, description="Periods of one average day (1-24).")] = 24,
    carbon_price: Annotated[float | None, Query(ge=0, le=10000, description="USD per tonne CO2.")] = None,
    strict: bool = False,
    lang: p.LangQ = None,
) -> Response:
    from computestrata.network.cli import solve_cmd

    kw = {
        "case": _v(case),
        "hours": hours,
        "carbon_price": carbon_price,
        "build": False,  # LP only on the web: a MILP can run for minutes
        "exclude_site": None,
        "strict": strict,
        "solver": "highs",
        "time_limit": 30.0,
    }
    return await answer(request, "network.solve", lang, _cmd(solve_cmd, **kw), **kw)


# ---------------------------------------------------------------- scenarios


def scenarios_available() -> bool:
    """True once the scenarios part has its API module (it is being built alongside)."""
    import importlib.util

    try:
        return importlib.util.find_spec("computestrata.scenarios.api") is not None
    except ImportError:
        return False


ScenarioName = Annotated[
    str, Query(pattern=r"^[a-z0-9_]{1,60}$", description="A shipped scenario (see /api/scenarios).")
]


@router.get("/scenarios", summary="strata scenario list")
async def scenarios_list(request: Request, lang: p.LangQ = None) -> Response:
    from computestrata.scenarios.cli import list_cmd

    return await answer(request, "scenarios.list", lang, _cmd(list_cmd))


@router.get("/scenarios/run", summary="strata scenario run (central values)")
async def scenarios_run(
    request: Request,
    name: Annotated[list[str], Query(min_length=1, max_length=6, description="Scenario name(s), repeatable.")],
    a: Annotated[str, Query(pattern=p.COUNTRY)] = "KOR",
    b: Annotated[str, Query(pattern=p.COUNTRY)] = "CHN",
    to: Annotated[int | None, Query(ge=2025, le=2035, description="Last year (default: the horizon).")] = None,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    from computestrata.errors import InputError
    from computestrata.scenarios.cli import run_cmd

    for n in name:  # shipped scenarios only: a path would read a file of the server
        if not re.fullmatch(r"[a-z0-9_]{1,60}", n):
            raise InputError(f"scenario {n!r} is not a scenario name", hint="see /api/scenarios")
    kw = {
        "names": list(name),
        "pair": (a, b),
        "to": to,
        "every": 1,
        "set_": None,
        "exclude_license": exclude_license,
    }
    return await answer(request, "scenarios.run", lang, _cmd(run_cmd, **kw), **kw)


@router.get("/scenarios/bands", summary="Scenario trajectories with p5–p95 bands (strata scenario sweep, report seed)")
async def scenarios_bands(
    request: Request,
    name: ScenarioName,
    a: Annotated[str, Query(pattern=p.COUNTRY)] = "KOR",
    b: Annotated[str, Query(pattern=p.COUNTRY)] = "CHN",
    n: Annotated[int, Query(ge=8, le=1024, description="Base samples (a power of two; the report's: 256).")] = 256,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1, description="Sobol seed (the report's: 0).")] = 0,
    lang: p.LangQ = None,
    exclude_license: p.ExcludeQ = None,
) -> Response:
    """China's share of intelligent compute, the pair's open cooperation share and the HHI, year by
    year: central path, median and p5–p95 of a seeded sweep (``strata scenario sweep NAME --n N
    --seed S`` gives the same numbers; the defaults are the report's)."""

    def compute(call: Call) -> dict[str, Any]:
        from computestrata.web.bands import bands_envelope

        return run_function(
            lambda atlas: bands_envelope(atlas, name, a, b, n, seed, call.lang), call, tuple(exclude_license or ())
        )

    kw = {"name": name, "a": a, "b": b, "n": n, "seed": seed, "exclude_license": exclude_license}
    return await answer(request, "scenarios.bands", lang, compute, **kw)
