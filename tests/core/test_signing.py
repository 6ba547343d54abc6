from __future__ import annotations

import pytest

from core import signing
from core.ids import new_id, new_token


def _signed(body: bytes = b'{"a":1}', path: str = "/v1/console/status?x=1") -> tuple:
    key = signing.new_private_key()
    headers = signing.sign_headers(key, "put", path, body, timestamp=1_000_000)
    return key, headers


def test_good_signature_verifies() -> None:
    key, headers = _signed()
    request = signing.read_headers(headers)
    assert request.key_fingerprint == signing.fingerprint(signing.public_key_of(key))
    signing.verify(
        signing.public_key_of(key),
        request,
        "PUT",
        "/v1/console/status?x=1",
        b'{"a":1}',
        now=1_000_100,
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "now", "words"),
    [
        ("POST", "/v1/console/status?x=1", b'{"a":1}', 1_000_000, "signature"),
        ("PUT", "/v1/console/status?x=2", b'{"a":1}', 1_000_000, "signature"),
        ("PUT", "/v1/console/status?x=1", b'{"a":2}', 1_000_000, "signature"),
        ("PUT", "/v1/console/status?x=1", b'{"a":1}', 1_000_301, "clock"),
        ("PUT", "/v1/console/status?x=1", b'{"a":1}', 999_699, "clock"),
    ],
)
def test_tampered_or_stale_requests_are_refused(
    method: str, path: str, body: bytes, now: int, words: str
) -> None:
    key, headers = _signed()
    with pytest.raises(signing.SignatureError, match=words):
        signing.verify(
            signing.public_key_of(key), signing.read_headers(headers), method, path, body, now=now
        )


def test_another_key_is_refused() -> None:
    _, headers = _signed()
    other = signing.public_key_of(signing.new_private_key())
    with pytest.raises(signing.SignatureError):
        signing.verify(
            other,
            signing.read_headers(headers),
            "PUT",
            "/v1/console/status?x=1",
            b'{"a":1}',
            now=1_000_000,
        )


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {signing.HEADER_TIMESTAMP: "soon"},
        {signing.HEADER_NONCE: "x"},
        {signing.HEADER_NONCE: "../../etc/passwd////"},
        {signing.HEADER_SIGNATURE: "not base64!"},
    ],
)
def test_malformed_headers_are_a_signature_error(broken: dict[str, str]) -> None:
    _, headers = _signed()
    headers = headers | broken if broken else {}
    with pytest.raises(signing.SignatureError):
        signing.read_headers(headers)


def test_ids_sort_in_creation_order_and_tokens_are_long() -> None:
    ids = [new_id("m") for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == 2000
    assert all(i.startswith("m_") and len(i) == 34 for i in ids)
    assert len(new_token()) >= 43
