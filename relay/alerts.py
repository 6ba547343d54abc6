"""The relay's own alert rule: over a recent window of requests, the share of server errors
and the 95th percentile of the time to answer, against thresholds the operator may set.

The window holds one small bucket per second (requests, server errors, and a histogram of
answer times), not one entry per request: its memory stays the same at ten requests a
minute or a thousand a second. Answer times fall into bins 1 % wide whose edges are set
on the p95 threshold itself, so "is the p95 above the threshold" is decided exactly and the
p95 reported is at most 1 % above the true one. Long-lived streams count for errors but not
for latency: they stay open by design. Below ``min_requests`` in the window nothing is
concluded (two slow requests at night are not an incident).
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BIN_RATIO = 1.01
"""Each latency bin's upper edge is 1 % above the one before."""
LOWEST_BIN, HIGHEST_BIN = -2500, 2500
"""Times below ~1e-11 × the threshold, or above 1e10 × it, share the end bins."""
_LOG_RATIO = math.log(BIN_RATIO)


@dataclass(frozen=True, slots=True)
class AlertRules:
    error_rate: float = 0.05  # share of 5xx answers
    p95_seconds: float = 2.0
    window: float = 300.0  # seconds
    min_requests: int = 20


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str  # "error_rate" | "latency"
    message: str
    value: float
    threshold: float

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "value": round(self.value, 4),
            "threshold": self.threshold,
        }


@dataclass(frozen=True, slots=True)
class WindowSummary:
    rules: AlertRules
    requests: int
    errors: int
    p95: float | None
    alerts: tuple[Alert, ...]

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def as_json(self) -> dict[str, Any]:
        """What ``/readyz`` and the console's status carry."""
        return {
            "state": "alert" if self.alerts else "ok",
            "window_seconds": self.rules.window,
            "requests": self.requests,
            "error_rate": round(self.error_rate, 4),
            "p95_seconds": None if self.p95 is None else round(self.p95, 4),
            "thresholds": {
                "error_rate": self.rules.error_rate,
                "p95_seconds": self.rules.p95_seconds,
                "min_requests": self.rules.min_requests,
            },
            "alerts": [alert.as_json() for alert in self.alerts],
        }


@dataclass(slots=True)
class _Second:
    """What was answered during one second of the window."""

    second: int
    requests: int = 0
    errors: int = 0
    times: Counter[int] = field(default_factory=Counter)  # latency bin -> requests


class RequestWindow:
    """The requests of the last ``rules.window`` seconds (``clock``: monotonic seconds)."""

    def __init__(
        self, rules: AlertRules | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rules = rules or AlertRules()
        self._clock = clock
        self._seconds: deque[_Second] = deque()

    def add(self, status: int, seconds: float, *, timed: bool = True) -> None:
        """One answered request; ``timed=False`` for a stream (its latency means nothing)."""
        now = self._clock()
        second = math.floor(now)
        seconds_seen = self._seconds
        if not seconds_seen or seconds_seen[-1].second != second:
            seconds_seen.append(_Second(second))
            self._drop(now)
        bucket = seconds_seen[-1]
        bucket.requests += 1
        bucket.errors += status >= 500
        if timed:
            bucket.times[self._bin(seconds)] += 1

    def _bin(self, seconds: float) -> int:
        """The bin of an answer time: bin ``k`` holds the times in
        ``(threshold·1.01^(k-1), threshold·1.01^k]``, so bin 0 ends on the threshold."""
        threshold = self.rules.p95_seconds
        if seconds <= 0 or threshold <= 0:
            return LOWEST_BIN if seconds <= 0 else HIGHEST_BIN
        k = math.ceil(math.log(seconds / threshold) / _LOG_RATIO - 1e-9)
        return min(max(k, LOWEST_BIN), HIGHEST_BIN)

    def _upper_edge(self, k: int) -> float:
        return self.rules.p95_seconds * BIN_RATIO**k

    def _drop(self, now: float) -> None:
        oldest = now - self.rules.window
        seconds_seen = self._seconds
        while seconds_seen and seconds_seen[0].second + 1 <= oldest:
            seconds_seen.popleft()

    def summary(self) -> WindowSummary:
        self._drop(self._clock())
        rules = self.rules
        requests = sum(s.requests for s in self._seconds)
        errors = sum(s.errors for s in self._seconds)
        times: Counter[int] = Counter()
        for bucket in self._seconds:
            times.update(bucket.times)
        timed = times.total()
        p95_bin = _nearest_rank_bin(times, timed, 0.95) if timed else None
        p95 = None if p95_bin is None else self._upper_edge(p95_bin)
        alerts: list[Alert] = []
        if requests >= rules.min_requests:
            rate = errors / requests
            if rate > rules.error_rate:
                alerts.append(
                    Alert(
                        "error_rate",
                        f"{rate:.1%} of the relay's answers in the last {_span(rules.window)} "
                        f"were server errors (alert above {rules.error_rate:.0%}).",
                        rate,
                        rules.error_rate,
                    )
                )
        if timed >= rules.min_requests and p95_bin is not None and p95_bin > 0:
            assert p95 is not None
            alerts.append(
                Alert(
                    "latency",
                    f"The relay took {p95:.1f} s or more for 5 % of its answers in the last "
                    f"{_span(rules.window)} (alert above {rules.p95_seconds:g} s).",
                    p95,
                    rules.p95_seconds,
                )
            )
        return WindowSummary(rules, requests, errors, p95, tuple(alerts))


def _nearest_rank_bin(counts: Counter[int], total: int, share: float) -> int:
    """The bin holding the nearest-rank percentile of ``total`` binned values."""
    rank = max(1, math.ceil(share * total))
    below = 0
    for k in sorted(counts):
        below += counts[k]
        if below >= rank:
            return k
    raise ValueError("the counts hold fewer values than their total")


def _span(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} minutes" if minutes >= 1 else f"{seconds:g} seconds"
