"""Order, customer and product lookups for the bot, one connector per published store.

Every call is cached (customer profile 5 min, order lists 1 min, single order 30 s; each cache
size-bounded, least recently used out first), runs under the lookup budget (3 s), and goes
through a circuit breaker: after 5 consecutive failures the store is left alone for 30 s,
then one probe call decides whether it is back. Any failure reaches the bot as
``StoreUnavailable``; "not found" is an answer (``None`` or an empty list), not a failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from connectors import registry
from connectors.base import Connector, ConnectorContext
from connectors.errors import IntegrationError, NotFoundError
from connectors.retry import RetryPolicy
from core.bot import StoreUnavailable
from core.contacts import email_key
from core.orders import number_key
from core.records import Customer, Order, Product
from relay.services.lookup_times import LookupTimes
from relay.services.resilience import MISS, CircuitBreaker, TTLCache

if TYPE_CHECKING:
    import httpx

    from relay.storage import PublishedStore

log = logging.getLogger(__name__)
T = TypeVar("T")
Record = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LookupSettings:
    timeout: float = 3.0
    customer_ttl: float = 300.0
    orders_ttl: float = 60.0
    order_ttl: float = 30.0
    products_ttl: float = 60.0
    cache_size: int = 1000
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any) -> LookupSettings:
        """Read the relay settings' lookup fields; any that are absent keep their defaults."""
        names = {
            "timeout": "lookup_timeout",
            "customer_ttl": "customer_ttl",
            "orders_ttl": "order_list_ttl",
            "order_ttl": "order_ttl",
            "products_ttl": "order_list_ttl",
            "cache_size": "lookup_cache_size",
            "breaker_threshold": "breaker_failures",
            "breaker_cooldown": "breaker_open",
        }
        given = {
            mine: getattr(settings, theirs)
            for mine, theirs in names.items()
            if getattr(settings, theirs, None) is not None
        }
        return cls(**given)


class StoreLookup:
    """The bot's ``Lookup`` for one store: caches, budget and breaker around a connector."""

    def __init__(
        self,
        build: Callable[[], Connector],
        settings: LookupSettings,
        now: Callable[[], datetime],
        record: Record | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._clock = clock
        self.order_times = LookupTimes()  # the store's own answers, for ``verification_floor``
        self._connector: Connector | None = None
        self._settings = settings
        self._record = record or (lambda result: None)
        size = settings.cache_size
        self._orders = TTLCache(settings.orders_ttl, size, now)
        self._order = TTLCache(settings.order_ttl, size, now)
        self._customer = TTLCache(settings.customer_ttl, size, now)
        self._products = TTLCache(settings.products_ttl, size, now)
        self.breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_cooldown, now)
        self._inflight: dict[Hashable, asyncio.Task[Any]] = {}
        self._generation = 0  # bumped by forget(): an answer fetched before is not cached

    async def get_order(self, number: str) -> Order | None:
        key = ("order", number_key(number))
        return await self._cached(self._order, key, lambda c: self._timed(c, number), None)

    def verification_floor(self) -> float:
        """Seconds a failed verification waits after its lookup began (``LookupTimes.floor``)."""
        return self.order_times.floor(self._settings.timeout)

    async def _timed(self, connector: Connector, number: str) -> Order | None:
        """The store's answer about order ``number``, its time kept in ``order_times``."""
        started = self._clock()
        try:
            order = await connector.get_order(number)
        except NotFoundError:
            self.order_times.add(self._clock() - started, found=False)
            raise
        self.order_times.add(self._clock() - started, found=order is not None)
        return order

    async def find_orders(self, *, email: str, limit: int = 5) -> list[Order]:
        key = ("orders", email_key(email), limit)
        none: list[Order] = []
        found = await self._cached(
            self._orders, key, lambda c: c.find_orders(email=email, limit=limit), none
        )
        return list(found)

    async def get_customer(self, *, email: str) -> Customer | None:
        key = ("customer", email_key(email))
        return await self._cached(self._customer, key, lambda c: c.get_customer(email=email), None)

    async def get_customer_by_id(self, customer_id: str) -> Customer | None:
        """The store's customer with this id (as the platform numbers them)."""
        key = ("customer-id", customer_id)
        return await self._cached(
            self._customer, key, lambda c: c.get_customer(id=customer_id), None
        )

    async def search_products(self, text: str, *, limit: int = 5) -> list[Product]:
        key = ("products", text.strip().casefold(), limit)
        none: list[Product] = []
        found = await self._cached(
            self._products, key, lambda c: c.search_products(text, limit=limit), none
        )
        return list(found)

    async def _cached(
        self,
        cache: TTLCache,
        key: Hashable,
        call: Callable[[Connector], Awaitable[T]],
        missing: T,
    ) -> T:
        found = cache.get(key)
        if found is not MISS:
            self._record("hit")
            return found  # type: ignore[no-any-return]
        task = self._inflight.get(key)
        if task is None:  # one call per key at a time; others wait for its answer
            task = asyncio.create_task(self._fetch(cache, key, call, missing))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._settled(key, done))
        result: T = await asyncio.shield(task)
        return result

    def forget(
        self,
        *,
        orders: Iterable[str] = (),
        emails: Iterable[str] = (),
        products: bool = False,
    ) -> int:
        """Drop what a store change made stale, at once: the orders with these numbers
        (``"*"``: every order), everything cached for these emails (their customer and
        order lists), the product searches. How many entries went."""
        numbers = {number_key(n) for n in orders if n != "*"}
        every_order = "*" in orders
        mails = {k for k in (email_key(e) for e in emails) if k}
        gone = 0
        if every_order or numbers:
            gone += self._order.discard_where(lambda k: every_order or _part(k, 1) in numbers)
        if every_order or mails:
            gone += self._orders.discard_where(lambda k: every_order or _part(k, 1) in mails)
        if mails:
            gone += self._customer.discard_where(lambda k: _part(k, 1) in mails)
        if products:
            gone += self._products.discard_where(lambda k: True)
        self._generation += 1
        self._inflight.clear()  # the next caller asks the store again
        return gone

    def _settled(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved: a failure nobody waited for is not an error

    async def _fetch(
        self,
        cache: TTLCache,
        key: Hashable,
        call: Callable[[Connector], Awaitable[T]],
        missing: T,
    ) -> T:
        generation = self._generation
        if not self.breaker.allow():
            self._record("unavailable")
            raise StoreUnavailable("The store is not answering; trying again shortly.")
        try:
            async with asyncio.timeout(self._settings.timeout):
                value = await call(self._connect())
        except NotFoundError:
            value = missing
        except asyncio.CancelledError:
            self.breaker.cancelled()
            raise
        except TimeoutError:
            self._failed("error", "did not answer within the lookup budget")
            raise StoreUnavailable("The store took too long to answer.") from None
        except IntegrationError as err:
            self._failed("error", f"{err.code}: {err.message}")
            raise StoreUnavailable("The store could not be reached.") from None
        except Exception as err:  # a connector bug must read as "store unavailable", not a 500
            self._failed("error", f"unexpected {type(err).__name__}")
            raise StoreUnavailable("The store could not be reached.") from None
        self.breaker.succeeded()
        self._record("miss")
        if generation == self._generation:
            cache.put(key, value)
        return value

    def connector(self) -> Connector:
        """The store's connector (made on first use)."""
        return self._connect()

    def _connect(self) -> Connector:
        if self._connector is None:
            self._connector = self._build()
        return self._connector

    def _failed(self, result: str, why: str) -> None:
        self.breaker.failed()
        self._record(result)
        log.warning("Store lookup failed (%s); breaker %s.", why, self.breaker.state)

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        connector, self._connector = self._connector, None
        if connector is not None:
            try:
                await connector.aclose()
            except Exception as err:  # closing must never stop the relay from shutting down
                log.warning("Closing a store connection failed: %s", type(err).__name__)


def _part(key: Hashable, index: int) -> Any:
    return key[index] if isinstance(key, tuple) and len(key) > index else None


def store_digest(store: PublishedStore) -> str:
    """Changes whenever the published platform, settings or secrets change."""
    if store.version:
        return store.version
    blob = orjson.dumps(
        [store.platform, store.settings, store.secrets],
        option=orjson.OPT_SORT_KEYS,
        default=str,
    )
    return hashlib.sha256(blob).hexdigest()


@dataclass(slots=True)
class _Entry:
    source: PublishedStore
    digest: str
    lookup: StoreLookup


class LookupPool:
    """``lookup_for(published store)`` → its ``StoreLookup``, rebuilt when the store changes."""

    def __init__(
        self,
        settings: LookupSettings,
        *,
        http: httpx.AsyncClient | None,
        now: Callable[[], datetime],
        record: Record | None = None,
        build: Callable[..., Connector] = registry.build,
        retry: RetryPolicy | None = None,
        save: Callable[[str, dict[str, str]], Awaitable[None]] | None = None,
    ) -> None:
        self._settings = settings
        self._save = save  # keeps a store's rotated credentials (a refreshed token)
        self._http = http
        self._now = now
        self._record = record
        self._build = build
        # one quick retry fits the budget; longer backoff would only eat it
        self._retry = retry or RetryPolicy(attempts=2, base=0.1, cap=0.5)
        self._entries: dict[str, _Entry] = {}
        # (store id, order numbers, emails, products) to the other relays
        self.forward: Callable[[str, list[str], list[str], bool], None] | None = None
        self._closing: set[asyncio.Task[None]] = set()

    def lookup_for(self, store: PublishedStore) -> StoreLookup:
        entry = self._entries.get(store.id)
        if entry is not None and entry.source is store:
            return entry.lookup
        digest = store_digest(store)
        if entry is not None and entry.digest == digest:
            entry.source = store
            return entry.lookup
        if entry is not None:
            self._close_later(entry.lookup)
        # A store the merchant connected without certificate checks (a self-signed shop)
        # gets a client of its own, made by its connector; the shared one always checks.
        verify = store.settings.get("verify_ssl", True) is not False
        http = self._http if verify else None
        secrets = dict(store.secrets)  # the newest: a connector may rotate them (a refresh)
        save = self._save

        async def rotated(new: dict[str, str]) -> None:
            secrets.clear()
            secrets.update(new)
            if save is not None:
                await save(store.id, dict(new))

        context = ConnectorContext(
            http=http, now=self._now, retry=self._retry, secrets_changed=rotated
        )

        def build() -> Connector:
            return self._build(store.platform, store.settings, dict(secrets), context)

        lookup = StoreLookup(build, self._settings, self._now, self._record)
        self._entries[store.id] = _Entry(store, digest, lookup)
        return lookup

    def forget(
        self,
        store_id: str,
        *,
        orders: Iterable[str] = (),
        emails: Iterable[str] = (),
        products: bool = False,
    ) -> int:
        """``StoreLookup.forget`` for a published store (nothing cached: nothing to do),
        here and (``forward``, set when several relays share Redis) on the other relays."""
        orders, emails = list(orders), list(emails)
        if self.forward is not None:
            self.forward(store_id, orders, emails, products)
        return self.forget_here(store_id, orders=orders, emails=emails, products=products)

    def forget_here(
        self,
        store_id: str,
        *,
        orders: Iterable[str] = (),
        emails: Iterable[str] = (),
        products: bool = False,
    ) -> int:
        entry = self._entries.get(store_id)
        if entry is None:
            return 0
        return entry.lookup.forget(orders=orders, emails=emails, products=products)

    def forget_shopper(self, emails: Iterable[str]) -> int:
        """A shopper's data was erased: every store drops its cached orders and what it
        cached for these emails. How many entries went."""
        wanted = [e for e in emails if e]
        return sum(
            entry.lookup.forget(orders=["*"], emails=wanted) for entry in self._entries.values()
        )

    def retain(self, store_ids: Iterable[str]) -> None:
        """Forget (and close) the stores no longer published."""
        keep = set(store_ids)
        for store_id in [s for s in self._entries if s not in keep]:
            self._close_later(self._entries.pop(store_id).lookup)

    def _close_later(self, lookup: StoreLookup) -> None:
        task = asyncio.get_running_loop().create_task(lookup.aclose())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        entries, self._entries = list(self._entries.values()), {}
        await asyncio.gather(*(e.lookup.aclose() for e in entries), *self._closing)
