"""A shopper's data in the workspace: find it by email or phone, export it, erase it; and
the retention period that deletes old conversations.

Conversations are the shopper's when they gave that email, or when a lead or appointment
request from that email or phone belongs to them. Customers and orders synced from the
store are shown (they are part of what is held) but are the store's records: erase those
in the store, or the next sync brings them back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, or_, select

from core.privacy import PHONE_JUNK, RetentionError, Shopper, check_retention
from core.serialize import to_jsonable
from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.models import (
    ConversationRow,
    CustomerRow,
    LeadRow,
    MessageRow,
    OrderRow,
    StoreRow,
    Widget,
)


def _phone_column(column: Any) -> Any:
    for junk in PHONE_JUNK:
        column = func.replace(column, junk, "")
    return column


@dataclass(frozen=True, slots=True)
class ShopperData:
    shopper: Shopper
    conversations: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.conversations or self.leads or self.customers or self.orders)

    def counts(self) -> dict[str, int]:
        return {
            "conversations": len(self.conversations),
            "messages": len(self.messages),
            "leads": len(self.leads),
            "customers": len(self.customers),
            "orders": len(self.orders),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "leads": self.leads,
            "store_customers": self.customers,
            "store_orders": self.orders,
        }


def _row(model: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {name: to_jsonable(getattr(model, name)) for name in columns}


CONVERSATION_FIELDS = (
    "id", "widget_id", "channel", "status", "started_at", "updated_at", "customer_email",
    "customer_name", "language", "rating", "handoff_reason",
)  # fmt: skip
MESSAGE_FIELDS = ("id", "conversation_id", "role", "text", "created_at", "cards")
LEAD_FIELDS = (
    "id", "kind", "conversation_id", "name", "email", "phone", "message", "requested_time",
    "status", "notes", "created_at",
)  # fmt: skip
CUSTOMER_FIELDS = ("external_id", "email", "name", "phone", "total_orders", "created_at")
ORDER_FIELDS = ("external_id", "number", "status", "total", "currency", "created_at")


def _lead_match(shopper: Shopper) -> ColumnElement[bool]:
    clauses = []
    if shopper.email:
        clauses.append(func.lower(LeadRow.email) == shopper.email)
    if shopper.phone:
        clauses.append(_phone_column(LeadRow.phone) == shopper.phone)
    return or_(*clauses)


def _conversation_ids(connection: Connection, shopper: Shopper) -> list[str]:
    ids: dict[str, None] = {}
    if shopper.email:
        query = select(ConversationRow.id).where(
            func.lower(ConversationRow.customer_email) == shopper.email
        )
        ids.update(dict.fromkeys(connection.scalars(query)))
    via_leads = select(LeadRow.conversation_id).where(
        _lead_match(shopper), LeadRow.conversation_id.is_not(None)
    )
    ids.update(dict.fromkeys(c for c in connection.scalars(via_leads) if c))
    return list(ids)


class PrivacyRepository:
    def __init__(
        self, workspace: Workspace, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._workspace = workspace
        self._now = now

    def find(self, shopper: Shopper) -> ShopperData:
        with self._workspace.session() as session:
            connection = session.connection()
            ids = _conversation_ids(connection, shopper)
            conversations = session.scalars(
                select(ConversationRow).where(ConversationRow.id.in_(ids))
            ).all()
            messages = session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id.in_(ids))
                .order_by(MessageRow.conversation_id, MessageRow.created_at)
            ).all()
            leads = session.scalars(
                select(LeadRow).where(or_(_lead_match(shopper), LeadRow.conversation_id.in_(ids)))
            ).all()
            customers, orders = self._store_records(session, shopper)
            return ShopperData(
                shopper,
                [_row(c, CONVERSATION_FIELDS) for c in conversations],
                [_row(m, MESSAGE_FIELDS) for m in messages],
                [_row(lead, LEAD_FIELDS) for lead in leads],
                customers,
                orders,
            )

    def _store_records(
        self, session: Any, shopper: Shopper
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        customer_match, order_match = [], []
        if shopper.email:
            customer_match.append(func.lower(CustomerRow.email) == shopper.email)
            order_match.append(func.lower(OrderRow.customer_email) == shopper.email)
        if shopper.phone:
            customer_match.append(_phone_column(CustomerRow.phone) == shopper.phone)
            order_match.append(_phone_column(OrderRow.customer_phone) == shopper.phone)
        customers = session.execute(
            select(CustomerRow, StoreRow.name)
            .join(StoreRow, StoreRow.id == CustomerRow.store_id)
            .where(or_(*customer_match))
        ).all()
        orders = session.execute(
            select(OrderRow, StoreRow.name)
            .join(StoreRow, StoreRow.id == OrderRow.store_id)
            .where(or_(*order_match))
            .order_by(OrderRow.created_at)
        ).all()
        return (
            [{"store": name, **_row(c, CUSTOMER_FIELDS)} for c, name in customers],
            [{"store": name, **_row(o, ORDER_FIELDS)} for o, name in orders],
        )

    def erase(self, shopper: Shopper, *, relay: dict[str, Any] | None = None) -> dict[str, int]:
        """Delete the shopper's conversations (with their messages) and leads here; the
        activity log keeps that it happened (and the relay's counts), not who it was."""
        with self._workspace.engine.begin() as connection:
            ids = _conversation_ids(connection, shopper)
            messages = connection.scalar(
                select(func.count()).where(MessageRow.conversation_id.in_(ids))
            )
            leads = connection.execute(
                delete(LeadRow).where(or_(_lead_match(shopper), LeadRow.conversation_id.in_(ids)))
            ).rowcount
            connection.execute(delete(MessageRow).where(MessageRow.conversation_id.in_(ids)))
            conversations = connection.execute(
                delete(ConversationRow).where(ConversationRow.id.in_(ids))
            ).rowcount
            counts = {
                "conversations": int(conversations or 0),
                "messages": int(messages or 0),
                "leads": int(leads or 0),
            }
            details: dict[str, Any] = {**counts}
            if relay is not None:
                details["relay"] = relay
            record(connection, "privacy.erased", "a shopper", details)
        return counts

    def apply_retention(self, days: int | None) -> dict[str, int]:
        """Delete conversations (and their messages) whose last activity is older than their
        widget's own retention period, or else ``days`` (None: kept); their leads stay,
        without the conversation."""
        now = self._now()
        last = func.coalesce(ConversationRow.last_message_at, ConversationRow.updated_at)
        with self._workspace.engine.begin() as connection:
            own = _widget_retention(connection)
            periods: list[tuple[int, ColumnElement[bool]]] = [
                (kept, ConversationRow.widget_id.in_(ids)) for kept, ids in own.items()
            ]
            if days is not None:
                theirs = [widget for ids in own.values() for widget in ids]
                default = or_(
                    ConversationRow.widget_id.is_(None), ConversationRow.widget_id.not_in(theirs)
                )
                periods.append((days, default))
            if not periods:
                return {"conversations": 0, "messages": 0}
            old = select(ConversationRow.id).where(
                or_(*(of & (last < now - timedelta(days=kept)) for kept, of in periods))
            )
            messages = connection.execute(
                delete(MessageRow).where(MessageRow.conversation_id.in_(old))
            ).rowcount
            conversations = connection.execute(
                delete(ConversationRow).where(ConversationRow.id.in_(old))
            ).rowcount
            counts = {"conversations": int(conversations or 0), "messages": int(messages or 0)}
            if counts["conversations"]:
                said = "off" if days is None else f"{days} days"
                if own:
                    said += f", {', '.join(f'{kept} days' for kept in own)} for some widgets"
                record(connection, "retention.applied", said, counts)
        return counts


def _widget_retention(connection: Connection) -> dict[int, list[int]]:
    """The widgets with a retention period of their own: their ids by period (days)."""
    periods: dict[int, list[int]] = {}
    for widget_id, config in connection.execute(select(Widget.id, Widget.config)):
        try:
            days = check_retention((config or {}).get("retention_days"))
        except (RetentionError, AttributeError):
            continue  # the widget editor refuses such a value; a hand-edited one keeps all
        if days is not None:
            periods.setdefault(days, []).append(widget_id)
    return periods
