"""Live fan-out of new messages to the event streams watching a conversation.

Each subscriber gets a bounded queue. A subscriber that falls too far behind
is dropped (its stream ends and the browser reconnects with ``Last-Event-ID``, reading the
missed messages from storage), so a slow reader never holds memory hostage. ``close()`` ends
every stream, which is how the relay shuts down cleanly.

Several relays: ``forward`` (set by ``relay.shared``) also sends what is published here to
the other relays, which ``deliver`` it to the streams they hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

_CLOSED = object()


class Subscription:
    """One stream's view of one conversation; iterate it to receive Message JSON dicts."""

    def __init__(self, broker: Broker, conversation_id: str, size: int) -> None:
        self._broker = broker
        self.conversation_id = conversation_id
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size)
        self.closed = False

    def _offer(self, item: dict[str, Any]) -> bool:
        if self.closed:
            return False
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self._end()
            return False
        return True

    def _end(self) -> None:
        if self.closed:
            return
        self.closed = True
        while True:  # make room for the sentinel: the stream ends, missed messages reload
            try:
                self._queue.put_nowait(_CLOSED)
                return
            except asyncio.QueueFull:
                self._queue.get_nowait()

    async def get(self, timeout: float) -> dict[str, Any] | None:
        """The next message; ``None`` after ``timeout`` seconds; raises ``StopAsyncIteration``
        once the subscription has ended."""
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        if item is _CLOSED:
            self._queue.put_nowait(_CLOSED)  # later calls end too
            raise StopAsyncIteration
        return dict(item)

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            item = await self.get(3600)
            if item is not None:
                return item

    def unsubscribe(self) -> None:
        self._broker._remove(self)
        self._end()


class Broker:
    def __init__(self, *, queue_size: int = 256, ping_interval: float = 15.0) -> None:
        self._queue_size = queue_size
        self.ping_interval = ping_interval  # how often streams send ": ping" when idle
        self._subscribers: dict[str, set[Subscription]] = {}
        self.closed = False
        self.forward: Callable[[str, list[dict[str, Any]]], None] | None = None

    def subscribe(self, conversation_id: str) -> Subscription:
        subscription = Subscription(self, conversation_id, self._queue_size)
        if self.closed:
            subscription._end()
        else:
            self._subscribers.setdefault(conversation_id, set()).add(subscription)
        return subscription

    def publish(self, conversation_id: str, messages: Iterable[dict[str, Any]]) -> int:
        """Hand each message to every stream on the conversation, here and (``forward``) on
        the other relays; returns how many streams listened here."""
        items = list(messages)
        if self.forward is not None and items:
            self.forward(conversation_id, items)
        return self.deliver(conversation_id, items)

    def deliver(self, conversation_id: str, items: list[dict[str, Any]]) -> int:
        """Hand each message to the streams this relay holds on the conversation."""
        subscribers = self._subscribers.get(conversation_id)
        if not subscribers:
            return 0
        for subscription in list(subscribers):
            for item in items:
                if not subscription._offer(item):
                    self._remove(subscription)
                    break
        return len(self._subscribers.get(conversation_id, ()))

    def listeners(self, conversation_id: str) -> int:
        return len(self._subscribers.get(conversation_id, ()))

    def _remove(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.conversation_id)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[subscription.conversation_id]

    def restart_streams(self) -> None:
        """End every stream now (each browser reconnects and reads what it missed)."""
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                subscription._end()
        self._subscribers.clear()

    def close(self) -> None:
        """End every stream; later subscriptions end at once."""
        self.closed = True
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                subscription._end()
        self._subscribers.clear()
