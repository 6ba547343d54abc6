"""``GET /v1/console/stream``: live notices for a signed console, as server-sent events.

``event: events`` means new events wait in the outbox (the console pulls and acknowledges
them as usual); ``event: typing`` / ``data: {"conversation_id": …}`` means a shopper is
typing. One ``event: events`` is sent first, so a console that (re)connects pulls at once;
an idle stream sends a ``: ping`` comment; every stream ends when the relay shuts down
(and a console's, when it is revoked).
"""

from __future__ import annotations

import orjson
from aiohttp import web

from relay.services.console_feed import ConsoleFeed

PING = b": ping\n\n"
EVENTS = b"event: events\ndata: {}\n\n"


async def console_stream(
    request: web.Request, feed: ConsoleFeed, ping_interval: float, console_id: str
) -> web.StreamResponse:
    subscription = feed.subscribe(console_id)
    response = web.StreamResponse(headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    response.content_type = "text/event-stream"
    try:
        await response.prepare(request)
        await response.write(b"retry: 3000\n\n" + EVENTS)
        while True:
            try:
                notice = await subscription.get(ping_interval)
            except StopAsyncIteration:
                break
            if notice is None:
                await response.write(PING)
            elif notice["type"] == "events":
                await response.write(EVENTS)
            else:
                data = orjson.dumps({"conversation_id": notice["conversation_id"]})
                await response.write(b"event: typing\ndata: %s\n\n" % data)
    except ConnectionError:
        pass  # the console went away
    finally:
        subscription.unsubscribe()
    return response
