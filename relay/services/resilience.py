"""Small tools that keep a slow or failing store from hurting the relay: an expiring LRU
cache and a circuit breaker, both on an injected clock."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

MISS = object()
"""What ``TTLCache.get`` returns for an absent or expired key (``None`` is a cached answer)."""


class TTLCache:
    """A least-recently-used map whose entries expire ``ttl`` seconds after being stored."""

    def __init__(self, ttl: float, size: int, now: Callable[[], datetime]) -> None:
        self._ttl = timedelta(seconds=ttl)
        self._size = size
        self._now = now
        self._items: OrderedDict[Hashable, tuple[datetime, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        found = self._items.get(key)
        if found is None:
            return MISS
        if found[0] <= self._now():
            del self._items[key]
            return MISS
        self._items.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        self._items[key] = (self._now() + self._ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def discard_where(self, matches: Callable[[Hashable], bool]) -> int:
        """Forget every entry whose key ``matches``; how many went."""
        gone = [key for key in self._items if matches(key)]
        for key in gone:
            del self._items[key]
        return len(gone)


class CircuitBreaker:
    """closed → (threshold consecutive failures) → open → (cooldown) → half-open: one probe."""

    def __init__(self, threshold: int, cooldown: float, now: Callable[[], datetime]) -> None:
        self._threshold = threshold
        self._cooldown = timedelta(seconds=cooldown)
        self._now = now
        self._failures = 0
        self._opened_at: datetime | None = None
        self._probing = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._now() - self._opened_at >= self._cooldown else "open"

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open state only one at a time)."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probing:
            self._probing = True
            return True
        return False

    def succeeded(self) -> None:
        self._failures, self._opened_at, self._probing = 0, None, False

    def cancelled(self) -> None:
        """A call that never finished tells nothing: let another probe go out."""
        self._probing = False

    def failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._opened_at, self._probing = self._now(), False
