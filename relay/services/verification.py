"""Limits on shopper verification, shared by every relay on the database.

Wrong guesses are limited per address (``ip_verification_failures`` per 15 minutes, across
conversations: one address cannot enumerate orders by opening chat after chat) and per
conversation (``core.bot.verification.MAX_FAILURES`` per ``LOCK_TIME``; the bot also keeps
that count in the conversation's state, which another relay could overwrite).

Looking an order up by its number is the attempt (unless this conversation already proved
that order; listing the orders of a proven email is never one). Before a turn's first such
lookup reaches the store, one attempt is *reserved* against both limits in the relay
database; a turn that did not end in a failed verification (the shopper proved the order)
gets it refunded. So a burst of guesses sent at once, to one relay or several, reaches the
store at most the limit's number of times, and a right guess made while the address is
at its limit is refused like any other.

A turn that failed verification is answered no sooner than the store's answer-time floor after
its first checked lookup began (``GatedLookup.hold``, ``relay.services.lookup_times``), so the
time taken does not tell an order that exists from one that does not. Only failures wait; the
wait is a sleep on the event loop, with no database connection held.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from core.bot.verification import LOCK_TIME, MAX_FAILURES
from core.orders import number_key
from relay.storage.attempts import AttemptLimit, Reservation

if TYPE_CHECKING:
    from core.bot import Lookup
    from core.records import Customer, Order, Product
    from relay.storage import RelayStore

ADDRESS_WINDOW = timedelta(minutes=15)


class LookupRefused(Exception):
    """The address or conversation is at its limit: this turn may not look orders up."""


@dataclass(frozen=True, slots=True)
class VerificationLimits:
    store: RelayStore
    per_address: int = 10
    address_window: timedelta = ADDRESS_WINDOW
    per_conversation: int = MAX_FAILURES
    conversation_window: timedelta = LOCK_TIME

    def gate(self, address: str, conversation_id: str) -> TurnGate:
        limits = (
            AttemptLimit("verify-address", address, self.per_address, self.address_window),
            AttemptLimit(
                "verify-conversation",
                conversation_id,
                self.per_conversation,
                self.conversation_window,
            ),
        )
        return TurnGate(self.store, limits)


class TurnGate:
    """One turn's attempt: reserved at the turn's first order lookup, settled after it."""

    def __init__(self, store: RelayStore, limits: tuple[AttemptLimit, ...]) -> None:
        self._store = store
        self._limits = limits
        self._lock = asyncio.Lock()
        self._reservation: Reservation | None = None

    @property
    def refused(self) -> bool:
        return self._reservation is not None and not self._reservation.granted

    async def reserve(self) -> None:
        """Count this turn's attempt (once); raise ``LookupRefused`` at the limit."""
        async with self._lock:
            if self._reservation is None:
                self._reservation = await self._store.reserve_attempt(*self._limits)
        if not self._reservation.granted:
            raise LookupRefused

    async def settle(self, *, failed: bool) -> None:
        """Keep the attempt when the turn failed verification, else refund it (once)."""
        reservation = self._reservation
        if reservation is not None and reservation.ids and not failed:
            self._reservation = Reservation(granted=True)  # refunded: nothing left to give back
            await self._store.refund_attempt(reservation)


class GatedLookup:
    """The bot's ``Lookup`` for one turn: a lookup by order number waits for the turn's
    reservation, unless the conversation already proved that order (``verified``: number
    keys). ``find_orders`` is not gated: the bot lists orders only for a proven email.
    ``floor``: the store's answer-time floor for a failed verification, in seconds."""

    def __init__(
        self,
        lookup: Lookup,
        gate: TurnGate,
        verified: Iterable[str] = (),
        *,
        floor: Callable[[], float] = lambda: 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._lookup = lookup
        self._gate = gate
        self._verified = frozenset(verified)
        self._floor = floor
        self._clock = clock
        self._sleep = sleep
        self._began: float | None = None  # the turn's first checked lookup

    async def get_order(self, number: str) -> Order | None:
        if number_key(number) not in self._verified:
            await self._gate.reserve()
            if self._began is None:
                self._began = self._clock()
        return await self._lookup.get_order(number)

    async def hold(self) -> None:
        """After a failed verification: wait until the floor has passed since the turn's first
        checked lookup began, whether the store found that order or not (no such lookup: no
        wait)."""
        if self._began is None:
            return
        left = self._began + self._floor() - self._clock()
        if left > 0:
            await self._sleep(left)

    async def find_orders(self, *, email: str, limit: int = 5) -> list[Order]:
        return await self._lookup.find_orders(email=email, limit=limit)

    async def get_customer(self, *, email: str) -> Customer | None:
        return await self._lookup.get_customer(email=email)

    async def search_products(self, text: str, *, limit: int = 5) -> list[Product]:
        return await self._lookup.search_products(text, limit=limit)
