"""Signed shopper identity from the storefront."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from core.bot.identity import SignedIdentity, check_identity, sign_identity, verify_identity

SECRET = b"widget-identity-secret"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp()) - 60


def test_the_signature_is_hmac_sha256_of_email_and_time() -> None:
    expected = hmac.new(SECRET, f"alice@example.com:{TS}".encode(), hashlib.sha256).hexdigest()
    assert sign_identity(SECRET, " Alice@Example.com ", TS) == expected


def test_a_good_signature_is_accepted() -> None:
    signature = sign_identity(SECRET, "alice@example.com", TS)
    assert verify_identity(SECRET, "Alice@example.com", TS, signature, now=NOW)
    assert verify_identity(SECRET, "alice@example.com", str(TS), signature.upper(), now=NOW)


@pytest.mark.parametrize(
    ("secret", "email", "ts", "signature"),
    [
        (b"other secret", "alice@example.com", TS, None),
        (SECRET, "bob@example.com", TS, None),
        (SECRET, "alice@example.com", TS + 1, None),
        (SECRET, "alice@example.com", TS, "00" * 32),
        (SECRET, "alice@example.com", TS, "é" * 64),
        (SECRET, "alice@example.com", TS, ""),
        (SECRET, "alice@example.com", TS, 12345),
        (SECRET, "alice@example.com", True, None),
        (SECRET, "alice@example.com", "soon", None),
        (SECRET, None, TS, None),
        (b"", "alice@example.com", TS, None),
        (None, "alice@example.com", TS, None),
    ],
)
def test_anything_else_is_refused(secret, email, ts, signature) -> None:
    good = sign_identity(SECRET, "alice@example.com", TS)
    assert not verify_identity(secret, email, ts, good if signature is None else signature, now=NOW)


def test_old_and_future_signatures_are_refused() -> None:
    old = int(NOW.timestamp()) - 86401
    future = int(NOW.timestamp()) + 301
    for ts in (old, future):
        assert not verify_identity(
            SECRET, "a@b.co", ts, sign_identity(SECRET, "a@b.co", ts), now=NOW
        )
    recent = int(NOW.timestamp()) - 3000
    signature = sign_identity(SECRET, "a@b.co", recent)
    assert not verify_identity(SECRET, "a@b.co", recent, signature, now=NOW, max_age=600)


def test_a_name_is_signed_with_the_email() -> None:
    text = f"alice@example.com:Alice Martin:{TS}".encode()
    expected = hmac.new(SECRET, text, hashlib.sha256).hexdigest()
    assert sign_identity(SECRET, "Alice@Example.com", TS, name=" Alice Martin ") == expected
    signed = check_identity(SECRET, "alice@example.com", TS, expected, name="Alice Martin", now=NOW)
    assert signed == SignedIdentity("alice@example.com", "Alice Martin")


def test_an_email_only_signature_vouches_for_the_email_not_the_name() -> None:
    email_only = sign_identity(SECRET, "alice@example.com", TS)
    signed = check_identity(SECRET, "alice@example.com", TS, email_only, name="Mallory", now=NOW)
    assert signed == SignedIdentity("alice@example.com", None)
    named = sign_identity(SECRET, "alice@example.com", TS, name="Alice")
    assert check_identity(SECRET, "alice@example.com", TS, named, name="Mallory", now=NOW) is None
    assert check_identity(SECRET, "alice@example.com", TS, named, name=None, now=NOW) is None


def test_a_widget_may_accept_signatures_for_less_than_a_day() -> None:
    old = int(NOW.timestamp()) - 900
    signature = sign_identity(SECRET, "a@b.co", old, name="Ann")
    assert check_identity(SECRET, "a@b.co", old, signature, name="Ann", now=NOW, max_age=1800)
    assert not check_identity(SECRET, "a@b.co", old, signature, name="Ann", now=NOW, max_age=600)
    # never more than a day, whatever is asked
    day_old = int(NOW.timestamp()) - 86400 - 5
    late = sign_identity(SECRET, "a@b.co", day_old)
    assert not verify_identity(SECRET, "a@b.co", day_old, late, now=NOW, max_age=10**9)
