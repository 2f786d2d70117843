"""Where a sweep's evaluations run: local processes or a Dask cluster, behind one small interface.

A sweep is embarrassingly parallel: one read-only object (the prepared model, all atlas reads
done) and many chunks of parameter rows.  Both executors do the same three things, so the
sweep code does not know which one it has:

1. :meth:`Executor.share` ships the read-only object to the workers **once** (a process-pool
   initializer locally, ``Client.scatter(broadcast=True)`` on Dask) and returns a handle;
2. :meth:`Executor.map` runs ``fn(shared, chunk)`` for every chunk and returns the results
   **in chunk order**, whatever order they finish in, so a result never depends on the
   executor, the number of workers or the scheduling;
3. the executor is a context manager: leaving the block shuts the pool down or closes the
   client (a cluster the user runs is left running).

``fn`` must be a module-level function (pickled by reference), and the workers must be able
to import it — on a Dask cluster, install computestrata on every worker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, TypeVar

from computestrata.errors import InputError

C = TypeVar("C")
R = TypeVar("R")

EXECUTORS = ("local", "dask")
#: seconds to wait for a Dask scheduler before giving up (a wrong address must not hang)
DEFAULT_TIMEOUT = 10.0

_ADDRESS = re.compile(
    r"^(?:(?P<proto>tcp|tls|inproc|ucx|ws|wss)://)?(?P<host>\[[0-9A-Fa-f:]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,5}))?/?$"
)


class Executor(Protocol):
    """Runs ``fn(shared, chunk)`` over chunks, in parallel, results in chunk order."""

    name: str
    n_workers: int

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def share(self, obj: Any) -> Any:
        """Ship ``obj`` to the workers once; the handle goes to :meth:`map` as ``shared``."""
        ...

    def map(
        self,
        fn: Callable[[Any, C], R],
        chunks: Sequence[C],
        shared: Any,
        on_done: Callable[[int], None] | None = None,
    ) -> list[R]:
        """``[fn(shared_obj, c) for c in chunks]``, computed by the workers; ``on_done(i)`` is
        called in the caller's thread as chunk ``i`` finishes (a progress bar)."""
        ...


# --------------------------------------------------------------------------------------
# local processes

#: the shared object inside a worker process, set once by the pool's initializer
_WORKER_SHARED: dict[int, Any] = {}


def _init_worker(key: int, payload: bytes) -> None:
    import pickle

    _WORKER_SHARED.clear()  # a forked worker inherits its parent's dict: keep only this pool's object
    _WORKER_SHARED[key] = pickle.loads(payload)


def _ready() -> bool:
    return True


def _call_local(fn: Callable[[Any, Any], Any], key: int, chunk: Any) -> Any:
    return fn(_WORKER_SHARED[key], chunk)


class LocalExecutor:
    """Processes on this machine (:class:`concurrent.futures.ProcessPoolExecutor`).

    The pool starts in :meth:`share`: each worker unpickles the shared object once, in its
    initializer, instead of receiving it with every chunk.  ``n_workers`` defaults to the
    number of cores this process may use."""

    name = "local"

    def __init__(self, n_workers: int | None = None, mp_context: str | None = None) -> None:
        if n_workers is not None and (isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1):
            raise InputError.keyed("sweep.error.bad_workers", "sweep.error.bad_workers_hint", workers=repr(n_workers))
        self.n_workers = n_workers or default_workers()
        #: "fork" starts workers in milliseconds on Linux; the pool is created before any
        #: progress-bar thread starts, so no thread is forked mid-lock
        self.mp_context = mp_context or ("fork" if os.name == "posix" else "spawn")
        self._pool: Any = None
        self._key = 0

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def share(self, obj: Any) -> int:
        import multiprocessing
        import pickle
        from concurrent.futures import ProcessPoolExecutor

        self.close()
        self._key += 1
        payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._pool = ProcessPoolExecutor(
            max_workers=self.n_workers,
            mp_context=multiprocessing.get_context(self.mp_context),
            initializer=_init_worker,
            initargs=(self._key, payload),
        )
        # start the workers now (the pool forks them on the first task): later a progress-bar
        # thread may hold a stream lock, and a child forked then could block on it forever
        self._pool.submit(_ready).result()
        return self._key

    def map(
        self,
        fn: Callable[[Any, C], R],
        chunks: Sequence[C],
        shared: Any,
        on_done: Callable[[int], None] | None = None,
    ) -> list[R]:
        from concurrent.futures import as_completed

        if self._pool is None or shared != self._key:
            raise RuntimeError("LocalExecutor.map: call share() first and pass its handle")
        futures = {self._pool.submit(_call_local, fn, shared, c): i for i, c in enumerate(chunks)}
        out: list[Any] = [None] * len(chunks)
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                out[i] = fut.result()
                if on_done is not None:
                    on_done(i)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        return out


class InlineExecutor:
    """The chunks run one after another in the caller's thread: no process, no pickling.

    For small sweeps inside another program (the report's bands, a web request: a few thousand
    vectorised evaluations take a fraction of a second, less than starting a pool) and where
    forking is unsafe (a threaded server).  Results equal the other executors' for the same
    seed: the chunks are the same (:func:`~computestrata.scenarios.sweep.chunk_rows`)."""

    name = "inline"
    n_workers = 1

    def __enter__(self) -> InlineExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def share(self, obj: Any) -> Any:
        return obj

    def map(
        self,
        fn: Callable[[Any, C], R],
        chunks: Sequence[C],
        shared: Any,
        on_done: Callable[[int], None] | None = None,
    ) -> list[R]:
        out = []
        for i, c in enumerate(chunks):
            out.append(fn(shared, c))
            if on_done is not None:
                on_done(i)
        return out


def default_workers() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


# --------------------------------------------------------------------------------------
# Dask distributed


def check_address(address: str) -> str:
    """A scheduler address as Dask takes it (``tcp://host:port``); a bare ``host:port`` gets ``tcp://``."""
    text = (address or "").strip()
    m = _ADDRESS.match(text)
    if not text or m is None or (m.group("proto") in (None, "tcp", "tls") and not m.group("port")):
        raise InputError.keyed("sweep.error.bad_address", "sweep.error.bad_address_hint", address=repr(address))
    port = m.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise InputError.keyed("sweep.error.bad_address", "sweep.error.bad_address_hint", address=repr(address))
    return text if m.group("proto") else f"tcp://{text}"


class DaskExecutor:
    """A Dask distributed cluster (``Client(address)``); the shared object is scattered to
    every worker once (``broadcast=True``) and chunks are submitted as tasks.

    ``client`` may be given instead of an address (a notebook's own client; it is then not
    closed on exit).  An address that does not answer within ``timeout`` seconds is an
    :class:`InputError` naming it."""

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if client is None and not address:
            raise InputError.keyed("sweep.error.no_scheduler", "sweep.error.no_scheduler_hint")
        self.address = (
            check_address(address)
            if client is None and address
            else getattr(getattr(client, "scheduler", None), "address", address)
        )
        self.timeout = timeout
        self._client: Any = client
        self._own = client is None
        self.n_workers = 0

    def __enter__(self) -> DaskExecutor:
        """Connect (once: entering again, e.g. in a nested ``with``, keeps the client)."""
        if self._client is None:
            self._client = connect(str(self.address), self.timeout)
        self.n_workers = max(len(self._client.scheduler_info(n_workers=-1).get("workers", {})), 1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None and self._own:
            self._client.close()
            self._client = None

    def share(self, obj: Any) -> Any:
        if self._client is None:
            raise RuntimeError("DaskExecutor: use it as a context manager (with DaskExecutor(...) as ex)")
        try:
            return self._client.scatter(obj, broadcast=True, hash=False)
        except Exception as exc:  # the workers unpickle ``obj``: they need the modules it refers to
            self._raise_import(exc)
            raise

    def map(
        self,
        fn: Callable[[Any, C], R],
        chunks: Sequence[C],
        shared: Any,
        on_done: Callable[[int], None] | None = None,
    ) -> list[R]:
        from distributed import as_completed

        if self._client is None:
            raise RuntimeError("DaskExecutor: use it as a context manager (with DaskExecutor(...) as ex)")
        futures = [self._client.submit(fn, shared, c, pure=False) for c in chunks]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(chunks)
        try:
            for fut in as_completed(futures, loop=self._client.loop):
                i = index[fut.key]
                out[i] = fut.result()
                if on_done is not None:
                    on_done(i)
        except Exception as exc:
            self._client.cancel(futures)
            self._raise_import(exc)
            raise
        except BaseException:
            self._client.cancel(futures)
            raise
        return out

    def _raise_import(self, exc: BaseException) -> None:
        """An InputError if ``exc`` says a worker lacks a module (computestrata, or another version)."""
        missing = _missing_module(exc)
        if missing is not None:
            raise InputError.keyed(
                "sweep.error.worker_import", "sweep.error.worker_import_hint", address=self.address, module=missing
            ) from exc


def _missing_module(exc: BaseException) -> str | None:
    """The module a worker could not import, if that is what ``exc`` says.

    Dask re-raises a task it cannot unpickle on the worker as a plain ``Exception`` wrapping
    the ``ModuleNotFoundError`` text, so the text is read too."""
    if isinstance(exc, ImportError):
        return exc.name or str(exc)
    m = re.search(r"(?:ModuleNotFoundError|ImportError)\(.*?No module named '([^']+)'", str(exc))
    return m.group(1) if m else None


def connect(address: str, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """A :class:`distributed.Client` on ``address``, or an InputError naming it after ``timeout`` s."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise InputError.keyed("sweep.error.no_distributed", "sweep.error.no_distributed_hint") from exc
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # refused, unresolvable, no answer in time, or not a Dask scheduler
        raise InputError.keyed(
            "sweep.error.unreachable",
            "sweep.error.unreachable_hint",
            address=address,
            seconds=f"{timeout:g}",
            reason=type(exc).__name__,
        ) from exc


def make_executor(
    kind: str,
    scheduler: str | None = None,
    n_workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> LocalExecutor | DaskExecutor:
    """The executor a user named (``local`` or ``dask``), its arguments checked first."""
    from computestrata.errors import unknown

    choice: Literal["local", "dask"]
    if kind == "local":
        choice = "local"
    elif kind == "dask":
        choice = "dask"
    else:
        raise unknown("executor", kind, list(EXECUTORS))
    if choice == "local":
        if scheduler:
            raise InputError.keyed(
                "sweep.error.scheduler_without_dask", "sweep.error.scheduler_without_dask_hint", address=scheduler
            )
        return LocalExecutor(n_workers)
    if not scheduler:
        raise InputError.keyed("sweep.error.no_scheduler", "sweep.error.no_scheduler_hint")
    return DaskExecutor(scheduler, timeout=timeout)
