"""The demo shop's facts, an in-memory store lookup and a bot with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from core.bot import Bot, BotState, KnowledgeIndex, StoreUnavailable, Turn
from core.orders import same_order_number
from core.records import (
    Customer,
    CustomerRef,
    KnowledgeEntry,
    Order,
    OrderItem,
    Product,
    Tracking,
    WidgetConfig,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
UPS = Tracking("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784")


def make_order(number: str = "1001", **changes: Any) -> Order:
    values: dict[str, Any] = {
        "platform": "sql",
        "id": f"id-{number}",
        "number": number,
        "status": "shipped",
        "total": Decimal("77.00"),
        "currency": "EUR",
        "created_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 3, 15, 0, tzinfo=UTC),
        "financial_status": "paid",
        "fulfillment_status": "fulfilled",
        "customer": CustomerRef(id="1", email="alice@example.com", name="Alice Martin"),
        "items": (
            OrderItem("Gooseneck Kettle 1 L", 1, "SD-KET-001", Decimal("59.00")),
            OrderItem("Stoneware Mug, Sand", 1, "SD-MUG-007", Decimal("18.00")),
        ),
        "tracking": (UPS,),
        "status_url": f"https://shop.example.com/orders/{number}",
        "billing_postcode": "SW1A 1AA",
        "shipped_at": datetime(2026, 3, 3, 15, 0, tzinfo=UTC),
    }
    values.update(changes)
    return Order(**values)


BOB_ORDER = make_order(
    "1002",
    customer=CustomerRef(id="7", email="bob@example.com", name="Bob Johnson"),
    billing_postcode="10001",
    status="processing",
    tracking=(),
    shipped_at=None,
)
PRODUCTS = (
    Product("sql", "1", "Gooseneck Kettle 1 L", Decimal("59.00"), "EUR", "SD-KET-001", True, 14),
    Product("sql", "7", "Stoneware Mug, Sand", Decimal("18.00"), "EUR", "SD-MUG-007", True, 45),
    Product("sql", "8", "Stoneware Mug, Slate", Decimal("18.00"), "EUR", "SD-MUG-008", True, 3),
    Product(
        "sql", "6", "Colombia Huila Beans 250 g", Decimal("12.00"), "EUR", "SD-BNS-006", False, 0
    ),
)
KNOWLEDGE = (
    KnowledgeEntry(
        "k_returns",
        "What is your return policy?",
        "You can return any item within 30 days for a full refund.",
        ("returns", "refund"),
    ),
    KnowledgeEntry(
        "k_shipping",
        "How long does shipping take?",
        "Orders leave within 2 working days; delivery takes 3-5 days in the EU.",
        ("shipping", "delivery"),
    ),
    KnowledgeEntry(
        "k_abroad",
        "Do you ship internationally?",
        "We ship to the EU, the UK, Switzerland and Norway.",
        ("international", "abroad"),
    ),
    KnowledgeEntry(
        "k_pay", "Can I pay in instalments?", "Yes, with Klarna at checkout.", ("klarna",)
    ),
    KnowledgeEntry(
        "k_devol",
        "¿Cuál es la política de devoluciones?",
        "Puedes devolver cualquier artículo en un plazo de 30 días.",
    ),
    KnowledgeEntry("k_off", "Is the shop open on Sundays?", "Hidden.", enabled=False),
)


@dataclass
class FakeLookup:
    """The store as the bot sees it: orders by number, by email, and a product search."""

    orders: list[Order] = field(default_factory=lambda: [make_order(), BOB_ORDER])
    products: tuple[Product, ...] = PRODUCTS
    down: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def _call(self, name: str, arg: str) -> None:
        self.calls.append((name, arg))
        if self.down:
            raise StoreUnavailable("the store took longer than 3 s")

    async def get_order(self, number: str) -> Order | None:
        self._call("get_order", number)
        return next((o for o in self.orders if same_order_number(o.number, number)), None)

    async def find_orders(self, *, email: str, limit: int = 5) -> list[Order]:
        self._call("find_orders", email)
        mine = [o for o in self.orders if (o.customer.email or "").casefold() == email.casefold()]
        return sorted(mine, key=lambda o: o.created_at, reverse=True)[:limit]

    async def get_customer(self, *, email: str) -> Customer | None:
        self._call("get_customer", email)
        return None

    async def search_products(self, text: str, *, limit: int = 5) -> list[Product]:
        self._call("search_products", text)
        wanted = [w.rstrip("s") for w in text.casefold().split()]
        found = [p for p in self.products if all(w in p.title.casefold() for w in wanted)]
        return found[:limit]


def widget(**changes: Any) -> WidgetConfig:
    values: dict[str, Any] = {
        "key": "wk_demo",
        "name": "Demo shop",
        "store": "demo",
        "languages": ("en", "es", "fr", "de"),
        "appointment_form": True,
    }
    values.update(changes)
    return WidgetConfig(**values)


class Chat:
    """A conversation driven turn by turn, keeping the state like the relay does."""

    def __init__(self, bot: Bot, lookup: FakeLookup | None, state: BotState | None = None) -> None:
        self.bot = bot
        self.lookup = lookup
        self.state = state or BotState.new(language="en")
        self.turns: list[Turn] = []

    async def say(self, text: str, **options: Any) -> Turn:
        turn = await self.bot.respond(text, self.state, self.lookup, **options)
        self.state = BotState.from_json(turn.state.to_json())  # stored as JSON between turns
        self.turns.append(turn)
        return turn


class Clock:
    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_bot(clock: Clock) -> Callable[..., Bot]:
    def build(**changes: Any) -> Bot:
        return Bot(widget(**changes), KnowledgeIndex(KNOWLEDGE), clock)

    return build


@pytest.fixture
def bot(make_bot: Callable[..., Bot]) -> Bot:
    return make_bot()


@pytest.fixture
def store() -> FakeLookup:
    return FakeLookup()


@pytest.fixture
def chat(bot: Bot, store: FakeLookup) -> Chat:
    return Chat(bot, store)


def text_of(turn: Turn) -> str:
    return "\n".join(r.text for r in turn.replies)
