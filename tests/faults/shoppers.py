"""Shoppers for the fault tests: start chats and post messages against a relay (a real
subprocess or a test client, anything with aiohttp's request API), keep every message the
relay acknowledged (2xx), count what else came back, and read the stored history."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

QUESTIONS = ("What is your return policy?", "When are you open?", "Do you ship abroad?")


@dataclass
class Chat:
    conversation_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Tally:
    """What the shoppers saw: statuses (``"lost"``: no answer at all), the acknowledged
    message ids per conversation, and the bodies of 5xx answers."""

    statuses: Counter[int | str] = field(default_factory=Counter)
    acknowledged: dict[str, set[str]] = field(default_factory=dict)
    failures: list[Any] = field(default_factory=list)

    def acked(self) -> int:
        return sum(len(ids) for ids in self.acknowledged.values())

    def server_errors(self, status: int) -> int:
        return sum(n for s, n in self.statuses.items() if s == status)


async def start_chat(session: Any, widget_key: str) -> Chat:
    async with session.post(f"/v1/widgets/{widget_key}/conversations", json={}) as response:
        body = await response.json()
        assert response.status == 201, body
        return Chat(body["conversation_id"], body["token"])


async def say(session: Any, chat: Chat, text: str, tally: Tally) -> int | str:
    """Post ``text``; record the answer in ``tally``. The status, or ``"lost"``."""
    try:
        async with session.post(
            f"/v1/conversations/{chat.conversation_id}/messages",
            json={"text": text},
            headers=chat.auth,
        ) as response:
            status: int | str = response.status
            body = await response.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, ValueError):
        tally.statuses["lost"] += 1
        return "lost"
    tally.statuses[status] += 1
    if isinstance(status, int) and 200 <= status < 300:
        ids = {m["id"] for m in body["messages"]}
        tally.acknowledged.setdefault(chat.conversation_id, set()).update(ids)
    elif isinstance(status, int) and status >= 500:
        tally.failures.append(body)
    return status


async def history(session: Any, chat: Chat) -> set[str]:
    """Every stored message id of the conversation (all pages)."""
    ids: set[str] = set()
    after: str | None = None
    while True:
        params = {"after": after} if after else {}
        async with session.get(
            f"/v1/conversations/{chat.conversation_id}/messages", params=params, headers=chat.auth
        ) as response:
            assert response.status == 200, await response.text()
            page = (await response.json())["messages"]
        ids.update(m["id"] for m in page)
        if len(page) < 100:
            return ids
        after = page[-1]["id"]


async def lost_messages(session: Any, chats: list[Chat], tally: Tally) -> dict[str, set[str]]:
    """The acknowledged messages the relay no longer has, per conversation (empty: none)."""
    missing: dict[str, set[str]] = {}
    for chat in chats:
        acked = tally.acknowledged.get(chat.conversation_id, set())
        if acked:
            gone = acked - await history(session, chat)
            if gone:
                missing[chat.conversation_id] = gone
    return missing


async def shop(session: Any, chats: list[Chat], messages_each: int, tally: Tally) -> None:
    """Every chat posts ``messages_each`` questions, one after another, all chats at once."""

    async def one(chat: Chat) -> None:
        for n in range(messages_each):
            await say(session, chat, QUESTIONS[n % len(QUESTIONS)], tally)

    await asyncio.gather(*(one(chat) for chat in chats))


def integrity(path: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` of the database file (``"ok"`` when sound)."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    finally:
        db.close()
    return "; ".join(str(row[0]) for row in rows)
