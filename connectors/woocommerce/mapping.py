"""WooCommerce REST v3 payloads → core records.

Times come from the ``*_gmt`` fields (naive, UTC); money strings become ``Decimal``.
A payload that cannot be read raises ``MappingError`` and the caller skips that record.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.woocommerce.tracking import first_shipped_of, tracking_items, tracking_of
from core.orders import clean_order_number
from core.records import Customer, CustomerRef, Order, OrderItem, OrderStatus, Product, Tracking
from core.serialize import parse_datetime, parse_decimal
from core.statuses import WOOCOMMERCE_STATUS, woocommerce_status

Json = Mapping[str, Any]


class MappingError(ValueError):
    """A record WooCommerce sent that Storedesk cannot read."""


# Mapping runs once per record of every sync, so the helpers below take the short road
# for the values WooCommerce actually sends (plain strings, empty lists).
_NO_REFUND = Decimal(0)


def _text(value: object) -> str | None:
    if type(value) is str:
        return value.strip() or None
    text = str(value).strip() if value is not None else ""
    return text or None


_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def plain_name(value: object) -> str:
    """A product or item name as the merchant typed it. WordPress saves titles HTML-escaped
    (``Salt & Pepper`` becomes ``Salt &amp; Pepper``): each entity is decoded exactly once,
    so a name really containing ``&amp;`` (saved as ``&amp;amp;``) keeps it."""
    text = str(value or "")
    if "&" not in text:
        return text
    return _unescaped(text)


@functools.lru_cache(maxsize=4096)
def _unescaped(text: str) -> str:
    """Kept: a shop's few hundred product names come back on every order of a sync."""
    return _ENTITY.sub(lambda entity: html.unescape(entity.group(0)), text)


def _created(raw: Json) -> datetime | None:
    return parse_datetime(raw.get("date_created_gmt") or raw.get("date_created"))


def _modified(raw: Json) -> datetime | None:
    return parse_datetime(raw.get("date_modified_gmt") or raw.get("date_modified"))


def _money(value: object, what: str) -> Decimal:
    amount = parse_decimal(value)
    if amount is None:
        raise MappingError(f"{what} {value!r} is not an amount")
    return amount


def _full_name(first: object, last: object) -> str | None:
    first_text, last_text = _text(first), _text(last)
    if first_text and last_text:
        return f"{first_text} {last_text}"
    return first_text or last_text


def map_order(raw: Json) -> Order:
    try:
        return _map_order(raw)
    except (KeyError, TypeError, AttributeError) as exc:
        raise MappingError(f"order field {exc} is missing or malformed") from None


def _map_order(raw: Json) -> Order:
    # Steps run in the order of the fields, so a payload broken in several places always
    # reports the same one.
    get = raw.get
    order_id = str(raw["id"])
    total = _money(get("total"), "total")
    meta = get("meta_data")
    shipments = tracking_items(meta) if meta else ()
    tracking = tracking_of(shipments) if shipments else ()
    refunded = _refunded(get("refunds"))
    status = _status(str(get("status") or ""), tracking)
    created = _created(raw)
    if created is None:
        raise MappingError("date_created is missing or unreadable")
    currency = str(get("currency") or "")
    billing = get("billing") or {}
    return Order(
        platform="woocommerce",
        id=order_id,
        number=clean_order_number(str(get("number") or order_id)),
        status=status,
        total=total,
        currency=currency,
        created_at=created,
        updated_at=_modified(raw) or created,
        financial_status=_financial(raw, status, refunded, total),
        fulfillment_status=_fulfillment(status, tracking),
        customer=_customer_ref(raw, billing),
        items=tuple(map(_item, get("line_items") or ())),
        tracking=tracking,
        status_url=order_received_url(raw),
        billing_postcode=_text(billing.get("postcode")),
        shipped_at=first_shipped_of(shipments) if shipments else None,
        warnings=_warnings(status, refunded, total, currency) if refunded else (),
    )


def _status(raw_status: str, tracking: tuple[Tracking, ...]) -> OrderStatus:
    # An exact key needs none of the clean-up woocommerce_status does.
    status = WOOCOMMERCE_STATUS.get(raw_status) or woocommerce_status(raw_status)
    if tracking and status in ("processing", "on_hold"):
        # A tracking number was added but the merchant has not completed the order yet.
        return "shipped"
    return status


def _refunded(refunds: Any) -> Decimal:
    if not refunds:
        return _NO_REFUND
    amounts = (parse_decimal(r.get("total")) for r in refunds)
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


def _customer_ref(raw: Json, billing: Json) -> CustomerRef:
    customer_id = raw.get("customer_id") or 0
    get = billing.get
    return CustomerRef(
        id=str(customer_id) if customer_id else None,
        email=_text(get("email")),
        name=_full_name(get("first_name"), get("last_name")),
        phone=_text(get("phone")),
    )


def _item(line: Json) -> OrderItem:
    get = line.get
    quantity = get("quantity") or 0
    if type(quantity) is not int:
        quantity = int(quantity)
    price = parse_decimal(get("price"))
    if price is None and quantity:
        subtotal = parse_decimal(get("subtotal"))
        price = subtotal / quantity if subtotal is not None else None
    return OrderItem(
        name=plain_name(get("name")), quantity=quantity, sku=_text(get("sku")), price=price
    )


_PAY_PATH = re.compile(r"/order-pay/(\d+)/?\?.*?\bkey=([^&]+)")
# The same match in two steps, several times faster than the lazy ``.*?`` above.
_PAY_HEAD = re.compile(r"/order-pay/(\d+)/?\?")
_PAY_KEY = re.compile(r"\bkey=([^&]+)")


def order_received_url(raw: Json) -> str | None:
    """The order-received page, built from ``payment_url`` (which knows the checkout slug)."""
    url = str(raw.get("payment_url") or "")
    head = _PAY_HEAD.search(url)
    if head is None:
        return None
    key = _PAY_KEY.search(url, head.end())
    if key is not None and "\n" not in url:
        return f"{url[: head.start()]}/order-received/{head[1]}/?key={key[1]}"
    match = _PAY_PATH.search(url)  # ``.`` stops at line ends: let the full pattern decide
    if match is None:
        return None
    return f"{url[: match.start()]}/order-received/{match[1]}/?key={match[2]}"


def map_customer(raw: Json) -> Customer:
    try:
        billing = raw.get("billing") or {}
        created = _created(raw)
        return Customer(
            platform="woocommerce",
            id=str(raw["id"]),
            email=_text(raw.get("email")) or _text(billing.get("email")),
            name=_full_name(raw.get("first_name"), raw.get("last_name"))
            or _full_name(billing.get("first_name"), billing.get("last_name")),
            phone=_text(billing.get("phone")),
            created_at=created,
            updated_at=_modified(raw) or created,
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
            title=plain_name(raw.get("name")),
            price=parse_decimal(raw.get("price")),
            currency=currency,
            sku=_text(raw.get("sku")),
            in_stock=_in_stock(raw.get("stock_status")),
            inventory=int(quantity) if manage and quantity is not None else None,
            url=_text(raw.get("permalink")),
            updated_at=_modified(raw),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MappingError(f"product field {exc} is missing or malformed") from None


def _in_stock(stock_status: object) -> bool | None:
    if stock_status in ("instock", "onbackorder"):
        return True
    if stock_status == "outofstock":
        return False
    return None
