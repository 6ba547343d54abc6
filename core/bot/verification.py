"""Shopper verification: who may see an order, and the lock after too many wrong guesses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from core.bot.extract import postcode_key
from core.bot.state import BotState, remember
from core.contacts import email_key, same_email, same_phone
from core.orders import number_key, pick_order
from core.records import Order

#: Wrong guesses allowed in a conversation; the next lookup waits ``LOCK_TIME``.
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)

Proof = Literal["email", "postcode", "known"]


def is_locked(state: BotState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def expire_lock(state: BotState, now: datetime) -> BotState:
    """Once the lock time has passed, the conversation gets a fresh set of attempts."""
    if state.locked_until is not None and now >= state.locked_until:
        return state.update(locked_until=None, failures=0)
    return state


def record_failure(state: BotState, now: datetime) -> BotState:
    """One more wrong guess; the ``MAX_FAILURES``-th locks lookups for ``LOCK_TIME``."""
    failures = state.failures + 1
    locked = now + LOCK_TIME if failures >= MAX_FAILURES else state.locked_until
    return state.update(failures=failures, locked_until=locked)


def the_order(found: Order | None, number: str) -> Order | None:
    """The store's answer, only if it really is the order the shopper named."""
    return None if found is None else pick_order([found], number, lambda o: o.number)


def proof(
    order: Order | None,
    state: BotState,
    *,
    email: str | None,
    postcode: str | None,
) -> Proof | None:
    """How the shopper proved the order is theirs, or ``None`` (also for a missing order)."""
    if order is None:
        return None
    if email and same_email(order.customer.email, email):
        return "email"
    if postcode and order.billing_postcode and postcode_key(order.billing_postcode) == postcode:
        return "postcode"
    known = state.known_emails()
    if any(same_email(order.customer.email, e) for e in known):
        return "known"
    if number_key(order.number) in state.verified_orders:
        return "known"
    if state.identity_phone and same_phone(order.customer.phone, state.identity_phone):
        return "known"
    if state.identity_customer and order.customer.id == state.identity_customer:
        return "known"
    return None


def verified(state: BotState, order: Order, how: Proof, email: str | None) -> BotState:
    """The state once ``order`` is proven: the order (and an email proof) remembered."""
    emails = state.verified_emails
    key = email_key(email)
    if how == "email" and key:
        emails = remember(emails, key)
    return state.update(
        verified_emails=emails,
        verified_orders=remember(state.verified_orders, number_key(order.number)),
        pending=None,
        pending_order=None,
        pending_email=None,
    )
