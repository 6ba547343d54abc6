"""One unverified shopper's conversation about an order, through every public endpoint, as
raw bytes: the answers to each message, the poll, the event stream, feedback on the answer
and a lead that names the order. ``normalised`` takes out only what differs between two
identical requests (ids, tokens, times — see ``test_normalised_fields_are_per_request``) and
the order number the shopper typed."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp.test_utils import TestClient

from tests.relay.public_helpers import WIDGET_KEY

# keys whose values a request makes fresh: message/conversation/lead ids, tokens, times
VOLATILE = ("id", "conversation_id", "token", "lead_id", "created_at", "updated_at", "after")
_VOLATILE = re.compile(rb'"(%s)":"[^"]*"' % b"|".join(k.encode() for k in VOLATILE))
_EVENT_ID = re.compile(rb"^id: \S+$", re.MULTILINE)


def normalised(body: bytes, number: str) -> bytes:
    body = _VOLATILE.sub(rb'"\1":"~"', body)
    body = _EVENT_ID.sub(b"id: ~", body)
    return body.replace(number.encode(), b"<order>")


@dataclass
class Probe:
    """The raw answers of one conversation, in the order they were received."""

    answers: list[tuple[str, int, bytes]]

    def normalised(self, number: str) -> list[tuple[str, int, bytes]]:
        return [(what, status, normalised(body, number)) for what, status, body in self.answers]


async def _raw(response: Any) -> tuple[int, bytes]:
    return response.status, await response.read()


async def _stream(client: TestClient, conversation_id: str, token: str, count: int) -> bytes:
    """The event stream's backlog (``count`` messages), then closed."""
    path = f"/v1/conversations/{conversation_id}/stream?token={token}"
    response = await client.get(path)
    received = b""
    async with asyncio.timeout(10):
        while received.count(b"event: message") < count:
            received += await response.content.readany()
    response.close()
    return received


async def probe(
    client: TestClient,
    steps: list[str],
    *,
    language: str = "en",
    customer: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Probe:
    """Start a chat, send ``steps``, then poll, stream, rate the last answer, send a lead."""
    answers: list[tuple[str, int, bytes]] = []
    body: dict[str, Any] = {"language": language}
    if customer is not None:
        body["customer"] = customer
    started = await client.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json=body)
    status, raw = await _raw(started)
    assert status == 201, raw
    answers.append(("start", status, raw))
    chat = orjson.loads(raw)
    conversation, token = chat["conversation_id"], chat["token"]
    auth = {"Authorization": f"Bearer {token}"} | (headers or {})
    base = f"/v1/conversations/{conversation}"
    last_bot = None
    for text in steps:
        status, raw = await _raw(
            await client.post(f"{base}/messages", json={"text": text}, headers=auth)
        )
        answers.append((f"say {text!r}", status, raw))
        bots = [m for m in orjson.loads(raw).get("messages", []) if m["role"] == "bot"]
        last_bot = bots[-1]["id"] if bots else last_bot
    status, raw = await _raw(await client.get(f"{base}/messages", headers=auth))
    answers.append(("poll", status, raw))
    count = len(orjson.loads(raw)["messages"])
    answers.append(("stream", 200, await _stream(client, conversation, token, count)))
    if last_bot is not None:
        feedback = {"message_id": last_bot, "helpful": False}
        status, raw = await _raw(await client.post(f"{base}/feedback", json=feedback, headers=auth))
        answers.append(("feedback", status, raw))
    lead = {
        "kind": "contact",
        "name": "Mallory",
        "email": "mallory@example.com",
        "message": steps[0],
    }
    status, raw = await _raw(await client.post(f"{base}/lead", json=lead, headers=auth))
    answers.append(("lead", status, raw))
    return Probe(answers)
