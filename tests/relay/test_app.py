"""The assembled relay: lifespan, wiring, logs; the same shopper-and-console round trip on
SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import logging
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from relay import logs
from relay.app import create_app
from relay.keys import HTTP, METRICS, RUNTIME, STORE
from tests.relay.console_helpers import paired_console
from tests.relay.public_helpers import demo_bundle, start_chat, texts


async def test_startup_opens_a_migrated_store_and_shared_client(app_client: TestClient) -> None:
    app = app_client.app
    assert await app[STORE].relay_id()
    assert not app[HTTP].is_closed
    assert app[METRICS].render().startswith(b"# HELP")
    assert (await app_client.get("/readyz")).status == 200


async def test_shutdown_drains_and_closes(aiohttp_client: Any, relay_settings: Any) -> None:
    client = await aiohttp_client(create_app(relay_settings()))
    app = client.app
    http = app[HTTP]
    await client.close()
    assert app[RUNTIME].draining and app[RUNTIME].stopping.is_set()
    assert http.is_closed


async def round_trip(client: TestClient) -> None:
    """Publish through the signed console API, chat as a shopper, reply as an agent and
    read it all back as events."""
    console = await paired_console(client)
    status, body = await console.call("PUT", "/v1/console/publish", demo_bundle())
    assert status == 200, body
    chat = await start_chat(client)
    answer = await chat.bot_says("What is your return policy?")
    assert "30 days" in texts(answer)
    status, body = await console.call(
        "POST",
        f"/v1/console/conversations/{chat.conversation_id}/reply",
        {"text": "Hi, Ann from the shop here.", "author": "Ann"},
    )
    assert status == 201 and body["message"]["role"] == "agent"
    history = await chat.history()
    assert history[-1]["text"] == "Hi, Ann from the shop here."
    assert history[-1]["author"] == "Ann"  # the shopper sees who answered, after a reload too
    assert {m["author"] for m in history[:-1]} == {None}
    status, body = await console.call("GET", "/v1/console/events")
    types = [event["type"] for event in body["events"]]
    assert types[0] == "conversation.created" and types.count("message") >= 4
    await console.call("POST", "/v1/console/events/ack", {"cursor": body["cursor"]})
    status, body = await console.call("GET", "/v1/console/status")
    assert body["widgets"] == 1 and body["events_pending"] == 0
    assert body["conversations_open"] == 1 and body["today"]["conversations"] == 1


async def test_round_trip_on_sqlite(app_client: TestClient) -> None:
    await round_trip(app_client)


async def test_round_trip_on_postgresql(
    aiohttp_client: Any, relay_settings: Any, relay_pg_url: str
) -> None:
    client = await aiohttp_client(create_app(relay_settings(database_url=relay_pg_url)))
    assert client.app[STORE].is_postgresql
    await round_trip(client)


# -- logs ------------------------------------------------------------------------------------


def test_log_lines_are_json_with_the_request_context() -> None:
    stream = io.StringIO()
    logs.configure(stream=stream)
    try:
        token = logs.REQUEST_ID.set("req-abc12345")
        logging.getLogger("relay.test").info(
            "Store answered with token=%s", "sekret-value-123", extra={"status": 200}
        )
        logs.REQUEST_ID.reset(token)
    finally:
        logging.getLogger().handlers = [
            h
            for h in logging.getLogger().handlers
            if not isinstance(h.formatter, logs.JsonFormatter)
        ]
    line = orjson.loads(stream.getvalue().strip())
    assert line["level"] == "info" and line["logger"] == "relay.test"
    assert line["request_id"] == "req-abc12345" and line["status"] == 200
    assert line["time"].endswith("Z")
    assert "sekret-value-123" not in line["message"]


async def test_shoppers_words_never_reach_info_logs(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    await app_client.app[STORE].publish(demo_bundle(), dry_run=False)
    caplog.set_level(logging.INFO)
    chat = await start_chat(app_client)
    secret_words = "my private note about zebra-striped socks"
    await chat.say(secret_words)
    await chat.post(
        "lead", {"name": "Zoe Quill", "email": "zoe@example.com", "message": secret_words}
    )
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert "zebra-striped" not in record.getMessage()
            assert "Zoe Quill" not in record.getMessage()
