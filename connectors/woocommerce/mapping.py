"""WooCommerce REST v3 payloads → core records.

Times come from the ``*_gmt`` fields (naive, UTC); money strings become ``Decimal``.
A payload that cannot be read raises ``MappingError`` and the caller skips that record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.woocommerce.tracking import first_shipped_at, parse_tracking
from core.orders import clean_order_number
from core.records import Customer, CustomerRef, Order, OrderItem, OrderStatus, Product, Tracking
from core.serialize import parse_datetime, parse_decimal
from core.statuses import woocommerce_status

Json = Mapping[str, Any]


class MappingError(ValueError):
    """A record WooCommerce sent that Storedesk cannot read."""


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _moment(raw: Json, field: str) -> datetime | None:
    return parse_datetime(raw.get(f"{field}_gmt") or raw.get(field))


def _required_moment(raw: Json, field: str) -> datetime:
    moment = _moment(raw, field)
    if moment is None:
        raise MappingError(f"{field} is missing or unreadable")
    return moment


def _money(value: object, what: str) -> Decimal:
    amount = parse_decimal(value)
    if amount is None:
        raise MappingError(f"{what} {value!r} is not an amount")
    return amount


def _full_name(first: object, last: object) -> str | None:
    return _text(" ".join(p for p in (_text(first), _text(last)) if p))


def map_order(raw: Json) -> Order:
    try:
        return _map_order(raw)
    except (KeyError, TypeError, AttributeError) as exc:
        raise MappingError(f"order field {exc} is missing or malformed") from None


def _map_order(raw: Json) -> Order:
    order_id = str(raw["id"])
    total = _money(raw.get("total"), "total")
    meta = raw.get("meta_data") or []
    tracking = parse_tracking(meta)
    refunded = _refunded(raw)
    status = _status(str(raw.get("status") or ""), tracking)
    created = _required_moment(raw, "date_created")
    return Order(
        platform="woocommerce",
        id=order_id,
        number=clean_order_number(str(raw.get("number") or order_id)),
        status=status,
        total=total,
        currency=str(raw.get("currency") or ""),
        created_at=created,
        updated_at=_moment(raw, "date_modified") or created,
        financial_status=_financial(raw, status, refunded, total),
        fulfillment_status=_fulfillment(status, tracking),
        customer=_customer_ref(raw),
        items=tuple(_item(line) for line in raw.get("line_items") or []),
        tracking=tracking,
        status_url=order_received_url(raw),
        billing_postcode=_text((raw.get("billing") or {}).get("postcode")),
        shipped_at=first_shipped_at(meta),
        warnings=_warnings(status, refunded, total, str(raw.get("currency") or "")),
    )


def _status(raw_status: str, tracking: tuple[Tracking, ...]) -> OrderStatus:
    status = woocommerce_status(raw_status)
    if tracking and status in ("processing", "on_hold"):
        # A tracking number was added but the merchant has not completed the order yet.
        return "shipped"
    return status


def _refunded(raw: Json) -> Decimal:
    amounts = (parse_decimal(r.get("total")) for r in raw.get("refunds") or [])
    return sum((abs(a) for a in amounts if a is not None), Decimal(0))


def _financial(raw: Json, status: OrderStatus, refunded: Decimal, total: Decimal) -> str:
    if status == "refunded" or (refunded and refunded >= total):
        return "refunded"
    if refunded:
        return "partially_refunded"
    if status == "failed":
        return "failed"
    return "paid" if raw.get("date_paid_gmt") or raw.get("date_paid") else "unpaid"


def _fulfillment(status: OrderStatus, tracking: tuple[Tracking, ...]) -> str | None:
    if status == "completed":
        return "fulfilled"
    if tracking:
        return "shipped"
    if status in ("cancelled", "refunded", "failed"):
        return None
    return "unfulfilled"


def _warnings(
    status: OrderStatus, refunded: Decimal, total: Decimal, currency: str
) -> tuple[str, ...]:
    if refunded and status != "refunded" and refunded < total:
        return (f"Partly refunded: {refunded:.2f} {currency} of {total:.2f} {currency}.",)
    return ()


def _customer_ref(raw: Json) -> CustomerRef:
    billing = raw.get("billing") or {}
    customer_id = raw.get("customer_id") or 0
    return CustomerRef(
        id=str(customer_id) if customer_id else None,
        email=_text(billing.get("email")),
        name=_full_name(billing.get("first_name"), billing.get("last_name")),
        phone=_text(billing.get("phone")),
    )


def _item(line: Json) -> OrderItem:
    quantity = int(line.get("quantity") or 0)
    price = parse_decimal(line.get("price"))
    if price is None and quantity:
        subtotal = parse_decimal(line.get("subtotal"))
        price = subtotal / quantity if subtotal is not None else None
    return OrderItem(
        name=str(line.get("name") or ""), quantity=quantity, sku=_text(line.get("sku")), price=price
    )


_PAY_PATH = re.compile(r"/order-pay/(\d+)/?\?.*?\bkey=([^&]+)")


def order_received_url(raw: Json) -> str | None:
    """The order-received page, built from ``payment_url`` (which knows the checkout slug)."""
    url = str(raw.get("payment_url") or "")
    match = _PAY_PATH.search(url)
    if not match:
        return None
    base = url[: match.start()]
    return f"{base}/order-received/{match.group(1)}/?key={match.group(2)}"


def map_customer(raw: Json) -> Customer:
    try:
        billing = raw.get("billing") or {}
        created = _moment(raw, "date_created")
        return Customer(
            platform="woocommerce",
            id=str(raw["id"]),
            email=_text(raw.get("email")) or _text(billing.get("email")),
            name=_full_name(raw.get("first_name"), raw.get("last_name"))
            or _full_name(billing.get("first_name"), billing.get("last_name")),
            phone=_text(billing.get("phone")),
            created_at=created,
            updated_at=_moment(raw, "date_modified") or created,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MappingError(f"customer field {exc} is missing or malformed") from None


def map_product(raw: Json, currency: str | None = None) -> Product:
    try:
        manage = bool(raw.get("manage_stock"))
        quantity = raw.get("stock_quantity")
        return Product(
            platform="woocommerce",
            id=str(raw["id"]),
            title=str(raw.get("name") or ""),
            price=parse_decimal(raw.get("price")),
            currency=currency,
            sku=_text(raw.get("sku")),
            in_stock=_in_stock(raw.get("stock_status")),
            inventory=int(quantity) if manage and quantity is not None else None,
            url=_text(raw.get("permalink")),
            updated_at=_moment(raw, "date_modified"),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MappingError(f"product field {exc} is missing or malformed") from None


def _in_stock(stock_status: object) -> bool | None:
    if stock_status in ("instock", "onbackorder"):
        return True
    if stock_status == "outofstock":
        return False
    return None
