"""WhatsApp through Twilio: Twilio's webhooks (public, signed by Twilio) and the console's
settings of a widget's channel (signed by the console)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from relay.keys import CONVERSATIONS, HTTP, SETTINGS, STORE, WHATSAPP
from relay.responses import json_response, read_json
from relay.routes.connect import public_url
from relay.routes.console import signed
from relay.services.twilio import TwilioMessages
from relay.services.whatsapp import WhatsAppChannel

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
INBOUND = "/v1/channels/whatsapp/{key}"


def webhook_url(base: str, widget_key: str) -> str:
    return f"{base}/v1/channels/whatsapp/{widget_key}"


async def _form(request: web.Request) -> list[tuple[str, str]]:
    if request.content_type != "application/x-www-form-urlencoded":
        return []
    posted = await request.post()
    return [(k, v) for k, v in posted.items() if isinstance(v, str)]


async def inbound(request: web.Request) -> web.Response:
    base = public_url(request)
    key = request.match_info["key"]
    await request.app[WHATSAPP].inbound(
        key,
        base + request.path_qs,
        await _form(request),
        request.headers.get("X-Twilio-Signature", ""),
        webhook_url(base, key) + "/status",
    )
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def status(request: web.Request) -> web.Response:
    await request.app[WHATSAPP].status(
        request.match_info["key"],
        public_url(request) + request.path_qs,
        await _form(request),
        request.headers.get("X-Twilio-Signature", ""),
    )
    return web.Response(status=204)


@signed
async def configure(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    settings = await request.app[WHATSAPP].configure(key, await read_json(request))
    body = {
        "account_sid": settings.account_sid,
        "number": settings.number,
        "webhook_url": webhook_url(public_url(request), key),
    }
    return json_response(body)


@signed
async def remove(request: web.Request) -> web.Response:
    await request.app[WHATSAPP].remove(request.match_info["key"])
    return json_response({"ok": True})


async def _service(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    messages = TwilioMessages(app[HTTP], api_url=settings.twilio_api_url)
    channel = WhatsAppChannel(
        app[STORE], app[CONVERSATIONS], messages, relay_key=settings.relay_key, now=settings.now
    )
    app[WHATSAPP] = channel
    try:
        yield
    finally:
        await channel.drain(settings.shutdown_grace)


def setup_whatsapp(app: web.Application) -> None:
    router = app.router
    router.add_post(INBOUND, inbound, name="whatsapp.inbound")
    router.add_post(INBOUND + "/status", status, name="whatsapp.status")
    path = "/v1/console/widgets/{key}/whatsapp"
    router.add_put(path, configure, name="whatsapp.configure")
    router.add_delete(path, remove, name="whatsapp.remove")
    app.cleanup_ctx.append(_service)
