"""Live notices for the consoles' streams (``GET /v1/console/stream``).

Nothing here is the record: events stay in the outbox, pulled and acknowledged as before. A
notice only wakes a console so it pulls at once ("events"), or tells it a shopper is typing
("typing"). Each stream has a small queue; "events" notices coalesce (one pending is as good
as ten), a full queue drops typing notices first, ``retain()`` ends the streams of revoked
consoles and ``close()`` ends every stream.

Several relays: ``forward`` (set by ``relay.shared``) also sends each notice to the other
relays, which ``deliver`` it to the consoles' streams they hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

EVENTS: dict[str, Any] = {"type": "events"}
_CLOSED: dict[str, Any] = {"type": "closed"}


class FeedSubscription:
    def __init__(self, feed: ConsoleFeed, size: int, console_id: str = "") -> None:
        self._feed = feed
        self.console_id = console_id
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=size)
        self._events_pending = False
        self.closed = False

    def offer(self, notice: dict[str, Any]) -> None:
        if self.closed:
            return
        if notice is EVENTS:
            if self._events_pending:
                return
            self._events_pending = True
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:
            if notice is EVENTS:  # never lose a wake-up: make room for it
                self._queue.get_nowait()
                self._queue.put_nowait(notice)

    async def get(self, timeout: float) -> dict[str, Any] | None:
        """The next notice; ``None`` after ``timeout`` seconds; ``StopAsyncIteration`` once
        the feed has closed."""
        try:
            notice = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        if notice is _CLOSED:
            raise StopAsyncIteration
        if notice is EVENTS:
            self._events_pending = False
        return notice

    def end(self) -> None:
        if self.closed:
            return
        self.closed = True
        while self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(_CLOSED)

    def unsubscribe(self) -> None:
        self._feed.subscribers.discard(self)
        self.end()


class ConsoleFeed:
    def __init__(self, *, queue_size: int = 64) -> None:
        self._size = queue_size
        self.subscribers: set[FeedSubscription] = set()
        self.closed = False
        self.forward: Callable[[dict[str, Any]], None] | None = None

    def subscribe(self, console_id: str = "") -> FeedSubscription:
        subscription = FeedSubscription(self, self._size, console_id)
        if self.closed:
            subscription.end()
        else:
            self.subscribers.add(subscription)
        return subscription

    def poke(self) -> None:
        """New events are in the outbox."""
        self._publish(EVENTS)

    def typing(self, conversation_id: str) -> None:
        """The shopper of ``conversation_id`` is typing."""
        self._publish({"type": "typing", "conversation_id": conversation_id})

    def _publish(self, notice: dict[str, Any]) -> None:
        if self.forward is not None:
            self.forward(notice)
        self.deliver(notice)

    def deliver(self, notice: dict[str, Any]) -> None:
        """Hand a notice to the consoles' streams this relay holds."""
        if notice.get("type") == EVENTS["type"]:
            notice = EVENTS  # coalesced by identity
        for subscription in list(self.subscribers):
            subscription.offer(notice)

    def retain(self, console_ids: set[str]) -> None:
        """End the streams of consoles not in ``console_ids`` (revoked ones)."""
        for subscription in list(self.subscribers):
            if subscription.console_id not in console_ids:
                subscription.unsubscribe()

    def close(self) -> None:
        self.closed = True
        for subscription in list(self.subscribers):
            subscription.end()
        self.subscribers.clear()
