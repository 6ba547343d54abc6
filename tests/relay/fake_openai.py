"""A local OpenAI-compatible endpoint with scripted answers (``POST /v1/chat/completions``).

Each request takes the next step of ``FakeOpenAI.script`` (with none left: a plain "OK"
answer). Steps speak the real wire format: server-sent ``chat.completion.chunk`` objects with
text and tool-call deltas (a call's arguments split across chunks, as real servers send
them), a usage chunk, ``data: [DONE]``; or a failure (a 5xx, garbage, a stall). Every
request's JSON body and headers are kept in ``requests`` to assert on what the model saw.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

Step = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeOpenAI:
    def __init__(self) -> None:
        self.script: list[Step] = []
        self.requests: list[dict[str, Any]] = []
        self.release = asyncio.Event()  # set to let stalled answers end

    def then(self, *steps: Step) -> FakeOpenAI:
        self.script.extend(steps)
        return self

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append({"body": body, "headers": dict(request.headers)})
        step = self.script.pop(0) if self.script else text("OK")
        return await step(request)

    def seen(self, n: int = -1) -> str:
        """Request ``n`` as the model received it: all its messages, as one JSON text."""
        return json.dumps(self.requests[n]["body"]["messages"], ensure_ascii=False)


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


async def _sse(request: web.Request, chunks: list[dict[str, Any]]) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for chunk in chunks:
        await response.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    await response.write(b"data: [DONE]\n\n")
    return response


def _usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def text(*pieces: str, usage: tuple[int, int] | None = (50, 10)) -> Step:
    """An answer streamed in ``pieces``, then its usage (``None``: none reported)."""

    async def step(request: web.Request) -> web.StreamResponse:
        chunks = [_chunk({"role": "assistant", "content": ""})]
        chunks += [_chunk({"content": p}) for p in pieces]
        chunks.append(_chunk({}, "stop"))
        if usage is not None:
            chunks.append(_usage(*usage))
        return await _sse(request, chunks)

    return step


def tool_call(
    name: str, arguments: dict[str, Any] | str, *, usage: tuple[int, int] = (60, 8)
) -> Step:
    """One tool call, its arguments split over two chunks."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    half = len(raw) // 2

    async def step(request: web.Request) -> web.StreamResponse:
        first = {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": name, "arguments": raw[:half]},
        }
        chunks = [
            _chunk({"role": "assistant", "content": None, "tool_calls": [first]}),
            _chunk({"tool_calls": [{"index": 0, "function": {"arguments": raw[half:]}}]}),
            _chunk({}, "tool_calls"),
            _usage(*usage),
        ]
        return await _sse(request, chunks)

    return step


def status(code: int) -> Step:
    async def step(request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {"error": {"message": "down", "type": "server_error"}}, status=code
        )

    return step


def garbage() -> Step:
    async def step(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'data: {"choices": [{"delta": {"content": "Hel\n\n')
        return response

    return step


def stall(fake: FakeOpenAI) -> Step:
    """Headers, then nothing until ``fake.release`` is set (a model that never starts)."""

    async def step(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await fake.release.wait()
        return response

    return step


@asynccontextmanager
async def running(fake: FakeOpenAI) -> AsyncIterator[str]:
    """Serve ``fake``; yields its base URL (``http://127.0.0.1:PORT/v1``)."""
    server, url = await _serve(fake)
    try:
        yield url
    finally:
        fake.release.set()
        await server.close()


def paused(first: str, rest: str, gate: asyncio.Event) -> Step:
    """``first`` streamed, then nothing until ``gate`` is set, then ``rest``."""

    async def step(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for piece in (first, None, rest):
            if piece is None:
                await gate.wait()
                continue
            await response.write(
                b"data: " + json.dumps(_chunk({"content": piece})).encode() + b"\n\n"
            )
        await response.write(b"data: [DONE]\n\n")
        return response

    return step


class InThread:
    """A ``FakeOpenAI`` served from its own thread and event loop, for synchronous tests (the
    console's commands, the browser tests). ``call(fn)`` runs ``fn()`` on that loop."""

    def __init__(self) -> None:
        import threading

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.fake: FakeOpenAI = self.call(FakeOpenAI)
        self._server = self.call(lambda: _serve(self.fake))
        self.url: str = self._server[1]

    def call(self, fn: Callable[[], Any]) -> Any:
        async def run() -> Any:
            value = fn()
            return await value if asyncio.iscoroutine(value) else value

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=30)

    def close(self) -> None:
        self.call(self.fake.release.set)
        self.call(self._server[0].close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def _serve(fake: FakeOpenAI) -> tuple[TestServer, str]:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    return server, str(server.make_url("/v1"))
