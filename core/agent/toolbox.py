"""Running the agent's tool calls, with the bot's own verification rules.

The safety of the agent lives here, not in its prompt: order and customer data go to the
model only for what the shopper has proven (``core.bot.verification``: a signed identity,
an email proven with an order, an order unlocked earlier). For anyone else the answer is
``verification_needed`` and the turn stops, so the bot's verification flow asks the shopper.
A number that is not theirs gets the same words whether the order exists or not, and counts
as a wrong guess (toward the conversation's lock and the relay's per-address limit, which
the relay's lookup enforces).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from core.bot.cards import order_card, product_card
from core.bot.knowledge import KnowledgeIndex
from core.bot.lookup import CountedLookup, StoreUnavailable
from core.bot.reply import Form
from core.bot.state import BotState
from core.bot.verification import is_locked, proof, record_failure, the_order, verified
from core.contacts import phone_digits
from core.orders import clean_order_number, number_key
from core.records import Order, Product

Stop = Literal["verify", "handoff", "unavailable"]
_LISTED = 5
_PRODUCTS = 5
_CARDS = 3


@dataclass(frozen=True, slots=True)
class LeadDraft:
    """A lead the shopper's own words vouch for (their email or phone is in the chat)."""

    message: str
    name: str | None
    email: str | None
    phone: str | None


@dataclass(slots=True)
class Toolbox:
    """One turn's tools. ``shopper_text`` is everything the shopper wrote in this chat (the
    only source a lead's contact details are accepted from)."""

    state: BotState
    lookup: CountedLookup | None
    index: KnowledgeIndex
    now: datetime
    shopper_text: str
    lead_form: bool
    cards: list[dict[str, Any]] = field(default_factory=list)
    stop: Stop | None = None
    verify_number: str | None = None
    verification_failed: bool = False
    lead: LeadDraft | None = None
    form: Form | None = None

    async def run(self, name: str, args: dict[str, str]) -> str:
        """The result for the model (JSON text); sets ``stop`` when the turn must end."""
        try:
            result = await self._run(name, args)
        except StoreUnavailable:
            self.stop = "unavailable"
            result = {"error": "The shop's systems do not answer right now."}
        return json.dumps(result, ensure_ascii=False, separators=(",", ":"))

    async def _run(self, name: str, args: dict[str, str]) -> dict[str, Any]:
        if name == "order_lookup":
            return await self._order(args.get("number"))
        if name == "customer_profile":
            return await self._customer()
        if name == "product_search":
            return await self._products(args["query"])
        if name == "knowledge_search":
            return self._knowledge(args["query"])
        if name == "create_lead":
            return self._lead(args)
        self.stop = "handoff"
        return {"status": "handed_over"}

    def _needs_proof(self, number: str | None) -> dict[str, Any]:
        self.stop = "verify"
        self.verify_number = number
        return {"status": "verification_needed"}

    async def _order(self, given: str | None) -> dict[str, Any]:
        number = clean_order_number(given or "") or None
        state = self.state
        if self.lookup is None:
            return {"error": "No store is connected to this chat."}
        if is_locked(state, self.now):
            return self._needs_proof(number)
        if number is None:
            emails = state.known_emails()
            if not emails:
                return self._needs_proof(None)
            orders = (await self.lookup.find_orders(email=emails[0], limit=_LISTED))[:_LISTED]
            self.cards.extend(order_card(o) for o in orders[:_CARDS])
            return {"orders": [_order_json(o) for o in orders]}
        known = (
            state.vouched() or state.known_emails() or number_key(number) in state.verified_orders
        )
        if not known:
            return self._needs_proof(number)
        order = the_order(await self.lookup.get_order(number), number)
        how = proof(order, state, email=None, postcode=None)
        if order is None or how is None:
            self.state = record_failure(state, self.now)
            self.verification_failed = True
            if is_locked(self.state, self.now):
                return self._needs_proof(number)
            return {"found": False, "note": "No order with this number belongs to this shopper."}
        self.state = verified(state, order, how, None)
        self.cards.append(order_card(order))
        return {"order": _order_json(order)}

    async def _customer(self) -> dict[str, Any]:
        emails = self.state.known_emails()
        if not emails:
            return self._needs_proof(None)
        if self.lookup is None:
            return {"error": "No store is connected to this chat."}
        customer = await self.lookup.get_customer(email=emails[0])
        if customer is None:
            return {"found": False}
        return {
            "customer": {
                "name": customer.name,
                "email": customer.email,
                "orders": customer.total_orders,
                "since": customer.created_at.date().isoformat() if customer.created_at else None,
            }
        }

    async def _products(self, query: str) -> dict[str, Any]:
        if self.lookup is None:
            return {"products": [], "note": "No catalogue is connected to this chat."}
        found = (await self.lookup.search_products(query[:100], limit=_PRODUCTS))[:_PRODUCTS]
        self.cards.extend(product_card(p) for p in found[:_CARDS])
        return {"products": [_product_json(p) for p in found]}

    def _knowledge(self, query: str) -> dict[str, Any]:
        matches = self.index.search(query, limit=3)
        return {
            "answers": [
                {
                    "question": m.entry.question,
                    "answer": m.entry.answer,
                    "confidence": round(m.confidence, 2),
                }
                for m in matches
            ]
        }

    def _lead(self, args: dict[str, str]) -> dict[str, Any]:
        email, phone = args.get("email"), args.get("phone")
        said = self.shopper_text.casefold()
        email_ok = bool(email) and email.casefold() in said  # type: ignore[union-attr]
        digits = phone_digits(phone or "")
        phone_ok = len(digits) >= 6 and digits in phone_digits(self.shopper_text)
        if email_ok or phone_ok:
            self.lead = LeadDraft(
                args["message"],
                args.get("name"),
                email if email_ok else None,
                phone if phone_ok else None,
            )
            return {"status": "recorded"}
        if not self.lead_form:
            return {"status": "unavailable", "note": "Ask the shopper to write here instead."}
        self.form = "lead"
        return {"status": "form_shown", "note": "The shopper now sees a contact form."}


def _order_json(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status_label,
        "placed": order.created_at.date().isoformat(),
        "total": f"{order.total:f} {order.currency}",
        "items": [{"name": i.name, "quantity": i.quantity} for i in order.items],
        "tracking": [
            {"carrier": t.carrier, "number": t.number, "url": t.url} for t in order.tracking
        ],
    }


def _product_json(product: Product) -> dict[str, Any]:
    return {
        "title": product.title,
        "price": None if product.price is None else f"{product.price:f}",
        "currency": product.currency,
        "in_stock": product.in_stock,
        "inventory": product.inventory,
        "url": product.url,
    }
