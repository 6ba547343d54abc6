"""What a store webhook changes: which lookups the relay forgets, what it erases, and the
change the console applies to its workspace (``Change.data``, the event's data).

Records are mapped here, once, with the platform's own mapping (WooCommerce webhooks carry
the REST v3 resource the connector reads; Shopify's carry REST resources, mapped by
``connectors.shopify.webhook_payloads``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.shopify import webhook_payloads as shopify
from connectors.woocommerce import mapping as woocommerce
from core.serialize import to_jsonable

Json = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Change:
    """``kind``: order, customer, product or store; ``action``: upsert, delete, refresh,
    redact, data_request or disconnected."""

    kind: str
    action: str
    ref: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    forget_orders: tuple[str, ...] = ()  # order numbers; ("*",) every order of the store
    forget_emails: tuple[str, ...] = ()
    forget_products: bool = False
    erase_email: str | None = None  # the shopper's conversations go
    erase_store: bool = False  # every conversation of the store's widgets goes

    def data(self, platform: str, store_id: str, topic: str, delivery_id: str) -> dict[str, Any]:
        return {
            "store": store_id,
            "platform": platform,
            "topic": topic,
            "delivery": delivery_id,
            "kind": self.kind,
            "action": self.action,
            "ref": self.ref,
            "record": self.record,
        }


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip() or None


def _order_change(order: Any, raw: Json) -> Change:
    email = order.customer.email
    return Change(
        kind="order",
        action="upsert",
        ref={"id": order.id, "number": order.number, "email": email},
        record=to_jsonable(order),
        forget_orders=(order.number,),
        forget_emails=(email,) if email else (),
    )


def _mapped(kind: str, build: Callable[[], Any], raw: Json, refs: Json) -> Change:
    """Map the payload; a payload the mapping cannot read still invalidates the caches
    (the console then refreshes that record at its next sync)."""
    try:
        record = build()
    except (ValueError, KeyError, TypeError) as exc:
        return Change(
            kind=kind,
            action="refresh",
            ref={**refs, "problem": str(exc)[:200]},
            forget_orders=("*",) if kind == "order" else (),
            forget_emails=tuple(e for e in [refs.get("email")] if e),
            forget_products=kind == "product",
        )
    if kind == "order":
        return _order_change(record, raw)
    if kind == "customer":
        email = record.email
        return Change(
            kind="customer",
            action="upsert",
            ref={"id": record.id, "email": email},
            record=to_jsonable(record),
            forget_emails=(email,) if email else (),
        )
    return Change(
        kind="product",
        action="upsert",
        ref={"id": record.id},
        record=to_jsonable(record),
        forget_products=True,
    )


def woocommerce_change(topic: str, raw: Json) -> Change:
    resource, _, event = topic.partition(".")
    refs = {"id": _text(raw.get("id")), "email": _text(raw.get("email"))}
    if event == "deleted":
        return Change(
            kind=resource,
            action="delete",
            ref={"id": refs["id"]},
            forget_orders=("*",) if resource == "order" else (),
            forget_emails=tuple(e for e in [refs["email"]] if e),
            forget_products=resource == "product",
        )
    builders: dict[str, Callable[[], Any]] = {
        "order": lambda: woocommerce.map_order(raw),
        "customer": lambda: woocommerce.map_customer(raw),
        "product": lambda: woocommerce.map_product(raw),
    }
    return _mapped(resource, builders[resource], raw, refs)


def _customer_ref(raw: Json) -> dict[str, Any]:
    found = raw.get("customer")
    customer: Json = found if isinstance(found, Mapping) else {}
    return {
        "id": _text(customer.get("id")),
        "email": _text(customer.get("email")),
        "phone": _text(customer.get("phone")),
    }


def _ids(value: object) -> list[str]:
    return [t for t in (_text(v) for v in value) if t] if isinstance(value, list) else []


def shopify_change(topic: str, raw: Json, shop_url: str | None = None) -> Change:
    if topic.startswith("orders/"):
        refs = {"id": _text(raw.get("id")), "email": _text(raw.get("email"))}
        return _mapped("order", lambda: shopify.order_from_payload(raw), raw, refs)
    if topic.startswith("fulfillments/"):
        tracking = [to_jsonable(t) for t in shopify.fulfillment_tracking(raw)]
        return Change(
            kind="order",
            action="refresh",
            ref={
                "id": _text(raw.get("order_id")),
                "status": _text(raw.get("status")),
                "shipment_status": _text(raw.get("shipment_status")),
                "tracking": tracking,
            },
            forget_orders=("*",),
        )
    if topic.startswith("customers/") and topic not in (
        "customers/redact",
        "customers/data_request",
    ):
        refs = {"id": _text(raw.get("id")), "email": _text(raw.get("email"))}
        return _mapped("customer", lambda: shopify.customer_from_payload(raw), raw, refs)
    if topic == "products/update":
        return _mapped(
            "product",
            lambda: shopify.product_from_payload(raw, shop_url),
            raw,
            {"id": _text(raw.get("id"))},
        )
    if topic == "customers/redact":
        ref = {**_customer_ref(raw), "orders": _ids(raw.get("orders_to_redact"))}
        email = ref["email"]
        return Change(
            kind="customer",
            action="redact",
            ref=ref,
            forget_orders=("*",),
            forget_emails=(email,) if email else (),
            erase_email=email,
        )
    if topic == "customers/data_request":
        ref = {
            **_customer_ref(raw),
            "orders": _ids(raw.get("orders_requested")),
            "request": _text((raw.get("data_request") or {}).get("id"))
            if isinstance(raw.get("data_request"), Mapping)
            else None,
        }
        return Change(kind="customer", action="data_request", ref=ref)
    if topic == "shop/redact":
        return Change(
            kind="store",
            action="redact",
            ref={"shop": _text(raw.get("shop_domain"))},
            forget_orders=("*",),
            forget_products=True,
            erase_store=True,
        )
    # app/uninstalled: the app's token no longer works
    return Change(
        kind="store",
        action="disconnected",
        ref={"shop": _text(raw.get("myshopify_domain")) or _text(raw.get("domain"))},
        forget_orders=("*",),
        forget_products=True,
    )
