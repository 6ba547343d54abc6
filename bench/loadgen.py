"""A small closed-loop HTTP/1.1 load generator: C keep-alive connections, each sending its
next request as soon as the previous answer arrived. Raw asyncio streams, so the client
costs far less CPU than the servers it measures; it runs in its own process."""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

RequestFactory = Callable[[int, int], bytes]
"""``factory(worker, n)`` → the raw bytes of the worker's n-th request."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def request_bytes(
    method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value)
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _worker(
    port: int,
    worker: int,
    factory: RequestFactory,
    deadline: float,
    warmup_until: float,
    statuses: dict[int, int],
    latencies: list[float],
    counted: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = 0
    try:
        while (now := time.perf_counter()) < deadline:
            writer.write(factory(worker, n))
            n += 1
            status = await _read_response(reader)
            done = time.perf_counter()
            if now >= warmup_until:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append((done - now) * 1000)
                counted[0] += 1
    finally:
        writer.close()


async def _run(
    port: int, factory: RequestFactory, concurrency: int, seconds: float, warmup: float
) -> LoadResult:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    counted = [0]
    start = time.perf_counter()
    warm_until, deadline = start + warmup, start + warmup + seconds
    await asyncio.gather(
        *(
            _worker(port, w, factory, deadline, warm_until, statuses, latencies, counted)
            for w in range(concurrency)
        )
    )
    return LoadResult(counted[0], seconds, statuses, latencies)


def _child(conn, port, factory, concurrency, seconds, warmup):  # type: ignore[no-untyped-def]
    conn.send(asyncio.run(_run(port, factory, concurrency, seconds, warmup)))
    conn.close()


def load(
    port: int,
    factory: RequestFactory,
    *,
    concurrency: int = 50,
    seconds: float = 3.0,
    warmup: float = 0.5,
) -> LoadResult:
    """Drive the server on ``port`` from a separate process; ``factory`` must be picklable."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, port, factory, concurrency, seconds, warmup))
    proc.start()
    result: LoadResult = parent.recv()
    proc.join()
    return result
