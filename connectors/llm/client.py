"""``OpenAIChat``: ``POST {base_url}/chat/completions`` with the tools, streamed.

The API key goes in the ``Authorization`` header only; errors name the status or the kind
of failure, never the key or the request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import orjson

from connectors.llm.stream import chunk_events, read_line
from core.agent.model import Event, Message, ModelError
from core.agent.settings import AgentSettings

MAX_TOKENS = 700
_MAX_BODY = 1_000_000


class OpenAIChat:
    def __init__(self, http: httpx.AsyncClient, settings: AgentSettings) -> None:
        self._http = http
        self._settings = settings

    def _request(self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]) -> Any:
        s = self._settings
        body: dict[str, Any] = {
            "model": s.model,
            "messages": list(messages),
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": s.temperature,
            "max_tokens": MAX_TOKENS,
        }
        if tools:
            body["tools"] = list(tools)
            body["tool_choice"] = "auto"
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if s.api_key:
            headers["Authorization"] = f"Bearer {s.api_key}"
        timeout = httpx.Timeout(s.timeout, connect=min(s.timeout, 10.0))
        return self._http.stream(
            "POST",
            f"{s.base_url}/chat/completions",
            content=orjson.dumps(body),
            headers=headers,
            timeout=timeout,
        )

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> AsyncIterator[Event]:
        try:
            async with self._request(messages, tools) as response:
                if response.status_code >= 400:
                    raise ModelError(_status_reason(response.status_code))
                kind = response.headers.get("content-type", "")
                if kind.startswith("application/json"):  # a server that does not stream
                    for event in await _whole(response):
                        yield event
                    return
                done = False
                async for line in response.aiter_lines():  # read to its end: httpx's inner
                    events = None if done else read_line(line)  # iterators then close here
                    if events is None:
                        done = True
                        continue
                    for event in events:
                        yield event
        except httpx.TimeoutException:
            raise ModelError("slow") from None
        except httpx.HTTPError as error:
            raise ModelError(f"unreachable ({type(error).__name__})") from None


async def _whole(response: httpx.Response) -> list[Event]:
    body = b""
    async for piece in response.aiter_bytes():
        body += piece
        if len(body) > _MAX_BODY:
            raise ModelError("too long")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ModelError("garbage") from None
    return list(chunk_events(data, streamed=False))


def _status_reason(status: int) -> str:
    if status in (401, 403):
        return f"refused the API key (HTTP {status})"
    if status == 404:
        return "no such model or address (HTTP 404)"
    if status == 429:
        return "rate limited (HTTP 429)"
    return f"HTTP {status}"


async def try_model(http: httpx.AsyncClient, settings: AgentSettings) -> tuple[str, int]:
    """One test prompt, no tools: the answer's text and the tokens it used."""
    from core.agent.model import TextDelta, Usage

    text: list[str] = []
    used = 0
    messages = [
        {"role": "system", "content": f"You are {settings.persona}, a shop's assistant."},
        {"role": "user", "content": "Say hello to a shopper in one short sentence."},
    ]
    async for event in OpenAIChat(http, settings).stream(messages, []):
        if isinstance(event, TextDelta):
            text.append(event.text)
        elif isinstance(event, Usage):
            used = event.total
    answer = "".join(text).strip()
    if not answer:
        raise ModelError("answered with no text")
    return answer, used
