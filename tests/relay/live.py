"""A real relay on a real port, run on its own event loop in a background thread, for tests
that speak to it with blocking clients (schemathesis uses ``requests``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class LiveRelay:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.base_url = ""
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work()`` on the relay's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(_call(work), self.loop).result(timeout=60)

    def start(self) -> None:
        self._thread.start()

        async def up() -> None:
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            host, port = self._runner.addresses[0][:2]
            self.base_url = f"http://{host}:{port}"

        self.run(up)

    def stop(self) -> None:
        self.run(self._runner.cleanup)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def _call(work: Callable[[], Awaitable[Any]]) -> Any:
    return await work()


@contextmanager
def live_relay(app: web.Application) -> Iterator[LiveRelay]:
    relay = LiveRelay(app)
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()
