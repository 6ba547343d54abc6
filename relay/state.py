"""What one relay process keeps in memory only: the draining flag and the request rate
limiters (limits on failed attempts are shared by the relays, in ``relay.storage.attempts``)."""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from relay.keys import CLIENT_IP, SETTINGS
from relay.settings import Settings


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per key (an IP address, a conversation id), bounded in memory:
    the least recently used keys are forgotten first (a forgotten bucket is a full one)."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.enabled = per_minute > 0
        self._clock = clock
        self._max = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)


class RuntimeState:
    """Per-process state: ``draining`` once shutdown began (``stopping`` is set then too,
    for streams to end), and the request limiters used by the middleware."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.draining = False
        self.stopping = asyncio.Event()
        self.ip_requests = TokenBuckets(
            settings.ip_requests_per_minute, settings.ip_burst, clock=clock
        )
        self.conversation_messages = TokenBuckets(
            settings.conversation_messages_per_minute, settings.conversation_burst, clock=clock
        )
        self.conversation_widgets: OrderedDict[str, str] = OrderedDict()  # id → widget key

    def begin_draining(self) -> None:
        self.draining = True
        self.stopping.set()

    def remember_widget(self, conversation_id: str, widget_key: str) -> None:
        """A conversation's widget never changes: keep the most recent ones at hand."""
        self.conversation_widgets[conversation_id] = widget_key
        self.conversation_widgets.move_to_end(conversation_id)
        while len(self.conversation_widgets) > 20_000:
            self.conversation_widgets.popitem(last=False)


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def client_ip(request: web.Request) -> str:
    """The client's address: the socket peer, or the address the (trusted) proxy in front
    appended to ``X-Forwarded-For`` when the settings say there is one."""
    cached = request.get(CLIENT_IP)
    if cached is not None:
        return str(cached)
    address = request.remote or "unknown"
    settings = request.app.get(SETTINGS)
    if settings is not None and settings.trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            address = last
    request[CLIENT_IP] = address
    return address
