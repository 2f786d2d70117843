"""What a report section holds: charts (plotly specs), tables of display text, notes, sources.

Sections fill these from the parts' API results; the template only lays them out, so the
escaping of data-derived text happens in one place (Jinja2 autoescape) for every section.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any


def label(text: object) -> str:
    """Data-derived text for a plotly chart, HTML-escaped: plotly draws a subset of HTML in
    labels, so a site or model name is escaped before it can be read as markup."""
    return html.escape(str(text), quote=False)


@dataclass
class Figure:
    """One plotly chart: ``spec`` is ``{"data": [...], "layout": {...}}`` (plain JSON)."""

    key: str
    spec: dict[str, Any]
    source_ids: set[str] | None = None  # None: the section's sources
    extra_sources: list[dict[str, Any]] | None = None
    caption: str = ""  # filled from the cited records when the page is rendered
    about: str = ""  # what the chart shows beyond its data (e.g. how a band was sampled): starts the caption


@dataclass
class Table:
    """One table of display strings; ``numeric`` marks right-aligned columns."""

    key: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    source_ids: set[str] | None = None
    extra_sources: list[dict[str, Any]] | None = None
    caption: str = ""
    about: str = ""


@dataclass
class ReportSection:
    """One section of the report, with the sources behind all its figures."""

    key: str
    title: str
    lead: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # caveats shown before the charts
    explained: list[str] = field(default_factory=list)  # "[n] why" lines keyed from a table, shown under it
    source_ids: set[str] = field(default_factory=set)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    hidden: str | None = None  # why the section shows nothing (licence filter, missing table)

    def items(self) -> list[Figure | Table]:
        """The charts and tables, each captioned with its own sources."""
        return [*self.figures, *self.tables]
