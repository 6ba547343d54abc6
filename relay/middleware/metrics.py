"""Count every request by route template, method and status, and time it."""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from relay.keys import METRICS
from relay.logs import route_of


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    metrics = request.app[METRICS]
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics.observe(route_of(request), request.method, status, time.perf_counter() - started)


def setup_metrics(app: web.Application) -> None:
    app.middlewares.append(metrics_middleware)
