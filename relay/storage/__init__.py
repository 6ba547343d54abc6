"""The relay's database: published state, conversations, the console outbox.

``RelayStore`` is the whole interface; records are frozen dataclasses in ``records``.
"""

from __future__ import annotations

from relay.storage.attempts import AttemptLimit, Reservation
from relay.storage.consoles import Grant
from relay.storage.engine import DATABASE_NAME, database_url
from relay.storage.errors import BundleError, StorageError, TeamError
from relay.storage.records import (
    ConsoleRecord,
    ConversationRecord,
    Event,
    Feedback,
    NewConversation,
    NewEvent,
    NewLead,
    NewMessage,
    Published,
    PublishedStore,
    PublishedWidget,
    StoredMessage,
    WriterStats,
)
from relay.storage.store import RelayStore

__all__ = [
    "DATABASE_NAME",
    "AttemptLimit",
    "BundleError",
    "ConsoleRecord",
    "ConversationRecord",
    "Event",
    "Feedback",
    "Grant",
    "NewConversation",
    "NewEvent",
    "NewLead",
    "NewMessage",
    "Published",
    "PublishedStore",
    "PublishedWidget",
    "RelayStore",
    "Reservation",
    "StorageError",
    "StoredMessage",
    "TeamError",
    "WriterStats",
    "database_url",
]
