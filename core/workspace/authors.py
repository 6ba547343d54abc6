"""Who wrote a person's reply (a message of role ``agent``): the name the shopper saw and the
console it was sent from, so the Inbox says "You" only for this console's own replies.

The workspace keeps both in the message's ``intent`` column (``by:<console id>:<name>``),
which no other message of role ``agent`` uses (the bot's and the shopper's messages keep their
intents there, and every query on intents names those roles).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "by:"
NAME_LIMIT = 80
_CONSOLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Author:
    name: str | None
    console_id: str | None  # None: sent before consoles were named (or by an older relay)


def author_intent(message: Mapping[str, Any]) -> str | None:
    """What the workspace keeps for a reply's author (``None``: nothing is known)."""
    name = message.get("author")
    name = " ".join(name.split())[:NAME_LIMIT] if isinstance(name, str) else ""
    console = message.get("console_id")
    console = console if isinstance(console, str) and _CONSOLE_ID.match(console) else ""
    if not name and not console:
        return None
    return f"{PREFIX}{console}:{name}"


def read_author(role: str, intent: str | None) -> Author | None:
    """The author kept by ``author_intent`` for a reply; ``None`` for any other message."""
    if role != "agent" or not intent or not intent.startswith(PREFIX):
        return None
    console, _, name = intent.removeprefix(PREFIX).partition(":")
    return Author(name or None, console or None)
