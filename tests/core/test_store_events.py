"""Store changes from the relay's webhooks, applied to the workspace through the inbox:
upserts and deletes of orders, customers and products; a customer redact erases the
shopper's records and conversations (and keeps no email in the log); a shop redact erases
the store's data; data requests and uninstalls reach the activity log; malformed changes
are skipped and leave nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.records import Customer, CustomerRef, Order, OrderItem, Product, Tracking
from core.serialize import to_jsonable
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.inbox import InboxRepository
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
)
from core.workspace.stores import StoreRepository
from core.workspace.widgets import WidgetRepository

AT = "2026-12-06T10:00:00Z"
WHEN = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    vault = Vault.open(ws.data_dir)
    StoreRepository(ws, vault).add("shop", "shopify", {"shop": "x.myshopify.com"}, {"token": "t"})
    WidgetRepository(ws, vault).create("Chat", store="shop")
    yield ws
    ws.close()


def order(
    number: str, email: str = "zoe@example.de", status: str = "processing", customer: str = "7001"
) -> Order:
    return Order(
        platform="shopify",
        id=f"50{number}",
        number=number,
        status=status,  # type: ignore[arg-type]
        total=Decimal("29.00"),
        currency="EUR",
        created_at=WHEN,
        updated_at=WHEN,
        customer=CustomerRef(id=customer, email=email, name="Zoë Müller"),
        items=(OrderItem("Tee", 1, "OCT", Decimal("29.00")),),
        tracking=(Tracking("1Z999", "UPS"),) if status == "shipped" else (),
    )


n = 0


def change(kind: str, action: str, *, record: Any = None, **ref: Any) -> dict[str, Any]:
    global n
    n += 1
    return {
        "id": f"ev_{n}",
        "seq": n,
        "type": "store.changed",
        "at": AT,
        "data": {
            "store": "shop",
            "platform": "shopify",
            "topic": f"{kind}s/x",
            "delivery": f"d{n}",
            "kind": kind,
            "action": action,
            "ref": ref,
            "record": to_jsonable(record) if record is not None else None,
        },
    }


def count(ws: Workspace, model: Any, *where: Any) -> int:
    with ws.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_upserts_and_deletes_land_once(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    customer = Customer("shopify", "7001", email="zoe@example.de", name="Zoë")
    product = Product("shopify", "900", "Tee", price=Decimal("29.00"), in_stock=True)
    events = [
        change("order", "upsert", record=order("1001")),
        change("order", "upsert", record=order("1001", status="shipped")),
        change("customer", "upsert", record=customer),
        change("product", "upsert", record=product),
    ]
    report = inbox.apply(events)
    assert report.store_changes == 4 and report.skipped == 0
    assert inbox.apply(events).duplicates == 4
    with workspace.session() as session:
        stored = session.scalars(select(OrderRow)).one()
        assert stored.status == "shipped" and stored.tracking[0]["number"] == "1Z999"
    assert count(workspace, CustomerRow) == count(workspace, ProductRow) == 1
    shipment = {"number": "JJD0099", "carrier": "DHL", "url": None}
    inbox.apply([change("order", "refresh", id="501001", tracking=[shipment])])
    with workspace.session() as session:
        numbers = [t["number"] for t in session.scalars(select(OrderRow.tracking)).one()]
        assert numbers == ["1Z999", "JJD0099"]
    inbox.apply([change("order", "delete", id="501001"), change("product", "delete", id="900")])
    assert count(workspace, OrderRow) == count(workspace, ProductRow) == 0
    assert count(workspace, WebhookEvent) == 7


def _chat(workspace: Workspace, conversation: str, email: str) -> None:
    inbox = InboxRepository(workspace)
    widget_key = WidgetRepository(workspace, Vault.open(workspace.data_dir)).list()[0].key
    inbox.apply(
        [
            {
                "id": f"ev_c_{conversation}",
                "type": "conversation.created",
                "at": AT,
                "widget_key": widget_key,
                "data": {
                    "conversation": {
                        "id": conversation,
                        "widget_key": widget_key,
                        "channel": "web",
                        "customer_email": email,
                        "started_at": AT,
                    }
                },
            },
            {
                "id": f"ev_m_{conversation}",
                "type": "message",
                "at": AT,
                "conversation_id": conversation,
                "widget_key": widget_key,
                "data": {
                    "message": {
                        "id": f"m_{conversation}",
                        "role": "shopper",
                        "text": "where is my order",
                        "created_at": AT,
                    }
                },
            },
            {
                "id": f"ev_l_{conversation}",
                "type": "lead",
                "at": AT,
                "conversation_id": conversation,
                "data": {
                    "lead": {
                        "id": f"l_{conversation}",
                        "kind": "contact",
                        "email": email,
                        "created_at": AT,
                    }
                },
            },
        ]
    )


def test_customers_redact_erases_the_shopper_and_keeps_no_email(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    inbox.apply(
        [
            change("order", "upsert", record=order("1001")),
            change(
                "order", "upsert", record=order("1002", email="jose@example.es", customer="7002")
            ),
            change(
                "customer", "upsert", record=Customer("shopify", "7001", email="zoe@example.de")
            ),
        ]
    )
    _chat(workspace, "c_zoe", "Zoe@Example.de")
    _chat(workspace, "c_jose", "jose@example.es")
    assert count(workspace, ConversationRow) == 2
    report = inbox.apply(
        [change("customer", "redact", id="7001", email="zoe@example.de", orders=["501001"])]
    )
    assert report.store_changes == 1
    with workspace.session() as session:
        assert list(session.scalars(select(OrderRow.number))) == ["1002"]
        assert session.scalars(select(CustomerRow)).all() == []
        assert list(session.scalars(select(ConversationRow.id))) == ["c_jose"]
        assert list(session.scalars(select(MessageRow.id))) == ["m_c_jose"]
        assert list(session.scalars(select(LeadRow.email))) == ["jose@example.es"]
        logged = session.scalars(
            select(WebhookEvent).where(WebhookEvent.payload["action"].as_string() == "redact")
        ).one()
        assert "zoe" not in str(logged.payload)
        by_store = select(ActivityLog).where(ActivityLog.actor == "store")
        activity = session.scalars(by_store).one()  # besides "connected a store"
        assert (activity.action, activity.subject) == ("store.redact", "shop")


def test_shop_redact_data_requests_and_uninstalls(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    inbox.apply([change("order", "upsert", record=order("1001"))])
    _chat(workspace, "c_zoe", "zoe@example.de")
    inbox.apply(
        [
            change(
                "customer",
                "data_request",
                id="7001",
                email="zoe@example.de",
                orders=["501001"],
                request="9999",
            ),
            change("store", "disconnected", shop="x.myshopify.com"),
            change("store", "redact", shop="x.myshopify.com"),
        ]
    )
    assert count(workspace, OrderRow) == count(workspace, ConversationRow) == 0
    with workspace.session() as session:
        actions = {a.action: a.details for a in session.scalars(select(ActivityLog))}
        assert actions["store.data_request"]["email"] == "zoe@example.de"
        assert actions["store.data_request"]["orders"] == ["501001"]
        assert {"store.disconnected", "store.redact"} <= set(actions)
        settings = session.scalars(select(StoreRow.settings)).one()
        assert settings["disconnected_at"] == AT


def test_malformed_changes_are_skipped_and_leave_nothing(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    bad_record = change("order", "upsert", record=order("1001"))
    bad_record["data"]["record"]["status"] = "teleported"
    report = inbox.apply(
        [
            bad_record,
            change("order", "upsert"),
            change("order", "explode"),
            change("order", "delete"),
        ]
    )
    assert (report.skipped, report.store_changes) == (4, 0)
    assert count(workspace, OrderRow) == count(workspace, WebhookEvent) == 0
