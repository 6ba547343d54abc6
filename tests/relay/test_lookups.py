"""Store lookups for the bot: caches, the 3 s budget and the circuit breaker, against a fake
connector that can be slow, failing or flapping. Time is a hand-driven clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from connectors.errors import NotFoundError, UnavailableError
from core.bot import StoreUnavailable
from core.records import Customer, Order
from relay.services.lookups import LookupPool, LookupSettings, StoreLookup
from relay.storage.records import PublishedStore


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def order(number: str) -> Order:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    return Order("sql", number, number, "shipped", Decimal("10.00"), "EUR", at, at)


class FakeConnector:
    """Each call pops the next behaviour: "ok", "fail", "missing", or a float (seconds of delay)."""

    platform = "sql"

    def __init__(self, script: list[Any] | None = None) -> None:
        self.script = list(script or [])
        self.calls: list[str] = []
        self.closed = False
        self.gate: asyncio.Event | None = None

    async def _behave(self, name: str) -> str:
        self.calls.append(name)
        if self.gate is not None:
            await self.gate.wait()
        step = self.script.pop(0) if self.script else "ok"
        if isinstance(step, float):
            await asyncio.sleep(step)
            return "ok"
        if step == "fail":
            raise UnavailableError("sql", "The database is not answering.")
        if step == "missing":
            raise NotFoundError("sql", "No such thing.")
        return "ok"

    async def get_order(self, number: str) -> Order | None:
        await self._behave("get_order")
        return order(number)

    async def find_orders(self, *, email: str | None = None, limit: int = 20) -> list[Order]:
        await self._behave("find_orders")
        return [order("1001")][:limit]

    async def get_customer(self, *, email: str | None = None) -> Customer | None:
        await self._behave("get_customer")
        return Customer("sql", "1", email=email, name="Alice Martin")

    async def search_products(self, text: str, *, limit: int = 10) -> list[Any]:
        await self._behave("search_products")
        return []

    async def aclose(self) -> None:
        self.closed = True


def make_lookup(
    connector: FakeConnector, clock: Clock, **settings: Any
) -> tuple[StoreLookup, list[str]]:
    results: list[str] = []
    values = {"timeout": 0.05} | settings
    lookup = StoreLookup(lambda: connector, LookupSettings(**values), clock, results.append)
    return lookup, results


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_each_kind_is_cached_for_its_own_time(clock: Clock) -> None:
    connector = FakeConnector()
    lookup, results = make_lookup(connector, clock)
    await lookup.get_order("#1001")
    await lookup.get_order("1001")  # same order, other spelling
    await lookup.find_orders(email="Alice@Example.com")
    await lookup.find_orders(email="alice@example.com")
    await lookup.get_customer(email="alice@example.com")
    assert connector.calls == ["get_order", "find_orders", "get_customer"]
    assert results.count("hit") == 2

    clock.advance(31)  # single order: 30 s
    await lookup.get_order("1001")
    await lookup.find_orders(email="alice@example.com")
    await lookup.get_customer(email="alice@example.com")
    assert connector.calls.count("get_order") == 2
    assert connector.calls.count("find_orders") == 1

    clock.advance(30)  # order lists: 1 min
    await lookup.find_orders(email="alice@example.com")
    await lookup.get_customer(email="alice@example.com")
    assert connector.calls.count("find_orders") == 2
    assert connector.calls.count("get_customer") == 1

    clock.advance(240)  # customer profile: 5 min
    await lookup.get_customer(email="alice@example.com")
    assert connector.calls.count("get_customer") == 2


async def test_caches_are_bounded(clock: Clock) -> None:
    connector = FakeConnector()
    lookup, _ = make_lookup(connector, clock, cache_size=2)
    for number in ("1001", "1002", "1003", "1001"):
        await lookup.get_order(number)
    assert connector.calls.count("get_order") == 4  # 1001 was pushed out by 1003


async def test_not_found_is_an_answer_and_is_cached(clock: Clock) -> None:
    connector = FakeConnector(["missing"])
    lookup, results = make_lookup(connector, clock)
    assert await lookup.get_order("9999") is None
    assert await lookup.get_order("9999") is None
    assert connector.calls == ["get_order"]
    assert lookup.breaker.state == "closed"
    assert results == ["miss", "hit"]


async def test_a_slow_store_is_unavailable_after_the_budget(clock: Clock) -> None:
    connector = FakeConnector([5.0])
    lookup, results = make_lookup(connector, clock, timeout=0.02)
    with pytest.raises(StoreUnavailable):
        await lookup.get_order("1001")
    assert results == ["error"]


async def test_a_failing_store_is_unavailable(clock: Clock) -> None:
    lookup, _ = make_lookup(FakeConnector(["fail"]), clock)
    with pytest.raises(StoreUnavailable):
        await lookup.find_orders(email="alice@example.com")


async def test_a_connector_that_cannot_be_built_is_unavailable(clock: Clock) -> None:
    def broken() -> Any:
        raise UnavailableError("sql", "bad settings")

    lookup = StoreLookup(broken, LookupSettings(), clock)
    with pytest.raises(StoreUnavailable):
        await lookup.get_order("1001")


async def test_breaker_opens_after_five_failures_then_probes_once(clock: Clock) -> None:
    connector = FakeConnector(["fail"] * 5)
    lookup, results = make_lookup(connector, clock)
    for number in range(5):
        with pytest.raises(StoreUnavailable):
            await lookup.get_order(str(1000 + number))
    assert lookup.breaker.state == "open"
    with pytest.raises(StoreUnavailable):
        await lookup.get_order("1010")
    assert len(connector.calls) == 5  # failed fast, the store was left alone
    assert results[-1] == "unavailable"

    clock.advance(30)
    assert lookup.breaker.state == "half_open"
    connector.gate = asyncio.Event()
    probe = asyncio.create_task(lookup.get_order("1011"))
    await asyncio.sleep(0)
    with pytest.raises(StoreUnavailable):  # only one probe at a time
        await lookup.get_order("1012")
    connector.gate.set()
    assert (await probe) is not None
    assert lookup.breaker.state == "closed"
    assert connector.calls.count("get_order") == 6


async def test_a_failed_probe_opens_the_breaker_again(clock: Clock) -> None:
    connector = FakeConnector(["fail"] * 6)
    lookup, _ = make_lookup(connector, clock)
    for number in range(5):
        with pytest.raises(StoreUnavailable):
            await lookup.get_order(str(number))
    clock.advance(31)
    with pytest.raises(StoreUnavailable):
        await lookup.get_order("probe")
    assert lookup.breaker.state == "open"
    clock.advance(10)
    with pytest.raises(StoreUnavailable):
        await lookup.get_order("again")
    assert len(connector.calls) == 6


async def test_a_flapping_store_never_trips_the_breaker(clock: Clock) -> None:
    connector = FakeConnector(["fail", "ok"] * 6)
    lookup, _ = make_lookup(connector, clock)
    for number in range(12):
        with contextlib.suppress(StoreUnavailable):
            await lookup.get_order(str(number))
    assert lookup.breaker.state == "closed"
    assert len(connector.calls) == 12


async def test_concurrent_misses_share_one_call(clock: Clock) -> None:
    connector = FakeConnector()
    connector.gate = asyncio.Event()
    lookup, _ = make_lookup(connector, clock)
    waiting = [asyncio.create_task(lookup.get_order("1001")) for _ in range(10)]
    await asyncio.sleep(0)
    connector.gate.set()
    found = await asyncio.gather(*waiting)
    assert {o.number for o in found if o} == {"1001"}
    assert connector.calls == ["get_order"]


def published(version: str) -> PublishedStore:
    return PublishedStore(id="demo", platform="sql", settings={}, secrets={}, version=version)


async def test_pool_rebuilds_when_the_store_changes_and_closes_on_shutdown(clock: Clock) -> None:
    built: list[FakeConnector] = []

    def build(platform: str, settings: Any, secrets: Any, context: Any) -> FakeConnector:
        built.append(FakeConnector())
        return built[-1]

    pool = LookupPool(LookupSettings(), http=None, now=clock, build=build)
    first = pool.lookup_for(published("v1"))
    assert pool.lookup_for(published("v1")) is first
    await first.get_order("1001")
    second = pool.lookup_for(published("v2"))
    assert second is not first
    await second.get_order("1001")  # a fresh cache: asks the new connection
    assert len(built) == 2
    await pool.close()
    assert all(c.closed for c in built)


async def test_pool_forgets_stores_no_longer_published(clock: Clock) -> None:
    made: list[FakeConnector] = []
    factory: Callable[..., FakeConnector] = lambda *a: made.append(FakeConnector()) or made[-1]  # noqa: E731
    pool = LookupPool(LookupSettings(), http=None, now=clock, build=factory)
    await pool.lookup_for(published("v1")).get_order("1")
    pool.retain([])
    await pool.close()
    assert made[0].closed


async def test_a_store_without_certificate_checks_gets_its_own_client(clock: Clock) -> None:
    contexts: list[Any] = []

    def build(platform: str, settings: Any, secrets: Any, context: Any) -> FakeConnector:
        contexts.append(context)
        return FakeConnector()

    shared = object()
    pool = LookupPool(LookupSettings(), http=shared, now=clock, build=build)  # type: ignore[arg-type]
    await pool.lookup_for(published("v1")).get_order("1")
    self_signed = PublishedStore(
        id="woo", platform="woocommerce", settings={"verify_ssl": False}, secrets={}, version="1"
    )
    await pool.lookup_for(self_signed).get_order("1")
    await pool.close()
    assert contexts[0].http is shared  # the shared client, which checks certificates
    assert contexts[1].http is None  # its connector makes one that accepts the shop's own
