"""The agent's turn: rounds of model answer → tool calls → results, until a plain answer.

The turn ends early, and the bot answers instead, when the model is down or slow (no first
token within the timeout, or the whole turn over ``DEADLINE``), says something that is not
an answer (nothing, garbage, "I don't know"), calls ``handoff``, uses up the rounds or the
conversation's token budget. A tool that needs the shopper's proof ends it too: then the
bot's verification flow asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from core.agent.model import ChatModel, Event, Message, ModelError, TextDelta, ToolCallDelta, Usage
from core.agent.prompt import clean_reply, estimate_tokens, unsure
from core.agent.schema import Refused, check_call, tool_specs
from core.agent.toolbox import Toolbox

MAX_ROUNDS = 4
DEADLINE = 15.0
MAX_CALLS = 4
_MAX_STREAMED = 16_000
Delta = Callable[[str], Awaitable[None]]
Outcome = Literal["answer", "verify", "fallback"]


@dataclass(frozen=True, slots=True)
class AgentResult:
    """``answer``: ``text`` is the reply; ``verify``: the shopper must prove who they are;
    ``fallback``: the bot answers (``reason`` says why). ``tokens``: spent this turn."""

    outcome: Outcome
    tokens: int
    text: str = ""
    reason: str | None = None


@dataclass(slots=True)
class _Round:
    text: list[str] = field(default_factory=list)
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    usage: Usage | None = None

    def add_call(self, piece: ToolCallDelta) -> None:
        call = self.calls.setdefault(piece.index, {"id": None, "name": "", "arguments": []})
        if piece.id:
            call["id"] = piece.id
        if piece.name:
            call["name"] += piece.name
        call["arguments"].append(piece.arguments)


class Responder:
    """``timeout``: the longest wait for the model's first (or next) token; ``deadline``:
    for the whole turn (the widget gives up on an answer after 20 s)."""

    def __init__(
        self,
        model: ChatModel,
        *,
        timeout: float,
        deadline: float = DEADLINE,
        max_rounds: int = MAX_ROUNDS,
    ) -> None:
        self._model = model
        self._timeout = timeout
        self._deadline = deadline
        self._max_rounds = max_rounds

    async def answer(
        self,
        messages: list[Message],
        tools: Toolbox,
        *,
        budget: int,
        on_delta: Delta | None = None,
    ) -> AgentResult:
        """Run the turn on ``messages`` (extended in place with the rounds' messages)."""
        spent = [0]
        try:
            async with asyncio.timeout(self._deadline):
                return await self._rounds(messages, tools, budget, on_delta, spent)
        except ModelError as error:
            return AgentResult("fallback", spent[0], reason=error.reason)
        except TimeoutError:
            return AgentResult("fallback", spent[0], reason="slow")

    async def _rounds(
        self,
        messages: list[Message],
        tools: Toolbox,
        budget: int,
        on_delta: Delta | None,
        spent: list[int],
    ) -> AgentResult:
        for _ in range(self._max_rounds):
            if spent[0] >= budget:
                return AgentResult("fallback", spent[0], reason="budget")
            heard = await self._round(messages, on_delta)
            text = "".join(heard.text)
            spent[0] += heard.usage.total if heard.usage else estimate_tokens(messages, text)
            if not heard.calls:
                return _final(text, spent[0])
            await self._run_calls(messages, text, heard, tools)
            if tools.stop is not None:
                outcome: Outcome = "verify" if tools.stop == "verify" else "fallback"
                return AgentResult(outcome, spent[0], reason=tools.stop)
        return AgentResult("fallback", spent[0], reason="rounds")

    async def _round(self, messages: list[Message], on_delta: Delta | None) -> _Round:
        heard = _Round()
        streamed = 0
        async for event in self._events(messages):
            if isinstance(event, TextDelta):
                streamed += len(event.text)
                if streamed > _MAX_STREAMED:
                    raise ModelError("too long")
                heard.text.append(event.text)
                if on_delta is not None and event.text:
                    await on_delta(event.text)
            elif isinstance(event, ToolCallDelta):
                heard.add_call(event)
            else:
                heard.usage = event
        return heard

    async def _events(self, messages: list[Message]) -> AsyncIterator[Event]:
        """The model's events; a wait over ``timeout`` for the first or next one is slow."""
        stream = self._model.stream(messages, tool_specs()).__aiter__()
        try:
            while True:
                try:
                    async with asyncio.timeout(self._timeout):  # in this task: streams stay put
                        event = await anext(stream)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise ModelError("slow") from None
                yield event
        finally:
            closing = getattr(stream, "aclose", None)
            if closing is not None:
                with contextlib.suppress(Exception):
                    await closing()

    async def _run_calls(
        self, messages: list[Message], text: str, heard: _Round, tools: Toolbox
    ) -> None:
        calls = [heard.calls[i] for i in sorted(heard.calls)]
        for n, call in enumerate(calls):
            call["id"] = str(call["id"] or f"call_{n}")[:64]
        messages.append(
            {
                "role": "assistant",
                "content": text or None,
                "tool_calls": [
                    {
                        "id": c["id"],
                        "type": "function",
                        "function": {"name": c["name"], "arguments": "".join(c["arguments"])},
                    }
                    for c in calls
                ],
            }
        )
        for n, call in enumerate(calls):
            content = await _run_one(tools, call, over=n >= MAX_CALLS)
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": content})
            if tools.stop is not None:
                return


async def _run_one(tools: Toolbox, call: dict[str, Any], *, over: bool) -> str:
    if over:
        return '{"error":"Too many tool calls at once; call fewer."}'
    try:
        args = check_call(call["name"], "".join(call["arguments"]))
    except Refused as refused:
        return json.dumps({"error": str(refused)}, ensure_ascii=False)
    return await tools.run(call["name"], args)


def _final(text: str, spent: int) -> AgentResult:
    reply = clean_reply(text)
    if not reply:
        return AgentResult("fallback", spent, reason="empty")
    if unsure(reply):
        return AgentResult("fallback", spent, reason="unsure")
    return AgentResult("answer", spent, text=reply)
