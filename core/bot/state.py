"""What the bot remembers about one conversation, kept by the relay as JSON between turns."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Literal

from core.bot.language import normalize_language
from core.contacts import email_key
from core.serialize import parse_datetime, utc_iso

Pending = Literal["order", "orders"]
_HANDOFFS = ("asked", "low_confidence", "store_unavailable")
_MAX_REMEMBERED = 10
_MAX_TEXT = 320
VERSION = 1


@dataclass(frozen=True, slots=True)
class BotState:
    """The conversation's memory.

    ``identity_email`` is only ever set by the relay from a valid signed identity;
    ``identity_phone`` from a channel that vouches for the number (WhatsApp) or an API key
    allowed to identify customers, as is ``identity_customer`` (the store's customer id).
    ``verified_emails`` are emails the shopper proved by naming one of their orders with it;
    ``verified_orders`` are order numbers (``number_key``) the shopper unlocked (by email or
    billing postcode). ``pending`` is what the bot is waiting for ("order": the email or
    postcode for ``pending_order``; "orders": a number and email to list recent orders).
    """

    language: str | None = None
    identity_email: str | None = None
    identity_name: str | None = None
    verified_emails: tuple[str, ...] = ()
    verified_orders: tuple[str, ...] = ()
    pending: Pending | None = None
    pending_order: str | None = None
    pending_email: str | None = None
    failures: int = 0
    locked_until: datetime | None = None
    handoff: str | None = None
    identity_phone: str | None = None
    identity_customer: str | None = None
    agent_tokens: int = 0
    """Tokens the language-model agent spent in this conversation (its budget's count)."""
    human_at: datetime | None = None
    """When a person from the shop last joined or wrote here (None: not since it was
    closed); while that is recent, the bot leaves the shopper's messages to them."""
    restored_at: datetime | None = None
    """When the merchant last said "Not spam" here: the messages before it no longer count
    towards the widget's message rate (so the next one is not taken for spam at once)."""

    @classmethod
    def new(
        cls,
        language: str | None = None,
        identity_email: str | None = None,
        identity_name: str | None = None,
        *,
        identity_phone: str | None = None,
        identity_customer: str | None = None,
    ) -> BotState:
        return cls(
            language=normalize_language(language),
            identity_email=email_key(identity_email),
            identity_name=(identity_name or "").strip()[:_MAX_TEXT] or None,
            identity_phone=(identity_phone or "").strip()[:_MAX_TEXT] or None,
            identity_customer=(identity_customer or "").strip()[:_MAX_TEXT] or None,
        )

    def vouched(self) -> bool:
        """Whether the relay vouches for who the shopper is (email, phone or customer id)."""
        return bool(self.identity_email or self.identity_phone or self.identity_customer)

    def update(self, **changes: Any) -> BotState:
        return replace(self, **changes)

    def known_emails(self) -> tuple[str, ...]:
        """Emails this shopper is known to own: the signed identity, then verified ones."""
        first = (self.identity_email,) if self.identity_email else ()
        return tuple(dict.fromkeys(first + self.verified_emails))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"v": VERSION}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, datetime):
                value = utc_iso(value)
            data[field.name] = value
        return data

    @classmethod
    def from_json(cls, data: object) -> BotState:
        """The state saved by ``to_json``; anything unreadable gives a new state."""
        try:
            return _read(data)
        except (TypeError, ValueError, KeyError):
            return cls.new()


def remember(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    """``values`` with ``value`` added last (once), keeping the most recent few."""
    kept = (*(v for v in values if v != value), value)
    return kept[-_MAX_REMEMBERED:]


def _read(data: object) -> BotState:
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise ValueError("not a bot state")
    locked = data.get("locked_until")
    locked_until = parse_datetime(_text(locked)) if locked is not None else None
    if locked is not None and locked_until is None:
        raise ValueError("locked_until")
    failures = data.get("failures", 0)
    if not isinstance(failures, int) or isinstance(failures, bool) or not 0 <= failures < 1000:
        raise ValueError("failures")
    return BotState(
        language=normalize_language(data.get("language")),
        identity_email=_text(data.get("identity_email")),
        identity_name=_text(data.get("identity_name")),
        verified_emails=_texts(data.get("verified_emails")),
        verified_orders=_texts(data.get("verified_orders")),
        pending=_pending(data.get("pending")),
        pending_order=_text(data.get("pending_order")),
        pending_email=_text(data.get("pending_email")),
        failures=failures,
        locked_until=locked_until,
        handoff=_choice(data.get("handoff"), _HANDOFFS),
        identity_phone=_text(data.get("identity_phone")),
        identity_customer=_text(data.get("identity_customer")),
        agent_tokens=_count(data.get("agent_tokens", 0)),
        human_at=_moment(data.get("human_at")),
        restored_at=_moment(data.get("restored_at")),
    )


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(_text(value))
    if moment is None:
        raise ValueError("moment")
    return moment


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**9:
        raise ValueError("count")
    return value


def _text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise ValueError("text")
    return value or None


def _texts(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > _MAX_REMEMBERED:
        raise ValueError("list")
    return tuple(t for t in (_text(v) for v in value) if t)


def _pending(value: object) -> Pending | None:
    if value == "order":
        return "order"
    if value == "orders":
        return "orders"
    if value is not None:
        raise ValueError("pending")
    return None


def _choice(value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise ValueError("choice")
    return str(value)
