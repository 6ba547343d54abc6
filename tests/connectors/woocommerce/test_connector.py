"""The connector against the emulator over real 127.0.0.1 HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from connectors.base import Connector, ConnectorContext
from connectors.errors import AuthError, BadResponseError, ConfigError, UnavailableError
from connectors.retry import RetryPolicy
from connectors.woocommerce import WooCommerceConnector, create
from connectors.woocommerce.client import Reply
from connectors.woocommerce.mapping import map_order
from tests.connectors.woocommerce.conftest import Make, Sleeps
from tests.connectors.woocommerce.recorded import body
from tests.emulators.woocommerce import (
    DEFAULT_KEY,
    WRITE_ONLY_KEY,
    Failure,
    Running,
    ShopState,
    running,
)
from tests.emulators.woocommerce_seed import BASE_TIME


async def test_it_is_a_connector_and_test_reports_the_store(make: Make, shop: Running):
    connector = make()
    assert isinstance(connector, Connector)
    info = await connector.test()
    assert (info.platform, info.currency, info.version, info.url) == (
        "woocommerce",
        "USD",
        "9.4.3",
        shop.url,
    )
    assert any("plain HTTP" in w for w in info.warnings)
    assert DEFAULT_KEY.secret not in repr(connector) and DEFAULT_KEY.secret not in repr(
        connector._client
    )


@pytest.mark.parametrize(
    ("typed", "order_id", "number"),
    [
        ("18", "18", "18"),
        ("#30", "30", "30"),
        ("order 1001", "33", "1001"),  # number ≠ id: found by search
        ("1003", "35", "1003"),  # /orders/1003 exists but is number 1040: not that one
        ("1040", "1003", "1040"),
        ("#SD-1041", "1004", "SD-1041"),
        ("1041", "1004", "SD-1041"),  # the shopper left out the store's prefix
    ],
)
async def test_get_order_by_every_spelling(make: Make, typed: str, order_id: str, number: str):
    order = await make().get_order(typed)
    assert order is not None and (order.id, order.number) == (order_id, number)


@pytest.mark.parametrize("typed", ["999999", "#424242", "no-such-order", ""])
async def test_unknown_orders_are_none(make: Make, typed: str):
    assert await make().get_order(typed) is None


async def test_lookup_tracking_and_statuses_come_through(make: Make):
    order = await make().get_order("1001")
    assert order is not None and order.status == "shipped"
    assert [t.carrier for t in order.tracking] == ["Royal Mail", "Sendle"]
    assert order.customer.name == "Søren Kierkegaard"


async def test_find_orders_by_email_is_exact_and_newest_first(make: Make):
    orders = await make().find_orders(email="ALICE@example.test")
    assert [o.number for o in orders] == ["1040", "28", "24", "19", "18"]
    assert await make().find_orders(email="alice@example") == []


async def test_find_orders_by_customer_id_and_phone(make: Make):
    by_id = await make().find_orders(customer_id="3")
    assert {o.number for o in by_id} == {"1003", "27", "21", "20"}
    guest = await make().find_orders(phone="(555) 0199")
    assert {o.number for o in guest} == {"26", "1004"}


async def test_get_customer_by_email_id_and_phone(make: Make):
    connector = make()
    manager = await connector.get_customer(email="Soren@Example.test")
    assert manager is not None and manager.id == "5"  # a shop manager: needs role=all
    zoe = await connector.get_customer(id="4")
    assert zoe is not None and zoe.name == "Zoë Ångström-Łukasiewicz"
    bob = await connector.get_customer(phone="+44 20 7946 0958")
    assert bob is not None and bob.id == "3"
    assert await connector.get_customer(id="999999") is None
    assert await connector.get_customer(email="nobody@example.test") is None
    assert await connector.get_customer(phone="+1 999 999 9999") is None


async def test_an_unreadable_customer_by_id_is_none_as_an_unreadable_order_is(
    make: Make, shop: Running
):
    unreadable = b'{"email": "no-id@example.test", "billing": "not an address"}'
    shop.state.failures.append(Failure(200, unreadable, "application/json"))
    assert await make().get_customer(id="4") is None


async def test_search_products_by_text_and_sku(make: Make):
    connector = make()
    found = await connector.search_products("mug")
    assert [(p.title, p.currency) for p in found] == [("Coffee Mug", "USD")]
    by_sku = await connector.search_products("HOODIE-LOGO")
    assert by_sku[0].sku == "HOODIE-LOGO" and by_sku[0].in_stock is False
    assert await connector.search_products("zzz") == []


async def test_full_and_incremental_order_streams_page_by_page(make: Make, shop: Running):
    connector = make(per_page=5)
    pages = [page async for page in connector.changed_orders(None)]
    orders = [o for page in pages for o in page.records]
    assert all(page.total == 18 for page in pages)
    assert sorted(o.id for o in orders) == sorted(str(o.id) for o in shop.state.orders)
    assert [o.updated_at for o in orders] == sorted(o.updated_at for o in orders)
    cursor = max(o.updated_at for o in orders)
    again = [o for p in [p async for p in connector.changed_orders(cursor)] for o in p.records]
    assert {o.number for o in again} == {"SD-1041"}  # only the last one, re-read at the cursor
    later = [p async for p in connector.changed_orders(cursor + timedelta(seconds=2))]
    assert [p.records for p in later] == [()]
    assert all("oauth_nonce" in line for line in shop.state.log if "/orders?" in line)


async def test_customer_and_product_streams(make: Make):
    connector = make(per_page=2)
    customers = [c for p in [p async for p in connector.changed_customers(None)] for c in p.records]
    assert [c.id for c in customers] == ["1", "2", "3", "4", "5"]
    recent = BASE_TIME - timedelta(seconds=2)
    changed = [c for p in [p async for p in connector.changed_customers(recent)] for c in p.records]
    assert [c.id for c in changed] == ["3", "4", "5"]
    products = [x for p in [p async for p in connector.changed_products(None)] for x in p.records]
    assert {x.sku for x in products} == {
        "TSHIRT-BASIC",
        "MUG-001",
        "HOODIE-LOGO",
        "STICKERS",
        "BEANIE-VAR",
    }


def test_a_bad_record_is_reported_and_the_page_goes_on(woo_fixtures: Path):
    good = body(woo_fixtures, "07_order_with_tracking")
    bad = good | {"id": 77, "total": "n/a"}
    page = WooCommerceConnector._page(Reply([good, bad], 2, 1), map_order)
    assert [o.id for o in page.records] == ["18"] and page.total == 2
    assert [e.external_id for e in page.errors] == ["77"]
    assert "total" in page.errors[0].message


@pytest.mark.parametrize(
    ("key", "secret", "sentence"),
    [
        (
            DEFAULT_KEY.key,
            "cs_wrong",
            "WooCommerce rejected the request signature: the consumer "
            "secret does not match the key.",
        ),
        ("ck_" + "0" * 40, DEFAULT_KEY.secret, "WooCommerce did not recognise the consumer key."),
        (
            WRITE_ONLY_KEY.key,
            WRITE_ONLY_KEY.secret,
            "The WooCommerce API key is not allowed to read store data.",
        ),
    ],
)
async def test_wrong_keys_give_one_clear_sentence(make: Make, key: str, secret: str, sentence: str):
    with pytest.raises(AuthError) as caught:
        await make(key=key, secret=secret).get_order("18")
    assert caught.value.message == sentence
    assert secret not in str(caught.value)


async def test_https_with_basic_auth_and_the_proxy_case(sleeps: Sleeps):
    for proxy_fix in (True, False):
        state = ShopState.seeded(sees_https=proxy_fix)
        async with (
            running(state, tls=True) as shop,
            httpx.AsyncClient(verify=shop.client_ssl()) as http,
        ):
            connector = create(
                {"url": shop.url},
                {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret},
                ConnectorContext(http=http, retry=RetryPolicy(sleep=sleeps)),
            )
            if proxy_fix:
                order = await connector.get_order("30")
                assert order is not None and order.number == "30"
                assert not any("oauth_" in line for line in shop.state.log)
            else:
                with pytest.raises(AuthError) as caught:
                    await connector.get_order("30")
                assert caught.value.hint is not None and "HTTPS" in caught.value.hint


async def test_server_errors_are_retried_with_the_injected_sleep(
    make: Make, shop: Running, sleeps: Sleeps
):
    shop.state.failures.extend([Failure(503), Failure(502)])
    order = await make().get_order("18")
    assert order is not None and sleeps.calls == [0.5, 1.0]


async def test_an_outage_that_lasts_gives_up_as_unavailable(
    make: Make, shop: Running, sleeps: Sleeps
):
    shop.state.failures.extend([Failure(500)] * 4)
    with pytest.raises(UnavailableError) as caught:
        await make().get_order("18")
    assert caught.value.message.endswith("had a server error (HTTP 500).")
    assert len(sleeps.calls) == 3


async def test_a_web_page_instead_of_json(make: Make, shop: Running):
    shop.state.failures.append(Failure(200, b"<!DOCTYPE html><html>Shop</html>"))
    with pytest.raises(BadResponseError) as caught:
        await make().get_order("18")
    assert caught.value.message == "127.0.0.1 answered with a web page instead of WooCommerce data."


async def test_a_malformed_body(make: Make, shop: Running):
    shop.state.failures.append(Failure(200, b'<br />\n<b>Notice</b>: x {"id":', "application/json"))
    with pytest.raises(BadResponseError) as caught:
        await make().get_order("18")
    assert caught.value.message == "127.0.0.1 sent a reply Storedesk could not read."


async def test_no_woocommerce_api_at_the_address(make: Make, shop: Running):
    body = (
        b'{"code":"rest_no_route","message":"No route was found matching the URL and '
        b'request method.","data":{"status":404}}'
    )
    shop.state.failures.append(Failure(404, body, "application/json"))
    with pytest.raises(ConfigError) as caught:
        await make().test()
    assert caught.value.message == "The WooCommerce REST API was not found at 127.0.0.1."


async def test_a_timeout(shop: Running, sleeps: Sleeps):
    shop.state.failures.extend([Failure(200, b"[]", "application/json", delay=1.0)] * 4)
    async with httpx.AsyncClient(timeout=0.1) as slow:
        connector = create(
            {"url": shop.url},
            {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret},
            ConnectorContext(http=slow, retry=RetryPolicy(sleep=sleeps, attempts=2)),
        )
        with pytest.raises(UnavailableError) as caught:
            await connector.get_order("18")
    assert caught.value.message == f"{shop.url.split('//')[1]} did not answer in time."


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.test/wp-json/wc/v3",
        "https://shop.test/wp-admin/",
        "https://shop.test/shop/wp-json",
    ],
)
def test_a_pasted_api_or_admin_address_is_refused_with_the_shop_address(url: str):
    with pytest.raises(ConfigError) as caught:
        create({"url": url}, {"key": "ck_x", "secret": "cs_y"}, ConnectorContext())
    home = url.split("/wp-")[0]
    assert caught.value.hint == f"Paste just the shop's address, such as {home}."


def test_missing_keys_and_bad_urls_are_config_errors():
    with pytest.raises(ConfigError):
        create({"url": "https://shop.test"}, {"key": "ck_x"}, ConnectorContext())
    with pytest.raises(ConfigError):
        create({"url": "shop.test"}, {"key": "ck_x", "secret": "cs_y"}, ConnectorContext())


async def test_aclose_leaves_an_injected_client_open(make: Make, http: httpx.AsyncClient):
    await make().aclose()
    assert not http.is_closed
    own = create(
        {"url": "https://shop.test"}, {"key": "ck_x", "secret": "cs_y"}, ConnectorContext()
    )
    await own.aclose()
    assert own._own_http is not None and own._own_http.is_closed


async def test_pages_are_requested_ahead_and_dropped_cleanly(make: Make, shop: Running):
    connector = make(per_page=5)
    stream = connector.changed_orders(None)

    def asked() -> int:
        return len([line for line in shop.state.log if "/orders?" in line])

    first = await anext(stream)
    before = asked()  # the next page was asked for while this one is handled
    await stream.aclose()  # a sync cancelled mid-way leaves no request of ours running
    await asyncio.sleep(0.1)
    assert len(first.records) == 5
    left = asyncio.all_tasks() - {asyncio.current_task()}
    assert [t for t in left if "RequestHandler" not in repr(t)] == []  # (the emulator's own)
    assert before >= 2 and asked() <= before + 1  # nothing more once it was closed
