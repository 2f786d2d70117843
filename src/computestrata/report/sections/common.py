"""Shared pieces of the sections: the build context, chart layout and number formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

#: Fixed colours so a country keeps its colour across charts.
COUNTRY_COLOURS = {
    "USA": "#1f5fbf",
    "CHN": "#d7263d",
    "JPN": "#f08a24",
    "DEU": "#4a4a4a",
    "FRA": "#6a4c93",
    "GBR": "#2a9d8f",
    "KOR": "#0096c7",
    "TWN": "#8ab17d",
    "NLD": "#e76f51",
    "ITA": "#b5838d",
}
PALETTE = ["#1f5fbf", "#d7263d", "#f08a24", "#2a9d8f", "#6a4c93", "#8ab17d", "#e76f51", "#4a4a4a", "#b5838d"]
REST_COLOUR = "#b8c0cc"


@dataclass
class Context:
    """What every section is built from: the opened atlas and the reader's choices."""

    atlas: Atlas
    lang: str
    pair: tuple[str, str]
    on: date | None


def num(value: float | int | None, digits: int, lang: str) -> str:
    from computestrata.i18n import fmt_number

    return fmt_number(value, digits, lang)


def layout(title: str = "", **more: Any) -> dict[str, Any]:
    """A plain plotly layout: white background, legend below, margins for long labels."""
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 90, "b": 60},
        # legend above the plot: clear of the axis titles below
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        "hovermode": "closest",
        "height": 480,
    }
    base.update(more)
    return base


def colour(code: str, i: int) -> str:
    return COUNTRY_COLOURS.get(code, PALETTE[i % len(PALETTE)])


def split_hidden(notes: list[str], hidden: list[str]) -> tuple[list[str], list[str]]:
    """Move the notes naming what ``--exclude-license`` hides out of the folded notes and into
    the warnings shown above the charts: a reader must not miss that part of a figure is gone."""
    return [n for n in notes if n not in hidden], list(hidden)
