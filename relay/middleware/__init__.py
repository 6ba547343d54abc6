"""The relay's request pipeline: one module per concern, composed into one middleware.

In order, every request gets an id (``request_id``) and is counted and timed
(``metrics``); any failure becomes JSON (``errors``); then a refusal may answer it before
its handler runs: CORS (``cors``), draining (``draining``), body size (``body_size``), content
type (``content_type``), rate limits (``rate_limit``); a widget's config request that
nothing but CORS refused notes the page it came from (``installations``). Headers are added
as the response goes out (``request_id``, ``security_headers``, ``cors``), by one
``on_response_prepare`` handler.
One middleware rather than nine keeps the per-request cost of the chain low (each aiohttp
middleware layer is a coroutine call).
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from relay.keys import RUNTIME
from relay.middleware import (
    body_size,
    content_type,
    cors,
    draining,
    errors,
    installations,
    metrics,
    rate_limit,
    request_id,
    security_headers,
)


def _refusal(
    request: web.Request, refused: web.StreamResponse | None
) -> tuple[web.StreamResponse | None, web.Request]:
    """The refusal that answers the request instead of its handler, if any, and the request
    the handler gets (``body_size`` may limit it)."""
    refused = refused or draining.refusal(request)
    if refused is None:
        refused, request = body_size.check(request)
    return refused or content_type.refusal(request) or rate_limit.refusal(request), request


@web.middleware
async def pipeline(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request_id.begin(request)
    started = time.perf_counter()
    status = 500
    try:
        try:
            refused = cors_refused = await cors.refusal(request) if cors.applies(request) else None
            refused, handled = _refusal(request, refused)
            if refused is None and request.app[RUNTIME].shared_limits is not None:
                refused = await rate_limit.shared_refusal(request)
            if refused is None or refused is cors_refused:
                installations.note(request)
            response = refused if refused is not None else await handler(handled)
        except Exception as exc:
            response = errors.response_for(request, exc)
        status = response.status
        return response
    finally:
        metrics.record(request, status, started)
        request_id.end(token)


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    request_id.add_header(request, response)
    security_headers.add_headers(request, response)
    cors.add_headers(request, response)


def setup_middlewares(app: web.Application) -> None:
    app.middlewares.append(pipeline)
    app.on_response_prepare.append(_add_headers)
    draining.setup_draining(app)
