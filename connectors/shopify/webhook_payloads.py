"""Shopify webhook payloads → core records.

Webhooks carry the REST resource of their topic (``orders/*``: an order with
``line_items`` and ``fulfillments``; ``customers/*``: a customer; ``products/update``: a
product with ``variants``), not the GraphQL nodes the connector reads; these map them to
the same records, with the same status table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.orders import clean_order_number
from core.records import Customer, CustomerRef, Order, OrderItem, Product, Tracking
from core.serialize import parse_datetime, parse_decimal
from core.statuses import shopify_status

Json = Mapping[str, Any]

_FULFILLMENT = {"partial": "PARTIALLY_FULFILLED", None: "UNFULFILLED", "": "UNFULFILLED"}
_NOT_SHIPPING = {"cancelled", "error", "failure"}


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _id(raw: Json) -> str:
    value = raw.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        raise ValueError("the payload has no id")
    return str(value).strip()


def _time(raw: Json, key: str) -> datetime:
    moment = parse_datetime(_text(raw.get(key)))
    if moment is None:
        raise ValueError(f"the payload's {key} is missing or unreadable")
    return moment


def _name(raw: Json) -> str | None:
    parts = [_text(raw.get("first_name")), _text(raw.get("last_name"))]
    return " ".join(p for p in parts if p) or None


def _object(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def _fulfillments(raw: Json) -> list[Json]:
    found = raw.get("fulfillments")
    return [f for f in found if isinstance(f, Mapping)] if isinstance(found, list) else []


def fulfillment_tracking(fulfillment: Json) -> tuple[Tracking, ...]:
    """The tracking numbers of one fulfillment (``tracking_numbers`` with their URLs)."""
    numbers = fulfillment.get("tracking_numbers")
    if not isinstance(numbers, list) or not numbers:
        numbers = [fulfillment.get("tracking_number")]
    urls = fulfillment.get("tracking_urls")
    urls = urls if isinstance(urls, list) else [fulfillment.get("tracking_url")]
    carrier = _text(fulfillment.get("tracking_company"))
    found = []
    for index, number in enumerate(numbers):
        text = _text(number)
        if text:
            url = _text(urls[index]) if index < len(urls) else None
            found.append(Tracking(number=text, carrier=carrier, url=url))
    return tuple(found)


def order_from_payload(raw: Json) -> Order:
    fulfillments = [f for f in _fulfillments(raw) if f.get("status") not in _NOT_SHIPPING]
    financial = (_text(raw.get("financial_status")) or "pending").upper()
    fulfillment_raw = _text(raw.get("fulfillment_status"))
    fulfillment = _FULFILLMENT.get(fulfillment_raw, (fulfillment_raw or "").upper())
    delivered = bool(fulfillments) and all(
        f.get("shipment_status") == "delivered" for f in fulfillments
    )
    total = parse_decimal(raw.get("current_total_price") or raw.get("total_price"))
    if total is None:
        raise ValueError("the order has no readable total")
    customer = _object(raw.get("customer"))
    billing = _object(raw.get("billing_address"))
    tracking: dict[str, Tracking] = {}
    for f in fulfillments:
        for item in fulfillment_tracking(f):
            tracking.setdefault(item.number, item)
    shipped = [t for t in (parse_datetime(_text(f.get("created_at"))) for f in fulfillments) if t]
    order_id = _id(raw)
    return Order(
        platform="shopify",
        id=order_id,
        number=clean_order_number(str(raw.get("name") or ""))
        or str(raw.get("order_number") or order_id),
        status=shopify_status(
            financial, fulfillment, cancelled=bool(raw.get("cancelled_at")), delivered=delivered
        ),
        total=total,
        currency=_text(raw.get("currency")) or "",
        created_at=_time(raw, "created_at"),
        updated_at=_time(raw, "updated_at"),
        financial_status=financial,
        fulfillment_status=fulfillment,
        customer=CustomerRef(
            id=_text(customer.get("id")),
            email=_text(raw.get("email"))
            or _text(raw.get("contact_email"))
            or _text(customer.get("email")),
            name=_name(customer) or _name(billing),
            phone=_text(raw.get("phone")) or _text(customer.get("phone")),
        ),
        items=tuple(_item(i) for i in raw.get("line_items") or () if isinstance(i, Mapping)),
        tracking=tuple(tracking.values()),
        status_url=_text(raw.get("order_status_url")),
        billing_postcode=_text(billing.get("zip")),
        shipped_at=min(shipped) if shipped else None,
    )


def _item(raw: Json) -> OrderItem:
    quantity = raw.get("quantity")
    return OrderItem(
        name=_text(raw.get("name")) or _text(raw.get("title")) or "(item)",
        quantity=quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 0,
        sku=_text(raw.get("sku")),
        price=parse_decimal(raw.get("price")),
    )


def customer_from_payload(raw: Json) -> Customer:
    orders = raw.get("orders_count")
    return Customer(
        platform="shopify",
        id=_id(raw),
        email=_text(raw.get("email")),
        name=_name(raw),
        phone=_text(raw.get("phone")),
        total_orders=orders if isinstance(orders, int) and not isinstance(orders, bool) else None,
        lifetime_value=parse_decimal(raw.get("total_spent")),
        currency=_text(raw.get("currency")),
        created_at=parse_datetime(_text(raw.get("created_at"))),
        updated_at=parse_datetime(_text(raw.get("updated_at"))),
    )


def product_from_payload(raw: Json, shop_url: str | None = None) -> Product:
    variants = [v for v in raw.get("variants") or () if isinstance(v, Mapping)]
    first: Json = variants[0] if variants else {}
    prices = [p for p in (parse_decimal(v.get("price")) for v in variants) if p is not None]
    tracked = [v for v in variants if v.get("inventory_management")]
    inventory: int | None = None
    if tracked:
        inventory = sum(int(v.get("inventory_quantity") or 0) for v in tracked)
    handle = _text(raw.get("handle"))
    url = f"{shop_url.rstrip('/')}/products/{handle}" if shop_url and handle else None
    return Product(
        platform="shopify",
        id=_id(raw),
        title=_text(raw.get("title")) or "(untitled)",
        price=min(prices) if prices else None,
        sku=_text(first.get("sku")),
        in_stock=True if not tracked else (inventory or 0) > 0,
        inventory=inventory,
        url=url if raw.get("status", "active") == "active" else None,
        updated_at=parse_datetime(_text(raw.get("updated_at"))),
    )
