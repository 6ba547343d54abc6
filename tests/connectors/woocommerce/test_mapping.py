"""Mapping the bodies a real WooCommerce 9.4.3 store sent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.woocommerce.mapping import (
    MappingError,
    map_customer,
    map_order,
    map_product,
    order_received_url,
    plain_name,
)
from connectors.woocommerce.tracking import parse_tracking, tracking_from_item
from core.records import Tracking
from tests.connectors.woocommerce.recorded import body


def test_order_18_shows_its_usps_tracking_and_the_partial_refund(woo_fixtures: Path):
    order = map_order(body(woo_fixtures, "07_order_with_tracking"))
    assert (order.id, order.number, order.status) == ("18", "18", "completed")
    assert order.tracking == (
        Tracking(
            number="9400111899223197428490",
            carrier="USPS",
            url="https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
        ),
    )
    assert order.financial_status == "partially_refunded"
    assert order.warnings == ("Partly refunded: 5.00 USD of 44.98 USD.",)
    assert order.total == Decimal("44.98") and order.currency == "USD"
    assert order.created_at == datetime(2026, 10, 22, 22, 45, 17, tzinfo=UTC)
    assert order.shipped_at == datetime.fromtimestamp(1792795517, UTC)
    assert order.customer.email == "alice@example.test" and order.customer.id == "2"
    assert order.billing_postcode == "90001"
    assert [(i.name, i.quantity, i.sku, i.price) for i in order.items] == [
        ("Basic T-Shirt", 2, "TSHIRT-BASIC", Decimal("19.99"))
    ]
    assert order.status_url == (
        "http://127.0.0.1:8881/checkout/order-received/18/?key=wc_order_E3B2ExWuVaj7N"
    )


def test_order_30_has_a_dhl_tracking_link_and_unicode_customer(woo_fixtures: Path):
    order = map_order(body(woo_fixtures, "08_order_with_tracking_2"))
    assert order.tracking[0].carrier == "DHL"
    assert order.tracking[0].url is not None and "JD014600006281230704" in order.tracking[0].url
    assert order.customer.name == "Zoë Ångström-Łukasiewicz"
    assert order.fulfillment_status == "fulfilled"


def test_order_24_is_refunded(woo_fixtures: Path):
    order = map_order(body(woo_fixtures, "09_order_refunded"))
    assert order.status == "refunded"
    assert order.financial_status == "refunded"
    assert order.warnings == ()


def test_guest_orders_have_no_customer_id_but_keep_email_and_unicode_name(woo_fixtures: Path):
    orders = {o.id: o for o in map(map_order, body(woo_fixtures, "06_orders_all"))}
    assert len(orders) == 12
    taro = orders["29"]
    assert taro.customer.id is None
    assert taro.customer.name == "太郎 山田"
    assert taro.customer.email == "taro.yamada@example.test"
    assert taro.billing_postcode == "100-0001"
    assert taro.items[0].name == "Beanie — Variable - Large"
    assert orders["26"].customer.id is None and orders["26"].financial_status == "paid"
    assert orders["28"].status == "pending" and orders["28"].financial_status == "unpaid"
    assert orders["20"].status == "on_hold"


def test_unicode_search_result_maps(woo_fixtures: Path):
    [order] = map(map_order, body(woo_fixtures, "14_orders_search_unicode"))
    assert order.customer.name is not None and "山田" in order.customer.name


def test_a_processing_order_with_a_tracking_number_reads_as_shipped(woo_fixtures: Path):
    raw = body(woo_fixtures, "07_order_with_tracking") | {"status": "processing"}
    order = map_order(raw)
    assert order.status == "shipped" and order.fulfillment_status == "shipped"


def test_a_broken_order_raises_mapping_error_not_something_else(woo_fixtures: Path):
    raw = body(woo_fixtures, "07_order_with_tracking") | {"total": "n/a"}
    with pytest.raises(MappingError):
        map_order(raw)
    with pytest.raises(MappingError):
        map_order({"status": "completed"})


def test_customers_map_including_other_roles(woo_fixtures: Path):
    customers = {c.id: c for c in map(map_customer, body(woo_fixtures, "23_customers_role_all"))}
    assert customers["4"].name == "Zoë Ångström-Łukasiewicz"
    assert customers["2"].phone == "+1-555-0100"
    assert customers["1"].name is None and customers["1"].email == "admin@example.test"
    assert customers["1"].updated_at == customers["1"].created_at  # never modified: null


def test_products_map_price_stock_and_url(woo_fixtures: Path):
    products = {
        p.sku: p for p in (map_product(r, "USD") for r in body(woo_fixtures, "25_products"))
    }
    mug = products["MUG-001"]
    assert (mug.title, mug.price, mug.in_stock, mug.inventory) == (
        "Coffee Mug",
        Decimal("9.99"),
        True,
        36,
    )
    assert mug.url == "http://127.0.0.1:8881/product/coffee-mug/"
    assert products["HOODIE-LOGO"].in_stock is False
    assert products["STICKERS"].inventory is None  # stock not managed


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Salt &amp; Pepper Mill", "Salt & Pepper Mill"),  # what WordPress saves for "&"
        ("Fish &amp;amp; Chips", "Fish &amp; Chips"),  # a name really holding "&amp;": once
        ("Caf&#233; &#x26; Tea &lt;3", "Café & Tea <3"),
        ("AT&T Why&not R&D", "AT&T Why&not R&D"),  # a bare "&" (an admin's save) stays
        ("Coffee Mug", "Coffee Mug"),
    ],
)
def test_names_are_unescaped_exactly_once(woo_fixtures: Path, stored: str, shown: str):
    assert plain_name(stored) == shown
    product = dict(body(woo_fixtures, "25_products")[0], name=stored)
    assert map_product(product, "USD").title == shown
    order = body(woo_fixtures, "07_order_with_tracking")
    order["line_items"][0]["name"] = stored
    assert map_order(order).items[0].name == shown


def test_custom_provider_uses_the_merchants_name_and_link():
    item = {
        "tracking_provider": "",
        "custom_tracking_provider": "Sendle",
        "custom_tracking_link": "https://track.sendle.com/tracking?ref=SND-1",
        "tracking_number": "SND-1",
        "date_shipped": "1792795517",
    }
    assert tracking_from_item(item) == Tracking(
        number="SND-1", carrier="Sendle", url="https://track.sendle.com/tracking?ref=SND-1"
    )


@pytest.mark.parametrize(
    ("provider", "name", "host"),
    [
        ("ups", "UPS", "ups.com"),
        ("fedex", "FedEx", "fedex.com"),
        ("royal-mail", "Royal Mail", "royalmail.com"),
        ("Canada Post", "Canada Post", "canadapost"),
        ("australia-post", "Australia Post", "auspost.com.au"),
        ("postnl", "PostNL", "postnl.nl"),
        ("colissimo", "Colissimo", "laposte.fr"),
        ("correos", "Correos", "correos.es"),
        ("deutsche-post", "Deutsche Post", "deutschepost.de"),
        ("dpd", "DPD", "dpd"),
        ("gls", "GLS", "gls-group.com"),
        ("hermes", "Evri", "evri.com"),
        ("dhl-express", "DHL Express", "dhl.com"),
    ],
)
def test_known_carriers_get_a_name_and_tracking_link(provider: str, name: str, host: str):
    item = {"tracking_provider": provider, "tracking_number": "AB 12/3"}
    tracking = tracking_from_item(item)
    assert tracking is not None and tracking.carrier == name
    assert tracking.url is not None and host in tracking.url and "AB%2012%2F3" in tracking.url


def test_unknown_carrier_keeps_the_number_without_a_link():
    meta = [
        {
            "key": "_wc_shipment_tracking_items",
            "value": [
                {"tracking_provider": "pony-express", "tracking_number": "P1"},
                {"tracking_provider": "ups", "tracking_number": ""},
            ],
        }
    ]
    assert parse_tracking(meta) == (Tracking(number="P1", carrier=None, url=None),)


def test_order_received_url_follows_the_checkout_slug():
    raw = {"payment_url": "https://shop.test/kasse/order-pay/7/?pay_for_order=true&key=wc_order_x"}
    assert order_received_url(raw) == "https://shop.test/kasse/order-received/7/?key=wc_order_x"
    assert order_received_url({"payment_url": ""}) is None
