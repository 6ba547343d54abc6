"""A malformed HTTP request is answered 400 and logged as one short info line (no
traceback), and a flood of them writes only a few lines."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import orjson

from relay.logs import ProtocolErrorFilter
from tests.relay.process import RelayProcess, relay_env

BARE_CR = b"GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Evil: a\rb\r\n\r\n"


async def _send_raw(port: int, payload: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.read(4096), 10)
    finally:
        writer.close()
        await writer.wait_closed()


def _lines(text: str) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_malformed_requests_are_a_400_and_a_few_info_lines(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay", env=relay_env()).start()
    try:
        answers = await asyncio.gather(*(_send_raw(relay.port, BARE_CR) for _ in range(40)))
    finally:
        relay.kill()
    assert all(a.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request") for a in answers), answers[0]
    log = relay.log()
    assert "Traceback" not in log
    lines = [line for line in _lines(log) if line["logger"] == "aiohttp.server"]
    assert lines, log
    assert all(line["level"] == "info" and "exception" not in line for line in lines), lines
    assert len(lines) <= ProtocolErrorFilter.PER_MINUTE
    assert "a\\rb" not in log and "X-Evil" not in log  # nothing the client sent is echoed


def test_the_filter_rate_limits_and_says_how_many_it_left_out() -> None:
    now = [0.0]
    quiet = ProtocolErrorFilter(clock=lambda: now[0])

    def record() -> logging.LogRecord:
        from aiohttp.http_exceptions import BadHttpMessage

        error = BadHttpMessage("Invalid header value char")
        return logging.LogRecord(
            "aiohttp.server",
            logging.ERROR,
            __file__,
            1,
            "Error handling request from %s",
            ("203.0.113.9",),
            (type(error), error, None),
        )

    kept = [r for r in (record() for _ in range(25)) if quiet.filter(r)]
    assert len(kept) == ProtocolErrorFilter.PER_MINUTE
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in kept)
    now[0] += 61
    later = record()
    assert quiet.filter(later)
    assert "15 more left out" in later.getMessage()
    other = logging.LogRecord(
        "aiohttp.server", logging.ERROR, __file__, 1, "Unhandled exception", (), None
    )
    assert quiet.filter(other) and other.levelno == logging.ERROR  # real errors stay errors
