"""The relay's own alert rule: over a recent window of requests, the share of server errors
and the 95th percentile of the time to answer, against thresholds the operator may set.

Every answered request is added (a deque append, old ones dropped as the window moves);
the summary is computed when asked (``/readyz``, the console's status, a scrape), on at
most ``MAX_KEPT`` requests. Long-lived streams count for errors but not for latency: they
stay open by design. Below ``min_requests`` in the window nothing is concluded (two slow
requests at night are not an incident).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_KEPT = 50_000


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


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0…1) of non-empty ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


class RequestWindow:
    """The requests of the last ``rules.window`` seconds (``clock``: monotonic seconds)."""

    def __init__(
        self, rules: AlertRules | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rules = rules or AlertRules()
        self._clock = clock
        self._seen: deque[tuple[float, float | None, bool]] = deque(maxlen=MAX_KEPT)

    def add(self, status: int, seconds: float, *, timed: bool = True) -> None:
        """One answered request; ``timed=False`` for a stream (its latency means nothing)."""
        now = self._clock()
        self._seen.append((now, seconds if timed else None, status >= 500))
        self._drop(now)

    def _drop(self, now: float) -> None:
        oldest = now - self.rules.window
        seen = self._seen
        while seen and seen[0][0] < oldest:
            seen.popleft()

    def summary(self) -> WindowSummary:
        self._drop(self._clock())
        rules, seen = self.rules, list(self._seen)
        errors = sum(1 for _, _, failed in seen if failed)
        times = [seconds for _, seconds, _ in seen if seconds is not None]
        p95 = percentile(times, 0.95) if times else None
        alerts: list[Alert] = []
        if len(seen) >= rules.min_requests:
            rate = errors / len(seen)
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
        if len(times) >= rules.min_requests and p95 is not None and p95 > rules.p95_seconds:
            alerts.append(
                Alert(
                    "latency",
                    f"The relay took {p95:.1f} s or more for 5 % of its answers in the last "
                    f"{_span(rules.window)} (alert above {rules.p95_seconds:g} s).",
                    p95,
                    rules.p95_seconds,
                )
            )
        return WindowSummary(rules, len(seen), errors, p95, tuple(alerts))


def _span(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} minutes" if minutes >= 1 else f"{seconds:g} seconds"
