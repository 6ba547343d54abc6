"""The bot engine: pure and deterministic; it asks a ``Lookup`` for store data.

``Bot(widget, KnowledgeIndex(entries), now)`` answers shoppers; ``BotState`` is what it
remembers between turns (kept as JSON by the relay).
"""

from __future__ import annotations

from core.bot.engine import Bot
from core.bot.knowledge import KnowledgeIndex, Match
from core.bot.lookup import Lookup, StoreUnavailable
from core.bot.reply import Reply, Turn
from core.bot.state import BotState

__all__ = [
    "Bot",
    "BotState",
    "KnowledgeIndex",
    "Lookup",
    "Match",
    "Reply",
    "StoreUnavailable",
    "Turn",
]
