"""A bounded load check for the JSON API: N concurrent clients, a fixed number of requests.

Used by the load test and ``bench/web_api.py``; :class:`Server` needs ``httpx`` (``dev`` extra).
A server is started as a separate process (``strata serve``) so the clients do not share
its interpreter."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    """Latencies (ms) and failures of one run."""

    latencies_ms: list[float]
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (nearest rank) of the latencies."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[k]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``strata serve`` on a free loopback port, as a subprocess (context manager)."""

    def __init__(self, atlas: Path | str | None = None, timeout: float = 60.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.atlas = atlas
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        import httpx

        cmd = [sys.executable, "-m", "computestrata.cli", "serve", "--port", str(self.port)]
        if self.atlas is not None:
            cmd += ["--atlas", str(self.atlas)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"strata serve exited: {err}")
            try:
                if httpx.get(self.url + "/openapi.json", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"strata serve did not answer on {self.url} within {self.timeout} s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_load(base_url: str, paths: Sequence[str], total: int, clients: int = 50) -> LoadResult:
    """``total`` GETs spread over ``clients`` concurrent keep-alive connections, cycling ``paths``.

    The clients speak plain HTTP/1.1 over asyncio streams (as ``wrk`` does): a full HTTP
    library costs the client several times the server's CPU per request, and on a small
    machine the load generator would then measure itself."""
    import asyncio
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    latencies: list[float] = []
    errors: list[str] = []

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode())
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        return status

    async def client(index: int, count: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in range(count):
                path = paths[(index + i * clients) % len(paths)]
                t0 = time.perf_counter()
                try:
                    status = await one(reader, writer, path)
                    if status != 200:
                        errors.append(f"{path}: HTTP {status}")
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
                    errors.append(f"{path}: {type(exc).__name__} {exc}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                latencies.append((time.perf_counter() - t0) * 1000)
        finally:
            writer.close()

    async def main() -> None:
        share, extra = divmod(total, clients)
        await asyncio.gather(*(client(i, share + (1 if i < extra else 0)) for i in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(main())
    return LoadResult(latencies, errors, time.perf_counter() - t0)


#: Cheap, cached questions a dashboard asks again and again.
WARM_PATHS = (
    "/api/top500/countries?list=2024-11",
    "/api/top500/countries?list=2024-11&lang=ko",
    "/api/top500/countries?list=2023-11&lang=zh",
    "/api/top500/systems?list=2024-11&top=10",
    "/api/top500/series?country=KOR",
    "/api/top500/series?country=CHN&lang=ko",
    "/api/stack/chokepoints",
    "/api/controls/screen?name=Huawei",
    "/api/controls/classify?dest=CHN&date=2025-01-01&chip=H100",
    "/api/network/cases",
)
