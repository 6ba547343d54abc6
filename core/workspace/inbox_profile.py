"""The shopper beside a conversation: the synced customer (found by email, phone or id), their
recent orders, and order cards built from the workspace for the reply box's order picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import false, func, or_, select

from core.contacts import PHONE_MIN, email_key, phone_digits, same_phone
from core.records import STATUS_LABELS
from core.serialize import utc_iso
from core.workspace.database import Workspace
from core.workspace.models import CustomerRow, MessageRow, OrderItemRow, OrderRow, StoreRow

RECENT = 5


@dataclass(frozen=True, slots=True)
class OrderSummary:
    id: int
    number: str
    status: str
    total: Decimal
    currency: str
    created_at: datetime
    store: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A customer as the workspace knows them, and their newest orders."""

    id: int | None
    name: str | None
    email: str | None
    phone: str | None
    total_orders: int | None
    lifetime_value: Decimal | None
    currency: str | None
    store: str | None
    orders: list[OrderSummary]


_ORDER_COLUMNS = (
    OrderRow.id,
    OrderRow.number,
    OrderRow.status,
    OrderRow.total,
    OrderRow.currency,
    OrderRow.created_at,
    StoreRow.name,
)


class ProfileLookup:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def find(
        self, *, email: str | None = None, phone: str | None = None, customer_id: str | None = None
    ) -> Profile | None:
        """The synced customer with this email, phone or (store's) id; ``None`` when unknown.
        A shopper with orders but no customer record (a guest checkout) gets a profile from
        the orders."""
        with self._workspace.engine.connect() as connection:
            customer = connection.execute(self._customer_query(email, phone, customer_id)).first()
            if customer is None and phone:
                customer = self._by_phone(connection, phone)
            if customer is not None:
                orders = self._orders(
                    connection, OrderRow.customer_id == customer.id, email_key(customer.email)
                )
                store = connection.scalar(
                    select(StoreRow.name).where(StoreRow.id == customer.store_id)
                )
                return Profile(
                    customer.id,
                    customer.name,
                    customer.email,
                    customer.phone,
                    customer.total_orders,
                    customer.lifetime_value,
                    customer.currency,
                    store,
                    orders,
                )
            key = email_key(email)
            if key is None:
                return None
            orders = self._orders(connection, OrderRow.email_key == key, key)
            if not orders:
                return None
            first = connection.execute(
                select(OrderRow.customer_name, OrderRow.customer_phone).where(
                    OrderRow.id == orders[0].id
                )
            ).one()
            return Profile(
                None, first[0], email, first[1], len(orders), None, None, orders[0].store, orders
            )

    @staticmethod
    def _customer_query(email: str | None, phone: str | None, customer_id: str | None) -> Any:
        conditions = []
        if email_key(email):
            conditions.append(CustomerRow.email_key == email_key(email))
        if customer_id:
            conditions.append(CustomerRow.external_id == customer_id.strip())
            if customer_id.strip().isdigit():
                conditions.append(CustomerRow.id == int(customer_id.strip()))
        if phone and len(phone_digits(phone)) >= PHONE_MIN:
            conditions.append(CustomerRow.phone == phone.strip())
        return select(CustomerRow).where(or_(false(), *conditions)).limit(1)

    @staticmethod
    def _by_phone(connection: Any, phone: str) -> Any:
        """Phone numbers are written many ways: compare digits (a small scan of those with a
        phone whose last digits appear in theirs)."""
        tail = phone_digits(phone)[-4:]
        if len(tail) < 4:
            return None
        rows = connection.execute(
            select(CustomerRow).where(CustomerRow.phone.like(f"%{tail[-2:]}%")).limit(2000)
        )
        return next((row for row in rows if same_phone(row.phone, phone)), None)

    @staticmethod
    def _orders(connection: Any, match: Any, key: str | None) -> list[OrderSummary]:
        where = or_(match, OrderRow.email_key == key) if key else match
        query = (
            select(*_ORDER_COLUMNS)
            .join(StoreRow, StoreRow.id == OrderRow.store_id)
            .where(where)
            .order_by(OrderRow.created_at.desc(), OrderRow.id.desc())
            .limit(RECENT)
        )
        return [OrderSummary(*row) for row in connection.execute(query)]

    def shopper_email(self, conversation_email: str | None, conversation_id: str) -> str | None:
        """Who the shopper is: the verified email of the conversation, else the email of an
        order the bot showed them (shown only after they proved it was theirs)."""
        if conversation_email:
            return conversation_email
        with self._workspace.engine.connect() as connection:
            cards = connection.scalars(
                select(MessageRow.cards).where(
                    MessageRow.conversation_id == conversation_id,
                    MessageRow.role == "bot",
                    func.json_array_length(MessageRow.cards) > 0,
                )
            ).all()
            numbers = [c.get("number") for cs in cards for c in cs if isinstance(c, dict)]
            numbers = [n for n in numbers if isinstance(n, str)]
            if not numbers:
                return None
            found = connection.scalar(
                select(OrderRow.customer_email).where(OrderRow.number == numbers[-1]).limit(1)
            )
            return str(found) if found else None

    def order_card(self, order_id: int) -> dict[str, Any] | None:
        """The order as the widget draws an order card (what the bot would show)."""
        with self._workspace.engine.connect() as connection:
            order = connection.execute(select(OrderRow).where(OrderRow.id == order_id)).first()
            if order is None:
                return None
            items = connection.execute(
                select(
                    OrderItemRow.name, OrderItemRow.quantity, OrderItemRow.sku, OrderItemRow.price
                )
                .where(OrderItemRow.order_id == order_id)
                .order_by(OrderItemRow.position)
            ).all()
        return {
            "type": "order",
            "number": order.number,
            "status": order.status,
            "status_label": STATUS_LABELS.get(order.status, order.status),
            "financial_status": order.financial_status,
            "fulfillment_status": order.fulfillment_status,
            "total": format(order.total, "f"),
            "currency": order.currency,
            "created_at": utc_iso(order.created_at),
            "shipped_at": utc_iso(order.shipped_at) if order.shipped_at else None,
            "items": [
                {
                    "name": i.name,
                    "quantity": i.quantity,
                    "sku": i.sku,
                    "price": None if i.price is None else format(i.price, "f"),
                }
                for i in items
            ],
            "tracking": [
                {
                    "carrier": t.get("carrier"),
                    "number": str(t.get("number") or ""),
                    "url": t.get("url"),
                }
                for t in order.tracking or []
                if isinstance(t, dict)
            ],
            "status_url": order.status_url,
        }
