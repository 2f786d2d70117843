"""`strata serve`: the dashboard and JSON API on a local port (loopback by default)."""

from __future__ import annotations

from typing import Annotated

import typer

from computestrata.cli_common import AtlasOpt

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    import ipaddress

    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    atlas: AtlasOpt = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="STRATA_LANG", help="Language of pages and API answers that ask for none."),
    ] = None,
) -> None:
    """Serve the dashboard (charts with controls, en/ko/zh) and the JSON API (/api/, /openapi.json)."""
    from computestrata.errors import InputError
    from computestrata.i18n import set_lang, t

    set_lang(lang)
    if not 1 <= port <= 65535:
        raise InputError.keyed("web.serve.bad_port", "web.serve.bad_port_hint", port=port)
    try:
        import uvicorn

        from computestrata.web.app import create_app
    except ImportError as exc:
        raise InputError.keyed("web.serve.missing", "web.serve.missing_hint") from exc
    app = create_app(atlas, lang)
    if not is_loopback(host):
        typer.echo(t("web.serve.not_loopback", host=host), err=True)
    typer.echo(t("web.serve.listening", host=host, port=port), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
