"""The dashboard's FastAPI application: JSON API, HTML pages, static files, security headers.

:func:`create_app` is what ``strata serve`` runs and what the tests drive.  The atlas is
opened read-only through the query sandbox (see :mod:`computestrata.web.runner`); pages are
Jinja2 templates with autoescape on, and all script lives in static files so the
Content-Security-Policy can forbid inline script.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response

from computestrata.web.runner import ResultCache

#: No inline script or style, nothing from elsewhere, never framed.  Plotly sets inline
#: styles on the elements it draws, hence 'unsafe-inline' for styles only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATIC_FILES = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (a plain ASGI wrapper, cheaper
    per request than an ``@app.middleware("http")`` function)."""

    HEADERS: ClassVar[tuple[tuple[bytes, bytes], ...]] = tuple(
        (k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
    )

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in self.HEADERS if h[0] not in have)]
            await send(message)

        await self.app(scope, receive, with_headers)


def plotly_js() -> Path:
    """plotly.min.js from the installed plotly package (no CDN, no network)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        from computestrata.errors import StrataError

        raise StrataError(f"plotly.min.js not found at {path}", hint="reinstall plotly")
    return path


def create_app(atlas: Path | str | None = None, lang: str | None = None) -> FastAPI:
    """The app for the atlas at ``atlas`` (default: ``STRATA_ATLAS`` or the shipped atlas);
    ``lang`` is the language of a request that names none (``?lang=``, Accept-Language).

    The atlas is checked now, so a wrong folder fails at start-up with a message, not on
    the first request."""
    from computestrata import __version__
    from computestrata.atlas import store
    from computestrata.web.pages import router as pages_router
    from computestrata.web.routes import error_body, request_lang
    from computestrata.web.routes import router as api_router

    folder = store.resolve_atlas_dir(atlas).resolve()
    store.open(folder).close()  # a missing or corrupt atlas: an AtlasError now
    app = FastAPI(
        title="computestrata",
        version=__version__,
        description="The JSON API of `strata`: each route answers what the CLI command of the same name "
        "prints with `--json` (title, metadata, rows, sources, notes). Text in en, ko or zh (`?lang=` or "
        "Accept-Language). Bad parameters get 422 (validation) or 400 (message and hint).",
        docs_url=None,  # Swagger UI loads script from a CDN; /openapi.json is the documentation
        redoc_url=None,
    )
    app.state.atlas_dir = folder
    app.state.default_lang = lang
    app.state.cache = ResultCache()

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "query")
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return JSONResponse(
            {
                "error": "; ".join(problems) or "invalid request",
                "hint": "see /openapi.json",
                "status": 422,
                "detail": exc.errors(),
            },
            status_code=422,
        )

    from computestrata.errors import StrataError

    @app.exception_handler(StrataError)
    async def strata_error(request: Request, exc: StrataError) -> JSONResponse:
        lang = request_lang(request, None)
        return JSONResponse(error_body(exc, lang), status_code=400)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_file() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # no icon; answered so browsers log no 404

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in STATIC_FILES:
            return JSONResponse({"error": f"no static file {name!r}", "hint": None, "status": 404}, status_code=404)
        text = (resources.files("computestrata.web") / "static" / name).read_bytes()
        return Response(text, media_type=STATIC_FILES[name])

    app.include_router(api_router)
    app.include_router(pages_router)
    return app
