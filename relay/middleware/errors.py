"""Every failure becomes JSON ``{"error": {"code", "message", "request_id"}}``: our own
``ApiError``s, aiohttp's HTTP exceptions (unknown route, wrong method, body too large) and
unexpected exceptions (500, logged with the traceback, never shown)."""

from __future__ import annotations

import logging

from aiohttp import web

from relay.keys import METRICS
from relay.responses import ApiError, error_response

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
