"""A running WooCommerce emulator on 127.0.0.1 and connectors pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from connectors.base import ConnectorContext
from connectors.retry import RetryPolicy
from connectors.woocommerce import WooCommerceConnector, create
from tests.emulators.woocommerce import DEFAULT_KEY, Running, ShopState, running

Make = Callable[..., WooCommerceConnector]


class Sleeps:
    """An injected sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def shop() -> AsyncIterator[Running]:
    async with running(ShopState.seeded()) as served:
        yield served


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


@pytest.fixture
def make(shop: Running, http: httpx.AsyncClient, sleeps: Sleeps) -> Make:
    def build(
        key: str = DEFAULT_KEY.key,
        secret: str = DEFAULT_KEY.secret,
        client: httpx.AsyncClient | None = None,
        **settings: Any,
    ) -> WooCommerceConnector:
        context = ConnectorContext(
            http=client or http, retry=RetryPolicy(sleep=sleeps, random=lambda: 0.5)
        )
        return create({"url": shop.url, **settings}, {"key": key, "secret": secret}, context)

    return build
