"""The webhook inbox's worker: processes committed deliveries in the background.

The route commits a verified delivery, answers 200 and wakes this worker. For each due
delivery it forgets the lookups the change made stale, erases what a redact asks for,
then marks the delivery processed together with the console's event (once, whatever
happens: a crash before that commit means the delivery is processed again, and every
step is idempotent). A failure is retried with backoff, then kept as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import orjson

from core.bot import StoreUnavailable
from core.ids import new_id
from core.serialize import to_jsonable
from relay.services.webhook_effects import Change, shopify_change, woocommerce_change
from relay.storage.records import Delivery, NewEvent

if TYPE_CHECKING:
    from relay.metrics import Metrics
    from relay.services.lookups import LookupPool
    from relay.storage import RelayStore

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BATCH = 200
GATHER = 0.02
"""Seconds the worker lets deliveries gather after a wake-up: under load, many are then
processed in one transaction rather than one transaction each."""
PRUNE_EVERY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … at most 30 minutes."""
    return timedelta(seconds=min(1800, 5 * 2 ** max(0, attempts)))


class WebhookProcessor:
    def __init__(
        self,
        store: RelayStore,
        lookups: LookupPool,
        *,
        now: Callable[[], datetime],
        metrics: Metrics | None = None,
        poll: float = 30.0,
    ) -> None:
        self._store = store
        self._lookups = lookups
        self._now = now
        self._metrics = metrics
        self._poll = poll
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._pruned: datetime | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="webhooks")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """A delivery was committed: process it now."""
        self._idle.clear()
        self._wake.set()

    async def settled(self) -> None:
        """Wait until everything woken for has been processed (tests, shutdown)."""
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(GATHER)
            self._wake.clear()
            try:
                await self.drain()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("Processing store webhooks failed; retrying shortly")
            if not self._wake.is_set():
                self._idle.set()
            try:
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def drain(self) -> int:
        """Process every due delivery; how many were processed."""
        done = 0
        while batch := await self._store.due_deliveries(BATCH):
            finished = [f for f in [await self._one(d) for d in batch] if f is not None]
            if finished:  # one transaction for the batch: one disk flush
                done += await self._store.finish_deliveries(finished)
                seqs = {seq for seq, _, _ in finished}
                for delivery in batch:
                    if delivery.seq in seqs:
                        self._count(delivery.platform, "processed")
            if len(batch) < BATCH:
                break
        now = self._now()
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await self._store.prune_deliveries()
        return done

    async def _one(self, delivery: Delivery) -> tuple[int, str, list[NewEvent]] | None:
        """Apply one delivery's effects; what finishing it will store (``None``: failed,
        retried later)."""
        try:
            outcome, events = await self.apply(delivery)
        except Exception as exc:
            attempts = delivery.attempts + 1
            give_up = attempts >= MAX_ATTEMPTS
            next_at = None if give_up else self._now() + backoff(attempts)
            reason = f"{type(exc).__name__}: {exc}"[:300]
            log.warning(
                "Store webhook %s (%s) failed: %s%s",
                delivery.delivery_id,
                delivery.topic,
                type(exc).__name__,
                "; giving up" if give_up else "; will retry",
            )
            await self._store.retry_delivery(delivery.seq, reason, next_at)
            self._count(delivery.platform, "failed" if give_up else "retried")
            return None
        return delivery.seq, outcome, events

    async def apply(self, delivery: Delivery) -> tuple[str, list[NewEvent]]:
        """The delivery's effects on the relay; its outcome and events for the console."""
        if delivery.body is None:
            return "erased", []
        payload = orjson.loads(delivery.body)
        change = self.change(delivery, payload)
        await self._effects(delivery, change)
        if delivery.platform == "shopify" and change.kind == "order" and change.action == "upsert":
            change = await self._as_the_store_has_it(delivery.store_id, change)
        event = NewEvent(
            id=new_id("ev"),
            type="store.changed",
            at=self._now(),
            data=change.data(
                delivery.platform, delivery.store_id, delivery.topic, delivery.delivery_id
            ),
        )
        return change.action, [event]

    def change(self, delivery: Delivery, payload: dict[str, object]) -> Change:
        if delivery.platform == "woocommerce":
            return woocommerce_change(delivery.topic, payload)
        published = self._store.store(delivery.store_id)
        shop = published.settings.get("shop") if published is not None else None
        return shopify_change(delivery.topic, payload, f"https://{shop}" if shop else None)

    async def _effects(self, delivery: Delivery, change: Change) -> None:
        self._lookups.forget(
            delivery.store_id,
            orders=change.forget_orders,
            emails=change.forget_emails,
            products=change.forget_products,
        )
        if change.erase_email is None and not change.erase_store:
            return
        widgets = [
            w.key for w in self._store.published.widgets.values() if w.store_id == delivery.store_id
        ]
        erased = await self._store.erase_conversations(
            widgets,
            None if change.erase_store else change.erase_email,
            store_id=delivery.store_id if change.erase_store else None,
            keep=delivery.seq,
        )
        change.ref["conversations_erased"] = erased

    async def _as_the_store_has_it(self, store_id: str, change: Change) -> Change:
        """A Shopify order as the connector reads it (GraphQL: fulfillment holds, delivery
        events, which the REST payload of a webhook does not carry), fetched fresh through
        the store's lookup, so the next shopper asking gets it from the cache. The payload's
        mapping stays when the store does not answer."""
        published = self._store.store(store_id)
        number = change.ref.get("number")
        if published is None or not isinstance(number, str):
            return change
        try:
            order = await self._lookups.lookup_for(published).get_order(number)
        except StoreUnavailable:
            return change
        if order is None or order.id != change.ref.get("id"):
            return change
        return dataclasses.replace(change, record=to_jsonable(order))

    def _count(self, platform: str, result: str) -> None:
        if self._metrics is not None:
            self._metrics.webhooks.labels(platform, result).inc()
