"""Presence shared over the relays' Redis channel: a console seen by one relay, or a console
stream held by one, makes the widget "Online" through every relay.

Each relay announces a signed console request (``seen``, at most every few seconds) and
whether it holds console streams (``until``: they count that long; re-announced while
held, so a relay that stops without a word is forgotten within ``HOLD_TTL``). A relay that
(re)joins asks the others to announce theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from relay.services.presence import Presence
from relay.shared.link import RedisLink

HOLD_TTL = 45.0
BEAT = 15.0
SEEN_EVERY = 5.0


class PresenceSharing:
    def __init__(self, presence: Presence, link: RedisLink, now: Callable[[], datetime]) -> None:
        self._presence = presence
        self._link = link
        self._now = now
        self._seen_sent: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._presence.announce = self._announce
        self._link.on("presence", self._received)
        self._link.on("presence.ask", lambda sender, data: self._tell())
        self._link.on_reconnect(self.ask)
        self._task = asyncio.create_task(self._beat())
        self.ask()

    async def close(self) -> None:
        self._presence.announce = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def ask(self) -> None:
        self._link.publish("presence.ask", {})
        self._tell()

    def _announce(self, kind: str) -> None:
        now = self._now()
        if kind == "seen":
            if self._seen_sent is not None and now - self._seen_sent < timedelta(
                seconds=SEEN_EVERY
            ):
                return
            self._seen_sent = now
            self._link.publish("presence", {"seen": now.isoformat()})
        else:
            self._link.publish("presence", {"until": self._until(now)})

    def _until(self, now: datetime) -> str | None:
        if self._presence.held <= 0:
            return None
        return (now + timedelta(seconds=HOLD_TTL)).isoformat()

    def _tell(self) -> None:
        last = self._presence.last_seen
        data: dict[str, Any] = {"until": self._until(self._now())}
        if last is not None:
            data["seen"] = last.isoformat()
        self._link.publish("presence", data)

    def _received(self, sender: str, data: dict[str, Any]) -> None:
        seen = _when(data.get("seen"))
        if seen is not None:
            self._presence.seen_elsewhere(seen)
        if "until" in data:
            self._presence.held_elsewhere(sender, _when(data["until"]))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT)
            if self._presence.held > 0:
                self._announce("held")


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None
