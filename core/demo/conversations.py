"""A month of realistic demo conversations, generated deterministically.

``demo_month(end, knowledge, orders)`` returns rows for the workspace's conversations,
messages and leads: bot answers from the knowledge base, order lookups (verified, with the
order card), handoffs with agent replies, leads, appointment requests, ratings and
questions the bot could not answer. The same inputs (and seed) always give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.demo.data import CUSTOMERS

SEED = 2026
DAYS = 30

VARIANTS = {
    "How long does shipping take?": ("how long does delivery take", "when will my parcel arrive"),
    "How much does shipping cost?": ("how much is shipping?", "is shipping free?"),
    "Do you ship internationally?": ("do you ship to the USA?", "can you deliver to Canada"),
    "What is your returns policy?": ("can I return a mug?", "returns?"),
    "When will I get my refund?": ("where is my refund", "refund still not here"),
    "How do I descale my kettle?": ("descaling the kettle", "kettle has limescale"),
    "Which grind size should I use?": ("grind size for french press?", "what grind for v60"),
    "Which payment methods do you accept?": ("can I pay with paypal", "do you take apple pay"),
    "Do you sell gift cards?": ("gift card?", "do you have gift vouchers"),
}
UNANSWERED = (
    ("Do you have decaf beans?", "Is there a decaf coffee?", "decaf options?"),
    ("Can I pick up my order in the shop?", "click and collect?", "pick up in store possible?"),
    ("Is the grinder available in black?", "black grinder?", "grinder in other colours"),
    ("Do you offer a student discount?", "student discount?", "any discount for students"),
    ("How do I clean the burr grinder?", "cleaning the grinder burrs", "clean burr grinder how"),
    ("Are your teas organic?", "is the tea organic", "organic tea?"),
)
AGENT_REPLIES = (
    "Hi, this is Sam from the shop. Let me look into that for you.",
    "Thanks for waiting! I have checked with the warehouse and it leaves today.",
    "Hello! Happy to help — could you tell me a bit more?",
    "I have refunded the difference; you will see it in 3–5 working days.",
)
HUMAN_ASKS = ("Can I talk to a person?", "I want to speak to a human", "agent please")


@dataclass(frozen=True, slots=True)
class DemoOrder:
    number: str
    email: str
    status: str
    total: str
    currency: str


@dataclass(slots=True)
class DemoMonth:
    conversations: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)


class _Writer:
    def __init__(self, month: DemoMonth, rng: random.Random, widget_id: int) -> None:
        self.month, self.rng, self.widget_id = month, rng, widget_id

    def conversation(self, n: int, start: datetime, who: tuple[str, str] | None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": f"c_demo_{n:05d}",
            "widget_id": self.widget_id,
            "channel": "widget",
            "status": "closed",
            "started_at": start,
            "updated_at": start,
            "customer_email": who[1] if who else None,
            "customer_name": who[0] if who else None,
            "language": "en",
            "rating": None,
            "handoff_reason": None,
            "last_message_at": start,
        }
        self.month.conversations.append(row)
        return row

    def say(self, conv: dict[str, Any], role: str, text: str, at: datetime, **extra: Any) -> None:
        row = {
            "id": f"m_demo_{len(self.month.messages):06d}",
            "conversation_id": conv["id"],
            "role": role,
            "text": text,
            "created_at": at,
            "confidence": None,
            "knowledge_entry_id": None,
            "cards": [],
            "suggestions": [],
            "form": None,
            "intent": None,
            "helpful": None,
            **extra,
        }
        self.month.messages.append(row)
        conv["last_message_at"] = conv["updated_at"] = at


def demo_month(
    end: datetime,
    widget_id: int,
    knowledge: Sequence[tuple[str, str, str]],
    orders: Sequence[DemoOrder],
    *,
    seed: int = SEED,
    days: int = DAYS,
) -> DemoMonth:
    """``days`` of conversations ending at ``end``; ``knowledge`` is (id, question, answer)."""
    rng = random.Random(seed)
    month = DemoMonth()
    w = _Writer(month, rng, widget_id)
    start_day = (end - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    n = 0
    for day in range(days):
        base = start_day + timedelta(days=day)
        weekend = base.weekday() >= 5
        for _ in range(rng.randint(8, 14) if weekend else rng.randint(14, 26)):
            n += 1
            at = base + timedelta(minutes=rng.randint(7 * 60, 22 * 60))
            if at > end:
                continue
            _scenario(w, n, at, knowledge, orders, end)
    return month


def _person(rng: random.Random) -> tuple[str, str]:
    first, last, email, *_ = rng.choice(CUSTOMERS)
    return f"{first} {last}", email


def _scenario(
    w: _Writer,
    n: int,
    at: datetime,
    knowledge: Sequence[tuple[str, str, str]],
    orders: Sequence[DemoOrder],
    end: datetime,
) -> None:
    roll = w.rng.random()
    if roll < 0.38 and knowledge:
        _faq(w, n, at, knowledge)
    elif roll < 0.60 and orders:
        _order(w, n, at, orders)
    elif roll < 0.72:
        _handoff(w, n, at, end)
    elif roll < 0.84:
        _unanswered(w, n, at)
    elif roll < 0.92:
        _appointment(w, n, at)
    else:
        conv = w.conversation(n, at, None)
        w.say(conv, "shopper", w.rng.choice(("hi", "hello", "hey there")), at, intent="greeting")
        w.say(conv, "bot", "Hi! How can I help?", at + timedelta(seconds=1), intent="greeting")


def _faq(w: _Writer, n: int, at: datetime, knowledge: Sequence[tuple[str, str, str]]) -> None:
    entry_id, question, answer = w.rng.choice(knowledge)
    asked = w.rng.choice((question, *VARIANTS.get(question, ())))
    conv = w.conversation(n, at, _person(w.rng) if w.rng.random() < 0.3 else None)
    w.say(conv, "shopper", asked, at, intent="faq")
    helpful = w.rng.choice((True, True, True, None, None, False))
    w.say(
        conv, "bot", answer, at + timedelta(seconds=1), intent="faq", knowledge_entry_id=entry_id,
        confidence=round(w.rng.uniform(0.62, 0.97), 3), helpful=helpful,
    )  # fmt: skip
    if w.rng.random() < 0.45:
        conv["rating"] = w.rng.choice((4, 5, 5, 5, 3))


def _order(w: _Writer, n: int, at: datetime, orders: Sequence[DemoOrder]) -> None:
    order = w.rng.choice(orders)
    conv = w.conversation(n, at, None)
    w.say(conv, "shopper", f"Where is my order {order.number}?", at, intent="order_status")
    ask = "Sure! What email address did you order with?"
    w.say(conv, "bot", ask, at + timedelta(seconds=1), intent="order_status")
    later = at + timedelta(seconds=w.rng.randint(15, 60))
    if not order.email or w.rng.random() < 0.12:
        w.say(conv, "shopper", "not sure which one", later, intent="provide_email")
        w.say(conv, "bot", "That email does not match that order.", later, intent="provide_email")
        return
    conv["customer_email"] = order.email
    w.say(conv, "shopper", order.email, later, intent="provide_email")
    card = {
        "type": "order", "number": order.number, "status": order.status,
        "total": order.total, "currency": order.currency,
    }  # fmt: skip
    text = f"Order {order.number} is {order.status.replace('_', ' ')}."
    w.say(conv, "bot", text, later + timedelta(seconds=1), intent="provide_email", cards=[card])
    if w.rng.random() < 0.5:
        conv["rating"] = w.rng.choice((5, 5, 4, 4, 3))


def _handoff(w: _Writer, n: int, at: datetime, end: datetime) -> None:
    conv = w.conversation(n, at, _person(w.rng))
    w.say(conv, "shopper", w.rng.choice(HUMAN_ASKS), at, intent="human")
    note = "I am asking a person to join; they usually answer within minutes."
    w.say(conv, "bot", note, at + timedelta(seconds=1), intent="human")
    conv["handoff_reason"] = "asked"
    wait = timedelta(minutes=w.rng.choice((2, 3, 5, 8, 12, 20, 45)))
    if at + wait > end or w.rng.random() < 0.1:
        conv["status"] = "waiting"  # still waiting for someone
        return
    w.say(conv, "agent", w.rng.choice(AGENT_REPLIES), at + wait)
    w.say(conv, "shopper", "Thank you!", at + wait + timedelta(minutes=1), intent="thanks_bye")
    if w.rng.random() < 0.6:
        conv["rating"] = w.rng.choice((5, 5, 4, 4, 3, 2))


def _unanswered(w: _Writer, n: int, at: datetime) -> None:
    conv = w.conversation(n, at, None)
    asked = w.rng.choice(w.rng.choice(UNANSWERED))
    w.say(conv, "shopper", asked, at, intent="faq")
    reply = "I am not sure about that one. Leave your email and we will get back to you."
    confidence = round(w.rng.uniform(0.05, 0.42), 3)
    w.say(conv, "bot", reply, at + timedelta(seconds=1), intent="faq", confidence=confidence,
          form="lead")  # fmt: skip
    if w.rng.random() < 0.5:
        name, email = _person(w.rng)
        conv["customer_email"], conv["customer_name"] = email, name
        w.month.leads.append(
            _lead(conv, "contact", name, email, asked, at + timedelta(minutes=1), w.rng)
        )


def _appointment(w: _Writer, n: int, at: datetime) -> None:
    name, email = _person(w.rng)
    conv = w.conversation(n, at, (name, email))
    w.say(conv, "shopper", "Can I book a tasting at the shop?", at, intent="appointment")
    w.say(conv, "bot", "Of course — pick a time that suits you.", at, intent="appointment",
          form="appointment")  # fmt: skip
    lead = _lead(conv, "appointment", name, email, "Coffee tasting for two", at, w.rng)
    slot = (at + timedelta(days=w.rng.randint(1, 10))).replace(minute=0, second=0, microsecond=0)
    lead["requested_time"] = slot.replace(hour=w.rng.choice((10, 11, 14, 15, 16)))
    w.month.leads.append(lead)


def _lead(
    conv: dict[str, Any],
    kind: str,
    name: str,
    email: str,
    message: str,
    at: datetime,
    rng: random.Random,
) -> dict[str, Any]:
    statuses = ("new", "confirmed", "declined") if kind == "appointment" else (
        "new", "contacted", "won", "lost"
    )  # fmt: skip
    return {
        "id": f"l_demo_{conv['id'][7:]}",
        "kind": kind,
        "conversation_id": conv["id"],
        "name": name,
        "email": email,
        "phone": None,
        "message": message,
        "requested_time": None,
        "status": rng.choice(statuses),
        "created_at": at,
        "notes": None,
        "updated_at": None,
    }
