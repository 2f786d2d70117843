"""Run a `strata` command for the web and hand back its ``--json`` envelope.

The JSON API mirrors the CLI one to one, so a route runs the very command function the
CLI runs (which calls its part's API module) and takes the :class:`~computestrata.cli_common.Output`
that command would have printed.  Two hooks of :mod:`computestrata.cli_common` (context
variables that ``emit`` and ``open_atlas`` consult themselves, so they work however a command
module imported them) make that safe in a server:

* ``EMIT_HOOK``: a command's result is handed back instead of printed — nothing goes to
  stdout, and concurrent requests do not mix;
* ``OPEN_HOOK``: ``open_atlas`` returns the server's atlas from a pool, each connected through
  the query sandbox of :mod:`computestrata.atlas.store` (external access off, reads under the
  atlas folder only).

Outside a web call both hooks are unset: the CLI behaves as before.
Each call runs in a fresh copy of the context with its own language (:func:`~computestrata.i18n.use_lang`),
and finished envelopes are cached per (command, parameters, language, atlas) as JSON bytes.
"""

from __future__ import annotations

import atexit
import contextvars
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.cli_common import Output


class AtlasPool:
    """Opened atlases for server calls, one per call at a time (DuckDB connections are not
    shared between threads), each connected through the read-only query sandbox.

    The pool, not the worker threads, owns the connections: they are closed in the main
    thread at exit, never torn down with a worker thread at interpreter shutdown."""

    def __init__(self) -> None:
        self._free: dict[tuple[Path, tuple[str, ...]], list[Atlas]] = {}
        self._all: list[Atlas] = []
        self._lock = threading.Lock()

    def take(self, folder: Path, exclude: tuple[str, ...] = ()) -> Atlas:
        with self._lock:
            free = self._free.setdefault((folder, exclude), [])
            if free:
                return free.pop()
        from computestrata.atlas import store

        atlas = store.open(folder, exclude_licenses=list(exclude) or None)
        atlas._con = atlas.sandbox()  # views over the atlas files only; no writes, no other paths
        with self._lock:
            self._all.append(atlas)
        return atlas

    def give(self, atlas: Atlas) -> None:
        with self._lock:
            self._free.setdefault((atlas.path, tuple(atlas.exclude_licenses)), []).append(atlas)

    def close(self) -> None:
        with self._lock:
            for atlas in self._all:
                atlas.close()
            self._all.clear()
            self._free.clear()


POOL = AtlasPool()
atexit.register(POOL.close)
#: The atlases handed out during the current web call (returned to the pool at its end).
_taken: contextvars.ContextVar[list[Atlas] | None] = contextvars.ContextVar("computestrata_web_taken", default=None)


def sandboxed_atlas(folder: Path, exclude: tuple[str, ...] = ()) -> Atlas:
    """An atlas for ``folder`` through the sandbox: from the pool, given back when the web call
    ends (outside a web call the caller keeps it)."""
    atlas = POOL.take(folder, exclude)
    taken = _taken.get()
    if taken is not None:
        taken.append(atlas)
    return atlas


def _in_call(fn: Any) -> Any:
    """Run ``fn()`` with the pool bookkeeping of one web call."""
    taken: list[Atlas] = []
    _taken.set(taken)
    try:
        return fn()
    finally:
        for atlas in taken:
            POOL.give(atlas)


@dataclass(frozen=True)
class Call:
    """One API call: which command, its parameters (hashable), the language and the atlas."""

    name: str
    params: tuple[tuple[str, Any], ...]
    lang: str
    atlas_dir: Path


def freeze(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Parameters as a hashable key (lists become tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def envelope(outputs: list[tuple[Output, Atlas | None]], title: str | None = None) -> dict[str, Any]:
    """The CLI's ``--json`` envelope for what a command emitted (as :func:`cli_common.emit` builds it),
    with its ``title`` always present.  Several outputs (a command that prints two tables)
    come as ``parts``."""
    from computestrata.errors import take_notices

    pending = take_notices()
    payloads = []
    for i, (out, atlas) in enumerate(outputs):
        if i == 0 and pending:
            out = replace(out, notes=[*pending, *out.notes])
        sources = atlas.sources(out.source_ids) if atlas is not None else []
        seen = {s["source_id"] for s in sources}
        sources += [s for s in out.extra_sources if s["source_id"] not in seen]
        payload: dict[str, Any] = {"title": out.title}
        if out.data is not None:
            payload.update(out.data)
        if out.rows is not None:
            payload["rows"] = out.rows
        payload["sources"] = sources
        payload["notes"] = out.notes
        payloads.append(payload)
    if not payloads:
        return {"title": title or "", "rows": [], "sources": [], "notes": []}
    if len(payloads) == 1:
        return payloads[0]
    return {"title": payloads[0]["title"], "parts": payloads, "sources": [], "notes": []}


def run_command(command: Callable[..., Any], call: Call, **kwargs: Any) -> dict[str, Any]:
    """Run a CLI command function as ``--json`` in ``call.lang`` and return its envelope."""

    def inner() -> dict[str, Any]:
        import click

        from computestrata.cli_common import EMIT_HOOK, OPEN_HOOK
        from computestrata.errors import take_notices
        from computestrata.i18n import use_lang

        take_notices()
        sink: list[tuple[Output, Atlas | None]] = []
        EMIT_HOOK.set(lambda out, atlas: sink.append((out, atlas)))
        OPEN_HOOK.set(lambda _path, exclude: sandboxed_atlas(call.atlas_dir, tuple(exclude or ())))
        with use_lang(call.lang):
            try:
                fixed: dict[str, Any] = {"as_json": True, "lang": call.lang}
                if "atlas" in inspect.signature(command).parameters:
                    fixed["atlas"] = None  # the server's atlas, through the open_atlas hook
                command(**kwargs, **fixed)
            except click.exceptions.Exit as exc:  # a command that ends early (nothing to show)
                if exc.exit_code not in (0, None):
                    from computestrata.errors import InputError

                    raise InputError(f"{call.name}: nothing to show (exit {exc.exit_code})") from exc
            return envelope(sink)

    return contextvars.copy_context().run(_in_call, inner)


def run_function(
    function: Callable[[Atlas], dict[str, Any]], call: Call, exclude: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Run ``function(atlas)`` (an API call that builds its own envelope) in ``call.lang``."""

    def inner() -> dict[str, Any]:
        from computestrata.cli_common import OPEN_HOOK
        from computestrata.i18n import use_lang

        OPEN_HOOK.set(lambda _path, exclude: sandboxed_atlas(call.atlas_dir, tuple(exclude or ())))
        with use_lang(call.lang):
            return function(sandboxed_atlas(call.atlas_dir, exclude))

    return contextvars.copy_context().run(_in_call, inner)


class ResultCache:
    """Finished JSON bodies per :class:`Call`, least recently used out first (thread-safe),
    bounded in entries and in bytes (an all-pairs matrix answer runs to megabytes).

    Results are pure functions of the atlas (read-only), the parameters and the language,
    so a repeated question is answered from memory."""

    def __init__(self, size: int = 512, max_bytes: int = 256 * 2**20) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._items: OrderedDict[Call, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, call: Call) -> bytes | None:
        with self._lock:
            body = self._items.get(call)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(call)
            self.hits += 1
            return body

    def put(self, call: Call, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(call, None)
            self._bytes -= len(old) if old is not None else 0
            self._items[call] = body
            self._bytes += len(body)
            while len(self._items) > self.size or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)
