"""``RedisLink``: the relay's one Redis client and its publish/subscribe channel.

Every relay on the same database listens on one channel (``<prefix>bus``, the prefix made
from the relay id every relay on that database shares, so several deployments can share a
Redis). A message is ``{"t": topic, "i": sender, "d": data}``; a relay ignores its own.
Messages go out in order through one sender task; a full outbox drops the newest (live
notices are a convenience: what matters is stored, and streams read it back).

When Redis stops answering, the link says so once in the log, ``healthy`` turns false (the
shared pieces then use this relay's own view) and it reconnects every few seconds; once
back it logs that and calls the ``on_reconnect`` callbacks (streams are ended so browsers
reconnect and read what they missed from storage).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from relay.settings import redact_url

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("relay.shared")

Handler = Callable[[str, dict[str, Any]], None]  # (sender instance, data)
RETRY = 2.0
"""Seconds between two attempts to reach Redis again."""
TIMEOUT = 2.0
POOL = 64
"""Connections to Redis a relay opens at most for its commands (rate limits)."""
"""Seconds a Redis command may take before Redis counts as not answering."""


class RedisLink:
    def __init__(
        self, url: str, prefix: str, instance: str, *, retry: float = RETRY, outbox: int = 10_000
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.instance = instance
        self.channel = f"{prefix}bus"
        self.healthy = False
        self.problem: str | None = "not connected yet"
        self._retry = retry
        self._handlers: dict[str, Handler] = {}
        self._reconnect: list[Callable[[], Awaitable[None] | None]] = []
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue(maxsize=outbox)
        self._tasks: list[asyncio.Task[None]] = []
        self._client: Redis | None = None
        self._logged_down = False
        self._tried = asyncio.Event()  # the first attempt to subscribe ended, either way

    @property
    def client(self) -> Redis:
        assert self._client is not None, "start() first"
        return self._client

    @property
    def url_shown(self) -> str:
        """The URL without its password."""
        return redact_url(self.url)

    def on(self, topic: str, handler: Handler) -> None:
        self._handlers[topic] = handler

    def on_reconnect(self, callback: Callable[[], Awaitable[None] | None]) -> None:
        """Called each time the link is back after Redis was away (not on the first start)."""
        self._reconnect.append(callback)

    async def start(self, *, wait: float = 3.0) -> None:
        """Connect and subscribe (waiting up to ``wait`` seconds; a Redis that is not there
        yet is retried in the background)."""
        from redis.asyncio import BlockingConnectionPool, Redis

        # a burst of requests waits for one of the pool's connections rather than failing
        pool = BlockingConnectionPool.from_url(
            self.url,
            max_connections=POOL,
            timeout=TIMEOUT,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
        )
        self._client = Redis.from_pool(pool)
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._send())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tried.wait(), wait)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.aclose()

    def publish(self, topic: str, data: dict[str, Any]) -> None:
        """Send ``data`` to the other relays (nothing while Redis is away)."""
        if not self.healthy:
            return
        message = orjson.dumps({"t": topic, "i": self.instance, "d": data})
        with contextlib.suppress(asyncio.QueueFull):
            self._outbox.put_nowait(message)

    def down(self, exc: BaseException) -> None:
        """Redis did not answer: log it once, go on alone until it is back."""
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.healthy = False
        self.problem = f"Redis is not answering ({reason})"
        if not self._logged_down:
            self._logged_down = True
            log.warning(
                "Redis at %s is not answering (%s); this relay goes on alone: live replies, "
                "rate limits and presence cover only its own clients until Redis is back.",
                self.url_shown,
                reason,
            )

    async def _up(self) -> None:
        came_back = self._logged_down
        self.healthy, self.problem, self._logged_down = True, None, False
        self._tried.set()
        if came_back:
            log.info(
                "Redis at %s answers again; the relays share their state.", redact_url(self.url)
            )
            for callback in self._reconnect:
                result = callback()
                if result is not None:
                    await result

    async def _listen(self) -> None:
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                await self._up()
                while True:
                    message = await pubsub.get_message(timeout=min(5.0, self._retry))
                    if message is None:
                        await pubsub.ping()  # an idle link still notices Redis going away
                    elif message.get("type") == "message":
                        self._dispatch(message.get("data"))
                    if not self.healthy:  # a command failed while the channel stayed up
                        await self.client.ping()
                        await self._up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # redis.RedisError, OSError, timeouts: Redis is away
                self.down(exc)
                self._tried.set()
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(self._retry)

    def _dispatch(self, raw: Any) -> None:
        if not isinstance(raw, bytes | str):
            return
        try:
            message = orjson.loads(raw)
            topic, sender, data = message["t"], message["i"], message["d"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("A message on the relays' Redis channel could not be read; ignored.")
            return
        if sender == self.instance:
            return
        handler = self._handlers.get(topic)
        if handler is not None and isinstance(data, dict):
            try:
                handler(sender, data)
            except Exception:
                log.exception("A shared %r message could not be applied", topic)

    async def _send(self) -> None:
        while True:
            message = await self._outbox.get()
            try:
                await self.client.publish(self.channel, message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.down(exc)
