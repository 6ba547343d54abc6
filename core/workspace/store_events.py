"""Store changes the relay heard of through webhooks (``store.changed`` events), applied
to the workspace without a sync: orders, customers and products upserted through the same
writers a sync uses, deleted when the store deleted them; a compliance redact erases the
shopper's (or the whole store's) data; a data request and an uninstalled app are written
to the activity log for the merchant. Each change is also kept in ``webhook_events``
(without personal data)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from core.contacts import email_key
from core.record_json import customer_from_json, order_from_json, product_from_json
from core.serialize import utc_iso
from core.workspace.catalog_writes import write_orders, write_products
from core.workspace.customer_writes import write_customers
from core.workspace.models import (
    ActivityLog,
    ConversationRow,
    CustomerRow,
    LeadRow,
    MessageRow,
    OrderRow,
    ProductRow,
    StoreRow,
    WebhookEvent,
    Widget,
)

log = logging.getLogger(__name__)
KINDS = ("order", "customer", "product", "store")
ACTIONS = ("upsert", "delete", "refresh", "redact", "data_request", "disconnected")


class BadChange(ValueError):
    """A ``store.changed`` event that cannot be applied as it is."""


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def apply_change(
    connection: Connection, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime
) -> str:
    """Apply one change inside the caller's transaction; what it did (for the counts)."""
    kind, action = data.get("kind"), data.get("action")
    if kind not in KINDS or action not in ACTIONS:
        raise BadChange(f"unknown change {kind!r}/{action!r}")
    name = _text(data.get("store"))
    store = connection.execute(
        select(StoreRow.id, StoreRow.name, StoreRow.settings).where(StoreRow.name == name)
    ).first()
    ref = data.get("ref") if isinstance(data.get("ref"), Mapping) else {}
    assert isinstance(ref, Mapping)
    _remember(connection, event, data, store.id if store else None, ref, at)
    if store is None:
        log.info("A change for the store %r, which is not in this workspace, was skipped", name)
        return "store_changes"
    record = data.get("record")
    try:
        if action == "upsert":
            _upsert(connection, store.id, str(kind), record)
        elif action == "delete":
            _delete(connection, store.id, str(kind), _text(ref.get("id")))
        elif action == "refresh" and kind == "order":
            _add_tracking(connection, store.id, _text(ref.get("id")), ref.get("tracking"))
        elif action == "redact" and kind == "customer":
            _redact_customer(connection, store.id, ref)
        elif action == "redact":
            _redact_store(connection, store.id, store.name)
        elif action == "disconnected":
            settings = {**dict(store.settings or {}), "disconnected_at": utc_iso(at)}
            connection.execute(
                update(StoreRow).where(StoreRow.id == store.id).values(settings=settings)
            )
    except (ValueError, TypeError, KeyError) as exc:
        raise BadChange(str(exc)) from None
    if action in ("redact", "data_request", "disconnected"):
        _activity(connection, store.name, str(kind), str(action), ref, at)
    return "store_changes"


def _upsert(connection: Connection, store_id: int, kind: str, record: Any) -> None:
    if not isinstance(record, Mapping):
        raise BadChange("an upsert without its record")
    if kind == "order":
        write_orders(connection, store_id, [order_from_json(record)])
    elif kind == "customer":
        write_customers(connection, store_id, [customer_from_json(record)])
    elif kind == "product":
        write_products(connection, store_id, [product_from_json(record)])


def _delete(connection: Connection, store_id: int, kind: str, external_id: str | None) -> None:
    if external_id is None:
        raise BadChange("a delete without the record's id")
    tables: dict[str, Any] = {"order": OrderRow, "customer": CustomerRow, "product": ProductRow}
    table = tables.get(kind)
    if table is None:
        raise BadChange(f"cannot delete a {kind}")
    connection.execute(
        delete(table).where(table.store_id == store_id, table.external_id == external_id)
    )


def _add_tracking(
    connection: Connection, store_id: int, external_id: str | None, tracking: Any
) -> None:
    """A shipment the store reported on its own (Shopify's ``fulfillments/*``): its
    tracking numbers join the stored order's (the next sync brings the rest)."""
    if external_id is None or not isinstance(tracking, list):
        return
    where = (OrderRow.store_id == store_id) & (OrderRow.external_id == external_id)
    stored = connection.scalar(select(OrderRow.tracking).where(where))
    if stored is None:
        return
    numbers = {t.get("number") for t in stored if isinstance(t, Mapping)}
    added = [
        {"number": t["number"], "carrier": t.get("carrier"), "url": t.get("url")}
        for t in tracking
        if isinstance(t, Mapping)
        and isinstance(t.get("number"), str)
        and t["number"] not in numbers
    ]
    if added:
        connection.execute(update(OrderRow).where(where).values(tracking=[*stored, *added]))


def _redact_customer(connection: Connection, store_id: int, ref: Mapping[str, Any]) -> None:
    customer_id, key = _text(ref.get("id")), email_key(_text(ref.get("email")))
    orders = [o for o in ref.get("orders") or [] if isinstance(o, str)]
    matches: list[Any] = []
    if customer_id:
        matches.append(CustomerRow.external_id == customer_id)
    if key:
        matches.append(CustomerRow.email_key == key)
    if matches:
        connection.execute(
            delete(CustomerRow).where(CustomerRow.store_id == store_id, or_(*matches))
        )
    order_matches: list[Any] = [OrderRow.external_id.in_(orders)] if orders else []
    if customer_id:
        order_matches.append(OrderRow.customer_external_id == customer_id)
    if key:
        order_matches.append(OrderRow.email_key == key)
    if order_matches:
        connection.execute(
            delete(OrderRow).where(OrderRow.store_id == store_id, or_(*order_matches))
        )
    if key:
        widgets = select(Widget.id).where(Widget.store_id == store_id).scalar_subquery()
        _erase_conversations(
            connection,
            ConversationRow.widget_id.in_(widgets)
            & (func.lower(ConversationRow.customer_email) == key),
        )
        connection.execute(delete(LeadRow).where(func.lower(LeadRow.email) == key))


def _redact_store(connection: Connection, store_id: int, name: str) -> None:
    for table in (OrderRow, CustomerRow, ProductRow):
        connection.execute(delete(table).where(table.store_id == store_id))
    widgets = select(Widget.id).where(Widget.store_id == store_id).scalar_subquery()
    _erase_conversations(connection, ConversationRow.widget_id.in_(widgets))
    log.info("Erased the synced data and conversations of the store %r (shop/redact)", name)


def _erase_conversations(connection: Connection, where: Any) -> None:
    ids = list(connection.scalars(select(ConversationRow.id).where(where)))
    if not ids:
        return
    connection.execute(delete(MessageRow).where(MessageRow.conversation_id.in_(ids)))
    connection.execute(delete(LeadRow).where(LeadRow.conversation_id.in_(ids)))
    connection.execute(delete(ConversationRow).where(ConversationRow.id.in_(ids)))


def _activity(
    connection: Connection, store: str, kind: str, action: str, ref: Mapping[str, Any], at: datetime
) -> None:
    details: dict[str, Any] = {"kind": kind}
    if action == "data_request":
        # the merchant must answer it: who asked and for which orders
        details.update(
            customer_id=_text(ref.get("id")),
            email=_text(ref.get("email")),
            orders=[o for o in ref.get("orders") or [] if isinstance(o, str)],
            request=_text(ref.get("request")),
        )
    connection.execute(
        insert(ActivityLog).values(
            at=at, actor="store", action=f"store.{action}", subject=store, details=details
        )
    )


def _remember(
    connection: Connection,
    event: Mapping[str, Any],
    data: Mapping[str, Any],
    store_id: int | None,
    ref: Mapping[str, Any],
    at: datetime,
) -> None:
    """One ``webhook_events`` row per change; a redact keeps no email or phone."""
    kept = {k: v for k, v in ref.items() if k in ("id", "number", "orders", "request")}
    if data.get("action") == "redact":
        kept = {"orders": kept.get("orders", [])}
    connection.execute(
        insert(WebhookEvent).values(
            store_id=store_id,
            platform=str(data.get("platform") or "")[:32],
            topic=str(data.get("topic") or "")[:64],
            delivery_id=str(event.get("id") or ""),
            received_at=at,
            processed_at=at,
            payload={
                "delivery": data.get("delivery"),
                "kind": data.get("kind"),
                "action": data.get("action"),
                "ref": kept,
            },
        )
    )
