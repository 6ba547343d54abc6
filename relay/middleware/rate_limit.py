"""Token buckets: every request spends one from its client address's bucket; a shopper's
message also spends one from its conversation's bucket. Empty → 429 with ``Retry-After``.
Health checks and metrics are never limited. The buckets are in memory, or in Redis when
several relays share them (``relay.shared.limits``; then ``shared_refusal`` is used)."""

from __future__ import annotations

import re

from aiohttp import web

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


def refusal(request: web.Request) -> web.Response | None:
    """429 once the address's (or the conversation's) bucket is empty."""
    if request.path in _EXEMPT or request.method == "OPTIONS":
        return None
    runtime = request.app[RUNTIME]
    if runtime.shared_limits is not None:
        return None  # ``shared_refusal`` decides
    if runtime.ip_requests.enabled:
        wait = runtime.ip_requests.take(client_ip(request))
        if wait:
            return _too_many(request, wait, "Too many requests from this address; wait a moment.")
    if request.method == "POST" and runtime.conversation_messages.enabled:
        match = _MESSAGES.match(request.path)
        if match:
            wait = runtime.conversation_messages.take(match.group(1))
            if wait:
                return _too_many(
                    request, wait, "Too many messages in this conversation; wait a moment."
                )
    return None


async def shared_refusal(request: web.Request) -> web.Response | None:
    """``refusal`` with the buckets the relays share in Redis."""
    if request.path in _EXEMPT or request.method == "OPTIONS":
        return None
    shared = request.app[RUNTIME].shared_limits
    if shared is None:
        return None
    ip_requests, conversation_messages = shared
    if ip_requests.enabled:
        wait = await ip_requests.take(client_ip(request))
        if wait:
            return _too_many(request, wait, "Too many requests from this address; wait a moment.")
    if request.method == "POST" and conversation_messages.enabled:
        match = _MESSAGES.match(request.path)
        if match:
            wait = await conversation_messages.take(match.group(1))
            if wait:
                return _too_many(
                    request, wait, "Too many messages in this conversation; wait a moment."
                )
    return None
