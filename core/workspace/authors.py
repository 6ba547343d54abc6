"""Who wrote a person's reply (a message of role ``agent``): the name the shopper saw and the
console it was sent from, so the Inbox says "You" only for this console's own replies.

The workspace keeps both in the message's ``author_name`` and ``author_console`` columns; the
other roles leave them empty (the AI agent's turns are the bot's, marked by their intent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

NAME_LIMIT = 80
_CONSOLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Author:
    name: str | None
    console_id: str | None  # None: sent before consoles were named (or by an older relay)


def author_columns(role: str, message: Mapping[str, Any]) -> dict[str, str | None]:
    """The ``author_name`` and ``author_console`` a message (Message JSON) is stored with: the
    name on one line and shortened, a console id only when it is one; ``None`` for what is
    not known, and for every message but a person's reply."""
    name = message.get("author") if role == "agent" else None
    name = " ".join(name.split())[:NAME_LIMIT] if isinstance(name, str) else ""
    console = message.get("console_id") if role == "agent" else None
    console = console if isinstance(console, str) and _CONSOLE_ID.match(console) else ""
    return {"author_name": name or None, "author_console": console or None}


def read_author(name: str | None, console: str | None) -> Author | None:
    """The author of a stored message; ``None``: not a person's reply, or one sent before
    replies were named."""
    if not name and not console:
        return None
    return Author(name or None, console or None)
