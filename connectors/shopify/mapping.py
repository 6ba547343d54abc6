"""Shopify GraphQL nodes → core records. A node that cannot be read raises ``ValueError``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.orders import clean_order_number
from core.records import Customer, CustomerRef, Order, OrderItem, Product, Tracking
from core.serialize import parse_datetime, parse_decimal
from core.statuses import shopify_status

Node = Mapping[str, Any]

_NOT_SHIPPING = frozenset({"CANCELED", "CANCELLED", "FAILURE", "ERROR"})


def legacy_id(gid: object) -> str:
    """``gid://shopify/Order/5001`` → ``5001`` (the id webhooks and the admin show)."""
    text = str(gid or "")
    if not text:
        raise ValueError("the record has no id")
    return text.rsplit("/", 1)[-1]


def order_from_node(node: Node, warnings: Sequence[str] = ()) -> Order:
    fulfillments = [f for f in _list(node.get("fulfillments")) if isinstance(f, Mapping)]
    total, currency = _money(node.get("totalPriceSet"), required=True)
    financial = _opt_str(node.get("displayFinancialStatus"))
    fulfillment = _opt_str(node.get("displayFulfillmentStatus"))
    status = shopify_status(
        financial,
        fulfillment,
        cancelled=bool(node.get("cancelledAt")),
        delivered=_delivered(fulfillments),
    )
    return Order(
        platform="shopify",
        id=legacy_id(node.get("id")),
        number=clean_order_number(str(node.get("name") or "")) or legacy_id(node.get("id")),
        status=status,
        total=total or Decimal(0),
        currency=currency or "",
        created_at=_required_time(node, "createdAt"),
        updated_at=_required_time(node, "updatedAt"),
        financial_status=financial,
        fulfillment_status=fulfillment,
        customer=_customer_ref(node),
        items=tuple(_item(i) for i in _nodes(node.get("lineItems"))),
        tracking=_tracking(fulfillments),
        status_url=_opt_str(node.get("statusPageUrl")),
        billing_postcode=_opt_str((node.get("billingAddress") or {}).get("zip")),
        shipped_at=_first_shipped(fulfillments),
        warnings=tuple(warnings),
    )


def customer_from_node(node: Node) -> Customer:
    spent, currency = _money_v2(node.get("amountSpent"))
    orders = node.get("numberOfOrders")  # UnsignedInt64: sent as a string
    return Customer(
        platform="shopify",
        id=legacy_id(node.get("id")),
        email=_opt_str(node.get("email")),
        name=_full_name(node),
        phone=_opt_str(node.get("phone")),
        total_orders=int(orders) if orders not in (None, "") else None,
        lifetime_value=spent,
        currency=currency,
        created_at=parse_datetime(_opt_str(node.get("createdAt"))),
        updated_at=parse_datetime(_opt_str(node.get("updatedAt"))),
    )


def product_from_node(node: Node) -> Product:
    variant = next(iter(_nodes(node.get("variants"))), {})
    price_range = (node.get("priceRangeV2") or {}).get("minVariantPrice")
    price, currency = _money_v2(price_range)
    tracked = node.get("tracksInventory")
    inventory = node.get("totalInventory")
    inventory = int(inventory) if tracked and inventory is not None else None
    return Product(
        platform="shopify",
        id=legacy_id(node.get("id")),
        title=str(node.get("title") or "").strip() or "(untitled)",
        price=price if price is not None else parse_decimal(variant.get("price")),
        currency=currency,
        sku=_opt_str(variant.get("sku")),
        in_stock=True if not tracked else (inventory or 0) > 0,
        inventory=inventory,
        url=_opt_str(node.get("onlineStoreUrl")),
        updated_at=parse_datetime(_opt_str(node.get("updatedAt"))),
    )


def _customer_ref(node: Node) -> CustomerRef:
    customer = node.get("customer") or {}
    return CustomerRef(
        id=legacy_id(customer["id"]) if customer.get("id") else None,
        email=_opt_str(customer.get("email")) or _opt_str(node.get("email")),
        name=_full_name(customer),
        phone=_opt_str(customer.get("phone")) or _opt_str(node.get("phone")),
    )


def _item(node: Node) -> OrderItem:
    price, _ = _money(node.get("originalUnitPriceSet"), required=False)
    return OrderItem(
        name=str(node.get("name") or "").strip() or "(item)",
        quantity=int(node.get("quantity") or 0),
        sku=_opt_str(node.get("sku")),
        price=price,
    )


def _tracking(fulfillments: Sequence[Node]) -> tuple[Tracking, ...]:
    seen: dict[str, Tracking] = {}
    for fulfillment in fulfillments:
        for info in _list(fulfillment.get("trackingInfo")):
            number = _opt_str((info or {}).get("number"))
            if number and number not in seen:
                seen[number] = Tracking(
                    number=number,
                    carrier=_opt_str(info.get("company")),
                    url=_opt_str(info.get("url")),
                )
    return tuple(seen.values())


def _delivered(fulfillments: Sequence[Node]) -> bool:
    active = [f for f in fulfillments if str(f.get("displayStatus") or "") not in _NOT_SHIPPING]
    return bool(active) and all(f.get("displayStatus") == "DELIVERED" for f in active)


def _first_shipped(fulfillments: Sequence[Node]) -> datetime | None:
    times = [parse_datetime(_opt_str(f.get("createdAt"))) for f in fulfillments]
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _money(bag: object, *, required: bool) -> tuple[Decimal | None, str | None]:
    shop_money = bag.get("shopMoney") if isinstance(bag, Mapping) else None
    amount, currency = _money_v2(shop_money)
    if required and amount is None:
        raise ValueError("the order has no readable total")
    return amount, currency


def _money_v2(money: object) -> tuple[Decimal | None, str | None]:
    if not isinstance(money, Mapping):
        return None, None
    return parse_decimal(money.get("amount")), _opt_str(money.get("currencyCode"))


def _full_name(node: Node) -> str | None:
    parts = [_opt_str(node.get("firstName")), _opt_str(node.get("lastName"))]
    name = " ".join(p for p in parts if p)
    return name or None


def _required_time(node: Node, key: str) -> datetime:
    moment = parse_datetime(_opt_str(node.get(key)))
    if moment is None:
        raise ValueError(f"the order's {key} is missing or unreadable")
    return moment


def _nodes(connection: object) -> list[Node]:
    if not isinstance(connection, Mapping):
        return []
    return [n for n in _list(connection.get("nodes")) if isinstance(n, Mapping)]


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
