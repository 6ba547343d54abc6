"""Prometheus metrics of one relay app, in its own registry (tests build many apps)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """``requests`` (route, method, status), ``latency`` (route, method), ``intents`` (intent),
    ``lookups`` (result: hit|miss|error|locked|unavailable), ``errors`` (kind)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self.requests = Counter(
            "storedesk_relay_requests",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "storedesk_relay_request_seconds",
            "Time to answer a request, by route template and method.",
            ("route", "method"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
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
        self.errors = Counter(
            "storedesk_relay_errors",
            "Errors by kind (internal, storage, store, ...).",
            ("kind",),
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request and its time (label children cached: this runs for
        every request)."""
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
