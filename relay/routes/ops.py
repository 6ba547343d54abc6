"""Operations: liveness, readiness, Prometheus metrics and the OpenAPI document."""

from __future__ import annotations

import logging

from aiohttp import web

from relay.keys import METRICS, RUNTIME, SHARED, STORE
from relay.openapi import openapi_document
from relay.responses import error_response, json_response

log = logging.getLogger("relay.ops")


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    if request.app[RUNTIME].draining:
        return error_response(
            request, 503, "draining", "The relay is shutting down.", headers={"Retry-After": "5"}
        )
    try:
        await request.app[STORE].ping()
    except Exception as exc:
        log.warning("Readiness check failed: the database did not answer (%s).", type(exc).__name__)
        return error_response(
            request,
            503,
            "database_unavailable",
            "The relay database is not answering.",
            headers={"Retry-After": "5"},
        )
    shared = request.app.get(SHARED)
    summary = request.app[METRICS].window.summary()
    alerts = {
        "state": "alert" if summary.alerts else "ok",
        "raised": [a.kind for a in summary.alerts],
    }
    body = {"status": "ready", **(shared.status() if shared else {}), "alerts": alerts}
    return json_response(body)


async def metrics(request: web.Request) -> web.Response:
    registry = request.app[METRICS]
    return web.Response(body=registry.render(), headers={"Content-Type": registry.content_type})


async def openapi(request: web.Request) -> web.Response:
    return json_response(openapi_document())


def setup_ops(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/readyz", readyz, name="readyz")
    app.router.add_get("/metrics", metrics, name="metrics")
    app.router.add_get("/v1/openapi.json", openapi, name="openapi")
