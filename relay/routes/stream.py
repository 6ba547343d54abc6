"""``GET /v1/conversations/{id}/stream``: new messages as server-sent events.

Each message goes out as ``id: <message id>`` / ``event: message`` / ``data: <Message JSON>``;
an agent typing in the console as ``event: typing`` / ``data: {"name": …}`` (never stored);
a reply the widget's language-model agent is writing as ``event: delta`` / ``data: {"draft":
…, "at": offset, "text": piece}`` (never stored: the whole reply follows as a message).
A reconnecting browser sends ``Last-Event-ID`` (or ``?after=``) and first receives what it
missed, read from storage. An idle stream sends a ``: ping`` comment (every 15 s by default)
so proxies keep it open; every stream ends when the relay shuts down.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from relay.keys import BROKER, CONVERSATIONS
from relay.services.inputs import parse_after

PING = b": ping\n\n"
_PAGE = 100


def _token(request: web.Request) -> str | None:
    token = request.query.get("token")
    if token:
        return token
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def typing_bytes(notice: dict[str, Any]) -> bytes:
    return b"event: typing\ndata: %s\n\n" % orjson.dumps({"name": notice.get("name")})


def delta_bytes(notice: dict[str, Any]) -> bytes:
    data = {"draft": notice["draft"], "at": notice["at"], "text": notice["text"]}
    return b"event: delta\ndata: %s\n\n" % orjson.dumps(data)


def event_bytes(message: dict[str, Any]) -> bytes:
    return b"id: %s\nevent: message\ndata: %s\n\n" % (
        message["id"].encode("ascii"),
        orjson.dumps(message),
    )


async def stream(request: web.Request) -> web.StreamResponse:
    conversation_id = request.match_info["id"]
    after = parse_after(request.headers.get("Last-Event-ID") or request.query.get("after"))
    service = request.app[CONVERSATIONS]
    await service.authorize(conversation_id, _token(request))
    broker = request.app[BROKER]
    subscription = broker.subscribe(conversation_id)  # before the backlog: nothing slips by
    response = web.StreamResponse(
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    response.content_type = "text/event-stream"
    try:
        await response.prepare(request)
        await response.write(b"retry: 3000\n\n")
        last = after
        while True:  # what the browser missed
            backlog = await service.messages_after(conversation_id, last)
            for message in backlog:
                await response.write(event_bytes(message))
                last = message["id"]
            if len(backlog) < _PAGE:
                break
        while True:
            try:
                live = await subscription.get(broker.ping_interval)
            except StopAsyncIteration:
                break  # shutting down, or this reader fell too far behind: it reconnects
            if live is None:
                await response.write(PING)
            elif live.get("_typing"):
                await response.write(typing_bytes(live))
            elif live.get("_delta"):
                await response.write(delta_bytes(live))
            elif last is None or live["id"] > last:
                await response.write(event_bytes(live))
                last = live["id"]
    except ConnectionError:
        pass  # the browser went away
    finally:
        subscription.unsubscribe()
    return response


def setup_stream(app: web.Application) -> None:
    app.router.add_get("/v1/conversations/{id}/stream", stream, name="public.stream")
