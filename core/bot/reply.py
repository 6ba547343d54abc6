"""What one bot turn produces: replies for the shopper and the state to keep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.bot.state import BotState

#: What the widget shows under a bot message: the contact or appointment form, or (when the
#: shopper says thanks or goodbye) the 1–5 rating of the conversation.
Form = Literal["lead", "appointment", "rating"]
Handoff = Literal["asked", "low_confidence", "store_unavailable"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One bot message. ``knowledge_entry_id`` is for the console, never the browser."""

    text: str
    cards: tuple[dict[str, Any], ...] = ()
    suggestions: tuple[str, ...] = ()
    form: Form | None = None
    confidence: float | None = None
    knowledge_entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """The bot's answer to one message (or the greeting, or a lead's confirmation).

    ``handoff`` is set when this turn asks for a human (the relay marks the conversation
    waiting); ``verification_failed`` when the shopper named an order with details that did
    not match (the relay counts those per IP); ``lookups`` is how many store calls were made.
    """

    replies: tuple[Reply, ...]
    state: BotState
    intent: str
    handoff: Handoff | None = None
    verification_failed: bool = False
    lookups: int = 0
