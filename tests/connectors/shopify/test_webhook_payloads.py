"""Shopify webhook payloads (REST resources) map to the same records as the GraphQL nodes
the connector reads: every seeded order, as a delivery, gives the order a lookup gives."""

from __future__ import annotations

import pytest

from connectors.shopify.mapping import customer_from_node, order_from_node
from connectors.shopify.webhook_payloads import (
    customer_from_payload,
    order_from_payload,
    product_from_payload,
)
from tests.emulators.shopify_seed import seeded_shop
from tests.emulators.shopify_webhooks import customer_payload, order_payload

SHOP = seeded_shop()
REST_FULFILLMENT = {"FULFILLED", "PARTIALLY_FULFILLED", "UNFULFILLED", "RESTOCKED"}


@pytest.mark.parametrize("node", SHOP.orders, ids=lambda n: str(n["name"]))
def test_an_order_delivery_maps_like_the_graphql_order(node: dict) -> None:
    as_queried = node | {"lineItems": {"nodes": node["lineItems"]}}  # a connection
    webhook, graphql = order_from_payload(order_payload(node)), order_from_node(as_queried)
    if node["displayFulfillmentStatus"] in REST_FULFILLMENT:  # REST knows no "on hold"
        assert webhook.status == graphql.status
    for field in ("id", "number", "total", "currency", "created_at", "updated_at",
                  "customer", "items", "status_url", "billing_postcode",
                  "shipped_at", "financial_status"):  # fmt: skip
        assert getattr(webhook, field) == getattr(graphql, field), field
    # a REST fulfillment names one carrier for all its numbers (GraphQL, one per number)
    assert [(t.number, t.url) for t in webhook.tracking] == [
        (t.number, t.url) for t in graphql.tracking
    ]


def test_a_customer_delivery_maps_like_the_graphql_customer() -> None:
    node = SHOP.customers[0]
    webhook, graphql = customer_from_payload(customer_payload(node)), customer_from_node(node)
    assert (webhook.id, webhook.email, webhook.name, webhook.phone) == (
        graphql.id,
        graphql.email,
        graphql.name,
        graphql.phone,
    )


def test_a_product_delivery() -> None:
    payload = {
        "id": 9554194432293,
        "title": "T-Shirt",
        "handle": "t-shirt",
        "status": "active",
        "updated_at": "2025-04-22T14:30:00-05:00",
        "variants": [
            {"price": "29.99", "sku": "TSHIRT-001", "inventory_management": "shopify",
             "inventory_quantity": 0},
            {"price": "24.99", "sku": "TSHIRT-002", "inventory_management": "shopify",
             "inventory_quantity": 3},
        ],
    }  # fmt: skip
    product = product_from_payload(payload, "https://shop.example")
    assert product.id == "9554194432293" and str(product.price) == "24.99"
    assert product.in_stock is True and product.inventory == 3 and product.sku == "TSHIRT-001"
    assert product.url == "https://shop.example/products/t-shirt"
    assert product.updated_at is not None and product.updated_at.hour == 19


def test_an_order_without_a_total_is_refused() -> None:
    payload = order_payload(SHOP.orders[0]) | {"total_price": None, "current_total_price": None}
    with pytest.raises(ValueError, match="total"):
        order_from_payload(payload)
