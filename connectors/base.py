"""The connector protocol every platform implements, and the values it speaks in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

import httpx

from connectors.retry import RetryPolicy
from core.records import Customer, Order, Product

StreamKind = Literal["customers", "orders", "products"]
STREAM_KINDS: tuple[StreamKind, ...] = ("customers", "orders", "products")

R = TypeVar("R", Customer, Order, Product)
Item = TypeVar("Item")
Out = TypeVar("Out")


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What ``test()`` learnt about the store."""

    name: str
    platform: str
    currency: str | None = None
    version: str | None = None
    url: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordError:
    """One record the platform sent that could not be read; the sync logs and skips it."""

    external_id: str | None
    message: str


def read_each(
    items: Iterable[Item],
    read: Callable[[Item], Out],
    *,
    unreadable: type[Exception] | tuple[type[Exception], ...],
    external_id: Callable[[Item], str | None],
    message: Callable[[Exception], str] = str,
    on_skip: Callable[[str | None, Exception], None] | None = None,
) -> tuple[list[Out], list[RecordError]]:
    """Read every record; one that cannot be read becomes a ``RecordError`` (and ``on_skip``
    hears of it), so one bad record never fails its page."""
    records: list[Out] = []
    errors: list[RecordError] = []
    for item in items:
        try:
            records.append(read(item))
        except unreadable as exc:
            external = external_id(item)
            if on_skip is not None:
                on_skip(external, exc)
            errors.append(RecordError(external, message(exc)))
    return records, errors


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of a change stream. ``total`` is the stream's total when the platform says.

    ``ordered``: the stream sends records oldest change first (keyset on the change time,
    ties re-read), so the cursor may move after each page. A stream that walks in another
    order (by id, or in an order its API does not promise) says ``False``: its cursor only
    moves once the whole stream has been read.
    """

    records: tuple[R, ...]
    total: int | None = None
    errors: tuple[RecordError, ...] = ()
    ordered: bool = True


@dataclass(frozen=True, slots=True)
class ConnectorContext:
    """What a connector gets injected: the shared HTTP client, clock, sleep and retry policy."""

    http: httpx.AsyncClient | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Told the store's new secrets when the connector rotated them (a refreshed token),
    #: so the caller can save them; ``None``: kept in memory only.
    secrets_changed: Callable[[dict[str, str]], Awaitable[None] | None] | None = None


@runtime_checkable
class Connector(Protocol):
    platform: str

    async def test(self) -> StoreInfo: ...

    async def get_order(self, number: str) -> Order | None:
        """The order with this customer-facing number (any usual spelling), or ``None``."""
        ...

    async def find_orders(
        self,
        *,
        email: str | None = None,
        phone: str | None = None,
        customer_id: str | None = None,
        limit: int = 20,
    ) -> list[Order]:
        """Most recent first."""
        ...

    async def get_customer(
        self, *, email: str | None = None, phone: str | None = None, id: str | None = None
    ) -> Customer | None: ...

    async def search_products(self, text: str, *, limit: int = 10) -> list[Product]: ...

    def changed_customers(self, since: datetime | None) -> AsyncIterator[Page[Customer]]: ...

    def changed_orders(self, since: datetime | None) -> AsyncIterator[Page[Order]]: ...

    def changed_products(self, since: datetime | None) -> AsyncIterator[Page[Product]]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Counts(Protocol):
    """A connector that can tell how many records the store holds: after reading a whole
    stream, the sync compares what it stored with the store's own total."""

    async def count(self, stream: StreamKind) -> int | None:
        """The store's total for ``stream`` (what a full sync should store), or ``None``."""
        ...


ConnectorFactory = Callable[[Mapping[str, Any], Mapping[str, str], ConnectorContext], Connector]
"""``factory(settings, secrets, context)``: settings are plain, secrets come from the vault."""
