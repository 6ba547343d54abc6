"""Shoppers' emails and phone numbers: when two spellings are the same person's.

One set of rules for every connector and the workspace, so "is this the shopper's order?"
gets the same answer whichever platform or local copy is asked.
"""

from __future__ import annotations

import re

#: Digits compared at the end of two phone numbers that are both at least this long: enough
#: to cover a national number once the country code (+44 / 0044) or trunk "0" is dropped.
PHONE_TAIL = 9
#: Fewer digits than this are not a phone number worth matching (an extension, a typo).
PHONE_MIN = 6

_NOT_DIGIT = re.compile(r"\D")


def email_key(text: str | None) -> str | None:
    """The form emails are compared and indexed in: trimmed and casefolded; ``None`` if empty."""
    cleaned = (text or "").strip()
    return cleaned.casefold() or None


def same_email(a: str | None, b: str | None) -> bool:
    """Two spellings of one address (``" Ann@Example.com"`` and ``"ann@example.com"``).

    An empty or missing address never matches anything, not even another empty one.
    """
    key = email_key(a)
    return key is not None and key == email_key(b)


def phone_digits(text: str | None) -> str:
    """Just the digits: ``"+44 (20) 7946-0018"`` → ``"442079460018"``."""
    return _NOT_DIGIT.sub("", text or "")


def same_phone(a: str | None, b: str | None) -> bool:
    """Two spellings of one phone number.

    When both have at least ``PHONE_TAIL`` (9) digits, their last 9 digits must agree, so
    ``"+44 20 7946 0018"`` matches ``"020 7946 0018"`` (country code vs trunk prefix).
    Shorter numbers must have exactly the same digits, and at least ``PHONE_MIN`` (6) of them:
    a short number is never matched as the tail of a longer one.
    """
    da, db = phone_digits(a), phone_digits(b)
    if len(da) >= PHONE_TAIL and len(db) >= PHONE_TAIL:
        return da[-PHONE_TAIL:] == db[-PHONE_TAIL:]
    return len(da) >= PHONE_MIN and da == db
