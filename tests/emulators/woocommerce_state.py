"""The WooCommerce emulator's shop: its API keys, canned failures and data, and the keys
under which handlers find them on the app and the request."""

from __future__ import annotations

import hashlib
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.emulators.woocommerce_auth import ApiKey, Authenticator
from tests.emulators.woocommerce_seed import (
    Catalog,
    CustomerSpec,
    OrderSpec,
    seed_catalog,
    seed_customers,
    seed_orders,
    synthetic_orders,
)


def _key(name: str, prefix: str) -> str:
    return prefix + hashlib.sha1(f"storedesk-emulator-{name}".encode()).hexdigest()


DEFAULT_KEY = ApiKey(_key("key", "ck_"), _key("secret", "cs_"), "read_write")
READ_ONLY_KEY = ApiKey(_key("ro-key", "ck_"), _key("ro-secret", "cs_"), "read")
WRITE_ONLY_KEY = ApiKey(_key("wo-key", "ck_"), _key("wo-secret", "cs_"), "write")


@dataclass
class Failure:
    """A canned answer served instead of the next API request (outages, HTML pages, …)."""

    status: int = 503
    body: bytes = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
    content_type: str = "text/html"
    delay: float = 0.0


@dataclass
class ShopState:
    customers: list[CustomerSpec]
    catalog: Catalog
    orders: list[OrderSpec]
    keys: dict[str, ApiKey] = field(default_factory=dict)
    home_url: str = "http://127.0.0.1:8881"
    sees_https: bool = True  # False: TLS ends at a proxy WordPress does not know about
    clock: Callable[[], float] = time.time
    failures: deque[Failure] = field(default_factory=deque)
    slow: float = 0.0  # seconds every API answer waits (a far-away or busy shop)
    log: list[str] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(943))  # MySQL's tie order
    insecure_callbacks: bool = False  # let /wc-auth/v1/authorize call back over plain HTTP
    connect_log: list[dict[str, Any]] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], list[OrderSpec]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.orders.sort(key=lambda o: o.id)
        self.by_id = {o.id: o for o in self.orders}
        self.auth = Authenticator(self.keys, self.clock)

    @classmethod
    def seeded(cls, synthetic: int = 0, **kwargs: Any) -> ShopState:
        keys = {k.key: k for k in (DEFAULT_KEY, READ_ONLY_KEY, WRITE_ONLY_KEY)}
        orders = seed_orders() + synthetic_orders(synthetic)
        return cls(seed_customers(), seed_catalog(), orders, keys=keys, **kwargs)

    def replace_order(self, order: OrderSpec) -> None:
        """Add or change an order (as an edit in wp-admin would)."""
        self.add_orders([order])

    def add_orders(self, orders: list[OrderSpec]) -> None:
        """Add or change orders (an import, a bulk edit)."""
        changed = {o.id for o in orders}
        self.orders = [o for o in self.orders if o.id not in changed] + list(orders)
        self.__post_init__()
        self._cache.clear()

    def remove_order(self, order_id: int) -> None:
        """Delete an order for good (skips the trash)."""
        self.orders = [o for o in self.orders if o.id != order_id]
        self.__post_init__()
        self._cache.clear()


STATE = web.AppKey("woocommerce_state", ShopState)
WC_KEY = web.RequestKey("woocommerce_api_key", ApiKey)
