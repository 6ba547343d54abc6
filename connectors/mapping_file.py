"""The merchant's TOML mapping, shared by the SQL and REST connectors.

Both connectors read a record the same way: each record field is *mapped* to a place in
the merchant's data (a column, a JSON path, or several of them joined with a space) and a
``Source`` answers "what is the raw value of this field?". This module turns those raw
values into core records, so a number or a date is read the same way whichever
connector found it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, Literal, Protocol

from connectors.errors import ConfigError
from core.orders import clean_order_number
from core.records import Customer, CustomerRef, Order, OrderItem, Platform, Product, Tracking
from core.serialize import parse_datetime, parse_decimal
from core.statuses import generic_status

Kind = Literal["text", "int", "money", "time", "bool"]

FIELDS: dict[str, dict[str, Kind]] = {
    "customers": {
        "id": "text",
        "email": "text",
        "name": "text",
        "phone": "text",
        "total_orders": "int",
        "lifetime_value": "money",
        "currency": "text",
        "created_at": "time",
        "updated_at": "time",
    },
    "orders": {
        "id": "text",
        "number": "text",
        "status": "text",
        "total": "money",
        "currency": "text",
        "created_at": "time",
        "updated_at": "time",
        "customer_id": "text",
        "email": "text",
        "name": "text",
        "phone": "text",
        "billing_postcode": "text",
        "financial_status": "text",
        "fulfillment_status": "text",
        "status_url": "text",
        "shipped_at": "time",
        "tracking_number": "text",
        "tracking_carrier": "text",
        "tracking_url": "text",
    },
    "order_items": {
        "order_id": "text",
        "name": "text",
        "quantity": "int",
        "sku": "text",
        "price": "money",
    },
    "tracking": {"order_id": "text", "number": "text", "carrier": "text", "url": "text"},
    "products": {
        "id": "text",
        "title": "text",
        "price": "money",
        "currency": "text",
        "sku": "text",
        "inventory": "int",
        "in_stock": "bool",
        "url": "text",
        "updated_at": "time",
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("id",),
    "orders": ("id", "status", "total", "created_at"),
    "order_items": ("name",),
    "tracking": ("number",),
    "products": ("id", "title"),
}


COMPOSABLE = frozenset({"name"})  # fields that may join several columns/paths with a space


class FieldProblem(ValueError):
    """A value in the merchant's data could not be read as the field it is mapped to."""


class Source(Protocol):
    """Where one record's raw values come from (a database row, a JSON object)."""

    def get(self, field: str) -> Any:
        """The raw value of a mapped field; ``None`` when unmapped or missing."""
        ...

    def where(self, field: str) -> str:
        """Where the field is read from, for messages (``column orders.total``)."""
        ...


# --- TOML ---------------------------------------------------------------------------------
def parse_toml(platform: str, text: str) -> dict[str, Any]:
    """The mapping's TOML as a dict; a syntax error names its line."""
    try:
        return tomllib.loads(text or "")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            platform,
            f"The mapping is not valid TOML: {exc}.",
            hint="Fix that line of the mapping and save again.",
        ) from None


def table_of(platform: str, doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The sub-table ``[key]`` (empty when absent); anything else is a ``ConfigError``."""
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(
            platform,
            f"'{key}' in the mapping must be a table ([{key}]).",
            hint="See the example mapping in the documentation.",
        )
    return value


def field_map(
    platform: str, entity: str, raw: Mapping[str, Any], where: str
) -> dict[str, tuple[str, ...]]:
    """Check ``field = "name"`` / ``field = ["a", "b"]`` pairs against the known fields."""
    known = FIELDS[entity]
    result: dict[str, tuple[str, ...]] = {}
    for name, spec in raw.items():
        if name not in known:
            raise ConfigError(
                platform,
                f"Unknown field '{name}' in [{where}].",
                hint=f"Known fields are: {', '.join(known)}.",
            )
        result[name] = _names(platform, spec, f"{where}.{name}", composable=name in COMPOSABLE)
    return result


def _names(platform: str, spec: Any, where: str, *, composable: bool) -> tuple[str, ...]:
    if isinstance(spec, str) and spec.strip():
        return (spec.strip(),)
    if (
        composable
        and isinstance(spec, list)
        and spec
        and all(isinstance(s, str) and s.strip() for s in spec)
    ):
        return tuple(s.strip() for s in spec)
    what = "a name or a list of names" if composable else "one name"
    raise ConfigError(
        platform, f"'{where}' in the mapping must be {what}.", hint="Fix it and save again."
    )


def require_fields(platform: str, entity: str, mapped: Mapping[str, object], where: str) -> None:
    for name in REQUIRED[entity]:
        if name not in mapped:
            raise ConfigError(
                platform,
                f"The mapping's [{where}] does not say where '{name}' is.",
                hint=f'Add a line such as {name} = "..." under [{where}].',
            )


def statuses_of(platform: str, raw: Mapping[str, Any], where: str) -> dict[str, str]:
    table = table_of(platform, raw, "statuses")
    if not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(
            platform,
            f"Every value in [{where}.statuses] must be text.",
            hint='Use a normalised status such as "shipped".',
        )
    return {str(k): str(v) for k, v in table.items()}


# --- raw values → typed values ------------------------------------------------------------
def compose(values: Sequence[Any]) -> Any:
    """One value as is; several joined with a space, skipping empty ones."""
    if len(values) == 1:
        return values[0]
    parts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return " ".join(parts) or None


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise FieldProblem("is not text")
    text = str(value).strip()
    return text or None


def as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldProblem("is not a whole number")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise FieldProblem(f"is not a whole number ({value!r})") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise FieldProblem(f"is not a whole number ({value!r})")
    return int(number)


def as_money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = parse_decimal(value) if not isinstance(value, (dict, list)) else None
    if amount is None:
        raise FieldProblem(f"is not an amount ({str(value)[:40]!r})")
    return amount


def as_time(value: Any) -> datetime | None:
    """Database and JSON times: datetimes (naive = UTC), dates, ISO text, Unix seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise FieldProblem(f"is not a date and time ({str(value)[:40]!r})")
    return moment


def as_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, (bool, int)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "t", "instock", "in_stock"):
        return True
    if text in ("0", "false", "no", "n", "f", "outofstock", "out_of_stock"):
        return False
    raise FieldProblem(f"is not yes/no ({str(value)[:40]!r})")


_CONVERT = {"text": as_text, "int": as_int, "money": as_money, "time": as_time, "bool": as_bool}


def read(src: Source, entity: str, field: str) -> Any:
    """The typed value of a field; a ``FieldProblem`` names where it came from."""
    try:
        return _CONVERT[FIELDS[entity][field]](src.get(field))
    except FieldProblem as problem:
        raise FieldProblem(f"{src.where(field)} {problem}") from None


def need(src: Source, entity: str, field: str) -> Any:
    value = read(src, entity, field)
    if value is None:
        raise FieldProblem(f"{src.where(field)} is empty")
    return value


# --- typed values → records ---------------------------------------------------------------
def customer_from(platform: Platform, src: Source, currency: str | None) -> Customer:
    r = partial(read, src, "customers")
    email = r("email")
    return Customer(
        platform=platform,
        id=need(src, "customers", "id"),
        email=email.lower() if email else None,
        name=r("name"),
        phone=r("phone"),
        total_orders=r("total_orders"),
        lifetime_value=r("lifetime_value"),
        currency=r("currency") or currency,
        created_at=r("created_at"),
        updated_at=r("updated_at"),
    )


def order_from(
    platform: Platform,
    src: Source,
    *,
    currency: str | None,
    statuses: dict[str, str],
    items: tuple[OrderItem, ...] = (),
    tracking: tuple[Tracking, ...] = (),
    customer: Customer | None = None,
) -> Order:
    r = partial(read, src, "orders")
    order_id = need(src, "orders", "id")
    created = need(src, "orders", "created_at")
    money = r("currency") or currency
    if money is None:
        raise FieldProblem("the order's currency is not mapped (set currency or currency_value)")
    return Order(
        platform=platform,
        id=order_id,
        number=clean_order_number(r("number") or order_id),
        status=generic_status(r("status"), statuses),
        total=need(src, "orders", "total"),
        currency=money.upper(),
        created_at=created,
        updated_at=r("updated_at") or created,
        financial_status=r("financial_status"),
        fulfillment_status=r("fulfillment_status"),
        customer=_customer_ref(src, customer),
        items=items,
        tracking=tracking + _inline_tracking(src),
        status_url=r("status_url"),
        billing_postcode=r("billing_postcode"),
        shipped_at=r("shipped_at"),
    )


def _customer_ref(src: Source, customer: Customer | None) -> CustomerRef:
    r = partial(read, src, "orders")
    email = r("email") or (customer.email if customer else None)
    return CustomerRef(
        id=r("customer_id") or (customer.id if customer else None),
        email=email.lower() if email else None,
        name=r("name") or (customer.name if customer else None),
        phone=r("phone") or (customer.phone if customer else None),
    )


def _inline_tracking(src: Source) -> tuple[Tracking, ...]:
    number = read(src, "orders", "tracking_number")
    if number is None:
        return ()
    carrier = read(src, "orders", "tracking_carrier")
    return (Tracking(number=number, carrier=carrier, url=read(src, "orders", "tracking_url")),)


def item_from(src: Source) -> OrderItem:
    quantity = read(src, "order_items", "quantity")
    return OrderItem(
        name=need(src, "order_items", "name"),
        quantity=1 if quantity is None else quantity,
        sku=read(src, "order_items", "sku"),
        price=read(src, "order_items", "price"),
    )


def tracking_from(src: Source) -> Tracking:
    return Tracking(
        number=need(src, "tracking", "number"),
        carrier=read(src, "tracking", "carrier"),
        url=read(src, "tracking", "url"),
    )


def product_from(platform: Platform, src: Source, currency: str | None) -> Product:
    r = partial(read, src, "products")
    inventory = r("inventory")
    in_stock = r("in_stock")
    if in_stock is None and inventory is not None:
        in_stock = inventory > 0
    return Product(
        platform=platform,
        id=need(src, "products", "id"),
        title=need(src, "products", "title"),
        price=r("price"),
        currency=r("currency") or currency,
        sku=r("sku"),
        in_stock=in_stock,
        inventory=inventory,
        url=r("url"),
        updated_at=r("updated_at"),
    )
