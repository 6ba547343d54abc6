"""Order and product cards: the structured part of a bot message the widget draws."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from core.links import shopper_link
from core.records import STATUS_LABELS, Order, OrderItem, Product
from core.serialize import utc_iso


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _time(value: datetime | None) -> str | None:
    return None if value is None else utc_iso(value)


def order_card(order: Order) -> dict[str, Any]:
    """``{"type": "order", number, status, status_label, …, items, tracking, status_url}``."""
    return {
        "type": "order",
        "number": order.number,
        "status": order.status,
        "status_label": STATUS_LABELS[order.status],
        "financial_status": order.financial_status,
        "fulfillment_status": order.fulfillment_status,
        "total": _money(order.total),
        "currency": order.currency,
        "created_at": _time(order.created_at),
        "shipped_at": _time(order.shipped_at),
        "items": [_item(i) for i in order.items],
        "tracking": [
            {"carrier": t.carrier, "number": t.number, "url": shopper_link(t.url)}
            for t in order.tracking
        ],
        "status_url": shopper_link(order.status_url),
    }


def _item(item: OrderItem) -> dict[str, Any]:
    """``price`` is the unit price (kept for older widgets); ``unit_price`` says so, and
    ``line_total`` is the unit price times the quantity."""
    total = None if item.price is None else item.price * item.quantity
    unit = _money(item.price)
    return {
        "name": item.name,
        "quantity": item.quantity,
        "sku": item.sku,
        "price": unit,
        "unit_price": unit,
        "line_total": _money(total),
    }


def product_card(product: Product) -> dict[str, Any]:
    """``{"type": "product", title, price, currency, in_stock, url}``."""
    return {
        "type": "product",
        "title": product.title,
        "price": _money(product.price),
        "currency": product.currency,
        "in_stock": product.in_stock,
        "url": shopper_link(product.url),
    }
