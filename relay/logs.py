"""JSON log lines: ``time, level, logger, message`` plus ``request_id, route, status,
duration_ms`` when known. Secrets are masked by ``core.redact``; shoppers' message text is
never logged at info level (handlers log ids and sizes, not bodies)."""

from __future__ import annotations

import logging
import math
import re
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

import orjson
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web import BaseRequest, Request, StreamResponse

from core import redact
from relay.keys import REQUEST_ID as REQUEST_ID_KEY

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_EXTRA = ("route", "method", "status", "duration_ms", "remote")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for name in _EXTRA:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = redact.redact(self.formatException(record.exc_info))
        return orjson.dumps(line, default=str).decode()


class ProtocolErrorFilter(logging.Filter):
    """For aiohttp's server logger: a client's malformed HTTP request (bare CR in a header,
    a line too long, …) is answered 400 by aiohttp, which then logs an error with a
    traceback. Anyone can send those, so they become one info line without traceback,
    showing nothing the client sent, at most ``PER_MINUTE`` a minute; the next line says
    how many were left out. Other records pass unchanged."""

    PER_MINUTE = 10

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._window_start = -math.inf
        self._written = 0
        self._left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, HttpProcessingError):
            return True
        now = self._clock()
        if now - self._window_start >= 60.0:
            self._window_start, self._written = now, 0
        if self._written >= self.PER_MINUTE:
            self._left_out += 1
            return False
        self._written += 1
        remote = record.args[0] if isinstance(record.args, tuple) and record.args else None
        left_out, self._left_out = self._left_out, 0
        record.msg = "Malformed HTTP request from %s answered %s (%s: %s)%s"
        record.args = (
            remote or "an unknown address",
            error.code,
            type(error).__name__,
            _reason(error.message),
            f"; {left_out} more left out" if left_out else "",
        )
        record.levelno = min(record.levelno, logging.INFO)
        record.levelname = logging.getLevelName(record.levelno)
        record.exc_info, record.exc_text = None, None
        return True


def _reason(message: str) -> str:
    """The parser's words only: cut before the first quote, colon or line end (where
    aiohttp starts echoing what the client sent)."""
    return re.split(r"[:'\"\n]", message or "", maxsplit=1)[0].strip()[:80] or "bad request"


def configure(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """Send every log record, redacted, as one JSON line to ``stream`` (stderr); quieten
    clients' protocol errors (``ProtocolErrorFilter``)."""
    redact.install()
    server = logging.getLogger("aiohttp.server")
    for quiet in [f for f in server.filters if isinstance(f, ProtocolErrorFilter)]:
        server.removeFilter(quiet)
    server.addFilter(ProtocolErrorFilter())
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, JsonFormatter):  # ours, from an earlier call
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def route_of(request: BaseRequest) -> str:
    """The route template (``/v1/conversations/{id}/messages``), never the concrete path,
    so ids and tokens stay out of labels and logs."""
    match_info = getattr(request, "match_info", None)
    route = getattr(match_info, "route", None)
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else "unmatched"


class JsonAccessLogger(AbstractAccessLogger):
    """One line per request: method, route template, status and duration (no query string:
    it may hold a stream token)."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s",
            request.method,
            route_of(request),
            response.status,
            extra={
                "request_id": request.get(REQUEST_ID_KEY) if isinstance(request, Request) else None,
                "route": route_of(request),
                "method": request.method,
                "status": response.status,
                "duration_ms": round(time * 1000, 2),
            },
        )
