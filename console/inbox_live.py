"""The Inbox's connection to the relay: a live event stream that pulls new events into the
workspace as they happen (reconnecting with backoff), and a reply sender that keeps every
reply in the workspace until the relay confirms it (retrying with backoff while it is away).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from console.commands.relay import pull_all
from console.relay_client import RelayClient, RelayError, RelayUnreachable
from core.workspace.inbox import InboxRepository
from core.workspace.inbox_replies import Pending, ReplyQueue

if TYPE_CHECKING:
    from console.context import ConsoleContext

log = logging.getLogger("storedesk.console.inbox")
BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
REPLY_LIMIT = 2000
Sleep = Callable[[float], Awaitable[Any]]


def backoff(attempt: int, steps: Sequence[float] = BACKOFF) -> float:
    """Seconds before try number ``attempt`` (0-based), with ±20 % jitter."""
    return steps[min(attempt, len(steps) - 1)] * random.uniform(0.8, 1.2)


class LiveInbox(QObject):
    """Keeps the workspace's inbox current while the console runs."""

    arrived = Signal(object)  # the list of events just stored
    shopper_typing = Signal(str)  # conversation id
    connection = Signal(bool, str)  # live?, a sentence when not

    def __init__(
        self, ctx: ConsoleContext, *, sleep: Sleep = asyncio.sleep, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._sleep = sleep
        self._inbox = InboxRepository(ctx.session.workspace)
        self._tasks: list[asyncio.Task[Any]] = []
        self._wake = asyncio.Event()
        self._busy = 0  # connections being opened or pulls running: not cancelled midway
        self._idle = asyncio.Event()
        self._idle.set()
        self.live = False

    def start(self) -> None:
        """(Re)start following the paired relay; nothing happens while unpaired."""
        self.stop()
        if self._ctx.relay_client() is not None:
            self._tasks = [
                self._ctx.spawn(self._follow(), what="Following the relay"),
                self._ctx.spawn(self._puller(), what="Receiving conversations"),
            ]

    def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        self.live = False

    async def aclose(self, timeout: float = 5.0) -> None:
        """Stop once a pull or connection under way has finished; wait until all is closed."""
        tasks, self._tasks = self._tasks, []
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.live = False

    def _begin(self) -> None:
        self._busy += 1
        self._idle.clear()

    def _end(self) -> None:
        self._busy -= 1
        if not self._busy:
            self._idle.set()

    async def _puller(self) -> None:
        """Pull whenever the stream says events wait. (Apart from the stream's reading, so
        the stream is only ever left while it waits for the network, never half-read.)"""
        while True:
            await self._wake.wait()
            self._wake.clear()
            client = self._ctx.relay_client()
            if client is not None:
                self._begin()
                try:
                    await self._pull_quietly(client)
                finally:
                    self._end()

    async def _follow(self) -> None:
        attempt = 0
        while True:
            client = self._ctx.relay_client()
            if client is None:
                return
            connecting = True  # until the relay's first notice; then the stream only reads
            self._begin()
            try:
                async with aclosing(client.stream()) as notices:
                    async for event, data in notices:
                        if connecting:
                            connecting = False
                            self._end()
                        if not self.live:
                            self.live, attempt = True, 0
                            self.connection.emit(True, "")
                        if event == "events":
                            self._wake.set()
                        elif event == "typing" and isinstance(data.get("conversation_id"), str):
                            self.shopper_typing.emit(data["conversation_id"])
                reason = "The relay closed the live connection (restarting?)"
            except RelayUnreachable as err:
                reason = str(err)
            except RelayError as err:
                reason = str(err)
                if err.status == 404:  # a relay without the live stream: pull now and then
                    self._wake.set()
            finally:
                if connecting:
                    self._end()
            delay = backoff(attempt)
            attempt += 1
            self.live = False
            self.connection.emit(False, f"{reason}; reconnecting in {delay:.0f} s.")
            await self._sleep(delay)

    async def pull(self, client: RelayClient) -> None:
        """Store every waiting event, then tell the Inbox what arrived."""
        stored: list[dict[str, Any]] = []

        def apply(events: list[dict[str, Any]]) -> Any:
            report = self._inbox.apply(events)
            stored.extend(events)
            return report

        await pull_all(client, apply)
        if stored:
            link = self._ctx.links.current()
            if link is not None:
                self._ctx.links.touch_pull(link)
            self.arrived.emit(stored)

    async def _pull_quietly(self, client: RelayClient) -> None:
        try:
            await self.pull(client)
        except RelayError as err:  # the stream reconnects, and then pulls again
            log.debug("pull failed: %s", err)


class ReplySender(QObject):
    """Send the merchant's replies; what the relay has not confirmed stays in the workspace
    (shown as pending) and is retried with backoff until it is delivered."""

    changed = Signal(str)  # a conversation whose pending replies changed
    problem = Signal(str)  # one sentence about a reply that could not be sent (yet)

    def __init__(
        self, ctx: ConsoleContext, *, sleep: Sleep = asyncio.sleep, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._sleep = sleep
        self.queue = ReplyQueue(ctx.session.workspace)
        self._sending = asyncio.Lock()
        self._retrying: asyncio.Task[Any] | None = None

    @staticmethod
    def check(text: str) -> str | None:
        """Why ``text`` cannot be sent, or ``None``."""
        if not text.strip():
            return "Write a reply first."
        if len(text.strip()) > REPLY_LIMIT:
            return (
                f"Replies are limited to {REPLY_LIMIT:,} characters and this one has "
                f"{len(text.strip()):,}; shorten it or send it in parts."
            )
        return None

    async def send(
        self, conversation_id: str, text: str, author: str, cards: list[Any] | None = None
    ) -> bool:
        """Keep the reply, then try to deliver it; True once the relay has it."""
        earlier = self.queue.waiting()
        reply = self.queue.add(conversation_id, text.strip(), author, cards)
        self.changed.emit(conversation_id)
        if earlier:  # replies go out in the order they were written
            self.retry_soon()
            return False
        delivered = await self._deliver(reply)
        if not delivered:
            self.retry_soon()
        return delivered

    async def _deliver(self, reply: Pending) -> bool:
        async with self._sending:  # one at a time, in order
            return await self._deliver_now(reply)

    async def _deliver_now(self, reply: Pending) -> bool:
        if reply.id not in {r.id for r in self.queue.waiting()}:
            return True  # sent meanwhile
        client = self._ctx.relay_client()
        if client is None:
            self._failed(
                reply,
                "The console is not paired with a relay; pair in Settings and "
                "the reply will be sent.",
                final=False,
            )
            return False
        try:
            message = await client.reply(
                reply.conversation_id, reply.text, reply.author, cards=reply.cards, ref=reply.id
            )
        except RelayUnreachable:
            self._failed(
                reply,
                "The relay is not reachable; your reply is kept and will be sent when it is back.",
                final=False,
            )
            return False
        except RelayError as err:
            if err.status is not None and (err.status >= 500 or err.status == 429):
                self._failed(
                    reply,
                    "The relay is busy; your reply is kept and will be sent shortly.",
                    final=False,
                )
            elif err.status == 404:
                self._failed(
                    reply,
                    "This conversation is no longer on the relay (the shopper's "
                    "data may have been erased), so the reply cannot be delivered; "
                    "it is kept here.",
                    final=True,
                )
            else:
                self._failed(reply, str(err), final=True)
            return False
        self.queue.sent(reply, message)
        self.changed.emit(reply.conversation_id)
        self._ctx.inbox_changed.emit()
        return True

    def _failed(self, reply: Pending, sentence: str, *, final: bool) -> None:
        self.queue.attempted(reply, sentence, final=final)
        self.changed.emit(reply.conversation_id)
        self.problem.emit(sentence)

    async def aclose(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.gather(self._retrying, return_exceptions=True)

    def retry_soon(self) -> None:
        """Retry every waiting reply, with backoff, until none is left (one task at a time)."""
        if self._retrying is None or self._retrying.done():
            self._retrying = self._ctx.spawn(self._retry(), what="Sending replies")

    async def _retry(self) -> None:
        attempt = 0
        while waiting := self.queue.waiting():
            await self._sleep(backoff(attempt))
            attempt += 1
            for reply in waiting:
                if not await self._deliver(reply):
                    break  # the relay is still away: wait longer
            else:
                attempt = 0
