"""How long a store took to answer recent order lookups, for the answer-time floor of a failed
shopper verification (``relay.services.verification``).

A store may need more work for an order it has (one request, then its tracking, …) than for
one it has not (or the other way round: WooCommerce asks for the id, then searches). If a
failed verification were answered as soon as the store answered, the time alone would tell
a guesser whether the number exists. So each failed verification is answered no sooner than
``floor()`` after its lookup began: the larger of the 90th percentiles of the store's last
``size`` answers about orders it found and of its last ``size`` about orders it did not (with
fewer than ten answers of a kind, the slowest of them), never more than the lookup budget.
A percentile rather than the slowest, so that one cold connection or hiccup does not slow
every failure down for a while. The two kinds are kept apart so that a flood of quick
guesses of one kind cannot push the slow answers of the other out of the window.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

SAMPLES = 32
PERCENTILE = 90


class LookupTimes:
    """The store's recent order-lookup times (seconds), by whether the order was found."""

    def __init__(self, size: int = SAMPLES) -> None:
        self._found: deque[float] = deque(maxlen=size)
        self._missing: deque[float] = deque(maxlen=size)

    def add(self, seconds: float, *, found: bool) -> None:
        (self._found if found else self._missing).append(max(0.0, seconds))

    def floor(self, budget: float) -> float:
        """The larger kind's recent 90th percentile, at most ``budget`` (0 before any answer)."""
        return min(max(_percentile(self._found), _percentile(self._missing)), budget)


def _percentile(samples: Iterable[float]) -> float:
    """The nearest-rank ``PERCENTILE``th percentile (0 for none; the slowest for under ten)."""
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    return ordered[math.ceil(len(ordered) * PERCENTILE / 100) - 1]
