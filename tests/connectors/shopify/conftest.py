"""The Shopify connector against the local emulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from connectors.base import ConnectorContext
from connectors.retry import RetryPolicy
from connectors.shopify import ShopifyConnector, create
from tests.emulators.shopify import running
from tests.emulators.shopify_seed import ShopState, seeded_shop


class FakeClock:
    """The emulator's clock; the connector's injected sleep moves it forward."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def utc(self) -> datetime:
        """The same moment for the connector's injected ``now``."""
        return datetime.fromtimestamp(self.now, UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def shop(clock: FakeClock) -> ShopState:
    return seeded_shop(clock=clock)


@pytest.fixture
async def base_url(shop: ShopState) -> AsyncIterator[str]:
    async with running(shop) as url:
        yield url


@pytest.fixture
def sleeps() -> list[float]:
    return []


MakeConnector = Callable[..., Awaitable[ShopifyConnector]]


@pytest.fixture
async def make_connector(
    shop: ShopState, base_url: str, clock: FakeClock, sleeps: list[float]
) -> AsyncIterator[MakeConnector]:
    """``await make_connector(page_size=2, token=..., timeout=..., attempts=...)``."""
    opened: list[tuple[ShopifyConnector, httpx.AsyncClient]] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    async def make(**options: Any) -> ShopifyConnector:
        http = httpx.AsyncClient(timeout=options.pop("timeout", 5.0))
        retry = RetryPolicy(attempts=options.pop("attempts", 4), sleep=sleep, random=lambda: 0.5)
        token = options.pop("token", shop.token)
        settings = {"shop": shop.domain, "base_url": base_url, **options}
        context = ConnectorContext(http=http, retry=retry, now=clock.utc)
        connector = create(settings, {"token": token}, context)
        opened.append((connector, http))
        return connector

    yield make
    for connector, http in opened:
        await connector.aclose()
        await http.aclose()


@pytest.fixture
async def connector(make_connector: MakeConnector) -> ShopifyConnector:
    return await make_connector()
