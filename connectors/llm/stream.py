"""The chat-completions answer read into ``core.agent.model`` events: server-sent chunks
(``data: {…}`` lines, ``data: [DONE]`` at the end), or one JSON body from a server that does
not stream. Anything that is not that protocol is a ``ModelError`` ("garbage")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from core.agent.model import Event, ModelError, TextDelta, ToolCallDelta, Usage


def read_line(line: str) -> list[Event] | None:
    """The events of one line of the stream; ``None`` at its end (other lines: none)."""
    if not line.startswith("data:"):
        return []
    payload = line[5:].strip()
    if payload == "[DONE]":
        return None
    try:
        chunk = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise ModelError("garbage") from None
    return list(chunk_events(chunk, streamed=True))


def chunk_events(chunk: Any, *, streamed: bool) -> Iterator[Event]:
    if not isinstance(chunk, dict):
        raise ModelError("garbage")
    if "error" in chunk:
        raise ModelError("error from the model")
    choices = chunk.get("choices") or []
    if not isinstance(choices, list):
        raise ModelError("garbage")
    for choice in choices[:1]:
        part = choice.get("delta" if streamed else "message") if isinstance(choice, dict) else None
        if part is None and streamed:
            continue
        if not isinstance(part, dict):
            raise ModelError("garbage")
        yield from _part_events(part)
    usage = chunk.get("usage")
    if isinstance(usage, dict):
        yield Usage(_tokens(usage.get("prompt_tokens")), _tokens(usage.get("completion_tokens")))


def _part_events(part: dict[str, Any]) -> Iterator[Event]:
    content = part.get("content")
    if content is not None and not isinstance(content, str):
        raise ModelError("garbage")
    if content:
        yield TextDelta(content)
    calls = part.get("tool_calls") or []
    if not isinstance(calls, list):
        raise ModelError("garbage")
    for n, call in enumerate(calls):
        yield _call(call, n)


def _call(call: Any, n: int) -> ToolCallDelta:
    if not isinstance(call, dict):
        raise ModelError("garbage")
    function = call.get("function") or {}
    index = call.get("index", n)
    if not isinstance(function, dict) or not isinstance(index, int) or not 0 <= index < 64:
        raise ModelError("garbage")
    name, arguments, call_id = function.get("name"), function.get("arguments"), call.get("id")
    if isinstance(arguments, dict):  # some servers send the object itself
        arguments = orjson.dumps(arguments).decode()
    if not all(v is None or isinstance(v, str) for v in (name, arguments, call_id)):
        raise ModelError("garbage")
    return ToolCallDelta(index, call_id or None, name or None, arguments or "")


def _tokens(value: Any) -> int:
    return value if isinstance(value, int) and 0 <= value < 10**8 else 0
