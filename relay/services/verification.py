"""Failed shopper verifications counted per IP address, across conversations.

A conversation locks itself after five wrong guesses (the bot keeps that count in its state);
this stops one address from enumerating orders by opening conversation after conversation.
Memory is bounded: the least recently seen addresses are forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import datetime, timedelta


class FailedVerifications:
    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        limit: int = 10,
        window: timedelta = timedelta(minutes=15),
        max_addresses: int = 10_000,
    ) -> None:
        self._now = now
        self._limit = limit
        self._window = window
        self._max = max_addresses
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()

    def _recent(self, address: str) -> deque[datetime] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        cutoff = self._now() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times

    def locked(self, address: str) -> bool:
        """Whether lookups are refused for this address right now."""
        times = self._recent(address)
        return times is not None and len(times) >= self._limit

    def record_failure(self, address: str) -> None:
        times = self._recent(address)
        if times is None:
            times = self._failures[address] = deque(maxlen=self._limit)
        else:
            self._failures.move_to_end(address)
        times.append(self._now())
        while len(self._failures) > self._max:
            self._failures.popitem(last=False)

    def __len__(self) -> int:
        return len(self._failures)
