"""Throttling, refusals and broken answers, as the merchant would meet them."""

from __future__ import annotations

import httpx
import pytest

from connectors.base import ConnectorContext
from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    RateLimitedError,
    UnavailableError,
)
from connectors.retry import RetryPolicy
from connectors.shopify import ShopifyConnector, create
from tests.connectors.shopify.conftest import FakeClock, MakeConnector
from tests.emulators.shopify_seed import ShopState


async def test_throttled_waits_exactly_what_the_bucket_needs(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector()
    await connector.test()  # the client now believes the bucket is nearly full
    shop.available = 499.0  # ...but another app drained it meanwhile
    # products(first: 166) requests 999 points; 100 restored a second → (999 − 499) / 100 s.
    products = await connector.search_products("mug", limit=200)
    assert sleeps == [pytest.approx(5.0)]
    assert shop.throttled == 1
    assert [p.title for p in products] == ["Café Crème Mug"]
    assert len(shop.requests) == 3


async def test_throttled_answer_sent_as_http_429_is_handled_alike(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector()
    shop.bucket_level()
    shop.available = 0.0
    shop.throttled_status = 429
    await connector.test()  # 1 point at 100 a second
    assert sleeps == [pytest.approx(0.01)]


async def test_retry_after_is_honoured_on_429(
    connector: ShopifyConnector, shop: ShopState, sleeps: list[float]
) -> None:
    shop.rate_limit_429 = 2
    shop.retry_after = "3"
    info = await connector.test()
    assert info.name == "Café Lumière – Demo"
    assert sleeps == [3.0, 3.0]


async def test_a_throttle_longer_than_the_policy_allows_is_reported(
    make_connector: MakeConnector, shop: ShopState, clock: FakeClock
) -> None:
    connector = await make_connector()
    shop.rate_limit_429 = 1
    shop.retry_after = "600"
    with pytest.raises(RateLimitedError) as caught:
        await connector.test()
    assert caught.value.wait == 600.0
    assert "slow down" in caught.value.message


async def test_wrong_token_is_an_auth_error_with_a_way_forward(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector(token="shpat_wrong")
    with pytest.raises(AuthError) as caught:
        await connector.get_order("1001")
    error = caught.value
    assert error.message == "Shopify refused the access token."
    assert error.hint and "Develop apps" in error.hint and "API credentials" in error.hint
    assert error.status == 401 and "Invalid API key" in (error.detail or "")
    assert "shpat_wrong" not in str(error) + repr(error) + repr(connector)
    assert sleeps == []  # not retried


async def test_token_changed_on_the_shop_side(connector: ShopifyConnector, shop: ShopState) -> None:
    shop.token = "shpat_rotated"
    with pytest.raises(AuthError):
        await connector.test()


@pytest.mark.parametrize(
    "shop_domain",
    [
        "",
        "my shop.myshopify.com",
        "-shop.myshopify.com",
        "shop.example.com",
        "shop.myshopify.com.evil.io",
    ],
)
def test_invalid_shop_domain_is_a_config_error(shop_domain: str) -> None:
    with pytest.raises(ConfigError) as caught:
        create({"shop": shop_domain}, {"token": "shpat_x"}, ConnectorContext())
    assert "myshopify.com" in caught.value.message
    assert caught.value.hint and "my-store.myshopify.com" in caught.value.hint


def test_shop_address_pasted_as_a_url_is_accepted() -> None:
    connector = create(
        {"shop": " https://My-Store.myshopify.com/ "}, {"token": "shpat_x"}, ConnectorContext()
    )
    assert connector.client.endpoint == (
        "https://my-store.myshopify.com/admin/api/2026-01/graphql.json"
    )
    assert "shpat_x" not in repr(connector) + repr(connector.client)


def test_missing_token_and_bad_version_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="access token"):
        create({"shop": "a.myshopify.com"}, {}, ConnectorContext())
    with pytest.raises(ConfigError, match="not a Shopify API version"):
        create({"shop": "a.myshopify.com", "api_version": "v3"}, {"token": "t"}, ConnectorContext())


async def test_unknown_api_version_is_a_config_error(make_connector: MakeConnector) -> None:
    connector = await make_connector(api_version="2019-04")
    with pytest.raises(ConfigError) as caught:
        await connector.test()
    assert "API version" in caught.value.message and caught.value.status == 404


async def test_server_errors_are_retried_then_unavailable(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector()
    shop.failures.extend([503, 500, 502, 503])
    with pytest.raises(UnavailableError) as caught:
        await connector.get_order("1001")
    assert caught.value.status == 503
    assert "Shopify is having trouble" in caught.value.message
    assert len(sleeps) == 3  # four attempts


async def test_a_passing_server_error_is_recovered(
    connector: ShopifyConnector, shop: ShopState, sleeps: list[float]
) -> None:
    shop.failures.extend([503])
    order = await connector.get_order("1001")
    assert order is not None and len(sleeps) == 1


@pytest.mark.parametrize(("status", "reason"), [(402, "unpaid"), (423, "locked")])
async def test_frozen_or_locked_shop_is_unavailable_without_retrying(
    connector: ShopifyConnector, shop: ShopState, sleeps: list[float], status: int, reason: str
) -> None:
    shop.failures.extend([status])
    with pytest.raises(UnavailableError) as caught:
        await connector.test()
    assert reason in caught.value.message and sleeps == []


async def test_html_instead_of_json_is_a_bad_response(
    connector: ShopifyConnector, shop: ShopState
) -> None:
    shop.html = True
    with pytest.raises(BadResponseError) as caught:
        await connector.test()
    assert "web page" in caught.value.message


async def test_a_slow_shop_times_out_as_unavailable(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector(timeout=0.1, attempts=2)
    shop.delay = 0.5
    with pytest.raises(UnavailableError) as caught:
        await connector.test()
    assert "did not answer in time" in caught.value.message
    assert len(sleeps) == 1


async def test_aclose_leaves_an_injected_client_open(base_url: str, shop: ShopState) -> None:
    async with httpx.AsyncClient() as http:
        context = ConnectorContext(http=http, retry=RetryPolicy(attempts=1))
        settings = {"shop": shop.domain, "base_url": base_url}
        connector = create(settings, {"token": shop.token}, context)
        await connector.aclose()
        assert not http.is_closed
        assert (await connector.test()).currency == "EUR"
    own = create(settings, {"token": shop.token}, ConnectorContext())
    assert (await own.test()).currency == "EUR"
    await own.aclose()
