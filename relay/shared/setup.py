"""``setup_shared(app)``: what the relays behind one load balancer share, wired at start-up.

On PostgreSQL a ``PublishListener`` keeps the published state and the paired consoles
current with every other relay's publishes and team changes (a revoked console's live
streams end on every relay). With ``--redis-url``, a ``RedisLink`` carries live messages
to the relay holding a shopper's stream, presence, and the rate limits.
``SharedState.status()`` is what ``/readyz`` reports.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from relay.keys import BROKER, FEED, LOOKUPS, PRESENCE, RUNTIME, SETTINGS, SHARED, STORE
from relay.shared.limits import SharedBuckets
from relay.shared.link import RedisLink
from relay.shared.presence import PresenceSharing
from relay.shared.published import PublishListener

log = logging.getLogger("relay.shared")


@dataclass(slots=True)
class SharedState:
    link: RedisLink | None = None
    listener: PublishListener | None = None
    closers: list[Any] = field(default_factory=list)

    def status(self) -> dict[str, Any]:
        """``redis``: off | connected | unavailable; ``publishes``: off | listening | …"""
        body: dict[str, Any] = {"redis": "off", "publishes": "off"}
        if self.link is not None:
            body["redis"] = "connected" if self.link.healthy else "unavailable"
            if not self.link.healthy:
                body["note"] = (
                    f"{self.link.problem}; this relay serves on its own view (its own live "
                    "streams, rate limits and presence) until Redis is back."
                )
        if self.listener is not None:
            body["publishes"] = "listening" if self.listener.listening.is_set() else "reconnecting"
        return body


async def _shared_ctx(app: web.Application) -> AsyncIterator[None]:
    settings, store = app[SETTINGS], app[STORE]
    shared = app[SHARED] = SharedState()
    if store.is_postgresql:
        lookups, feed = app[LOOKUPS], app[FEED]

        def reloaded() -> None:
            lookups.retain(store.published.stores)  # close removed stores' connectors
            feed.retain(store.active_console_ids())  # end revoked consoles' live streams

        shared.listener = PublishListener(store, reloaded)
        await shared.listener.start()
        shared.closers.append(shared.listener.close)
    if settings.redis_url:
        relay_id = await store.relay_id()
        link = shared.link = RedisLink(settings.redis_url, f"storedesk:{relay_id}:", store.instance)
        _share_streams(app, link)
        _share_feed(app, link)
        _share_limits(app, link)
        _share_lookups(app, link)
        sharing = PresenceSharing(app[PRESENCE], link, settings.now)
        await link.start()
        sharing.start()
        shared.closers += [sharing.close, link.close]
        log.info(
            "Sharing live streams, rate limits and presence through Redis at %s (%s).",
            link.url_shown,
            "connected" if link.healthy else "not answering yet",
        )
    try:
        yield
    finally:
        for close in shared.closers:
            await close()


def _share_streams(app: web.Application, link: RedisLink) -> None:
    broker = app[BROKER]
    broker.forward = lambda conversation, items: link.publish(
        "conv", {"c": conversation, "m": items}
    )

    def deliver(sender: str, data: dict[str, Any]) -> None:
        conversation, items = data.get("c"), data.get("m")
        if isinstance(conversation, str) and isinstance(items, list):
            broker.deliver(conversation, [m for m in items if isinstance(m, dict)])

    link.on("conv", deliver)
    link.on_reconnect(broker.restart_streams)  # streams reconnect and read what they missed


def _share_feed(app: web.Application, link: RedisLink) -> None:
    """A console's live stream held by one relay hears of new events and typing shoppers
    whichever relay they reached."""
    feed = app[FEED]
    feed.forward = lambda notice: link.publish("feed", notice)

    def deliver(sender: str, data: dict[str, Any]) -> None:
        if data.get("type") == "events":
            feed.deliver(data)
        elif data.get("type") == "typing" and isinstance(data.get("conversation_id"), str):
            feed.deliver({"type": "typing", "conversation_id": data["conversation_id"]})

    link.on("feed", deliver)


def _share_lookups(app: web.Application, link: RedisLink) -> None:
    """A store change (a webhook) processed by one relay makes every relay's cached
    lookups of it stale: they all forget them."""
    lookups = app[LOOKUPS]

    def forward(store: str, orders: list[str], emails: list[str], products: bool) -> None:
        link.publish("forget", {"s": store, "o": orders, "e": emails, "p": products})

    def forget(sender: str, data: dict[str, Any]) -> None:
        store, orders, emails = data.get("s"), data.get("o"), data.get("e")
        if isinstance(store, str) and isinstance(orders, list) and isinstance(emails, list):
            text = [str(o) for o in orders], [str(e) for e in emails]
            lookups.forget_here(store, orders=text[0], emails=text[1], products=bool(data.get("p")))

    lookups.forward = forward
    link.on("forget", forget)


def _share_limits(app: web.Application, link: RedisLink) -> None:
    runtime = app[RUNTIME]
    secret = hmac.new(app[SETTINGS].relay_key, b"shared rate limits", hashlib.sha256).digest()
    runtime.shared_limits = (
        SharedBuckets("ip", runtime.ip_requests, link, secret),
        SharedBuckets("conversation", runtime.conversation_messages, link, secret),
    )


def setup_shared(app: web.Application) -> None:
    """After ``setup_public`` (it makes the broker and presence this shares)."""
    app.cleanup_ctx.append(_shared_ctx)
