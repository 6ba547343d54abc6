"""The relay's request pipeline: one module per concern, composed into one middleware.

In order, every request gets an id (``request_id``) and is counted and timed
(``metrics``); any failure becomes JSON (``errors``); then a refusal may answer it before
its handler runs: CORS (``cors``), draining (``draining``), body size (``body_size``), content
type (``content_type``), rate limits (``rate_limit``). Headers are added as the response goes
out (``request_id``, ``security_headers``, ``cors``). One middleware rather than nine keeps
the per-request cost of the chain low (each aiohttp middleware layer is a coroutine call).
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from relay.middleware import (
    body_size,
    content_type,
    cors,
    draining,
    errors,
    metrics,
    rate_limit,
    request_id,
)
from relay.middleware.security_headers import setup_security_headers


async def _refused_or_handled(request: web.Request, handler: Handler) -> web.StreamResponse:
    refused = await cors.refusal(request) if cors.applies(request) else None
    refused = refused or draining.refusal(request)
    if refused is None:
        refused, request = body_size.check(request)
    refused = refused or content_type.refusal(request) or rate_limit.refusal(request)
    if refused is not None:
        return refused
    return await handler(request)


@web.middleware
async def pipeline(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request_id.begin(request)
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await _refused_or_handled(request, handler)
        except Exception as exc:
            response = errors.response_for(request, exc)
        status = response.status
        return response
    finally:
        metrics.record(request, status, started)
        request_id.end(token)


def setup_middlewares(app: web.Application) -> None:
    app.middlewares.append(pipeline)
    request_id.setup_request_id(app)
    setup_security_headers(app)
    cors.setup_cors(app)
    draining.setup_draining(app)
