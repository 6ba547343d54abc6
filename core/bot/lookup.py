"""What the bot may ask the store: the ``Lookup`` protocol the relay implements."""

from __future__ import annotations

from typing import Protocol

from core.records import Customer, Order, Product


class StoreUnavailable(Exception):
    """The store is slow (over its time budget) or down; the bot answers politely."""


class Lookup(Protocol):
    """Order, customer and product lookups; async; raise ``StoreUnavailable`` on trouble."""

    async def get_order(self, number: str) -> Order | None: ...

    async def find_orders(self, *, email: str, limit: int = 5) -> list[Order]: ...

    async def get_customer(self, *, email: str) -> Customer | None: ...

    async def search_products(self, text: str, *, limit: int = 5) -> list[Product]: ...


class CountedLookup:
    """Wraps a lookup for one turn: counts calls, and turns any failure into
    ``StoreUnavailable`` so a broken connector never breaks the conversation."""

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        self.calls = 0

    async def get_order(self, number: str) -> Order | None:
        self.calls += 1
        try:
            return await self._lookup.get_order(number)
        except Exception as error:  # the relay's adapter should already say StoreUnavailable
            raise StoreUnavailable(str(error)) from error

    async def find_orders(self, *, email: str, limit: int = 5) -> list[Order]:
        self.calls += 1
        try:
            return list(await self._lookup.find_orders(email=email, limit=limit))
        except Exception as error:
            raise StoreUnavailable(str(error)) from error

    async def search_products(self, text: str, *, limit: int = 5) -> list[Product]:
        self.calls += 1
        try:
            return list(await self._lookup.search_products(text, limit=limit))
        except Exception as error:
            raise StoreUnavailable(str(error)) from error

    async def get_customer(self, *, email: str) -> Customer | None:
        self.calls += 1
        try:
            return await self._lookup.get_customer(email=email)
        except Exception as error:
            raise StoreUnavailable(str(error)) from error
