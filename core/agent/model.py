"""What the agent asks of a chat model: a stream of text pieces, tool-call pieces and usage.

``connectors.llm`` implements ``ChatModel`` over an OpenAI-compatible endpoint; tests pass
their own. Every failure of the model (down, slow, an answer that is not the protocol) is a
``ModelError``: the deterministic bot then answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Message = dict[str, Any]
"""One chat message in the chat-completions form (``role``, ``content``, ``tool_calls``…)."""


class ModelError(Exception):
    """The model cannot answer this turn; ``reason`` is short and holds no secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call: pieces with the same ``index`` add up to one call."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


Event = TextDelta | ToolCallDelta | Usage


class ChatModel(Protocol):
    def stream(
        self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> AsyncIterator[Event]:
        """The model's answer as it comes; raises ``ModelError`` on any trouble."""
        ...
