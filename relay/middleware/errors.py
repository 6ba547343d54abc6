"""Every failure becomes JSON ``{"error": {"code", "message", "request_id"}}``: our own
``ApiError``s, aiohttp's HTTP exceptions (unknown route, wrong method, body too large) and
unexpected exceptions (500, logged with the traceback, never shown). A database that cannot
be used right now (a full disk, a lost PostgreSQL connection: ``relay.storage.faults``) is a
503 with ``Retry-After``: the client may try again, nothing is corrupted. It is logged in one
line, at most one per kind every ``FaultLog.EVERY`` seconds (an outage answers every request
so), the next line saying how many were left out."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable

from aiohttp import web

from relay.keys import METRICS
from relay.responses import ApiError, error_response
from relay.storage.faults import Fault, fault_of

log = logging.getLogger("relay.errors")

_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthorized", "The request is not authorised."),
    403: ("forbidden", "The request is not allowed."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    408: ("timeout", "The request took too long to arrive."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "The request body must be JSON (application/json)."),
    422: ("invalid", "A field of the request is not valid."),
    429: ("rate_limited", "Too many requests; wait a moment and try again."),
    503: ("unavailable", "The relay is not available right now; try again shortly."),
}
_KEEP_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
_FAULTS: dict[Fault, tuple[str, str]] = {
    "disk_full": (
        "The relay's disk is full; nothing was saved. Try again shortly (the relay's operator "
        "has to free some space).",
        "30",
    ),
    "database_unavailable": (
        "The relay's database is not answering right now; try again in a few seconds.",
        "2",
    ),
}


def _from_http_exception(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    if exc.status < 400:
        return exc  # redirects and 2xx raised as exceptions go out as they are
    code, message = _BY_STATUS.get(exc.status, ("error", exc.reason or "The request failed."))
    custom = exc.text or ""
    if custom and custom != f"{exc.status}: {exc.reason}" and exc.status not in (405, 413):
        message = custom
    headers = {name: exc.headers[name] for name in _KEEP_HEADERS if name in exc.headers}
    return error_response(request, exc.status, code, message, headers=headers)


def response_for(request: web.Request, exc: Exception) -> web.StreamResponse:
    """The JSON answer for a failure; a client that went away is re-raised (nobody to
    answer)."""
    if isinstance(exc, ApiError):
        return error_response(
            request, exc.status, exc.code, exc.message, fields=exc.fields, headers=exc.headers
        )
    if isinstance(exc, web.HTTPException):
        return _from_http_exception(request, exc)
    if isinstance(exc, ConnectionResetError):
        raise exc
    fault = fault_of(exc)
    if fault is not None:
        return _fault_response(request, fault, exc)
    log.exception("Unexpected error answering %s %s", request.method, request.path)
    metrics = request.app.get(METRICS)
    if metrics is not None:
        metrics.errors.labels("internal").inc()
    return error_response(
        request,
        500,
        "internal",
        "Something went wrong on the relay; the error was logged. Try again.",
    )


class FaultLog:
    """Logs a fault's 503s, one line per kind every ``EVERY`` seconds."""

    EVERY = 10.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[Fault, float] = {}
        self._left_out: Counter[Fault] = Counter()

    def write(self, request: web.Request, fault: Fault, exc: BaseException) -> None:
        now = self._clock()
        if now - self._last.get(fault, -math.inf) < self.EVERY:
            self._left_out[fault] += 1
            return
        self._last[fault] = now
        left_out = self._left_out.pop(fault, 0)
        more = f"; {left_out} more since the last line" if left_out else ""
        log.error(
            "%s %s answered 503 (%s): %s%s", request.method, request.path, fault, _reason(exc), more
        )


FAULT_LOG = FaultLog()


def _fault_response(request: web.Request, fault: Fault, exc: Exception) -> web.Response:
    message, retry_after = _FAULTS[fault]
    FAULT_LOG.write(request, fault, exc)
    metrics = request.app.get(METRICS)
    if metrics is not None:
        metrics.errors.labels(fault).inc()
    return error_response(request, 503, fault, message, headers={"Retry-After": retry_after})


def _reason(exc: BaseException) -> str:
    """The innermost cause's one-line text (a driver error carries no parameters: the
    engines hide them)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
