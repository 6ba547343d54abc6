"""The public widget API: a browser's config, conversations, messages, leads and feedback.

Handlers only read the request and call ``ConversationService``; every refusal is an
``ApiError`` the errors middleware answers as JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import orjson
from aiohttp import web

from relay.assets import etag_matches
from relay.keys import (
    AGENTS,
    BROKER,
    CONVERSATIONS,
    FEED,
    HTTP,
    LOOKUPS,
    METRICS,
    PRESENCE,
    RUNTIME,
    SETTINGS,
    STORE,
)
from relay.responses import JSON, ApiError, json_response
from relay.routes.stream import setup_stream
from relay.services.agents import Agents
from relay.services.broker import Broker
from relay.services.console_feed import ConsoleFeed
from relay.services.conversations import ConversationService
from relay.services.inputs import InvalidInput, parse_after, parse_start
from relay.services.lookups import LookupPool, LookupSettings
from relay.services.presence import Presence
from relay.services.verification import VerificationLimits
from relay.state import client_ip


async def read_optional(request: web.Request) -> dict[str, Any] | None:
    """The body as a JSON object, ``None`` when empty: malformed → 400, not an object → 422."""
    raw = await request.read()
    if not raw or raw.isspace():
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError(400, "bad_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput({"body": "The request body must be a JSON object."})
    return data


async def read_object(request: web.Request) -> dict[str, Any]:
    """Like ``read_optional``, but an empty body is a 400."""
    data = await read_optional(request)
    if data is None:
        raise ApiError(400, "empty_body", "The request needs a JSON body.")
    return data


def bearer(request: web.Request) -> str | None:
    """The conversation token from ``Authorization: Bearer …``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _language(request: web.Request) -> str | None:
    wanted = request.query.get("language") or request.headers.get("Accept-Language") or ""
    return wanted.split(",")[0].split(";")[0].strip()[:35] or None


async def config(request: web.Request) -> web.Response:
    """Revalidated on every page load (``no-cache``), so a publish shows at the next reload;
    an unchanged config costs a 304."""
    service = request.app[CONVERSATIONS]
    body = service.config_body(request.match_info["key"], _language(request))
    etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    headers = {"Cache-Control": "no-cache", "ETag": etag}
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=JSON, headers=headers)


async def start(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    start_request = parse_start(await read_optional(request))
    if start_request.language is None:
        start_request = replace(start_request, language=_language(request))
    result = await request.app[CONVERSATIONS].start(key, start_request)
    request.app[RUNTIME].remember_widget(result["conversation_id"], key)
    return json_response(result, status=201)


async def post_message(request: web.Request) -> web.Response:
    body = await read_object(request)
    messages = await request.app[CONVERSATIONS].send(
        request.match_info["id"], bearer(request), body.get("text"), client_ip(request)
    )
    return json_response({"messages": messages})


async def list_messages(request: web.Request) -> web.Response:
    after = parse_after(request.query.get("after"))
    messages = await request.app[CONVERSATIONS].history(
        request.match_info["id"], bearer(request), after
    )
    return json_response({"messages": messages})


async def lead(request: web.Request) -> web.Response:
    body = await read_object(request)
    result = await request.app[CONVERSATIONS].lead(
        request.match_info["id"], bearer(request), body, client_ip(request)
    )
    return json_response(result, status=201)


async def feedback(request: web.Request) -> web.Response:
    body = await read_object(request)
    await request.app[CONVERSATIONS].feedback(request.match_info["id"], bearer(request), body)
    return json_response({"ok": True})


async def typing(request: web.Request) -> web.Response:
    """The shopper is typing: the consoles' live streams show it (nothing is stored)."""
    await request.app[CONVERSATIONS].shopper_typing(request.match_info["id"], bearer(request))
    return json_response({"ok": True})


async def _services(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    metrics = app.get(METRICS)

    counters: dict[str, Any] = {}  # a child per result, looked up once (there are five)

    def record(result: str) -> None:
        if metrics is not None:
            counter = counters.get(result)
            if counter is None:
                counter = counters[result] = metrics.lookups.labels(result)
            counter.inc()

    lookups = LookupPool(
        LookupSettings.from_settings(settings),
        http=app.get(HTTP),
        now=settings.now,
        record=record,
        save=app[STORE].save_store_secrets,
    )
    broker = Broker(ping_interval=settings.stream_ping)
    verification = VerificationLimits(app[STORE], per_address=settings.ip_verification_failures)
    presence = app[PRESENCE] = Presence(settings.now)
    app[LOOKUPS] = lookups
    feed = ConsoleFeed()
    app[BROKER] = broker
    app[FEED] = feed
    agents = app[AGENTS] = Agents(app[STORE], relay_key=settings.relay_key, now=settings.now)
    app[CONVERSATIONS] = ConversationService(
        app[STORE],
        lookups=lookups,
        broker=broker,
        presence=presence,
        verification=verification,
        metrics=metrics,
        now=settings.now,
        text_limit=settings.text_limit,
        feed=feed,
        agents=agents,
        http=app.get(HTTP),
    )
    try:
        yield
    finally:
        broker.close()
        feed.close()
        await lookups.close()


async def _end_streams(app: web.Application) -> None:
    broker = app.get(BROKER)
    if broker is not None:
        broker.close()
    feed = app.get(FEED)
    if feed is not None:
        feed.close()


def setup_public(app: web.Application) -> None:
    router = app.router
    router.add_get("/v1/widgets/{key}/config", config, name="public.config")
    router.add_post("/v1/widgets/{key}/conversations", start, name="public.start")
    router.add_post("/v1/conversations/{id}/messages", post_message, name="public.send")
    router.add_get("/v1/conversations/{id}/messages", list_messages, name="public.messages")
    router.add_post("/v1/conversations/{id}/lead", lead, name="public.lead")
    router.add_post("/v1/conversations/{id}/feedback", feedback, name="public.feedback")
    router.add_post("/v1/conversations/{id}/typing", typing, name="public.typing")
    setup_stream(app)
    app.cleanup_ctx.append(_services)
    app.on_shutdown.append(_end_streams)
