"""Once shutdown began, answer 503 with ``Retry-After`` (health checks excepted) so a load
balancer moves shoppers to another relay while in-flight requests finish."""

from __future__ import annotations

from aiohttp import web

from relay.keys import RUNTIME
from relay.responses import error_response

_ALWAYS = frozenset({"/healthz", "/readyz", "/metrics"})


def refusal(request: web.Request) -> web.Response | None:
    """503 while the relay drains, except for health checks and metrics."""
    if request.app[RUNTIME].draining and request.path not in _ALWAYS:
        return error_response(
            request,
            503,
            "draining",
            "The relay is restarting; try again in a few seconds.",
            headers={"Retry-After": "5", "Connection": "close"},
        )
    return None


async def _begin_draining(app: web.Application) -> None:
    app[RUNTIME].begin_draining()


def setup_draining(app: web.Application) -> None:
    app.on_shutdown.append(_begin_draining)
