"""What shoppers send, checked field by field before anything is stored.

Each ``parse_*`` takes the decoded JSON object and returns a frozen record, or raises
``InvalidInput`` whose ``fields`` map each wrong field to one sentence for the shopper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from core.contacts import phone_digits
from core.links import shopper_link
from core.pages import clean_page_url
from core.serialize import parse_datetime
from relay.responses import ApiError

TEXT_LIMIT = 2000
NAME_LIMIT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_CHARS = re.compile(r"^[0-9+()\-.\s/]+$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InvalidInput(ApiError):
    """One or more fields cannot be used (422); ``fields`` says why, field by field."""

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        first = next(iter(fields.values()), "The request is not valid.")
        super().__init__(422, "invalid", message or first, fields=fields)


@dataclass(frozen=True, slots=True)
class Identity:
    email: str
    ts: int
    signature: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class StartRequest:
    language: str | None = None
    identity: Identity | None = None
    page_url: str | None = None


@dataclass(frozen=True, slots=True)
class LeadRequest:
    kind: Literal["contact", "appointment"]
    name: str
    email: str | None
    phone: str | None
    message: str | None
    requested_time: datetime | None
    honeypot: object = None
    """What the form's hidden field held (``HONEYPOT_FIELD``): people leave it empty."""


@dataclass(frozen=True, slots=True)
class FeedbackRequest:
    message_id: str | None = None
    helpful: bool | None = None
    rating: int | None = None


def check_text(value: Any, *, field: str = "text", limit: int = TEXT_LIMIT) -> str:
    """Message text: 1..limit characters once trimmed, no control characters but \\n and \\t."""
    if not isinstance(value, str):
        raise InvalidInput({field: "The message must be text."})
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput({field: "Write a message first."})
    if len(text) > limit:
        raise InvalidInput({field: f"Keep the message to {limit} characters or fewer."})
    if _CONTROL.search(text):
        raise InvalidInput({field: "The message contains characters that cannot be shown."})
    return text


def check_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidInput({field: "This is not a message id."})
    return value


def _optional_text(
    data: dict[str, Any], name: str, limit: int, errors: dict[str, str]
) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[name] = "This must be text."
        return None
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        errors[name] = f"Keep this to {limit} characters or fewer."
    elif _CONTROL.search(value):
        errors[name] = "This contains characters that cannot be shown."
    return value or None


def parse_start(data: dict[str, Any] | None) -> StartRequest:
    if not data:
        return StartRequest()
    errors: dict[str, str] = {}
    language = _optional_text(data, "language", 35, errors)
    page_url = _optional_text(data, "page_url", TEXT_LIMIT, errors)
    identity = None
    customer = data.get("customer")
    if customer is not None and not isinstance(customer, dict):
        errors["customer"] = "The customer must be an object with email, ts and signature."
    elif customer:
        identity = _identity(customer, errors)
    if errors:
        raise InvalidInput(errors)
    # kept without its query string or fragment; an address that is not http(s) is dropped
    return StartRequest(language=language, identity=identity, page_url=clean_page_url(page_url))


def _identity(customer: dict[str, Any], errors: dict[str, str]) -> Identity | None:
    email, signature, ts = customer.get("email"), customer.get("signature"), customer.get("ts")
    name = _optional_text(customer, "name", NAME_LIMIT, errors)
    if email is None and signature is None and ts is None:
        return None
    if isinstance(ts, str) and ts.strip().isdigit():
        ts = int(ts.strip())
    if not isinstance(email, str) or not isinstance(signature, str) or len(email) > 254:
        errors["customer"] = "The customer needs an email and a signature, both text."
    elif isinstance(ts, bool) or not isinstance(ts, int):
        errors["customer"] = "The customer's ts must be a Unix time in seconds."
    else:
        return Identity(email=email.strip(), ts=ts, signature=signature.strip()[:256], name=name)
    return None


HONEYPOT_FIELD = "website"
"""The lead form's field hidden from people (the widget renders it; robots fill it in)."""


def parse_lead(data: dict[str, Any], *, now: datetime) -> LeadRequest:
    errors: dict[str, str] = {}
    kind = data.get("kind", "contact")
    if kind not in ("contact", "appointment"):
        errors["kind"] = "Choose contact or appointment."
        kind = "contact"
    name = _optional_text(data, "name", NAME_LIMIT, errors)
    if not name and "name" not in errors:
        errors["name"] = "Enter your name."
    email = _optional_text(data, "email", 254, errors)
    if email and "email" not in errors and not _EMAIL.match(email):
        errors["email"] = "Enter a valid email address."
    phone = _optional_text(data, "phone", 40, errors)
    if phone and "phone" not in errors:
        digits = len(phone_digits(phone))
        if not _PHONE_CHARS.match(phone) or not 6 <= digits <= 20:
            errors["phone"] = "Enter a phone number of 6 to 20 digits."
    if not email and not phone and not ({"email", "phone"} & errors.keys()):
        errors["email"] = "Enter an email address or a phone number so we can reach you."
    message = _optional_text(data, "message", TEXT_LIMIT, errors)
    requested = _requested_time(data.get("requested_time"), kind, now, errors)
    if errors:
        raise InvalidInput(errors, "Some details need another look.")
    honeypot = data.get(HONEYPOT_FIELD)
    return LeadRequest(kind, name or "", email, phone, message, requested, honeypot)


def _requested_time(
    value: Any, kind: str, now: datetime, errors: dict[str, str]
) -> datetime | None:
    if value is None or value == "":
        if kind == "appointment":
            errors["requested_time"] = "Choose a date and time for the appointment."
        return None
    moment = parse_datetime(value) if isinstance(value, str) and len(value) <= 64 else None
    if moment is None:
        errors["requested_time"] = "Write the date and time like 2026-03-14T10:30:00Z."
    elif moment <= now:
        errors["requested_time"] = "Choose a date and time in the future."
    return moment


def parse_feedback(data: dict[str, Any]) -> FeedbackRequest:
    rating, helpful = data.get("rating"), data.get("helpful")
    if rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInput({"rating": "Give a rating from 1 to 5."})
        return FeedbackRequest(rating=rating)
    message_id = check_id(data.get("message_id"), "message_id")
    if not isinstance(helpful, bool):
        raise InvalidInput({"helpful": "Say whether the answer helped: true or false."})
    return FeedbackRequest(message_id=message_id, helpful=helpful)


def parse_after(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return check_id(value, "after")


CARD_LIMIT = 3
_CARD_BYTES = 16_000
_ORDER_CARD_FIELDS = ("number", "status", "total", "currency")


def parse_cards(value: Any) -> list[dict[str, Any]]:
    """An agent reply's cards: up to three order cards, each with the fields the widget
    shows (``number``, ``status``, ``total``, ``currency``, ``items``, ``tracking``)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > CARD_LIMIT:
        raise InvalidInput({"cards": f"cards must be a list of at most {CARD_LIMIT} cards."})
    cards = []
    for card in value:
        if not isinstance(card, dict) or card.get("type") != "order":
            raise InvalidInput({"cards": "Only order cards can be sent."})
        if not all(isinstance(card.get(name), str) for name in _ORDER_CARD_FIELDS):
            raise InvalidInput({"cards": "An order card needs number, status, total, currency."})
        if not isinstance(card.get("items", []), list) or not isinstance(
            card.get("tracking", []), list
        ):
            raise InvalidInput({"cards": "An order card's items and tracking must be lists."})
        cards.append(_safe_links({"items": [], "tracking": [], **card}))
    if len(orjson.dumps(cards)) > _CARD_BYTES:
        raise InvalidInput({"cards": "The cards are too large to send."})
    return cards


def _safe_links(card: dict[str, Any]) -> dict[str, Any]:
    """The card with every address a shopper could not safely follow taken out (a console
    is trusted with the card, not with what a store put in its tracking links)."""
    tracking = [
        {**t, "url": shopper_link(t.get("url"))} if isinstance(t, dict) and "url" in t else t
        for t in card["tracking"]
    ]
    safe = {**card, "tracking": tracking}
    if "status_url" in card:
        safe["status_url"] = shopper_link(card["status_url"])
    return safe
