"""Every chart of the report by a stable NAME: one function per chart, each returning a
:class:`Chart` (a plotly figure spec, its caption citing sources and licences, and the
source ids behind it).

The report's sections, ``strata chart NAME`` and the web dashboard all draw from here, so a
chart never differs between the three.  The names and the signature
``NAME(atlas=None, lang="en", pair=None, on=None) -> Chart`` are a public API: keep them.

>>> from computestrata.report import charts
>>> charts.names()[:3]
['stack_diagram', 'chokepoint_holders', 'top500_rmax_share']
>>> c = charts.chip_performance(lang="ko")                       # doctest: +SKIP
>>> c.caption                                                    # doctest: +SKIP
'출처: Epoch AI (CC-BY-4.0).'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.report.model import ReportSection

__all__ = [
    "CHARTS",
    "Chart",
    "chart",
    "chip_performance",
    "chokepoint_holders",
    "controls_chip_timeline",
    "controls_chips",
    "controls_equipment",
    "coop_all_pairs",
    "coop_pair",
    "describe",
    "index_ranks",
    "intelligent_compute",
    "names",
    "scenario_china_share",
    "scenario_open_share",
    "stack_diagram",
    "table1_bands",
    "top500_rmax_share",
    "top500_systems",
    "write_chart",
]

#: chart NAME → (report section key, figure key inside the section), in the report's order
CHARTS: dict[str, tuple[str, str]] = {
    "stack_diagram": ("chokepoints", "diagram"),
    "chokepoint_holders": ("chokepoints", "holders"),
    "top500_rmax_share": ("top500", "rmax_share"),
    "top500_systems": ("top500", "systems"),
    "intelligent_compute": ("compute", "intelligent"),
    "table1_bands": ("table1", "bands"),
    "chip_performance": ("hardware", "performance"),
    "controls_chip_timeline": ("controls", "timeline"),
    "controls_chips": ("controls", "chips"),
    "controls_equipment": ("controls", "equipment"),
    "coop_pair": ("cooperation", "classes"),
    "coop_all_pairs": ("cooperation", "pairs"),
    "scenario_china_share": ("scenarios", "china_share"),
    "scenario_open_share": ("scenarios", "open_share"),
    "index_ranks": ("index", "ranks"),
}


@dataclass
class Chart:
    """One chart as shown: the plotly spec, its title and caption in ``lang``, its sources."""

    name: str
    section: str
    lang: str
    title: str
    spec: dict[str, Any]
    caption: str
    source_ids: list[str]  # atlas ``sources`` ids
    extra_source_ids: list[str] = field(default_factory=list)  # cited records outside the atlas
    notes: list[str] = field(default_factory=list)

    def figure(self) -> Any:
        """The spec as a ``plotly.graph_objects.Figure`` (for notebooks and the dashboard)."""
        import plotly.graph_objects as go

        from computestrata.report.render import _clean

        return go.Figure(_clean(self.spec))

    def to_dict(self) -> dict[str, Any]:
        from computestrata.report.render import _clean

        return {
            "name": self.name,
            "section": self.section,
            "lang": self.lang,
            "title": self.title,
            "caption": self.caption,
            "source_ids": self.source_ids,
            "extra_source_ids": self.extra_source_ids,
            "notes": self.notes,
            "figure": _clean(self.spec),
        }


def names() -> list[str]:
    """Every chart name, in the report's order."""
    return list(CHARTS)


def check_name(name: str) -> str:
    """``name`` if it is a chart, else an InputError listing the names (closest first)."""
    from computestrata.errors import InputError
    from computestrata.i18n import t

    if name in CHARTS:
        return name
    import difflib

    close = difflib.get_close_matches(name, CHARTS, n=3, cutoff=0.4)
    choices = ", ".join([*close, *(n for n in CHARTS if n not in close)])
    raise InputError(t("chart.error.unknown", name=name), hint=t("chart.error.unknown_hint", choices=choices))


def _title(spec: dict[str, Any]) -> str:
    title = (spec.get("layout") or {}).get("title") or {}
    return str(title.get("text", "")) if isinstance(title, dict) else str(title)


def from_section(name: str, section: ReportSection, atlas: Atlas, lang: str, pair: tuple[str, str]) -> Chart:
    """The chart ``name`` out of a built section, captioned from the cited records."""
    from computestrata.report.api import _context, _records

    key = CHARTS[name][1]
    fig = next(f for f in section.figures if f.key == key)
    _context([section], atlas, lang, pair)  # fills every item's caption
    cited = set(fig.source_ids if fig.source_ids is not None else section.source_ids)
    extra = fig.extra_sources if fig.source_ids is not None or fig.extra_sources is not None else section.extra_sources
    recs = _records(atlas, [section], lang)
    known = {r["source_id"] for r in atlas.sources(cited)}
    return Chart(
        name=name,
        section=section.key,
        lang=lang,
        title=_title(fig.spec),
        spec=fig.spec,
        caption=fig.caption,
        source_ids=sorted(known),
        extra_source_ids=sorted({str(r["source_id"]) for r in (extra or [])} | (cited - known & set(recs))),
        notes=[*section.warnings, *section.notes],
    )


def sections_for(names_: Sequence[str]) -> list[str]:
    """The section keys that hold ``names_`` (each once, in the report's order)."""
    return list(dict.fromkeys(CHARTS[n][0] for n in names_))


def chart(
    name: str,
    atlas: Atlas | str | Path | None = None,
    lang: str | None = "en",
    pair: Sequence[str] | None = None,
    on: date | str | None = None,
) -> Chart:
    """The chart ``name`` for ``atlas`` in ``lang`` (``pair`` and ``on``: the cooperation charts').

    A chart whose section a licence filter hides is an InputError saying so."""
    from computestrata.atlas import store
    from computestrata.errors import InputError
    from computestrata.i18n import get_lang, t, use_lang
    from computestrata.report import api

    check_name(name)
    if not isinstance(atlas, store.Atlas):
        opened = store.open(atlas)
        try:
            return chart(name, opened, lang, pair, on)
        finally:
            opened.close()
    with use_lang(lang):
        code = get_lang()
        ctx = api.make_context(atlas, code, pair, on)
        built = api.build_sections(ctx, only=[CHARTS[name][0]])[0]
        if built.hidden:
            raise InputError(t("chart.error.hidden", name=name, why=built.hidden), hint=t("chart.error.hidden_hint"))
        return from_section(name, built, atlas, code, ctx.pair)


def describe(lang: str | None = "en") -> list[dict[str, str]]:
    """Name, section title and what each chart shows, in ``lang`` (for ``strata chart --list``)."""
    from computestrata.i18n import t

    keys = {k: title for k, title, _, _ in _section_titles()}
    return [
        {"chart": n, "section": t(keys[s], lang=lang), "title": t(f"chart.describe.{n}", lang=lang)}
        for n, (s, _) in CHARTS.items()
    ]


def _section_titles() -> list[tuple[str, str, tuple[str, ...], Any]]:
    from computestrata.report.api import _sections

    return _sections()


def write_chart(c: Chart, out: str | Path, width: int | None = None, height: int | None = None) -> Path:
    """Write ``c`` to ``out`` as PNG or SVG (the suffix decides), atomically."""
    from computestrata import imaging as images

    path = check_out(out)
    kw: dict[str, Any] = {"height": height}
    if width:
        kw["width"] = width
    data = images.render_images([c.spec], path.suffix.lower().lstrip("."), lang=c.lang, **kw)[0]
    return images.write_atomic(path, data)


def check_out(out: str | Path) -> Path:
    """An image path ending in .png or .svg whose folder exists, else an InputError."""
    from computestrata.errors import InputError
    from computestrata.i18n import t

    path = Path(out).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InputError(
            t("chart.error.suffix", path=str(path), suffix=suffix or ""), hint=t("chart.error.suffix_hint")
        )
    if not path.parent.resolve().is_dir():
        raise InputError(
            t("chart.error.no_parent", path=str(path), folder=str(path.parent)), hint=t("chart.error.no_parent_hint")
        )
    return path


class ChartFunction(Protocol):
    """The signature every chart function shares."""

    __name__: str

    def __call__(
        self,
        atlas: Atlas | str | Path | None = None,
        lang: str | None = "en",
        pair: Sequence[str] | None = None,
        on: date | str | None = None,
    ) -> Chart: ...


def _one(name: str) -> ChartFunction:
    def draw(
        atlas: Atlas | str | Path | None = None,
        lang: str | None = "en",
        pair: Sequence[str] | None = None,
        on: date | str | None = None,
    ) -> Chart:
        return chart(name, atlas, lang, pair, on)

    draw.__name__ = draw.__qualname__ = name
    section, key = CHARTS[name]
    draw.__doc__ = f"The report's chart {name!r} (section {section!r}, figure {key!r}) as a :class:`Chart`."
    return draw


stack_diagram = _one("stack_diagram")
chokepoint_holders = _one("chokepoint_holders")
top500_rmax_share = _one("top500_rmax_share")
top500_systems = _one("top500_systems")
intelligent_compute = _one("intelligent_compute")
table1_bands = _one("table1_bands")
chip_performance = _one("chip_performance")
controls_chip_timeline = _one("controls_chip_timeline")
controls_chips = _one("controls_chips")
controls_equipment = _one("controls_equipment")
coop_pair = _one("coop_pair")
coop_all_pairs = _one("coop_all_pairs")
scenario_china_share = _one("scenario_china_share")
scenario_open_share = _one("scenario_open_share")
index_ranks = _one("index_ranks")
