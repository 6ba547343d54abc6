"""Group commit: many callers, few transactions, and one bad job fails alone."""

from __future__ import annotations

import asyncio

import pytest

from relay.storage import RelayStore, StorageError
from tests.relay.storage.conftest import message, start_conversation


async def test_200_concurrent_turns_share_far_fewer_transactions(store: RelayStore) -> None:
    conversations = [await start_conversation(store) for _ in range(10)]
    before = store.writer_stats
    sent = [(conversations[i % 10], message(text=f"message {i}")) for i in range(200)]
    await asyncio.gather(
        *(store.add_turn(cid, [m], bot_state={"n": i}) for i, (cid, m) in enumerate(sent))
    )
    after = store.writer_stats
    assert after.jobs - before.jobs == 200
    assert after.transactions - before.transactions <= 20
    for cid in conversations:
        texts = {m.text for m in await store.messages_after(cid, None)}
        assert {m.text for c, m in sent if c == cid} <= texts
    last = await store.conversation(conversations[9])
    assert last is not None and last.bot_state == {"n": 199}  # submission order kept


async def test_a_failing_job_does_not_fail_the_others_in_its_batch(store: RelayStore) -> None:
    conversation_id = await start_conversation(store)
    duplicate = message(text="first")
    await store.add_turn(conversation_id, [duplicate])
    good = [message(text=f"good {i}") for i in range(20)]
    calls = [store.add_turn(conversation_id, [m]) for m in good[:10]]
    calls.append(store.add_turn(conversation_id, [duplicate]))  # same id again
    calls.append(store.add_turn("c_does_not_exist", [message(text="orphan")]))
    calls += [store.add_turn(conversation_id, [m]) for m in good[10:]]
    results = await asyncio.gather(*calls, return_exceptions=True)

    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 2
    assert all(isinstance(f, StorageError) for f in failures)
    assert all("relay database refused" in str(f) for f in failures)
    assert results[10] is failures[0] and results[11] is failures[1]
    texts = [m.text for m in await store.messages_after(conversation_id, None)]
    assert set(texts) >= {m.text for m in good}
    assert texts.count("first") == 1 and "orphan" not in texts


async def test_close_finishes_queued_writes_then_refuses_new_ones(store: RelayStore) -> None:
    conversation_id = await start_conversation(store)
    pending = [
        asyncio.ensure_future(store.add_turn(conversation_id, [message()])) for _ in range(5)
    ]
    await asyncio.sleep(0)
    await store._writer.close()
    await asyncio.gather(*pending)
    assert len(await store.messages_after(conversation_id, None)) == 6
    with pytest.raises(StorageError, match="shutting down"):
        await store.add_turn(conversation_id, [message()])


async def test_a_caller_that_goes_away_does_not_undo_its_write(store: RelayStore) -> None:
    conversation_id = await start_conversation(store)
    sent = message(text="still saved")
    task = asyncio.ensure_future(store.add_turn(conversation_id, [sent]))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.add_turn(conversation_id, [message()])  # queued after it: runs after it
    assert await store.message(conversation_id, sent.id) is not None
