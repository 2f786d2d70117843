"""Caches that live and die with the object whose data they hold.

Why: derived data (an atlas's share book, the cooperation evidence of a date, the controls
verdicts of a regime) are worth computing once, but a process-wide dict keyed by ``id(obj)``
grows without bound in a server that opens an atlas per worker, keeps every atlas alive, and
is not safe when two threads ask at once.  Here a cache belongs to its object instead:

* :class:`Memo` — a bounded (least recently used out), thread-safe memo; a value is computed
  once even when several threads ask for it together (the others wait for the first).
* :func:`attached` — the memo of a given name that lives as long as an object does (a regime,
  a rules file): it is dropped when the object is garbage-collected, never keeps it alive.
  The :class:`~computestrata.atlas.store.Atlas` owns its memo itself (:meth:`Atlas.memo`).
* :func:`fingerprint` — a content key for a value that is not hashable (a pydantic model,
  nested dicts), so equal configurations share cached results and different ones never do.

Cached values must not hold text rendered in a reader's language: one cached result is shown
in any language, so rendering happens when it is shown.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

#: Every memo alive (for :func:`forget_everywhere` and the tests that count cache sizes).
_ALL: weakref.WeakSet[Memo] = weakref.WeakSet()
_ALL_LOCK = threading.Lock()


_MISSING: Any = object()  # a value nobody caches: tells a miss from a cached None


class _Pending:
    """A value being computed by one thread; others wait until ``done`` is released (a bare
    lock, held by the computing thread: a tenth of the cost of an Event on every miss)."""

    __slots__ = ("done", "failed", "owner", "value")

    def __init__(self) -> None:
        self.done = threading.Lock()
        self.done.acquire()
        self.owner = threading.get_ident()
        self.failed = False
        self.value: Any = None

    def wait(self) -> None:
        with self.done:
            pass


class Memo:
    """A thread-safe memo of at most ``maxsize`` values (the least recently used go first).

    ``get(key, make)`` returns the cached value or computes ``make()`` once: a second thread
    asking for the same key meanwhile waits for the first instead of computing it again.  The
    lock is not held while ``make`` runs, so ``make`` may use other memos (or other keys of
    this one) freely.  ``name`` says whose cache it is (shown in :func:`sizes`).
    """

    def __init__(self, name: str, maxsize: int = 256) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.name = name
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}
        self._lock = threading.Lock()
        with _ALL_LOCK:
            _ALL.add(self)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value for ``key``, made by ``make()`` the first time (once, whoever asks)."""
        # A hit takes no lock (the hot path: a matrix asks ~100,000 times): each OrderedDict
        # operation is one atomic step under the GIL, and a key evicted meanwhile is a miss.
        data = self._data
        hit = data.get(key, _MISSING)
        if hit is not _MISSING:
            try:  # noqa: SIM105 - contextlib.suppress costs more than the lookup it guards
                data.move_to_end(key)
            except KeyError:
                pass
            return hit
        while True:
            with self._lock:
                hit = data.get(key, _MISSING)
                if hit is not _MISSING:
                    return hit
                pending = self._pending.get(key)
                mine = pending is None
                if pending is None:
                    pending = self._pending[key] = _Pending()
            if mine:
                return self._make(key, make, pending)
            if pending.owner == threading.get_ident():
                raise RuntimeError(f"{self.name}: {key!r} asked for while it is being computed (a cycle)")
            pending.wait()
            if not pending.failed:
                return pending.value
            # the first thread failed: try again (this thread may compute it, and raise, itself)

    def _make(self, key: Hashable, make: Callable[[], T], pending: _Pending) -> T:
        try:
            value = make()
        except BaseException:
            with self._lock:
                self._pending.pop(key, None)
            pending.failed = True
            pending.done.release()
            raise
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
            self._pending.pop(key, None)
        pending.value = value
        pending.done.release()
        return value

    def forget(self, first: str | None = None) -> None:
        """Drop every value (or those whose key is a tuple starting with ``first``)."""
        with self._lock:
            if first is None:
                self._data.clear()
                return
            for key in [k for k in self._data if isinstance(k, tuple) and k and k[0] == first]:
                del self._data[key]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def keys(self) -> list[Hashable]:
        """The keys cached now, oldest first (a snapshot)."""
        with self._lock:
            return list(self._data)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.keys())

    def __repr__(self) -> str:
        return f"Memo({self.name!r}, {len(self)}/{self.maxsize})"


# ---- memos attached to an object's lifetime ----------------------------------------------

_OWNED: dict[int, dict[str, Memo]] = {}
_OWNED_LOCK = threading.Lock()


def _drop(oid: int) -> None:
    # No lock: the collector may run this finaliser inside attached() on the same thread, which
    # holds _OWNED_LOCK then; one dict.pop is atomic under the GIL.
    _OWNED.pop(oid, None)


def attached(obj: object, name: str, maxsize: int = 256) -> Memo:
    """The memo called ``name`` that belongs to ``obj`` (made on first use).

    It lives exactly as long as ``obj``: a finaliser drops it when ``obj`` is collected (so an
    ``id`` is never reused while its memo exists), and the memo holds no reference to ``obj``.
    ``obj`` must accept weak references (dataclasses, pydantic models, most classes do; ``None``
    and numbers do not — resolve a default to its object first)."""
    oid = id(obj)
    memo = _OWNED.get(oid, {}).get(name)  # no lock to read: an id maps to a live object's memos
    if memo is not None:
        return memo
    with _OWNED_LOCK:
        memos = _OWNED.get(oid)
        if memos is None:
            weakref.finalize(obj, _drop, oid)  # raises TypeError for objects without weak references
            memos = _OWNED[oid] = {}
        memo = memos.get(name)
        if memo is None:
            memo = memos[name] = Memo(f"{type(obj).__name__}:{name}", maxsize)
        return memo


def of_atlas(atlas: Any, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``atlas.memo(key, make)`` (:meth:`~computestrata.atlas.store.Atlas.memo`).  A stand-in
    atlas without that method (a test double) is not cached: a memo attached from outside would
    hold values that refer back to it and so keep it alive for ever."""
    own = getattr(atlas, "memo", None)
    if callable(own):
        return own(key, make)
    return make()


def fingerprint(value: Any) -> str:
    """A content key for a value that is not hashable (a pydantic model, dicts, lists).

    Equal contents give equal keys, so two loads of the same rules file share cached results
    while a changed weight never meets the results of the old one.  Remembered per object
    (:func:`attached`) when the value accepts weak references, so asking again costs a lookup."""
    try:
        memo = attached(value, "fingerprint", 1)
    except TypeError:
        return _digest(value)
    return memo.get("fingerprint", lambda: _digest(value))


def _digest(value: Any) -> str:
    import hashlib
    import json

    dump = getattr(value, "model_dump", None)
    data = dump(mode="json") if callable(dump) else value
    text = json.dumps(data, sort_keys=True, default=repr, ensure_ascii=False)
    return type(value).__name__ + ":" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def forget_everywhere(first: str | None = None) -> None:
    """Clear every live memo (or the entries whose key starts with ``first``): for cold timings
    and for tests that change what a cached function reads."""
    for memo in list(iter_memos()):
        memo.forget(first)


def iter_memos() -> Iterator[Memo]:
    """Every memo alive now."""
    with _ALL_LOCK:
        memos = list(_ALL)
    yield from memos


def sizes() -> dict[str, int]:
    """Entries cached per memo name, summed over the live memos (what a server holds now)."""
    out: dict[str, int] = {}
    for memo in iter_memos():
        out[memo.name] = out.get(memo.name, 0) + len(memo)
    return out
