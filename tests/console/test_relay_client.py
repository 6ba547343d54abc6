"""The console's relay client against a small relay double that checks every signature
with ``core.signing.verify``, exactly as the real relay does."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiohttp import web

from console.relay_client import (
    RelayClient,
    RelayError,
    RelayUnreachable,
    check_relay_url,
    require_secure,
)
from core import signing

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
KEY = signing.new_private_key()


class RelayDouble:
    """Records requests; refuses (401 JSON) any signature ``core.signing`` rejects."""

    def __init__(self) -> None:
        self.public_key: bytes | None = None
        self.seen: list[tuple[str, str, Any]] = []
        self.reply: Callable[[web.Request], web.Response] | None = None

    @web.middleware
    async def check(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        if request.path != "/v1/console/pair":
            try:
                signed = signing.read_headers(request.headers)
                assert self.public_key is not None
                signing.verify(
                    self.public_key, signed, request.method, request.raw_path, body,
                    now=int(NOW.timestamp()),
                )  # fmt: skip
            except signing.SignatureError as exc:
                return web.json_response(
                    {"error": {"code": "unauthorized", "message": str(exc)}}, status=401
                )
        self.seen.append((request.method, request.raw_path, await request.json() if body else None))
        if self.reply is not None:
            return self.reply(request)
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.check])
        app.router.add_post("/v1/console/pair", self.pair)
        app.router.add_route("*", "/{tail:.*}", self.echo)
        return app

    async def pair(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.public_key = signing.unb64(body["public_key"])
        fp = signing.fingerprint(self.public_key)
        return web.json_response(
            {"relay_id": "r_1", "fingerprint": fp, "version": "0.1.0"}, status=201
        )

    async def echo(self, request: web.Request) -> web.Response:
        if request.path.endswith("/events"):
            return web.json_response({"events": [{"seq": 1, "id": "e_1"}], "cursor": 1})
        if request.path.endswith("/publish"):
            return web.json_response({"changes": {"widgets": {"added": ["wk_a"]}}})
        if request.path.endswith("/reply"):
            return web.json_response({"message": {"id": "m_1", "role": "agent"}}, status=201)
        return web.json_response({"ok": True, "path": request.raw_path})


@pytest.fixture
async def relay(aiohttp_server: Any) -> tuple[RelayDouble, str]:
    double = RelayDouble()
    server = await aiohttp_server(double.app())
    return double, str(server.make_url("")).rstrip("/")


async def test_pairs_then_signs_every_request_exactly_as_sent(
    relay: tuple[RelayDouble, str],
) -> None:
    double, url = relay
    async with httpx.AsyncClient() as http:
        client = RelayClient(url, KEY, http, lambda: NOW)
        paired = await client.pair("ABCD-EFGH", "laptop")
        assert paired.fingerprint == signing.fingerprint(signing.public_key_of(KEY))
        assert (await client.status())["ok"] is True
        assert (await client.events(limit=7)).cursor == 1
        await client.ack(1)
        assert await client.publish({"stores": [], "widgets": []}, dry_run=True) == {
            "widgets": {"added": ["wk_a"]}
        }
        assert (await client.reply("c_1/é x", "Hello", "Ann"))["role"] == "agent"
    methods_paths = [(method, path) for method, path, _ in double.seen]
    assert methods_paths == [
        ("POST", "/v1/console/pair"),
        ("GET", "/v1/console/status"),
        ("GET", "/v1/console/events?limit=7"),
        ("POST", "/v1/console/events/ack"),
        ("PUT", "/v1/console/publish"),
        ("POST", "/v1/console/conversations/c_1%2F%C3%A9%20x/reply"),
    ]
    assert double.seen[4][2] == {"stores": [], "widgets": [], "dry_run": True}


async def test_a_signature_from_another_key_or_clock_is_refused_with_the_relays_sentence(
    relay: tuple[RelayDouble, str],
) -> None:
    _, url = relay
    async with httpx.AsyncClient() as http:
        await RelayClient(url, KEY, http, lambda: NOW).pair("ABCD-EFGH", "laptop")
        stranger = RelayClient(url, signing.new_private_key(), http, lambda: NOW)
        with pytest.raises(RelayError, match="signature does not match") as caught:
            await stranger.status()
        assert caught.value.status == 401 and caught.value.code == "unauthorized"
        late = RelayClient(url, KEY, http, lambda: NOW.replace(hour=11))
        with pytest.raises(RelayError, match="more than 5 minutes off"):
            await late.status()


async def test_a_reply_that_is_not_the_relays_json_is_one_sentence(
    relay: tuple[RelayDouble, str],
) -> None:
    double, url = relay
    double.reply = lambda request: web.Response(status=502, text="<html>Bad gateway</html>")
    async with httpx.AsyncClient() as http:
        with pytest.raises(RelayError, match="answered HTTP 502") as caught:
            await RelayClient(url, KEY, http, lambda: NOW).pair("ABCD-EFGH", "x")
    assert caught.value.status == 502 and "<html>" not in str(caught.value)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_relay_says_to_start_it() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    async with httpx.AsyncClient() as http:
        with pytest.raises(RelayUnreachable, match=r"is not reachable .*storedesk-relay serve"):
            await RelayClient(url, KEY, http, lambda: NOW).status()


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://127.0.0.1:8080", True),
        ("http://localhost:8080", True),
        ("http://[::1]:8080", True),
        ("https://chat.shop.example", True),
        ("http://chat.shop.example", False),
        ("http://192.168.1.20:8080", False),
    ],
)
def test_secrets_travel_over_plain_http_only_to_this_computer(url: str, allowed: bool) -> None:
    if allowed:
        require_secure(url, "publish")
    else:
        with pytest.raises(RelayError, match="Use the relay's https:// address"):
            require_secure(url, "publish")


@pytest.mark.parametrize(
    "url", ["chat.example.com", "ftp://x", "https://a@b.example", "https://x/?a"]
)
def test_a_relay_address_must_be_a_plain_web_address(url: str) -> None:
    with pytest.raises(RelayError):
        check_relay_url(url)
