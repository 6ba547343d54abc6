"""Recently used conversations, kept in memory so a chat turn reads no row.

Only the group writer changes entries, right after its commit (or evicts them when a write
failed), and a missing entry is read on the writer's connection too: every change reaches
the cache in commit order. Used with SQLite, where one relay process owns the database;
several relays sharing PostgreSQL each write conversations the others would not see.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from relay.storage.records import ConversationRecord, Feedback, NewConversation, SpamFlag

DEFAULT_SIZE = 2000
"""Conversations kept: about 1 KB each (record and bot state), so about 2 MB at most. A
conversation that fell out is read again on its next turn."""


class ConversationCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._records: OrderedDict[str, ConversationRecord] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def get(self, conversation_id: str) -> ConversationRecord | None:
        record = self._records.get(conversation_id)
        if record is not None:
            self._records.move_to_end(conversation_id)
        return record

    def put(self, record: ConversationRecord) -> None:
        self._records[record.id] = record
        self._records.move_to_end(record.id)
        while len(self._records) > self._size:
            self._records.popitem(last=False)

    def update(self, conversation_id: str, **changes: Any) -> None:
        """Apply a committed change to the entry, if the conversation is cached."""
        record = self._records.get(conversation_id)
        if record is not None:
            self._records[conversation_id] = dataclasses.replace(record, **changes)

    def evict(self, conversation_id: str) -> None:
        self._records.pop(conversation_id, None)

    def after_create(self, conversation: NewConversation) -> Callable[[bool], None]:
        """The writer's follow-up for a new conversation: cache it once committed."""
        record = ConversationRecord(
            id=conversation.id,
            widget_key=conversation.widget_key,
            token_hash=conversation.token_hash,
            channel=conversation.channel,
            status=conversation.status,
            bot_state=conversation.bot_state,
            language=conversation.language,
            customer_email=conversation.customer_email,
            customer_name=conversation.customer_name,
            started_at=conversation.started_at,
            updated_at=conversation.started_at,
            page_url=conversation.page_url,
        )
        return lambda committed: self.put(record) if committed else self.evict(record.id)

    def after_turn(
        self,
        conversation_id: str,
        *,
        now: datetime,
        bot_state: dict[str, Any] | None,
        status: str | None,
        feedback: Feedback | None,
        spam: SpamFlag | None = None,
    ) -> Callable[[bool], None]:
        """The writer's follow-up for a turn: the same changes, in memory, once committed."""
        changes: dict[str, Any] = {"updated_at": now}
        if spam is not None:
            changes["spam"] = spam[0]
        if bot_state is not None:
            changes["bot_state"] = bot_state
        if status is not None:
            changes["status"] = status
        if feedback is not None and feedback.rating is not None:
            changes["rating"] = feedback.rating

        def after(committed: bool) -> None:
            if committed:
                self.update(conversation_id, **changes)
            else:
                self.evict(conversation_id)

        return after
