"""JSON log lines: ``time, level, logger, message`` plus ``request_id, route, status,
duration_ms`` when known. Secrets are masked by ``core.redact``; shoppers' message text is
never logged at info level (handlers log ids and sizes, not bodies)."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

import orjson
from aiohttp.abc import AbstractAccessLogger
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


def configure(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """Send every log record, redacted, as one JSON line to ``stream`` (stderr)."""
    redact.install()
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
