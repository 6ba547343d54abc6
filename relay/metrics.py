"""Prometheus metrics of one relay app, in its own registry (tests build many apps)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from relay.alerts import AlertRules, RequestWindow

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestStats:
    """Requests by (route, method, status) and their latency histogram by (route, method),
    kept in plain counters and exported at scrape time: counting happens on every request,
    scraping once in a while, so the work goes to the scrape."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._latency: dict[tuple[str, str], list[float]] = {}  # bucket counts…, sum, count

    def add(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        series = self._latency.get((route, method))
        if series is None:
            series = self._latency[(route, method)] = [0.0] * (len(LATENCY_BUCKETS) + 3)
        series[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        series[-2] += seconds
        series[-1] += 1

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "storedesk_relay_requests",
            "HTTP requests answered, by route template, method and status.",
            labels=("route", "method", "status"),
        )
        for (route, method, status), count in self._counts.items():
            requests.add_metric((route, method, str(status)), count)
        latency = HistogramMetricFamily(
            "storedesk_relay_request_seconds",
            "Time to answer a request, by route template and method.",
            labels=("route", "method"),
        )
        bounds = [*(str(b) for b in LATENCY_BUCKETS), "+Inf"]
        for labels, series in self._latency.items():
            cumulative = list(itertools.accumulate(series[: len(bounds)]))
            latency.add_metric(labels, list(zip(bounds, cumulative, strict=True)), series[-2])
        yield requests
        yield latency


class WindowStats:
    """The alert rule's window at scrape time: its error share, p95 and alert states."""

    def __init__(self, window: RequestWindow) -> None:
        self._window = window

    def collect(self) -> Iterator[Metric]:
        summary = self._window.summary()
        window = f" over the last {summary.rules.window:g} seconds"
        yield GaugeMetricFamily(
            "storedesk_relay_window_error_ratio",
            f"Share of server errors (5xx){window}.",
            value=summary.error_rate,
        )
        p95 = summary.p95 if summary.p95 is not None else float("nan")
        yield GaugeMetricFamily(
            "storedesk_relay_window_p95_seconds", f"95th percentile answer time{window}.", p95
        )
        alert = GaugeMetricFamily(
            "storedesk_relay_alert",
            "1 while the alert is raised (error_rate, latency), else 0.",
            labels=("kind",),
        )
        raised = {a.kind for a in summary.alerts}
        for kind in ("error_rate", "latency"):
            alert.add_metric((kind,), 1.0 if kind in raised else 0.0)
        yield alert


class Metrics:
    """``requests``: requests (route, method, status) and latency (route, method);
    ``intents`` (intent),
    ``lookups`` (result: hit|miss|error|locked|unavailable), ``errors`` (kind)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(
        self, rules: AlertRules | None = None, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = RequestStats()
        self.registry.register(self.requests)
        self.window = RequestWindow(rules) if clock is None else RequestWindow(rules, clock=clock)
        self.registry.register(WindowStats(self.window))
        self.intents = Counter(
            "storedesk_relay_bot_intents",
            "Shopper messages by the intent the bot recognised.",
            ("intent",),
            registry=self.registry,
        )
        self.lookups = Counter(
            "storedesk_relay_lookups",
            "Store lookups by result (hit, miss, error, locked, unavailable).",
            ("result",),
            registry=self.registry,
        )
        self.webhooks = Counter(
            "storedesk_relay_webhooks",
            "Store webhook deliveries by platform and result (accepted, duplicate, refused, "
            "ping, ignored, processed, retried, failed).",
            ("platform", "result"),
            registry=self.registry,
        )
        self.agent = Counter(
            "storedesk_relay_agent_turns",
            "Shopper messages given to a widget's AI agent, by outcome (answer; verify: the "
            "bot asked for proof; fallback: the bot answered).",
            ("outcome",),
            registry=self.registry,
        )
        self.errors = Counter(
            "storedesk_relay_errors",
            "Errors by kind (internal, storage, store, ...).",
            ("kind",),
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and its time."""
        self.requests.add(route, method, status, seconds)
        self.window.add(status, seconds, timed=not route.endswith("/stream"))

    def render(self) -> bytes:
        return generate_latest(self.registry)
