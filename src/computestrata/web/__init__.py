"""The web dashboard and JSON API (`strata serve`): the CLI's answers over HTTP, with charts.

:mod:`.app` builds the FastAPI application, :mod:`.routes` the ``/api/`` routes (one per CLI
command), :mod:`.pages` the dashboard pages, :mod:`.runner` runs a command for a request
(captured output, per-call language, sandboxed atlas, result cache).  Needs the ``web`` extra."""
