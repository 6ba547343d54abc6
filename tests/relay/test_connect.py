"""Connect flows through the relay against the emulators: WooCommerce's
``/wc-auth/v1/authorize`` posting keys to the relay, and Shopify's authorization-code
grant redirecting to the relay's callback. The console picks the credentials up once;
replays, forgeries and malformed callbacks are refused and change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from aiohttp.test_utils import TestClient

from tests.emulators import shopify as shopify_emulator
from tests.emulators import woocommerce as woo_emulator
from tests.emulators.shopify_oauth import sign_query
from tests.emulators.shopify_seed import ShopState as ShopifyState
from tests.emulators.shopify_seed import seeded_shop
from tests.emulators.woocommerce import ShopState as WooState
from tests.relay.console_helpers import Console, new_code


@pytest.fixture
async def console(app_client: TestClient) -> Console:
    console = Console(app_client)
    status, _ = await console.pair(await new_code(app_client))
    assert status == 201
    return console


@pytest.fixture
async def woo() -> AsyncIterator[woo_emulator.Running]:
    state = WooState.seeded(insecure_callbacks=True)
    async with woo_emulator.running(state) as running:
        yield running


@pytest.fixture
async def shopify() -> AsyncIterator[tuple[ShopifyState, str]]:
    state = seeded_shop()
    async with shopify_emulator.running(state) as url:
        yield state, url


async def _browse(url: str) -> httpx.Response:
    """What the merchant's browser does: open the address, follow redirects."""
    async with httpx.AsyncClient(follow_redirects=True, timeout=10) as browser:
        return await browser.get(url)


async def _start_woo(console: Console, woo: woo_emulator.Running) -> dict[str, Any]:
    status, started = await console.call(
        "POST", "/v1/console/connect/woocommerce", {"url": woo.url, "scope": "read"}
    )
    assert status == 201, started
    return dict(started)


async def test_woocommerce_keys_reach_the_console_once(
    console: Console, woo: woo_emulator.Running
) -> None:
    started = await _start_woo(console, woo)
    query = dict(parse_qsl(urlsplit(started["authorize_url"]).query))
    assert query["app_name"] == "Storedesk" and query["scope"] == "read"
    assert query["user_id"] == started["session_id"]
    path = f"/v1/console/connect/{started['session_id']}"
    assert (await console.call("GET", path))[1]["status"] == "waiting"

    page = await _browse(started["authorize_url"])
    assert page.status_code == 200 and "Store connected" in page.text
    assert "success=1" in str(page.url)

    status, picked = await console.call("GET", path)
    assert status == 200 and picked["status"] == "done"
    keys = picked["credentials"]
    assert keys["key_permissions"] == "read"
    assert woo.state.keys[keys["consumer_key"]].secret == keys["consumer_secret"]
    assert (await console.call("GET", path))[0] == 404  # erased once picked up


async def test_a_replayed_or_forged_woocommerce_callback_changes_nothing(
    console: Console, woo: woo_emulator.Running, app_client: TestClient
) -> None:
    started = await _start_woo(console, woo)
    callback = dict(parse_qsl(urlsplit(started["authorize_url"]).query))["callback_url"]
    callback_path = urlsplit(callback).path
    good = {
        "key_id": 7,
        "user_id": started["session_id"],
        "consumer_key": "ck_" + "a" * 40,
        "consumer_secret": "cs_" + "b" * 40,
        "key_permissions": "read",
    }
    refusals = [
        (callback_path, b"{not json", 400),
        (callback_path, {**good, "user_id": "cs_someone_else"}, 400),
        (callback_path, {**good, "consumer_secret": "oops"}, 400),
        (callback_path, {**good, "key_permissions": "read_write"}, 400),  # more than asked
        ("/v1/connect/woocommerce/not-the-state", good, 400),
    ]
    for path, body, expected in refusals:
        if isinstance(body, bytes):
            response = await app_client.post(
                path, data=body, headers={"Content-Type": "application/json"}
            )
        else:
            response = await app_client.post(path, json=body)
        assert response.status == expected, (path, body)
    session = f"/v1/console/connect/{started['session_id']}"
    assert (await console.call("GET", session))[1]["status"] == "waiting"

    assert (await app_client.post(callback_path, json=good)).status == 200
    assert (await app_client.post(callback_path, json=good)).status == 400  # a replay
    picked = (await console.call("GET", session))[1]
    assert picked["credentials"]["consumer_key"] == good["consumer_key"]


async def test_only_the_console_that_started_it_can_pick_it_up_or_cancel(
    console: Console, woo: woo_emulator.Running, app_client: TestClient
) -> None:
    started = await _start_woo(console, woo)
    other = Console(app_client)
    await other.pair(await new_code(app_client))
    path = f"/v1/console/connect/{started['session_id']}"
    assert (await other.call("GET", path))[0] == 404
    assert (await console.call("DELETE", path))[0] == 200
    page = await _browse(started["authorize_url"])  # the shop's callback is refused now
    assert page.status_code == 401
    assert woo.state.connect_log[-1]["status"] == 400
    assert len(woo.state.keys) == 3  # the seeded keys only: the new one was deleted again


async def test_woocommerce_connect_needs_a_relay_the_shop_reaches_over_https(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    from relay.app import create_app

    for public, status in (("http://chat.shop.example", 422), ("https://chat.shop.example", 201)):
        client = await aiohttp_client(create_app(relay_settings(public_url=public)))
        console = Console(client)
        await console.pair(await new_code(client))
        code, body = await console.call(
            "POST", "/v1/console/connect/woocommerce", {"url": "https://shop.example"}
        )
        assert code == status, body
        if status == 201:
            callback = dict(parse_qsl(urlsplit(body["authorize_url"]).query))["callback_url"]
            assert callback.startswith("https://chat.shop.example/v1/connect/woocommerce/")
        else:
            assert "https://" in body["error"]["message"]


async def test_woocommerce_connect_refuses_bad_input(console: Console) -> None:
    status, body = await console.call(
        "POST", "/v1/console/connect/woocommerce", {"url": "ftp://shop", "scope": "read"}
    )
    assert status == 422 and "url" in body["error"]["fields"]
    status, body = await console.call(
        "POST", "/v1/console/connect/woocommerce", {"url": "https://shop.example", "scope": "all"}
    )
    assert status == 422 and "scope" in body["error"]["fields"]


async def _start_shopify(console: Console, state: ShopifyState, url: str) -> dict[str, Any]:
    body = {
        "shop": state.domain,
        "client_id": state.oauth.client_id,
        "client_secret": state.oauth.client_secret,
        "base_url": url,
    }
    status, started = await console.call("POST", "/v1/console/connect/shopify", body)
    assert status == 201, started
    return dict(started)


async def test_shopify_authorization_code_ends_with_an_expiring_token_and_refresh_token(
    console: Console, shopify: tuple[ShopifyState, str]
) -> None:
    state, url = shopify
    started = await _start_shopify(console, state, url)
    query = dict(parse_qsl(urlsplit(started["authorize_url"]).query))
    assert query["redirect_uri"].endswith("/v1/connect/shopify/callback")
    assert "read_orders" in query["scope"]

    page = await _browse(started["authorize_url"])
    assert page.status_code == 200 and "Store connected" in page.text
    picked = (await console.call("GET", f"/v1/console/connect/{started['session_id']}"))[1]
    credentials = picked["credentials"]
    assert state.oauth.valid(credentials["token"], state.clock())
    assert credentials["refresh_token"] in state.oauth.refresh_tokens
    assert credentials["token_expires_at"].endswith("Z")


async def test_a_shopify_callback_with_a_bad_hmac_state_or_shop_is_refused(
    console: Console, shopify: tuple[ShopifyState, str], app_client: TestClient
) -> None:
    state, url = shopify
    started = await _start_shopify(console, state, url)
    async with httpx.AsyncClient() as browser:
        redirect = await browser.get(started["authorize_url"])
    callback = dict(parse_qsl(urlsplit(redirect.headers["Location"]).query))
    secret = state.oauth.client_secret

    def signed(**changes: str) -> dict[str, str]:
        params = {k: v for k, v in {**callback, **changes}.items() if k != "hmac"}
        return {**params, "hmac": sign_query(params, secret)}

    forged = [
        {**callback, "hmac": "0" * 64},
        {**callback, "shop": "other.myshopify.com"},  # hmac no longer matches
        signed(shop="other.myshopify.com"),  # signed, but not the shop that was asked
        signed(state="guessed"),
        signed(timestamp="1000"),  # far too old
    ]
    for params in forged:
        response = await app_client.get("/v1/connect/shopify/callback", params=params)
        assert response.status == 400, params
    session = f"/v1/console/connect/{started['session_id']}"
    assert (await console.call("GET", session))[1]["status"] == "waiting"
    assert state.oauth.grants == []  # no code was exchanged

    assert (await app_client.get("/v1/connect/shopify/callback", params=callback)).status == 200
    replay = await app_client.get("/v1/connect/shopify/callback", params=callback)
    assert replay.status == 400
    assert (await console.call("GET", session))[1]["status"] == "done"


async def test_the_relay_alone_renews_an_expiring_token_and_keeps_the_new_pair(
    console: Console, shopify: tuple[ShopifyState, str], app_client: TestClient
) -> None:
    from relay.keys import SETTINGS, STORE
    from relay.storage.published import load_published

    state, url = shopify
    started = await _start_shopify(console, state, url)
    await _browse(started["authorize_url"])
    credentials = (await console.call("GET", f"/v1/console/connect/{started['session_id']}"))[1][
        "credentials"
    ]
    store = {
        "id": "sh",
        "platform": "shopify",
        "settings": {
            "shop": state.domain,
            "base_url": url,
            "auth": "authorization_code",
            "client_id": state.oauth.client_id,
        },
        "secrets": {
            "client_secret": state.oauth.client_secret,
            "token": credentials["token"],
            "refresh_token": credentials["refresh_token"],
            "token_expires_at": "2020-01-01T00:00:00Z",  # due: renewed at first use
        },
    }
    widget = {"key": "wk_shopify_chat_01", "name": "Chat", "store": "sh", "config": {}}
    status, _ = await console.call(
        "PUT", "/v1/console/publish", {"stores": [store], "widgets": [widget]}
    )
    assert status == 200

    status, body = await console.call("POST", "/v1/console/stores/sh/access-token")
    assert status == 200, body
    assert state.oauth.grants[-1] == "refresh_token"
    assert state.oauth.valid(body["token"], state.clock())
    again = (await console.call("POST", "/v1/console/stores/sh/access-token"))[1]
    assert again["token"] == body["token"] and state.oauth.grants.count("refresh_token") == 1

    relay_key = app_client.app[SETTINGS].relay_key
    fresh = await app_client.app[STORE].read(lambda c: load_published(c, relay_key))
    kept = fresh.stores.get("sh")  # what a restarted relay reads back
    assert kept is not None and kept.secrets["token"] == body["token"]
    assert kept.secrets["refresh_token"] in state.oauth.refresh_tokens  # the rotated one
    assert credentials["refresh_token"] not in state.oauth.refresh_tokens

    status, _ = await console.call("POST", "/v1/console/stores/nope/access-token")
    assert status == 404
