"""Orders, customers and products back from the JSON ``to_jsonable`` made of them (the
relay sends store changes to the console this way). Anything malformed raises
``ValueError`` with the field it is about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from core.records import (
    ORDER_STATUSES,
    Customer,
    CustomerRef,
    Order,
    OrderItem,
    Platform,
    Product,
    Tracking,
)
from core.serialize import parse_datetime, parse_decimal

Json = Mapping[str, Any]


def _text(raw: Json, name: str, *, required: bool = False) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a text")
    return value


def _required(raw: Json, name: str) -> str:
    value = _text(raw, name, required=True)
    assert value is not None
    return value


def _time(raw: Json, name: str, *, required: bool = False) -> datetime | None:
    text = _text(raw, name, required=required)
    moment = parse_datetime(text) if text else None
    if text and moment is None:
        raise ValueError(f"{name} is not an ISO 8601 time")
    return moment


def _money(raw: Json, name: str) -> Decimal | None:
    value = raw.get(name)
    amount = parse_decimal(value)
    if value not in (None, "") and amount is None:
        raise ValueError(f"{name} is not an amount")
    return amount


def _int(raw: Json, name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number")
    return value


def _platform(raw: Json) -> Platform:
    return cast(Platform, _required(raw, "platform"))


def _objects(raw: Json, name: str) -> list[Json]:
    value = raw.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ValueError(f"{name} must be a list of objects")
    return value


def order_from_json(raw: Json) -> Order:
    status: Any = _required(raw, "status")
    if status not in ORDER_STATUSES:
        raise ValueError(f"status {status!r} is not a known order status")
    customer = raw.get("customer") or {}
    if not isinstance(customer, Mapping):
        raise ValueError("customer must be an object")
    total = _money(raw, "total")
    created, updated = _time(raw, "created_at", required=True), _time(raw, "updated_at")
    assert created is not None
    return Order(
        platform=_platform(raw),
        id=_required(raw, "id"),
        number=_required(raw, "number"),
        status=status,
        total=total if total is not None else Decimal(0),
        currency=_text(raw, "currency") or "",
        created_at=created,
        updated_at=updated or created,
        financial_status=_text(raw, "financial_status"),
        fulfillment_status=_text(raw, "fulfillment_status"),
        customer=CustomerRef(
            id=_text(customer, "id"),
            email=_text(customer, "email"),
            name=_text(customer, "name"),
            phone=_text(customer, "phone"),
        ),
        items=tuple(
            OrderItem(
                name=_required(i, "name"),
                quantity=_int(i, "quantity") or 0,
                sku=_text(i, "sku"),
                price=_money(i, "price"),
            )
            for i in _objects(raw, "items")
        ),
        tracking=tuple(
            Tracking(
                number=_required(t, "number"), carrier=_text(t, "carrier"), url=_text(t, "url")
            )
            for t in _objects(raw, "tracking")
        ),
        status_url=_text(raw, "status_url"),
        billing_postcode=_text(raw, "billing_postcode"),
        shipped_at=_time(raw, "shipped_at"),
    )


def customer_from_json(raw: Json) -> Customer:
    return Customer(
        platform=_platform(raw),
        id=_required(raw, "id"),
        email=_text(raw, "email"),
        name=_text(raw, "name"),
        phone=_text(raw, "phone"),
        total_orders=_int(raw, "total_orders"),
        lifetime_value=_money(raw, "lifetime_value"),
        currency=_text(raw, "currency"),
        created_at=_time(raw, "created_at"),
        updated_at=_time(raw, "updated_at"),
    )


def product_from_json(raw: Json) -> Product:
    in_stock = raw.get("in_stock")
    if in_stock is not None and not isinstance(in_stock, bool):
        raise ValueError("in_stock must be true, false or null")
    return Product(
        platform=_platform(raw),
        id=_required(raw, "id"),
        title=_required(raw, "title"),
        price=_money(raw, "price"),
        currency=_text(raw, "currency"),
        sku=_text(raw, "sku"),
        in_stock=in_stock,
        inventory=_int(raw, "inventory"),
        url=_text(raw, "url"),
        updated_at=_time(raw, "updated_at"),
    )
