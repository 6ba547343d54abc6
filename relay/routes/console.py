"""Console API (``/v1/console/…``): pairing, then Ed25519-signed requests only."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from aiohttp import web

from core import __version__
from relay.keys import (
    CONSOLE,
    CONVERSATIONS,
    FEED,
    LOOKUPS,
    METRICS,
    PRESENCE,
    SETTINGS,
    STORE,
    WHATSAPP,
)
from relay.responses import invalid, json_response, read_json
from relay.routes.console_stream import console_stream
from relay.services import console_auth, pairing, publishing, roles
from relay.services.inputs import parse_cards
from relay.state import client_ip

log = logging.getLogger("storedesk.relay.console")

SignedHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_EVENTS = 1000


def signed(handler: SignedHandler) -> SignedHandler:
    """Refuse (401) unless a paired, unrevoked console signed the request, and (403) unless
    its role may call this route (``relay.services.roles``, the one place roles are
    checked); ``request[CONSOLE]``. A signed request also tells the relay that the shop's
    team is connected (presence)."""

    @wraps(handler)
    async def check(request: web.Request) -> web.StreamResponse:
        store, now = request.app[STORE], request.app[SETTINGS].now()
        signed_request, console = await console_auth.identify(store, request.headers, now)
        request[CONSOLE] = await console_auth.verify(
            store,
            signed_request,
            console,
            method=request.method,
            path=request.raw_path,
            body=await request.read(),
            now=now,
        )
        roles.require(request.match_info.route.name, request[CONSOLE])
        presence = request.app.get(PRESENCE)
        if presence is not None:
            presence.seen()
        return await handler(request)

    return check


async def pair(request: web.Request) -> web.Response:
    app, settings = request.app, request.app[SETTINGS]
    limit = pairing.pairing_limit(
        client_ip(request), settings.pairing_attempts, settings.pairing_window
    )
    console = await pairing.pair(
        app[STORE],
        relay_key=settings.relay_key,
        limit=limit,
        body=await read_json(request),
        now=settings.now(),
    )
    relay_id = await app[STORE].relay_id()
    body = {
        "relay_id": relay_id,
        "fingerprint": console.fingerprint,
        "version": __version__,
        "role": console.role,
        "name": console.name,
        "console_id": console.id,
    }
    return json_response(body, status=201)


@signed
async def status(request: web.Request) -> web.Response:
    store = request.app[STORE]
    console = request[CONSOLE]
    body: dict[str, Any] = {
        "relay_id": await store.relay_id(),
        "version": __version__,
        "widgets": store.widget_count(),
        "stores": store.store_count(),
        "conversations_open": await store.open_conversations(),
        "events_pending": await store.pending_events(console.id),
        "today": await store.today_counts(request.app[SETTINGS].now()),
        "console": {"id": console.id, "name": console.name, "role": console.role},
        "alerts": request.app[METRICS].window.summary().as_json(),
    }
    return json_response(body)


@signed
async def publish(request: web.Request) -> web.Response:
    store = request.app[STORE]
    body = await read_json(request)
    changes = await publishing.publish(store, body)
    request.app[LOOKUPS].retain(store.published.stores)  # close connectors of removed stores
    if body.get("dry_run") is not True:  # a widget's own retention period applies at once
        deleted = await store.apply_retention()
        if deleted["conversations"]:
            log.info("Retention deleted %s conversations", deleted["conversations"])
    return json_response({"changes": changes})


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "500")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_EVENTS:
        raise invalid("limit", f"limit must be a whole number from 1 to {MAX_EVENTS}.")
    return int(raw)


@signed
async def events(request: web.Request) -> web.Response:
    store = request.app[STORE]
    console = request[CONSOLE]
    found = await store.events_after_ack(console.id, _limit(request))
    cursor = found[-1].seq if found else await store.acked_cursor(console.id)
    return json_response({"events": [event.to_json() for event in found], "cursor": cursor})


@signed
async def ack(request: web.Request) -> web.Response:
    cursor = (await read_json(request)).get("cursor")
    if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0:
        raise invalid("cursor", "cursor must be the whole number of the last event received.")
    await request.app[STORE].ack(request[CONSOLE].id, cursor)
    return json_response({"ok": True})


def _author(body: dict[str, Any], field: str = "author") -> str:
    author = body.get(field, "Support")
    if not isinstance(author, str) or not author.strip() or len(author) > 80:
        raise invalid(field, "The name must be 1 to 80 characters.")
    return author.strip()


@signed
async def reply(request: web.Request) -> web.Response:
    body = await read_json(request)
    text, ref = body.get("text"), body.get("ref")
    if not isinstance(text, str):
        raise invalid("text", "The reply text is missing.")
    if ref is not None and (not isinstance(ref, str) or not 1 <= len(ref) <= 64):
        raise invalid("ref", "ref must be the console's id for this reply (1 to 64 characters).")
    message = await request.app[CONVERSATIONS].agent_reply(
        request.match_info["id"],
        text,
        _author(body),
        cards=parse_cards(body.get("cards")),
        ref=ref,
        console_id=request[CONSOLE].id,
    )
    await _to_channels(request, message)
    # the console's copy names the console that wrote it (as its event does), the shopper's not
    return json_response({"message": {**message, "console_id": request[CONSOLE].id}}, status=201)


async def _to_channels(request: web.Request, message: dict[str, Any]) -> None:
    """A reply to a chat on WhatsApp goes out there too."""
    from relay.routes.connect import public_url

    whatsapp = request.app.get(WHATSAPP)
    if whatsapp is not None:
        base = public_url(request)
        await whatsapp.after_agent_reply(
            request.match_info["id"],
            message,
            lambda key: f"{base}/v1/channels/whatsapp/{key}/status",
        )


@signed
async def conversation_status(request: web.Request) -> web.Response:
    body = await read_json(request)
    status = body.get("status")
    if status not in ("open", "closed"):
        raise invalid("status", "status must be open or closed.")
    message = await request.app[CONVERSATIONS].set_status(
        request.match_info["id"], status, _author(body)
    )
    return json_response({"message": message})


@signed
async def conversation_spam(request: web.Request) -> web.Response:
    """Mark a conversation as spam, or restore it ("Not spam")."""
    body = await read_json(request)
    spam = body.get("spam")
    if not isinstance(spam, bool):
        raise invalid("spam", "spam must be true or false.")
    result = await request.app[CONVERSATIONS].set_spam(
        request.match_info["id"], spam, _author(body)
    )
    return json_response(result)


@signed
async def assign(request: web.Request) -> web.Response:
    body = await read_json(request)
    message = await request.app[CONVERSATIONS].assign(
        request.match_info["id"], _author(body, "assignee")
    )
    return json_response({"message": message})


@signed
async def agent_typing(request: web.Request) -> web.Response:
    body = await read_json(request)
    await request.app[CONVERSATIONS].agent_typing(request.match_info["id"], _author(body))
    return json_response({"ok": True})


@signed
async def stream(request: web.Request) -> web.StreamResponse:
    feed, ping = request.app[FEED], request.app[SETTINGS].stream_ping
    return await console_stream(request, feed, ping, request[CONSOLE].id)


def setup_console(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/console/pair", pair, name="console.pair")
    router.add_get("/v1/console/status", status, name="console.status")
    router.add_put("/v1/console/publish", publish, name="console.publish")
    router.add_get("/v1/console/events", events, name="console.events")
    router.add_post("/v1/console/events/ack", ack, name="console.ack")
    router.add_get("/v1/console/stream", stream, name="console.stream")
    conversation = "/v1/console/conversations/{id}"
    router.add_post(f"{conversation}/reply", reply, name="console.reply")
    router.add_post(f"{conversation}/status", conversation_status, name="console.status_set")
    router.add_post(f"{conversation}/assign", assign, name="console.assign")
    router.add_post(f"{conversation}/spam", conversation_spam, name="console.spam")
    router.add_post(f"{conversation}/typing", agent_typing, name="console.typing")
