"""What identifies a shopper whose data is found, exported or erased, and the retention
period: the checks the workspace and the relay share (no database here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_JUNK = (" ", "-", "(", ")", ".", "/")


class PrivacyError(ValueError):
    """An email or phone that cannot identify a shopper; ``str()`` is the sentence."""


@dataclass(frozen=True, slots=True)
class Shopper:
    email: str | None = None
    phone: str | None = None

    @property
    def label(self) -> str:
        return " / ".join(v for v in (self.email, self.phone) if v)

    def as_json(self) -> dict[str, str | None]:
        return {"email": self.email, "phone": self.phone}


def shopper_from(email: str | None, phone: str | None) -> Shopper:
    """Check and normalise what identifies the shopper; one sentence when unusable."""
    email = (email or "").strip().lower() or None
    phone = (phone or "").strip() or None
    if email is None and phone is None:
        raise PrivacyError("Give the shopper's email address or phone number.")
    if email is not None and not EMAIL.match(email):
        raise PrivacyError(f"{email!r} is not an email address (like name@example.com).")
    if phone is not None:
        digits = _plain_phone(phone)
        if not re.fullmatch(r"\+?\d{6,15}", digits):
            raise PrivacyError(
                f"{phone!r} is not a phone number: use 6 to 15 digits, optionally with a leading +."
            )
        phone = digits
    return Shopper(email, phone)


def _plain_phone(value: str) -> str:
    for junk in PHONE_JUNK:
        value = value.replace(junk, "")
    return value


MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650


class RetentionError(ValueError):
    """A retention period the workspace cannot use; ``str()`` is the sentence."""


def check_retention(value: object) -> int | None:
    """Whole days from 1 to 3650, or None ("keep everything"); one sentence otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "off", "never", "forever", "none"):
            return None
        if not text.isdigit():
            raise RetentionError(
                f"{value!r} is not a number of days: give a whole number from "
                f"{MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS}, or 'off' to keep everything."
            )
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RetentionError("The retention period must be a whole number of days.")
    if not MIN_RETENTION_DAYS <= value <= MAX_RETENTION_DAYS:
        raise RetentionError(
            f"The retention period must be from {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} "
            f"days (you gave {value}); use 'off' to keep everything."
        )
    return value
