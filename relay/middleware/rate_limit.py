"""Token buckets in memory: every request spends one from its client address's bucket;
a shopper's message also spends one from its conversation's bucket. Empty → 429 with
``Retry-After``. Health checks and metrics are never limited."""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.typedefs import Handler

from relay.keys import RUNTIME
from relay.responses import error_response
from relay.state import client_ip, retry_after_header

_EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
_MESSAGES = re.compile(r"^/v1/conversations/([^/]+)/messages/?$")


def _too_many(request: web.Request, wait: float, message: str) -> web.Response:
    return error_response(
        request,
        429,
        "rate_limited",
        message,
        headers={"Retry-After": retry_after_header(wait)},
    )


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in _EXEMPT or request.method == "OPTIONS":
        return await handler(request)
    runtime = request.app[RUNTIME]
    wait = runtime.ip_requests.take(client_ip(request))
    if wait:
        return _too_many(request, wait, "Too many requests from this address; wait a moment.")
    if request.method == "POST":
        match = _MESSAGES.match(request.path)
        if match:
            wait = runtime.conversation_messages.take(match.group(1))
            if wait:
                return _too_many(
                    request, wait, "Too many messages in this conversation; wait a moment."
                )
    return await handler(request)


def setup_rate_limit(app: web.Application) -> None:
    app.middlewares.append(rate_limit_middleware)
