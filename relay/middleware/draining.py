"""Once shutdown began, answer 503 with ``Retry-After`` (health checks excepted) so a load
balancer moves shoppers to another relay while in-flight requests finish."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from relay.keys import RUNTIME
from relay.responses import error_response

_ALWAYS = frozenset({"/healthz", "/readyz", "/metrics"})


@web.middleware
async def draining_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.app[RUNTIME].draining and request.path not in _ALWAYS:
        return error_response(
            request,
            503,
            "draining",
            "The relay is restarting; try again in a few seconds.",
            headers={"Retry-After": "5", "Connection": "close"},
        )
    return await handler(request)


async def _begin_draining(app: web.Application) -> None:
    app[RUNTIME].begin_draining()


def setup_draining(app: web.Application) -> None:
    app.middlewares.append(draining_middleware)
    app.on_shutdown.append(_begin_draining)
