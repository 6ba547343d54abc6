"""Count every request by route template, method and status, and time it."""

from __future__ import annotations

import time

from aiohttp import web

from relay.keys import METRICS
from relay.logs import route_of


def record(request: web.Request, status: int, started: float) -> None:
    """Count one answered request (``started``: its ``time.perf_counter()``)."""
    request.app[METRICS].observe(
        route_of(request), request.method, status, time.perf_counter() - started
    )
