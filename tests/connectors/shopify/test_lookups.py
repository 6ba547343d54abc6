"""Order, customer and product lookups as the bot and the console make them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.base import Connector
from connectors.errors import BadResponseError
from connectors.shopify import ShopifyConnector
from core.records import Tracking
from tests.emulators.shopify_seed import ShopState


async def test_test_reports_the_shop(connector: ShopifyConnector) -> None:
    info = await connector.test()
    assert isinstance(connector, Connector)
    assert info.name == "Café Lumière – Demo"
    assert info.currency == "EUR"
    assert info.version == "2026-01"
    assert info.url == "https://storedesk-demo.myshopify.com"


@pytest.mark.parametrize("typed", ["1001", "#1001", " order 1001 ", "Order #1001", "no. 1001"])
async def test_order_by_number_in_every_spelling(connector: ShopifyConnector, typed: str) -> None:
    order = await connector.get_order(typed)
    assert order is not None
    assert order.number == "1001"
    assert order.id == "5001"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("SD1012", "SD1012"),
        ("#sd1012", "SD1012"),
        ("1012", "SD1012"),  # the digits alone, when only one order has them
        ("#SD-1013", "SD-1013"),
        ("SD1013", "SD-1013"),
    ],
)
async def test_order_numbers_with_a_store_prefix(
    connector: ShopifyConnector, typed: str, number: str
) -> None:
    order = await connector.get_order(typed)
    assert order is not None and order.number == number


@pytest.mark.parametrize("typed", ["1099", "100", "#", "", "SD1001", "10011"])
async def test_unknown_or_near_numbers_are_not_found(
    connector: ShopifyConnector, typed: str
) -> None:
    assert await connector.get_order(typed) is None


async def test_near_match_is_never_returned_for_an_exact_number(
    connector: ShopifyConnector,
) -> None:
    # name:1001 also matches #10010 in Shopify's loose search; only #1001 is the answer.
    order = await connector.get_order("10010")
    assert order is not None and order.number == "10010"
    order = await connector.get_order("1001")
    assert order is not None and order.number == "1001"


async def test_delivered_order_reads_fully(connector: ShopifyConnector) -> None:
    order = await connector.get_order("1001")
    assert order is not None
    assert order.status == "delivered"
    assert (order.financial_status, order.fulfillment_status) == ("PAID", "FULFILLED")
    assert order.total == Decimal("118.00") and order.currency == "EUR"
    assert order.created_at == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert order.shipped_at == datetime(2026, 1, 11, 8, 0, tzinfo=UTC)
    assert order.customer.name == "Zoë Müller"
    assert order.customer.email == "zoe.mueller@example.de"
    assert order.customer.id == "7001"
    assert order.billing_postcode == "10115"
    assert [(i.name, i.quantity, i.sku, i.price) for i in order.items] == [
        ("Merino Wool Sweater – Forest Green / M", 1, "MW-SW-GRN-M", Decimal("89.00")),
        ("Café Crème Mug", 2, "CM-01", Decimal("14.50")),
    ]
    assert order.tracking[0].carrier == "DHL Express"
    assert order.tracking[0].number == "JD014600006281230704"
    assert order.status_url and order.status_url.startswith("https://storedesk-demo.myshopify.com/")
    assert order.warnings == ()


async def test_several_fulfilments_give_every_tracking_number(
    connector: ShopifyConnector,
) -> None:
    order = await connector.get_order("1003")
    assert order is not None
    assert order.status == "shipped"  # in transit, partly refunded: not "delivered"
    assert order.tracking == (
        Tracking("PQ4F6P0703368470128001Y", "Correos", None),
        Tracking("0832170001234", "SEUR", "https://www.seur.com/?s=0832170001234"),
        Tracking(
            "1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        ),
    )
    assert order.shipped_at == datetime(2026, 1, 16, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("1002", "partially_shipped"),
        ("1004", "pending"),
        ("1005", "processing"),
        ("1006", "refunded"),
        ("1007", "cancelled"),
        ("1008", "on_hold"),
        ("1009", "processing"),
        ("1010", "failed"),
        ("SD-1013", "processing"),
    ],
)
async def test_statuses_the_shopper_sees(
    connector: ShopifyConnector, number: str, status: str
) -> None:
    order = await connector.get_order(number)
    assert order is not None and order.status == status


async def test_guest_orders_use_the_order_contact(connector: ShopifyConnector) -> None:
    guest = await connector.get_order("1005")
    assert guest is not None
    assert guest.customer.id is None and guest.customer.name is None
    assert guest.customer.email == "guest.shopper@example.com"
    phone_only = await connector.get_order("1010")
    assert phone_only is not None
    assert phone_only.customer.email is None and phone_only.customer.phone == "+33612345678"


async def test_find_orders_by_email_newest_first(connector: ShopifyConnector) -> None:
    orders = await connector.find_orders(email="Zoe.Mueller@example.de")
    assert [o.number for o in orders] == ["SD1012", "1008", "1002", "1001"]
    assert [
        o.number for o in await connector.find_orders(email="zoe.mueller@example.de", limit=2)
    ] == [
        "SD1012",
        "1008",
    ]


async def test_find_orders_by_customer_id_and_phone(connector: ShopifyConnector) -> None:
    by_gid = await connector.find_orders(customer_id="gid://shopify/Customer/7002")
    by_number = await connector.find_orders(customer_id="7002")
    by_phone = await connector.find_orders(phone="+34 600 12 34 56")
    assert [o.number for o in by_gid] == ["SD-1013", "1009", "1003"]
    assert by_number == by_gid == by_phone


async def test_find_orders_for_nobody(connector: ShopifyConnector) -> None:
    assert await connector.find_orders(email="nobody@example.com") == []
    assert await connector.find_orders(phone="+1 555 0100") == []
    assert await connector.find_orders() == []


async def test_customer_by_email_phone_and_id(connector: ShopifyConnector) -> None:
    by_email = await connector.get_customer(email="HANAKO.yamada@example.jp")
    assert by_email is not None
    assert by_email.id == "7003" and by_email.name == "花子 山田"
    assert by_email.total_orders == 2 and by_email.lifetime_value == Decimal("96.50")
    by_phone = await connector.get_customer(phone="+49 30 123456789")
    assert by_phone is not None and by_phone.email == "zoe.mueller@example.de"
    assert await connector.get_customer(id="7004") == await connector.get_customer(
        id="gid://shopify/Customer/7004"
    )
    aoife = await connector.get_customer(id="7004")
    assert aoife is not None and aoife.name == "Aoife O'Brien"


async def test_unknown_customers_are_none(connector: ShopifyConnector) -> None:
    assert await connector.get_customer(email="nobody@example.com") is None
    assert await connector.get_customer(phone="+1 555 0100") is None
    assert await connector.get_customer(id="999999") is None
    assert await connector.get_customer(id="not-an-id") is None
    assert await connector.get_customer() is None


async def test_product_search_by_title_and_sku(connector: ShopifyConnector) -> None:
    mugs = await connector.search_products("mug")
    assert [p.title for p in mugs] == ["Café Crème Mug"]
    assert mugs[0].price == Decimal("14.50") and mugs[0].currency == "EUR"
    assert mugs[0].in_stock is False and mugs[0].inventory == 0
    assert mugs[0].url == "https://storedesk-demo.myshopify.com/products/cafe-creme-mug"
    by_sku = await connector.search_products("MW-SW-GRN-M")
    assert [p.title for p in by_sku] == ["Merino Wool Sweater – Forest Green"]
    assert by_sku[0].in_stock is True and by_sku[0].inventory == 12
    assert by_sku[0].sku == "MW-SW-GRN-M"


async def test_product_search_untracked_unicode_and_nothing(connector: ShopifyConnector) -> None:
    (card,) = await connector.search_products("gift card")
    assert card.in_stock is True and card.inventory is None
    assert [p.title for p in await connector.search_products("抹茶")] == ["抹茶 Matcha 100g"]
    assert await connector.search_products("zeppelin") == []
    assert await connector.search_products("  ") == []
    assert len(await connector.search_products("e", limit=2)) == 2


async def test_an_unreadable_order_is_a_bad_response(
    connector: ShopifyConnector, shop: ShopState
) -> None:
    shop.orders[0]["totalPriceSet"] = {"shopMoney": {"amount": "n/a", "currencyCode": "EUR"}}
    with pytest.raises(BadResponseError) as caught:
        await connector.get_order("1001")
    assert caught.value.message == "Shopify sent an order Storedesk could not read."
    assert caught.value.hint and "Shopify admin" in caught.value.hint
    assert caught.value.detail and "total" in caught.value.detail


@pytest.mark.parametrize("lookup", [{"email": "zoe.mueller@example.de"}, {"id": "7001"}])
async def test_an_unreadable_customer_is_a_bad_response(
    connector: ShopifyConnector, shop: ShopState, lookup: dict[str, str]
) -> None:
    shop.customers[0]["numberOfOrders"] = "lots"
    with pytest.raises(BadResponseError) as caught:
        await connector.get_customer(**lookup)
    assert caught.value.message == "Shopify sent a customer Storedesk could not read."
    assert caught.value.hint


async def test_an_unreadable_product_is_left_out_of_the_search(
    connector: ShopifyConnector, shop: ShopState, caplog: pytest.LogCaptureFixture
) -> None:
    mug = next(p for p in shop.products if p["title"] == "Café Crème Mug")
    mug["totalInventory"] = "lots"
    titles = [p.title for p in await connector.search_products("e")]
    assert "Café Crème Mug" not in titles
    assert "Merino Wool Sweater – Forest Green" in titles
    assert "gid://shopify/Product/8002" in caplog.text
