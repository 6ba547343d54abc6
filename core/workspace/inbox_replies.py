"""What the Inbox writes besides relay events: replies waiting for the relay (kept until it
confirms them, so none is lost when it drops), and the merchant's canned replies."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from core.ids import new_id
from core.workspace.database import Workspace
from core.workspace.inbox import InboxRepository
from core.workspace.models import CannedReply, PendingReply

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class CannedError(ValueError):
    """A canned reply that cannot be saved; ``str()`` is the sentence."""


@dataclass(frozen=True, slots=True)
class Pending:
    id: str
    conversation_id: str
    text: str
    cards: list[Any]
    author: str
    created_at: datetime
    attempts: int
    state: str  # pending (will be retried) or failed (cannot be delivered)
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Canned:
    id: int
    shortcut: str
    text: str


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ReplyQueue:
    """Replies the merchant sent: stored here first, removed once the relay has them."""

    def __init__(self, workspace: Workspace, *, now: Callable[[], datetime] = _utc_now) -> None:
        self._workspace = workspace
        self._now = now

    def add(
        self, conversation_id: str, text: str, author: str, cards: list[Any] | None = None
    ) -> Pending:
        values = {
            "id": new_id("r"),
            "conversation_id": conversation_id,
            "text": text,
            "cards": list(cards or []),
            "author": author,
            "created_at": self._now(),
            "attempts": 0,
            "state": "pending",
            "last_error": None,
        }
        with self._workspace.engine.begin() as connection:
            connection.execute(insert(PendingReply).values(values))
        return Pending(**values)  # type: ignore[arg-type]

    def _select(self, *where: Any) -> list[Pending]:
        columns = [getattr(PendingReply, name) for name in Pending.__slots__]
        query = select(*columns).where(*where).order_by(PendingReply.created_at, PendingReply.id)
        with self._workspace.engine.connect() as connection:
            return [Pending(*row) for row in connection.execute(query)]

    def waiting(self) -> list[Pending]:
        """Every reply still to be retried, oldest first."""
        return self._select(PendingReply.state == "pending")

    def of(self, conversation_id: str) -> list[Pending]:
        """A conversation's unsent replies (pending or failed), to show in its thread."""
        return self._select(PendingReply.conversation_id == conversation_id)

    def sent(self, reply: Pending, message: Mapping[str, Any]) -> None:
        """The relay confirmed ``reply`` as ``message``: keep the message, drop the reply."""
        InboxRepository(self._workspace, now=self._now).store_reply(reply.conversation_id, message)
        with self._workspace.engine.begin() as connection:
            connection.execute(delete(PendingReply).where(PendingReply.id == reply.id))

    def attempted(self, reply: Pending, error: str, *, final: bool) -> None:
        """One more failed try; ``final`` when it can never be delivered (kept, not retried)."""
        values = {
            "attempts": PendingReply.attempts + 1,
            "last_error": error,
            "state": "failed" if final else "pending",
        }
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(PendingReply).where(PendingReply.id == reply.id).values(values)
            )

    def discard(self, reply_id: str) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(delete(PendingReply).where(PendingReply.id == reply_id))


class CannedReplies:
    """Saved answers, inserted in the reply box by typing ``/shortcut``."""

    def __init__(self, workspace: Workspace, *, now: Callable[[], datetime] = _utc_now) -> None:
        self._workspace = workspace
        self._now = now

    def all(self) -> list[Canned]:
        query = select(CannedReply.id, CannedReply.shortcut, CannedReply.text).order_by(
            CannedReply.shortcut
        )
        with self._workspace.engine.connect() as connection:
            return [Canned(*row) for row in connection.execute(query)]

    def matching(self, prefix: str) -> list[Canned]:
        prefix = prefix.lower()
        return [c for c in self.all() if c.shortcut.startswith(prefix)]

    def save(self, shortcut: str, text: str, *, canned_id: int | None = None) -> Canned:
        shortcut = shortcut.strip().lstrip("/").lower()
        text = text.strip()
        if not SHORTCUT.match(shortcut):
            raise CannedError(
                "A shortcut is 1 to 32 lower-case letters, digits, - or _ (for example: shipping)."
            )
        if not text:
            raise CannedError("Write the reply's text.")
        if len(text) > 2000:
            raise CannedError("A canned reply is limited to 2,000 characters.")
        with self._workspace.engine.begin() as connection:
            taken = connection.scalar(
                select(CannedReply.id).where(CannedReply.shortcut == shortcut)
            )
            if taken is not None and taken != canned_id:
                raise CannedError(f"The shortcut /{shortcut} is already used.")
            now = self._now()
            if canned_id is None:
                result = connection.execute(
                    insert(CannedReply).values(
                        shortcut=shortcut, text=text, created_at=now, updated_at=now
                    )
                )
                canned_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            else:
                connection.execute(
                    update(CannedReply)
                    .where(CannedReply.id == canned_id)
                    .values(shortcut=shortcut, text=text, updated_at=now)
                )
        return Canned(canned_id, shortcut, text)

    def remove(self, canned_id: int) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(delete(CannedReply).where(CannedReply.id == canned_id))
