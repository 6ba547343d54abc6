"""On PostgreSQL, relays sharing the webhook inbox each claim different deliveries: one
claimed by a relay is not handed to another until its lease runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relay.storage import RelayStore
from relay.storage.records import NewDelivery
from relay.storage.webhooks import LEASE
from tests.relay.conftest import RELAY_KEY


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _delivery(n: int) -> NewDelivery:
    return NewDelivery(
        dedupe_key=f"k{n}",
        platform="woocommerce",
        store_id="woo",
        topic="order.updated",
        delivery_id=f"d{n}",
        body=b"{}",
        received_at=datetime.now(UTC),
    )


async def test_two_relays_never_claim_the_same_delivery(relay_pg_url: str) -> None:
    clock = Clock()
    first = await RelayStore.open(relay_pg_url, relay_key=RELAY_KEY, now=clock)
    await first.migrate()
    second = await RelayStore.open(relay_pg_url, relay_key=RELAY_KEY, now=clock)
    try:
        for n in range(6):
            assert await first.add_delivery(_delivery(n))
        mine = await first.due_deliveries(limit=4)
        theirs = await second.due_deliveries(limit=4)
        assert [d.delivery_id for d in mine] == ["d0", "d1", "d2", "d3"]
        assert [d.delivery_id for d in theirs] == ["d4", "d5"]
        assert await second.due_deliveries() == []
        await first.finish_delivery(mine[0].seq, "upsert")
        clock.now += LEASE + timedelta(seconds=1)  # the first relay stopped mid-way
        taken_over = await second.due_deliveries()
        assert [d.delivery_id for d in taken_over] == ["d1", "d2", "d3", "d4", "d5"]
    finally:
        await second.close()
        await first.close()
