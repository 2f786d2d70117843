"""Rendering the report page with Jinja2 (autoescape on: site, model and chip names are data)."""

from __future__ import annotations

import json
from typing import Any


def _clean(obj: Any) -> Any:
    """NaN/inf → None so the chart JSON is valid (see :func:`computestrata.imaging.clean`)."""
    from computestrata.imaging import clean

    return clean(obj)


def figure_json(spec: dict[str, Any]) -> str:
    """The chart spec as JSON for a ``data-figure`` attribute (autoescape quotes it)."""
    return json.dumps(_clean(spec), ensure_ascii=False, separators=(",", ":"))


def environment() -> Any:
    try:
        from jinja2 import Environment, PackageLoader, StrictUndefined
    except ModuleNotFoundError as exc:
        from computestrata.errors import InputError

        raise InputError.keyed("report.error.needs", "report.error.needs_hint", package="Jinja2") from exc

    env = Environment(
        loader=PackageLoader("computestrata.report", "templates"),
        autoescape=True,  # every {{ }} is escaped, whatever the template file is called
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["figure_json"] = figure_json
    return env


def render_page(context: dict[str, Any]) -> str:
    return str(environment().get_template("report.html.j2").render(**context))
