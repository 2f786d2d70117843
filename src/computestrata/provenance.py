"""Provenance that travels with a result: the source ids and notes behind its numbers.

A function that reads the atlas opens :func:`track` around its reads.  The atlas records
every table the queries name (:meth:`Atlas.watch`), so the result's provenance knows what was
read without the function listing it.  The function may cite the exact sources of the rows
it used (:meth:`Provenance.cite`, :meth:`Provenance.cite_frame`) — precise, and what the
output shows; a table that was read but of which no source is cited is cited in full (all the
source ids the manifest records for it), so no function can forget a source.  Results that
are combined merge their provenance (``a | b``).  The JSON envelope does not change: a
face passes ``prov.source_ids`` and ``prov.notes`` where it passed hand-made lists before.

>>> from computestrata.atlas import store
>>> from computestrata.provenance import track
>>> a = store.open()
>>> with track(a) as tr:                                              # doctest: +SKIP
...     n = a.rows("SELECT count(*) AS n FROM gpu_clusters")[0]["n"]
>>> tr.provenance.source_ids                                          # doctest: +SKIP
['epoch_gpu_clusters']
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

P = ParamSpec("P")
R = TypeVar("R")

#: tables that only turn codes into names, and the sources table itself: reading them puts
#: no figure in a result, so they are not cited (the provenance test exempts them too)
LOOKUP_TABLES = frozenset({"sources", "countries", "country_aliases"})


def _ids(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v) for v in values if v is not None and v == v and str(v))


@dataclass(frozen=True)
class Provenance:
    """Source ids cited, tables read (with every source the manifest records for each) and
    notes.  Immutable: :meth:`cite`, :meth:`note` and ``|`` return new values."""

    cited: frozenset[str] = frozenset()
    #: atlas table → all its source ids (the fallback citation when none of them is cited)
    read: Mapping[str, frozenset[str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def source_ids(self) -> list[str]:
        """Every cited id, plus all sources of each table read of which none is cited; sorted."""
        ids = set(self.cited)
        for srcs in self.read.values():
            if srcs and not srcs & self.cited:
                ids |= srcs
        return sorted(ids)

    @property
    def uncited_tables(self) -> list[str]:
        """Tables read whose sources were not cited explicitly (cited in full by the fallback)."""
        return sorted(t for t, s in self.read.items() if s and not s & self.cited)

    def cite(self, *ids: str | Iterable[str] | None) -> Provenance:
        """Cite source ids (strings or iterables of them; None and NaN ignored)."""
        flat: list[Any] = []
        for i in ids:
            if isinstance(i, str) or not isinstance(i, Iterable):
                flat.append(i)  # one id (None and NaN are dropped by _ids)
            else:
                flat.extend(i)
        return replace(self, cited=self.cited | _ids(flat))

    def cite_frame(self, frame: Any, column: str = "source_id") -> Provenance:
        """Cite the distinct source ids of the rows of a frame (the rows actually used)."""
        if frame is None or column not in getattr(frame, "columns", ()):
            return self
        return self.cite(frame[column].dropna().unique())

    def note(self, *notes: str | Iterable[str]) -> Provenance:
        """Add notes (a note already present is not repeated)."""
        flat = [n for item in notes for n in ([item] if isinstance(item, str) else item)]
        return replace(self, notes=_unique((*self.notes, *flat)))

    def __or__(self, other: Provenance) -> Provenance:
        """Merge: the union of citations and tables read, notes in order without repeats."""
        return Provenance(
            cited=self.cited | other.cited,
            read={**self.read, **other.read},
            notes=_unique((*self.notes, *other.notes)),
        )

    @staticmethod
    def merge(*parts: Provenance) -> Provenance:
        out = Provenance()
        for p in parts:
            out = out | p
        return out

    @staticmethod
    def of(result: Any) -> Provenance:
        """The provenance of any result that carries ``provenance`` or ``source_ids``/``notes``."""
        prov = getattr(result, "provenance", None)
        if isinstance(prov, Provenance):
            return prov
        return Provenance(
            cited=_ids(getattr(result, "source_ids", ()) or ()), notes=tuple(getattr(result, "notes", ()))
        )

    def to_dict(self) -> dict[str, Any]:
        return {"source_ids": self.source_ids, "notes": list(self.notes)}


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class Tracker:
    """What :func:`track` yields: the tables read so far, and citations/notes to add."""

    def __init__(self, atlas: Atlas, seen: set[str]) -> None:
        self._atlas = atlas
        self._seen = seen
        self._extra = Provenance()

    def cite(self, *ids: str | Iterable[str] | None) -> None:
        self._extra = self._extra.cite(*ids)

    def cite_frame(self, frame: Any, column: str = "source_id") -> None:
        self._extra = self._extra.cite_frame(frame, column)

    def note(self, *notes: str | Iterable[str]) -> None:
        self._extra = self._extra.note(*notes)

    def add(self, other: Provenance | Any) -> None:
        """Merge the provenance of a sub-result (a :class:`Provenance` or any result)."""
        self._extra = self._extra | (other if isinstance(other, Provenance) else Provenance.of(other))

    @property
    def provenance(self) -> Provenance:
        """The provenance so far: tables read inside the block plus what was cited."""
        read = {t: frozenset(self._atlas.table_source_ids(t)) for t in sorted(self._seen) if t not in LOOKUP_TABLES}
        return self._extra | Provenance(read=read)


@contextmanager
def track(atlas: Atlas) -> Iterator[Tracker]:
    """Record the atlas tables read inside the block; the tracker's :attr:`Tracker.provenance`
    cites them (see the module docstring).  Blocks nest: each sees its own reads."""
    watch = getattr(atlas, "watch", None)
    if watch is None:  # a stand-in atlas (tests): nothing to record
        yield Tracker(atlas, set())
        return
    with watch() as seen:
        yield Tracker(atlas, seen)


def attach(result: R, prov: Provenance) -> R:
    """Give ``result`` its provenance: ``result.provenance`` (when it has that field) and its
    ``source_ids`` (same container type as before: list or set).  Notes are left as they are
    (their order is part of the output)."""
    if hasattr(result, "provenance"):
        object.__setattr__(result, "provenance", prov)
    current = getattr(result, "source_ids", None)
    if isinstance(current, set):
        object.__setattr__(result, "source_ids", set(prov.source_ids))
    elif isinstance(current, list):
        object.__setattr__(result, "source_ids", prov.source_ids)
    return result


def sourced(fn: Callable[Concatenate[Atlas, P], R]) -> Callable[Concatenate[Atlas, P], R]:
    """Decorate an API function whose first argument is the atlas: every table it reads is
    tracked (:func:`track`), merged with the sources it cites itself, and attached to its
    result (:func:`attach`).  The function keeps citing the exact rows it used; a table it
    reads and forgets to cite is cited in full."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        atlas = args[0] if args else kwargs["atlas"]
        with track(atlas) as tr:
            result = fn(*args, **kwargs)
        return attach(result, tr.provenance | Provenance.of(result))

    return cast("Callable[Concatenate[Atlas, P], R]", wrapper)
