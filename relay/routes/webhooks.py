"""Store webhooks: ``POST /v1/webhooks/shopify`` and ``POST /v1/webhooks/woocommerce/{hook}``.

A delivery is verified on its raw body, kept (durably, once) and answered 200 at once; its
effects follow in the background (``relay.services.webhooks``). A duplicate is answered 200
too (the platform must stop retrying it) and changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from relay.keys import LOOKUPS, METRICS, SETTINGS, STORE, WEBHOOKS
from relay.responses import ApiError, json_response
from relay.services import webhook_auth
from relay.services.webhook_auth import Incoming
from relay.services.webhooks import WebhookProcessor


def _count(request: web.Request, platform: str, result: str) -> None:
    metrics = request.app.get(METRICS)
    if metrics is not None:
        metrics.webhooks.labels(platform, result).inc()


async def _accept(request: web.Request, incoming: Incoming) -> web.Response:
    if not incoming.known:
        _count(request, incoming.platform, "ignored")
        return json_response({"ok": True, "result": "ignored"})
    app = request.app
    added = await app[STORE].add_delivery(incoming.to_new(app[SETTINGS].now()))
    if not added:
        _count(request, incoming.platform, "duplicate")
        return json_response({"ok": True, "result": "duplicate"})
    app[WEBHOOKS].wake()
    _count(request, incoming.platform, "accepted")
    return json_response({"ok": True, "result": "accepted"})


async def shopify(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        incoming = webhook_auth.verify_shopify(
            request.app[STORE].published.stores.values(), request.headers, body
        )
    except ApiError:
        _count(request, "shopify", "refused")
        raise
    return await _accept(request, incoming)


async def woocommerce(request: web.Request) -> web.Response:
    body = await request.read()
    if webhook_auth.is_ping(request.headers, body):
        _count(request, "woocommerce", "ping")
        return json_response({"ok": True, "result": "ping"})
    try:
        incoming = webhook_auth.verify_woocommerce(
            request.app[STORE].published.stores.values(),
            request.match_info["hook"],
            request.headers,
            body,
        )
    except ApiError:
        _count(request, "woocommerce", "refused")
        raise
    return await _accept(request, incoming)


async def _processor(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    processor = WebhookProcessor(
        app[STORE], app[LOOKUPS], now=settings.now, metrics=app.get(METRICS)
    )
    app[WEBHOOKS] = processor
    processor.start()
    processor.wake()  # deliveries kept before a restart
    try:
        yield
    finally:
        await processor.stop()


def setup_webhooks(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/webhooks/shopify", shopify, name="webhooks.shopify")
    router.add_post("/v1/webhooks/woocommerce/{hook}", woocommerce, name="webhooks.woocommerce")
    app.cleanup_ctx.append(_processor)
