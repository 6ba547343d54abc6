"""A storefront's signed shopper: the name shown to the merchant is the signed one, and each
widget may accept signatures for less than a day."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import STORE
from tests.relay.public_helpers import demo_bundle, signed_customer, start_chat, texts


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any) -> TestClient:
    client = await aiohttp_client(create_app(relay_settings()))
    await client.app[STORE].publish(demo_bundle(), dry_run=False)
    return client


async def _customer_name(client: TestClient, conversation_id: str) -> str | None:
    record = await client.app[STORE].conversation(conversation_id)
    assert record is not None
    return record.customer_name


async def test_an_unsigned_name_is_not_shown(client: TestClient) -> None:
    # The signature covers only the email (an older storefront, or someone replaying it).
    customer = signed_customer("alice@example.com", "Mallory", signed_name=None)
    chat = await start_chat(client, customer=customer)
    assert "Mallory" not in texts(chat.greeting)
    assert "Alice" in texts(chat.greeting)  # the email is still trusted: the store's name
    assert await _customer_name(client, chat.conversation_id) == "Alice Martin"


async def test_a_name_signed_for_someone_else_is_refused(client: TestClient) -> None:
    customer = signed_customer("alice@example.com", "Mallory", signed_name="Alice Martin")
    chat = await start_chat(client, customer=customer)
    assert "Mallory" not in texts(chat.greeting) and "Alice" not in texts(chat.greeting)
    assert await _customer_name(client, chat.conversation_id) is None


async def test_a_signed_name_is_shown(client: TestClient) -> None:
    chat = await start_chat(client, customer=signed_customer("alice@example.com", "Ally M."))
    assert "Ally" in texts(chat.greeting)
    assert await _customer_name(client, chat.conversation_id) == "Ally M."


async def test_a_widget_may_accept_signatures_for_less_than_a_day(client: TestClient) -> None:
    bundle = demo_bundle()
    bundle["widgets"][0]["config"]["identity_max_age"] = 600
    await client.app[STORE].publish(bundle, dry_run=False)
    old = signed_customer("alice@example.com", ts=int(time.time()) - 1200)
    chat = await start_chat(client, customer=old)
    assert "Alice" not in texts(chat.greeting)
    fresh = signed_customer("alice@example.com", ts=int(time.time()) - 300)
    chat = await start_chat(client, customer=fresh)
    assert "Alice" in texts(chat.greeting)
