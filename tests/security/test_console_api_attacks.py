"""Attacks on the signed console API: a replayed request, a stale one, one altered in body,
path, query or method, signed by the wrong key or by a console never paired, pairing codes
guessed (one by one from forged addresses, or all at once) — all refused. Then a fuzzer
mutates headers, body, path and signature bytes of good requests: every mutation is a 4xx,
never accepted and never a 5xx."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from core import signing
from relay.app import create_app
from tests.relay.conftest import SettingsFactory
from tests.relay.console_helpers import Console, new_code, paired_console

STATUS, ACK = "/v1/console/status", "/v1/console/events/ack"
ACK_BODY = orjson.dumps({"cursor": 0})


def _exact(client: TestClient, path: str) -> URL:
    """The address with ``path`` sent exactly as written (no client-side normalising)."""
    return URL(f"http://{client.host}:{client.port}{path}", encoded=True)


async def _send(
    client: TestClient, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, Any]:
    url = _exact(client, path)
    async with client.session.request(method, url, data=body, headers=headers) as response:
        return response.status, await response.read()


def _refused(status: int, body: bytes, why: str = "") -> None:
    assert status == 401, (status, body)
    message = orjson.loads(body)["error"]["message"]
    assert why in message, message


async def test_a_good_request_is_accepted_once(app_client: TestClient) -> None:
    console = await paired_console(app_client)
    headers = console.headers("POST", ACK, ACK_BODY)
    status, _ = await _send(app_client, "POST", ACK, ACK_BODY, headers)
    assert status == 200
    _refused(*await _send(app_client, "POST", ACK, ACK_BODY, headers), "replay")
    # the same nonce, correctly signed again with a later time: still a replay
    resigned = _resigned(console, ACK_BODY, headers)
    _refused(*await _send(app_client, "POST", ACK, ACK_BODY, resigned), "replay")


def _resigned(console: Console, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """A new, correct signature over the same nonce (a client replaying with a new time)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    nonce = headers[signing.HEADER_NONCE]
    timestamp = int(headers[signing.HEADER_TIMESTAMP]) + 1
    key = Ed25519PrivateKey.from_private_bytes(console.private_key)
    text = signing.canonical("POST", ACK, timestamp, nonce, body)
    return headers | {
        signing.HEADER_TIMESTAMP: str(timestamp),
        signing.HEADER_SIGNATURE: signing.b64(key.sign(text)),
    }


@pytest.mark.parametrize("offset", [-301, 301, -86_400, 10**9])
async def test_a_stale_or_future_timestamp_is_refused(app_client: TestClient, offset: int) -> None:
    console = await paired_console(app_client)
    skewed = Console(app_client, console.private_key, clock=lambda: time.time() + offset)
    status, body = await skewed.call("GET", STATUS)
    assert status == 401 and "5 minutes" in body["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", ACK, orjson.dumps({"cursor": 1})),  # altered body
        ("POST", ACK, ACK_BODY + b" "),  # one byte more
        ("POST", ACK + "?cursor=5", ACK_BODY),  # query added
        ("POST", "/v1/console/events/ack/", ACK_BODY),  # another path
        ("POST", "/v1/console/%65vents/ack", ACK_BODY),  # the same path, encoded otherwise
        ("PUT", ACK, ACK_BODY),  # another method
    ],
)
async def test_an_altered_request_is_refused(
    app_client: TestClient, method: str, path: str, body: bytes
) -> None:
    console = await paired_console(app_client)
    headers = console.headers("POST", ACK, ACK_BODY)
    status, answer = await _send(app_client, method, path, body, headers)
    assert status in (401, 404, 405), (status, answer)
    assert status != 200


async def test_the_wrong_key_and_an_unknown_device_are_refused(app_client: TestClient) -> None:
    paired = await paired_console(app_client)
    impostor = Console(app_client)  # signs with its own key, claims the paired fingerprint
    headers = impostor.headers("GET", STATUS, b"")
    headers[signing.HEADER_KEY] = signing.fingerprint(paired.public_key)
    _refused(*await _send(app_client, "GET", STATUS, b"", headers), "signature")
    stranger = Console(app_client)  # never paired
    _refused(*await _send(app_client, "GET", STATUS, b"", stranger.headers("GET", STATUS, b"")),
             "not paired")  # fmt: skip


async def test_guessing_pairing_codes_from_forged_addresses_is_locked_out(
    app_client: TestClient,
) -> None:
    code = await new_code(app_client)
    for n in range(5):
        forged = {"X-Forwarded-For": f"198.51.100.{n}", "X-Real-IP": f"198.51.100.{n}"}
        body = {"code": "ZZZZ-ZZZZ", "public_key": signing.b64(Console(app_client).public_key)}
        response = await app_client.post("/v1/console/pair", json=body, headers=forged)
        assert response.status == 403
    status, body = await Console(app_client).pair(code)
    assert status == 429, body


async def test_a_burst_of_pairing_guesses_checks_at_most_the_limit(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    client: TestClient = await aiohttp_client(create_app(relay_settings()))
    await new_code(client)
    guesses = [f"ZZZZ-{a}{b}ZZ" for a in "ABCDEF" for b in "ABCDE"]
    answers = await asyncio.gather(*(Console(client).pair(g) for g in guesses))
    statuses = [status for status, _ in answers]
    assert statuses.count(403) <= 5, statuses  # checked (and wrong)
    assert set(statuses) <= {403, 429}, statuses


# -- fuzzing ---------------------------------------------------------------------------------

HEADERS = (signing.HEADER_KEY, signing.HEADER_TIMESTAMP, signing.HEADER_NONCE,
           signing.HEADER_SIGNATURE)  # fmt: skip
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, Any]:
    """One change to a good request that must make it unacceptable."""
    kind = draw(st.sampled_from(
        ["body", "path", "method", "timestamp", "nonce", "key", "signature", "drop", "garbage"]
    ))  # fmt: skip
    mutation: dict[str, Any] = {"kind": kind}
    if kind == "body":
        mutation["at"] = draw(st.integers(0, 1000))
        mutation["byte"] = draw(st.integers(1, 255))
    elif kind == "path":
        # (an empty "?" or a "#fragment" leave the request line as signed: not a change)
        mutation["suffix"] = draw(st.sampled_from(["/", "?a=1", "?=", "%2F", "/..", "x", "%00"]))
    elif kind == "method":
        mutation["method"] = draw(st.sampled_from(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]))
    elif kind == "timestamp":
        mutation["delta"] = draw(st.integers(-(10**12), 10**12).filter(lambda d: d != 0))
    elif kind in ("nonce", "key"):
        mutation["at"] = draw(st.integers(0, 100))
        mutation["char"] = draw(st.sampled_from("abcdefABCDEF0123456789-:_"))
    elif kind == "signature":
        mutation["bit"] = draw(st.integers(0, 64 * 8 - 1))
        mutation["cut"] = draw(st.booleans())
    elif kind == "drop":
        mutation["header"] = draw(st.sampled_from(HEADERS))
    else:
        mutation["header"] = draw(st.sampled_from(HEADERS))
        mutation["value"] = draw(_text)
    return mutation


def _changed(value: str, at: int, char: str) -> str:
    i = at % (len(value) + 1)
    return value[:i] + char + value[i + 1 :] if value[i : i + 1] != char else value + char


def _apply(
    mutation: dict[str, Any], method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[str, str, bytes, dict[str, str]] | None:
    """The mutated request, or ``None`` when this mutation cannot change this request."""
    kind, headers = mutation["kind"], dict(headers)
    if kind == "body":
        if not body:
            return None
        i = mutation["at"] % len(body)
        body = body[:i] + bytes([body[i] ^ mutation["byte"]]) + body[i + 1 :]
    elif kind == "path":
        path += mutation["suffix"]
    elif kind == "method":
        if mutation["method"] == method:
            return None
        method = mutation["method"]
    elif kind == "timestamp":
        headers[signing.HEADER_TIMESTAMP] = str(
            int(headers[signing.HEADER_TIMESTAMP]) + mutation["delta"]
        )
    elif kind in ("nonce", "key"):
        name = signing.HEADER_NONCE if kind == "nonce" else signing.HEADER_KEY
        headers[name] = _changed(headers[name], mutation["at"], mutation["char"])
    elif kind == "signature":
        raw = bytearray(base64.b64decode(headers[signing.HEADER_SIGNATURE]))
        raw[mutation["bit"] // 8] ^= 1 << (mutation["bit"] % 8)
        headers[signing.HEADER_SIGNATURE] = signing.b64(bytes(raw[:-1] if mutation["cut"] else raw))
    elif kind == "drop":
        del headers[mutation["header"]]
    else:
        if mutation["value"] == headers[mutation["header"]]:
            return None
        headers[mutation["header"]] = mutation["value"]
    return method, path, body, headers


@pytest.fixture
async def fuzzed(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> tuple[TestClient, Console]:
    """A relay without per-address request limits (a refusal must come from the signature
    check, not from a 429) and a console paired with it."""
    settings = relay_settings(ip_requests_per_minute=0, ip_burst=0)
    client: TestClient = await aiohttp_client(create_app(settings))
    return client, await paired_console(client)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation=mutations(), with_body=st.booleans())
async def test_every_mutation_of_a_signed_request_is_refused(
    fuzzed: tuple[TestClient, Console], mutation: dict[str, Any], with_body: bool
) -> None:
    app_client, console = fuzzed
    method, path, body = ("POST", ACK, ACK_BODY) if with_body else ("GET", STATUS, b"")
    mutated = _apply(mutation, method, path, body, console.headers(method, path, body))
    if mutated is None:
        return
    try:
        status, answer = await _send(app_client, *mutated)
    except ValueError:  # a header value no HTTP client may send (a line break): never sent
        return
    assert 400 <= status < 500, (mutation, status, answer)
