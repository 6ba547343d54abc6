"""The API channel: a merchant's own system talks to the same bot with a widget's API key.
Keys are made, listed and revoked over the signed console API, stored hashed, and scoped:
only an ``identify`` key's customer counts as verified."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.keys import STORE
from relay.storage.models import api_keys
from tests.relay.console_helpers import Console, paired_console
from tests.relay.public_helpers import WIDGET_KEY, publish_demo
from tests.relay.test_openapi import conforms

KEYS = f"/v1/console/widgets/{WIDGET_KEY}/api-keys"


@pytest.fixture
async def console(app_client: TestClient) -> Console:
    await publish_demo(app_client)
    return await paired_console(app_client)


async def _key(console: Console, *scopes: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Help desk"}
    if scopes:
        body["scopes"] = list(scopes)
    status, created = await console.call("POST", KEYS, body)
    assert status == 201, created
    return dict(created)


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_an_identify_key_gets_the_customers_order_without_an_email(
    console: Console, app_client: TestClient
) -> None:
    key = (await _key(console, "conversations", "identify"))["key"]
    body = {"customer": {"phone": "020 7946 0018", "name": "Alice"}, "text": "where is order 1001"}
    response = await app_client.post("/v1/api/conversations", json=body, headers=_auth(key))
    started = await conforms(response)
    assert response.status == 201
    texts = [m["text"] for m in started["messages"]]
    assert any("1Z999AA10123456784" in t for t in texts), texts
    cards = [c for m in started["messages"] for c in m["cards"]]
    assert cards and cards[0]["number"] == "1001"


async def test_a_conversations_only_key_must_prove_the_order_like_a_shopper(
    console: Console, app_client: TestClient
) -> None:
    key = (await _key(console))["key"]
    body = {"customer": {"email": "alice@example.com"}, "text": "where is order 1001"}
    response = await app_client.post("/v1/api/conversations", json=body, headers=_auth(key))
    started = await conforms(response)
    assert "email" in started["messages"][-1]["text"]  # asked, not shown
    assert not any(m["cards"] for m in started["messages"])
    path = f"/v1/api/conversations/{started['conversation_id']}/messages"
    response = await app_client.post(path, json={"text": "alice@example.com"}, headers=_auth(key))
    answer = await conforms(response)
    assert answer["messages"][-1]["cards"][0]["number"] == "1001"
    response = await app_client.get(path, headers=_auth(key))
    history = await conforms(response)
    assert [m["role"] for m in history["messages"]].count("shopper") == 2


async def test_keys_are_hashed_listed_without_the_key_and_revoked_at_once(
    console: Console, app_client: TestClient
) -> None:
    created = await _key(console)
    key = created["key"]
    assert key.startswith("sdk_") and created["prefix"] == key[:12]

    async def read(connection: Any) -> Any:
        return (await connection.execute(api_keys.select())).mappings().all()

    rows = await app_client.app[STORE].read(read)
    assert rows[0]["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(dict(rows[0]))
    status, listed = await console.call("GET", KEYS)
    assert status == 200 and key not in str(listed)
    assert listed["keys"][0]["id"] == created["id"]

    first = await app_client.post("/v1/api/conversations", json={}, headers=_auth(key))
    assert first.status == 201
    assert (await console.call("DELETE", f"{KEYS}/{created['id']}"))[0] == 200
    refused = await app_client.post("/v1/api/conversations", json={}, headers=_auth(key))
    assert refused.status == 401
    assert (await console.call("DELETE", f"{KEYS}/{created['id']}"))[0] == 404
    status, listed = await console.call("GET", KEYS)
    assert listed["keys"][0]["revoked_at"] is not None


async def test_bad_keys_foreign_conversations_and_malformed_bodies_change_nothing(
    console: Console, app_client: TestClient
) -> None:
    key = (await _key(console))["key"]
    other = (await _key(console))["key"]
    for headers in ({}, _auth("sdk_wrong"), _auth(key[:-1]), {"Authorization": "Basic x"}):
        response = await app_client.post("/v1/api/conversations", json={}, headers=headers)
        assert response.status == 401
        await conforms(response)
    bad_bodies: list[tuple[Any, int]] = [
        (b"{nope", 400),
        ({"customer": "alice"}, 422),
        ({"customer": {"email": "not-an-email"}}, 422),
        ({"customer": {"role": "admin"}}, 422),
        ({"text": 5}, 422),
        ({"text": ""}, 422),
    ]
    for body, expected in bad_bodies:
        if isinstance(body, bytes):
            response = await app_client.post(
                "/v1/api/conversations",
                data=body,
                headers={**_auth(key), "Content-Type": "application/json"},
            )
        else:
            response = await app_client.post("/v1/api/conversations", json=body, headers=_auth(key))
        assert response.status == expected, body
        await conforms(response)
    _, live = await console.call("GET", "/v1/console/status")
    assert live["conversations_open"] == 0  # nothing was started by the refusals

    response = await app_client.post("/v1/api/conversations", json={}, headers=_auth(key))
    conversation = (await response.json())["conversation_id"]
    path = f"/v1/api/conversations/{conversation}/messages"
    refused = await app_client.post(path, json={"text": "hi"}, headers=_auth(other))
    assert refused.status == 404  # another key's conversation
    await conforms(refused)


async def test_keys_need_a_published_widget_and_valid_scopes(console: Console) -> None:
    status, _ = await console.call("POST", "/v1/console/widgets/wk_nope/api-keys", {"name": "x"})
    assert status == 404
    for scopes in (["identify"], ["admin"], "conversations"):
        status, body = await console.call("POST", KEYS, {"name": "x", "scopes": scopes})
        assert status == 422 and "scopes" in body["error"]["fields"]
    status, body = await console.call("POST", KEYS, {"name": ""})
    assert status == 422
