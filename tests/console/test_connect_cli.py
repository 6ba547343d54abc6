"""`storedesk store connect` and `storedesk widget api-key` against a real relay on a real
port and the emulators: the merchant approves in the browser, the credentials travel shop →
relay → console, and the API channel's keys are made, listed and revoked."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.commands import connect
from console.runtime import CliError
from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, paired, relay, widget_key  # noqa: F401


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Response]:
    """The merchant's browser: opens the address, follows redirects, approves at once."""
    pages: list[httpx.Response] = []

    def open_page(url: str) -> bool:
        pages.append(httpx.get(url, follow_redirects=True, timeout=30))
        return True

    monkeypatch.setattr(connect.webbrowser, "open", open_page)
    return pages


def test_connect_woocommerce_through_the_relay(
    paired: Cli,  # noqa: F811
    woo: Any,
    browser: list[httpx.Response],
) -> None:
    woo.state.insecure_callbacks = True  # the test relay is on plain http
    code, out, err = paired("store", "connect", "woocommerce", "--name", "woo", "--url", woo.url)
    assert code == 0, err
    assert "/wc-auth/v1/authorize?" in out and "saved it as 'woo'" in out
    assert browser[0].status_code == 200 and "Store connected" in browser[0].text
    code, out, _ = paired("store", "lookup", "woo", "--order", "1001", "--json")
    assert code == 0 and json.loads(out)["number"] == "1001"
    _, listed, _ = paired("store", "list", "--json")
    assert "cs_" not in listed and "ck_" not in listed


def test_connect_shopify_with_the_authorization_code_grant(
    paired: Cli,  # noqa: F811
    shop_state: Any,
    shopify_url: str,
    browser: list[httpx.Response],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STOREDESK_STORE_CLIENT_SECRET", shop_state.oauth.client_secret)
    args = ["store", "connect", "shopify", "--name", "sh", "--shop", shop_state.domain]
    args += ["--client-id", shop_state.oauth.client_id, "--base-url", shopify_url]
    code, out, err = paired(*args)
    assert code == 0, err
    assert "/admin/oauth/authorize?" in out
    assert shop_state.oauth.grants == ["authorization_code"]
    code, out, _ = paired("store", "lookup", "sh", "--order", "1001", "--json")
    assert code == 0 and json.loads(out)["number"] == "1001"  # its own, fresh token

    _expire_local_token(paired)
    code, _, err = paired("store", "lookup", "sh", "--order", "1001")
    assert code == 4 and "renewed by your relay" in err  # not published: nobody may renew
    assert paired("widget", "create", "--name", "Shopify chat", "--store", "sh")[0] == 0
    assert paired("relay", "publish")[0] == 0
    code, out, err = paired("store", "lookup", "sh", "--order", "1001", "--json")
    assert code == 0, err  # the relay's token, borrowed
    assert json.loads(out)["number"] == "1001"
    # the published token had expired: the relay renewed it (once), the console never does
    assert shop_state.oauth.grants == ["authorization_code", "refresh_token"]
    assert paired("store", "lookup", "sh", "--order", "1001")[0] == 0
    assert paired("relay", "publish")[0] == 0  # the console's stale pair changes nothing
    assert paired("store", "lookup", "sh", "--order", "1001")[0] == 0
    assert shop_state.oauth.grants == ["authorization_code", "refresh_token"]


def _expire_local_token(cli: Cli) -> None:
    from core.vault import Vault
    from core.workspace import Workspace
    from core.workspace.stores import StoreRepository

    workspace = Workspace.open(cli.data_dir)
    try:
        stores = StoreRepository(workspace, Vault.open(cli.data_dir))
        entry = stores.get("sh")
        assert entry is not None
        secrets = stores.secrets(entry)
        stores.update_secrets(
            entry, {**secrets, "token": "shpat_gone", "token_expires_at": "2020-01-01T00:00:00Z"}
        )
    finally:
        workspace.close()


def test_api_keys_from_the_command_line(paired: Cli, relay: Relay) -> None:  # noqa: F811
    key = widget_key(paired)
    assert paired("relay", "publish")[0] == 0
    code, out, err = paired("widget", "api-key", "create", key, "--name", "Help desk", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert created["key"].startswith("sdk_") and created["scopes"] == ["conversations"]
    chat = httpx.post(
        f"{relay.url}/v1/api/conversations",
        json={"text": "how much is shipping?"},
        headers={"Authorization": f"Bearer {created['key']}"},
    )
    assert chat.status_code == 201
    code, out, _ = paired("widget", "api-key", "list", key)
    assert code == 0 and created["id"] in out and "active" in out
    assert created["key"] not in out
    assert paired("widget", "api-key", "revoke", key, created["id"])[0] == 0
    again = httpx.post(
        f"{relay.url}/v1/api/conversations",
        json={},
        headers={"Authorization": f"Bearer {created['key']}"},
    )
    assert again.status_code == 401
    code, _, err = paired("widget", "api-key", "revoke", key, created["id"])
    assert code == 3 and "already revoked" in err


class _NeverApproved:
    def __init__(self) -> None:
        self.cancelled: list[str] = []

    async def start_connect(self, platform: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"session_id": "cs_1", "authorize_url": "https://shop.example/approve"}

    async def connect_state(self, session_id: str) -> dict[str, Any]:
        return {"status": "waiting", "platform": "woocommerce"}

    async def cancel_connect(self, session_id: str) -> None:
        self.cancelled.append(session_id)


async def test_waiting_gives_up_after_the_time_and_cancels_on_the_relay() -> None:
    client = _NeverApproved()
    shown: list[str] = []

    async def no_wait(seconds: float) -> None:
        return None

    with pytest.raises(CliError, match="not approved in time"):
        await connect.wait_for_credentials(
            client,  # type: ignore[arg-type]
            "woocommerce",
            {"url": "https://shop.example"},
            show=shown.append,
            sleep=no_wait,
            wait=10,
        )
    assert shown == ["https://shop.example/approve"]
    assert client.cancelled == ["cs_1"]


def test_whatsapp_from_the_command_line(paired: Cli, relay: Relay) -> None:  # noqa: F811
    from relay.keys import WHATSAPP

    key = widget_key(paired)
    assert paired("relay", "publish")[0] == 0
    token = "a" * 32
    args = ["widget", "whatsapp", key, "--account-sid", "AC" + "0" * 32]
    code, _, err = paired(*args, "--number", "0800", "--auth-token", token)
    assert code == 2 and "international form" in err
    code, out, err = paired(*args, "--number", "+1 415 523 8886", "--auth-token", token)
    assert code == 0, err
    assert f"{relay.url}/v1/channels/whatsapp/{key}" in out and token not in out
    channel = relay.served._call(relay.app[WHATSAPP].settings(key))
    assert channel is not None and channel.number == "+14155238886"
    assert token.encode() not in (paired.data_dir / "workspace.sqlite").read_bytes()

    relay.served._call(relay.app[WHATSAPP].remove(key))  # the relay lost it: publish restores
    assert paired("relay", "publish")[0] == 0
    assert relay.served._call(relay.app[WHATSAPP].settings(key)) is not None

    code, out, _ = paired("widget", "whatsapp", key, "--off")
    assert code == 0 and "off" in out
    assert relay.served._call(relay.app[WHATSAPP].settings(key)) is None
