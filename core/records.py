"""Domain records shared by every layer.

Records are frozen, slotted dataclasses; enumerations are ``Literal`` aliases. Money is
``Decimal`` (serialised as a string), times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, get_args

Platform = Literal["shopify", "woocommerce", "sql", "rest", "custom"]

OrderStatus = Literal[
    "pending",
    "processing",
    "on_hold",
    "shipped",
    "partially_shipped",
    "delivered",
    "completed",
    "cancelled",
    "refunded",
    "failed",
]
ORDER_STATUSES: tuple[OrderStatus, ...] = get_args(OrderStatus)

STATUS_LABELS: dict[OrderStatus, str] = {
    "pending": "Awaiting payment",
    "processing": "Being prepared",
    "on_hold": "On hold",
    "shipped": "Shipped",
    "partially_shipped": "Partially shipped",
    "delivered": "Delivered",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Payment failed",
}

MessageRole = Literal["shopper", "bot", "agent", "system"]
LeadKind = Literal["contact", "appointment"]
WidgetPosition = Literal["bottom-right", "bottom-left"]


@dataclass(frozen=True, slots=True)
class Tracking:
    number: str
    carrier: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class OrderItem:
    name: str
    quantity: int
    sku: str | None = None
    price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """The customer as an order names them; every field may be unknown (guests, redacted data)."""

    id: str | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    platform: Platform
    id: str
    number: str
    status: OrderStatus
    total: Decimal
    currency: str
    created_at: datetime
    updated_at: datetime
    financial_status: str | None = None
    fulfillment_status: str | None = None
    customer: CustomerRef = field(default_factory=CustomerRef)
    items: tuple[OrderItem, ...] = ()
    tracking: tuple[Tracking, ...] = ()
    status_url: str | None = None
    billing_postcode: str | None = None
    shipped_at: datetime | None = None
    warnings: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class Customer:
    platform: Platform
    id: str
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    total_orders: int | None = None
    lifetime_value: Decimal | None = None
    currency: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Product:
    platform: Platform
    id: str
    title: str
    price: Decimal | None = None
    currency: str | None = None
    sku: str | None = None
    in_stock: bool | None = None
    inventory: int | None = None
    url: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class KnowledgeEntry:
    id: str
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Opening hours for one weekday (0 = Monday), ``"09:00"``–``"17:30"`` local time."""

    day: int
    opens: str
    closes: str


@dataclass(frozen=True, slots=True)
class SpamRules:
    """A widget's spam rules (``core.spam`` checks and applies them): addresses or ranges
    (IPv4/IPv6, normalised like ``203.0.113.0/24``), words or phrases and regular
    expressions (both case-insensitive), at most ``rate_per_minute`` shopper messages a
    minute per conversation and per address, and the lead form's hidden honeypot field."""

    ips: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    rate_per_minute: int | None = None
    honeypot: bool = True


@dataclass(frozen=True, slots=True)
class WidgetConfig:
    key: str
    name: str
    store: str | None = None
    title: str = "Chat with us"
    greeting: str = "Hi! How can we help?"
    color: str = "#2563eb"
    position: WidgetPosition = "bottom-right"
    launcher_text: str = "Chat"
    allowed_origins: tuple[str, ...] = ()
    confidence_threshold: float = 0.35
    languages: tuple[str, ...] = ("en",)
    lead_form: bool = True
    appointment_form: bool = False
    avatar_url: str | None = None
    reply_time: str | None = None
    timezone: str = "UTC"
    business_hours: tuple[BusinessHours, ...] = ()
    suggestions: tuple[str, ...] = ()
    identity_max_age: int = 86400  # seconds a storefront's shopper signature is accepted
    retention_days: int | None = None  # None: the workspace's (and relay's) retention period
    spam: SpamRules = SpamRules()


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    widget_key: str
    channel: str
    started_at: datetime
    customer_email: str | None = None
    customer_name: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    role: MessageRole
    text: str
    created_at: datetime
    confidence: float | None = None
    knowledge_entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Lead:
    id: str
    kind: LeadKind
    created_at: datetime
    conversation_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    message: str | None = None
    requested_time: datetime | None = None
