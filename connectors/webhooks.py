"""Webhook subscriptions a store sends to the relay: what every platform's registration
offers (``subscriptions``, ``register``, ``remove``), and the record it lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    topic: str
    address: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Registration:
    """What ``register`` did: the subscriptions made now and those already there."""

    created: tuple[Subscription, ...]
    kept: tuple[Subscription, ...]


class WebhookRegistry(Protocol):
    topics: tuple[str, ...]

    async def subscriptions(self) -> list[Subscription]: ...

    async def register(self, address: str, secret: str | None) -> Registration: ...

    async def remove(self, address: str) -> list[Subscription]: ...


def missing(topics: Sequence[str], address: str, existing: Sequence[Subscription]) -> list[str]:
    """The topics without an active subscription to ``address``."""
    have = {s.topic for s in existing if s.address == address and s.active}
    return [t for t in topics if t not in have]
