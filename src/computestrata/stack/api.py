"""Python API of the stack: the same functions the CLI, the report and the dashboard call.

The ``*_view`` functions answer what a command shows (rows, sources, notes, metadata as a
:class:`StackView`); the others return the domain objects (shares, concentration, exposure).

>>> from computestrata.atlas import store
>>> from computestrata.stack import api
>>> a = store.open()                                   # doctest: +SKIP
>>> [c.segment_id for c in api.chokepoints(a)][:3]     # doctest: +SKIP
['euv_lithography', 'eda', 'advanced_logic_fab']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError, unknown
from computestrata.memo import Memo, of_atlas
from computestrata.stack.segments import by_layer, check_ids, segment, segments
from computestrata.stack.views import (
    StackView,
    concentration_view,
    controls_view,
    exposure_view,
    parse_assume,
    segments_view,
    shares_view,
)

if TYPE_CHECKING:
    import networkx as nx

    from computestrata.atlas.store import Atlas
    from computestrata.stack.concentration import Concentration
    from computestrata.stack.exposure import ExposureResult
    from computestrata.stack.shares import SegmentShares, ShareBook

__all__ = [
    "StackView",
    "book",
    "by_layer",
    "check_country",
    "chokepoints",
    "concentration",
    "concentration_view",
    "controls_view",
    "curated_sources",
    "exposure",
    "exposure_view",
    "graph",
    "graph_dot",
    "graph_json",
    "hidden_by_license",
    "hidden_note",
    "later_only",
    "parse_assume",
    "segment",
    "segment_records",
    "segments",
    "segments_for_eccn",
    "segments_view",
    "shares",
    "shares_view",
]

_NO_ATLAS = Memo("stack.book(no atlas)", 1)


def book(atlas: Atlas | None) -> ShareBook:
    """The share book of an opened atlas, kept in the atlas's own cache (:meth:`Atlas.memo`):
    built once per atlas, dropped when the atlas is closed or collected.  Without an atlas
    (curated shares only) one book serves the process."""
    from computestrata.stack.shares import ShareBook

    if atlas is None:
        return _NO_ATLAS.get(("stack.book",), lambda: ShareBook(None))
    return of_atlas(atlas, ("stack.book",), lambda: ShareBook(atlas))


def graph(atlas: Atlas | None = None) -> nx.DiGraph:
    """The stack dependency graph (CSET-backed edges confirmed when the atlas has ``sc_sequence``)."""
    from computestrata.stack.graph import stack_graph

    return stack_graph(atlas)


def graph_dot(g: nx.DiGraph, lang: str = "en") -> str:
    """The graph as Graphviz DOT text in ``lang`` (one rank per layer)."""
    from computestrata.stack.graph import to_dot

    return to_dot(g, lang)


def graph_json(g: nx.DiGraph) -> dict[str, Any]:
    """The graph's nodes and edges as plain data (for drawing)."""
    from computestrata.stack.graph import to_json

    return to_json(g)


def shares(
    atlas: Atlas | None, segment_id: str | None = None, year: int | None = None
) -> dict[str, SegmentShares | None]:
    """Shares of one segment (or all) as of ``year`` (default: the latest data)."""
    b = book(atlas)
    y = b.check_year(year) if year is not None else None
    if segment_id is not None:
        return {segment_id: b.for_segment(segment(segment_id), y)}
    return b.all(y)


def concentration(atlas: Atlas | None, year: int | None = None) -> list[Concentration]:
    """HHI, CR1, CR3 and countries-for-90 % of every segment with data, most concentrated first."""
    from computestrata.stack.concentration import concentration_table

    b = book(atlas)
    return concentration_table(b.all(b.check_year(year)))


def chokepoints(atlas: Atlas | None, year: int | None = None) -> list[Concentration]:
    """Segments where at most three countries hold at least 90 % (as of ``year``)."""
    from computestrata.stack.concentration import chokepoints as _choke

    b = book(atlas)
    return _choke(b.all(b.check_year(year)))


def curated_sources(
    items: Iterable[SegmentShares | Concentration | ExposureResult | None],
) -> list[dict[str, Any]]:
    """Source records (atlas ``sources`` shape) for the figures outside the atlas behind ``items``:
    the curated shares (HBM, advanced-logic fabs …) and the cloud headquarters mapping.

    Pass them as ``Output.extra_sources`` (or a section's ``extra_sources``) so these figures are
    cited with their licence like atlas data; items without such figures add nothing."""
    from computestrata.stack.shares import curated_records

    records = curated_records()
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        for cite in item.citations if item is not None else ():
            rec = records.get(cite)
            if rec is not None:
                out.setdefault(rec["source_id"], rec)
    return list(out.values())


def later_only(atlas: Atlas | None, year: int | None) -> dict[str, int]:
    """Segments with no data at or before ``year`` but data later (segment → earliest later year)."""
    if year is None:
        return {}
    b = book(atlas)
    out = {}
    for s in segments():
        if b.for_segment(s, year) is None:
            later = b.for_segment(s, None)
            if later is not None:
                out[s.id] = later.year
    return out


def check_country(atlas: Atlas | None, word: str, groups: bool = False) -> str:
    """ISO3 code for a country name (any language the atlas knows) or code; unknown ones list
    the closest valid codes.  With ``groups``, the regional groups of the share data pass too."""
    from computestrata.atlas.countries import country_arg
    from computestrata.stack.shares import GROUPS

    extra = tuple(GROUPS) if groups else ()
    if atlas is not None and atlas.has("countries") and atlas.has("country_aliases"):
        return country_arg(atlas, word, extra_codes=extra)
    text = word.strip().upper()
    if text in extra or (len(text) == 3 and text.isalpha()):
        return text
    raise unknown("country", word, extra)


def exposure(
    atlas: Atlas | None,
    country: str,
    cut: Sequence[str],
    suppliers: Sequence[str] | None = None,
    year: int | None = None,
    assume: Mapping[str, float] | None = None,
    include_all: bool = False,
) -> ExposureResult:
    """Remaining capability of every segment above ``cut`` (see :mod:`computestrata.stack.exposure`)."""
    from computestrata.stack.exposure import exposure as _exposure

    check_ids(list(cut))
    c = check_country(atlas, country)
    sup = [check_country(atlas, s, groups=True) for s in suppliers] if suppliers else None
    b = book(atlas)
    y = b.check_year(year) if year is not None else None
    check_not_hidden(b, [s for s in cut if not (assume and s in assume)], y)
    return _exposure(c, list(cut), b, graph(atlas), sup, y, assume, include_all)


def check_not_hidden(b: ShareBook, ids: Sequence[str], year: int | None) -> None:
    """Fail when the shares a computation needs are hidden by ``--exclude-license``: the result
    would be all unknown, and "no share data" would be wrong (the data exist but are excluded)."""
    from computestrata.i18n import t

    hidden = b.hidden_by_license(year, ids)
    if not hidden:
        return
    sid, lic = next(iter(hidden.items()))
    seg = segment(sid)
    where = t(f"stack.basis.{seg.share_basis}")
    raise InputError(
        f"the shares for {sid} come only from {', '.join(lic)} data ({where}), hidden by --exclude-license"
        + (f"; so do those for {', '.join(list(hidden)[1:])}" if len(hidden) > 1 else ""),
        hint=f"drop --exclude-license {' '.join(lic)} or use "
        + " ".join(f"--assume {h}=FRACTION" for h in hidden)
        + " (the supply left, 0–1)",
    )


def hidden_by_license(atlas: Atlas | None, year: int | None = None) -> dict[str, list[str]]:
    """Segments whose shares ``--exclude-license`` hides entirely (id → the excluded licences)."""
    if atlas is None or not atlas.exclude_licenses:
        return {}
    return book(atlas).hidden_by_license(year)


def hidden_note(hidden: dict[str, list[str]]) -> list[str]:
    """The note naming the segments a licence filter hides, by name in the reader's language
    (no note when it hides nothing); ``hidden`` as returned by :func:`hidden_by_license`."""
    from computestrata.i18n import get_lang, t
    from computestrata.stack.segments import segment

    if not hidden:
        return []
    licences = sorted({lic for lics in hidden.values() for lic in lics})
    names = ", ".join(segment(i).label(get_lang()) for i in hidden)
    return [t("stack.note.license_hidden", licenses=", ".join(licences), segments=names)]


def segments_for_eccn(eccn: str) -> list[str]:
    """Segments reached by an ECCN, matching on the paragraph hierarchy in both directions.

    ``3A090`` reaches every segment listing 3A090.a/.b/.c; ``3A090.a.1`` reaches the segments
    listing ``3A090.a`` (the join with the controls engine).
    """
    want = eccn.strip().upper().rstrip(".")

    def related(have: str) -> bool:
        h = have.upper()
        return h == want or h.startswith(want + ".") or want.startswith(h + ".")

    return [s.id for s in segments() if any(related(e.id) for e in s.eccn)]


def segment_records(layer: str | None = None) -> list[dict[str, Any]]:
    """Segments as plain dicts (one layer or all), bottom layer first."""
    return [s.record() for s in by_layer(layer)]
