"""Run by test_durability: writes turns forever and prints each message id once its
``add_turn`` has returned (so it claims to be durable), until it is killed."""

from __future__ import annotations

import asyncio
import sys

from relay.storage import RelayStore
from tests.relay.storage.conftest import RELAY_KEY, message


async def main(url: str, conversation_id: str) -> None:
    store = await RelayStore.open(url, relay_key=RELAY_KEY)

    async def writer(n: int) -> None:
        while True:
            sent = message(text=f"writer {n}")
            await store.add_turn(conversation_id, [sent], bot_state={"writer": n})
            sys.stdout.write(sent.id + "\n")
            sys.stdout.flush()

    await asyncio.gather(*(writer(n) for n in range(8)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
