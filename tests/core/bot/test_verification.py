"""No order detail before the shopper proves the order is theirs; guesses are limited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.bot import Bot, BotState
from tests.core.bot.conftest import Chat, Clock, FakeLookup, text_of


def replies(turn):  # the shopper-visible part of a turn
    return [(r.text, r.cards, r.suggestions, r.form, r.confidence) for r in turn.replies]


async def test_an_order_number_alone_asks_for_the_email_and_looks_nothing_up(chat: Chat) -> None:
    turn = await chat.say("where is my order 1001")
    assert turn.intent == "order_status"
    assert "email address you used for order #1001" in text_of(turn)
    assert turn.replies[0].cards == ()
    assert chat.lookup.calls == []
    assert chat.state.pending_order == "1001"


@pytest.mark.parametrize("text", ["where is my order 1001", "#1002", "order 1001 postcode?"])
async def test_the_question_for_the_email_is_the_same_whether_the_order_exists(
    bot: Bot, text: str
) -> None:
    exists = await Chat(bot, FakeLookup()).say(text)
    missing = await Chat(bot, FakeLookup(orders=[])).say(text)
    assert replies(exists) == replies(missing)
    assert exists.state == missing.state


@pytest.mark.parametrize("email", ["mallory@example.com", "bob@example.com"])
async def test_a_wrong_email_gets_the_same_words_as_a_missing_order(bot: Bot, email: str) -> None:
    exists, missing = Chat(bot, FakeLookup()), Chat(bot, FakeLookup(orders=[]))
    for chat in (exists, missing):
        await chat.say("where is my order #1001")
    wrong = await exists.say(email)
    absent = await missing.say(email)
    assert replies(wrong) == replies(absent)
    assert wrong.state == absent.state
    assert text_of(wrong).startswith("I couldn't find an order with that number and email")
    assert wrong.verification_failed and absent.verification_failed
    assert "1Z999AA10123456784" not in text_of(wrong)


async def test_the_right_email_shows_the_order_in_words_and_a_card(chat: Chat) -> None:
    await chat.say("where is my order 1001")
    turn = await chat.say("It's Alice@Example.com ")
    assert turn.intent == "provide_email"
    assert text_of(turn) == (
        "Your order #1001 shipped on 3 March with UPS, tracking 1Z999AA10123456784.\n"
        "• 1 × Gooseneck Kettle 1 L: €59.00\n• 1 × Stoneware Mug, Sand: €18.00\nTotal: €77.00"
    )
    card = turn.replies[0].cards[0]
    assert card["type"] == "order" and card["number"] == "1001"
    assert card["status_label"] == "Shipped" and card["total"] == "77.00"
    assert not turn.verification_failed and turn.lookups == 1


async def test_number_and_email_in_one_message_verify_in_one_turn(chat: Chat) -> None:
    turn = await chat.say("order 1001 alice@example.com")
    assert turn.replies[0].cards[0]["number"] == "1001"
    assert chat.state.verified_emails == ("alice@example.com",)


async def test_the_email_first_then_the_number(chat: Chat) -> None:
    first = await chat.say("alice@example.com")
    assert "order number" in text_of(first) and chat.lookup.calls == []
    turn = await chat.say("#1001")
    assert turn.replies[0].cards[0]["number"] == "1001"


async def test_the_billing_postcode_unlocks_that_one_order(chat: Chat) -> None:
    await chat.say("where is my order 1001")
    turn = await chat.say("sw1a1aa")
    assert turn.intent == "provide_postcode"
    assert turn.replies[0].cards[0]["number"] == "1001"
    assert chat.state.verified_emails == ()
    listed = await chat.say("show my recent orders")
    assert listed.replies[0].cards == ()
    assert "order number and the email" in text_of(listed)


async def test_a_wrong_postcode_is_a_failed_attempt(chat: Chat) -> None:
    await chat.say("where is my order 1001")
    turn = await chat.say("my postcode is 10001")
    assert turn.verification_failed and chat.state.failures == 1
    assert "couldn't find an order" in text_of(turn)


async def test_a_verified_email_lists_recent_orders(chat: Chat, store: FakeLookup) -> None:
    await chat.say("order 1001 alice@example.com")
    turn = await chat.say("my recent orders")
    assert turn.intent == "my_orders"
    assert [c["number"] for c in turn.replies[0].cards] == ["1001"]
    assert text_of(turn).startswith("Here are your most recent orders:\n#1001 · Shipped")
    assert ("find_orders", "alice@example.com") in store.calls


async def test_recent_orders_for_a_bare_email_ask_for_an_order_number(chat: Chat) -> None:
    turn = await chat.say("show my orders for alice@example.com")
    assert turn.replies[0].cards == ()
    assert "order number" in text_of(turn)
    assert chat.lookup.calls == []
    done = await chat.say("1001")
    assert [c["number"] for c in done.replies[0].cards] == ["1001"]


async def test_recent_orders_without_anything_ask_for_number_and_email(chat: Chat) -> None:
    turn = await chat.say("my orders")
    assert "order number and the email address" in text_of(turn)
    await chat.say("1001")
    listed = await chat.say("alice@example.com")
    assert [c["number"] for c in listed.replies[0].cards] == ["1001"]


async def test_a_verified_email_does_not_unlock_someone_elses_order(chat: Chat) -> None:
    await chat.say("order 1001 alice@example.com")
    turn = await chat.say("and order 1002?")
    assert turn.replies[0].cards == ()
    assert "couldn't find order #1002 under your email" in text_of(turn)
    assert turn.verification_failed


async def test_a_signed_identity_sees_its_orders_without_asking(
    bot: Bot, store: FakeLookup
) -> None:
    state = BotState.new(language="en", identity_email="alice@example.com", identity_name="Alice")
    chat = Chat(bot, store, state)
    turn = await chat.say("where is my order 1001")
    assert turn.replies[0].cards[0]["number"] == "1001"
    latest = await chat.say("where is my order?")
    assert latest.replies[0].cards[0]["number"] == "1001"
    listed = await chat.say("my recent orders")
    assert [c["number"] for c in listed.replies[0].cards] == ["1001"]


async def test_a_signed_identity_gets_nothing_for_another_customers_order(
    bot: Bot, store: FakeLookup
) -> None:
    state = BotState.new(identity_email="alice@example.com")
    other = await Chat(bot, store, state).say("where is my order 1002")
    missing = await Chat(bot, FakeLookup(orders=[]), state).say("where is my order 1002")
    assert replies(other) == replies(missing)
    assert other.replies[0].cards == ()


async def test_five_failures_lock_lookups_for_fifteen_minutes(
    chat: Chat, clock: Clock, store: FakeLookup
) -> None:
    for attempt in range(4):
        turn = await chat.say(f"order 1001 guess{attempt}@example.com")
        assert "couldn't find an order" in text_of(turn)
    fifth = await chat.say("order 1001 guess5@example.com")
    assert fifth.verification_failed
    assert "too many attempts" in text_of(fifth) and fifth.replies[0].form == "lead"
    calls = len(store.calls)
    right = await chat.say("order 1001 alice@example.com")
    assert replies(right) == replies(fifth) and len(store.calls) == calls
    clock.moment += timedelta(minutes=14, seconds=59)
    assert "too many attempts" in text_of(await chat.say("order 1001 alice@example.com"))
    clock.moment += timedelta(seconds=1)
    unlocked = await chat.say("order 1001 alice@example.com")
    assert unlocked.replies[0].cards[0]["number"] == "1001"
    assert chat.state.failures == 0


async def test_the_locked_reply_is_the_same_for_every_lookup_intent(chat: Chat) -> None:
    for attempt in range(5):
        await chat.say(f"order 1001 guess{attempt}@example.com")
    texts = {text_of(await chat.say(t)) for t in ("#1001", "my orders", "alice@example.com")}
    assert len(texts) == 1


async def test_lookups_not_allowed_answers_like_a_locked_conversation(chat: Chat) -> None:
    turn = await chat.say("order 1001 alice@example.com", lookups_allowed=False)
    assert "too many attempts" in text_of(turn) and turn.replies[0].form == "lead"
    assert chat.lookup.calls == [] and turn.lookups == 0
    faq = await chat.say("what is your return policy?", lookups_allowed=False)
    assert faq.intent == "faq"


async def test_a_locked_conversation_still_answers_questions(chat: Chat) -> None:
    for attempt in range(5):
        await chat.say(f"order 1001 guess{attempt}@example.com")
    turn = await chat.say("What is your return policy?")
    assert turn.intent == "faq" and "30 days" in text_of(turn)


async def test_verifying_does_not_reset_the_failure_count(chat: Chat) -> None:
    await chat.say("order 1001 wrong@example.com")
    await chat.say("order 1001 alice@example.com")
    assert chat.state.failures == 1


async def test_recent_orders_with_number_and_email_in_one_message(chat: Chat) -> None:
    turn = await chat.say("show my orders: 1001, alice@example.com")
    assert turn.intent == "my_orders"
    assert text_of(turn).startswith("Here are your most recent orders:")


async def test_a_specific_question_after_asking_for_recent_orders_shows_that_order(
    chat: Chat,
) -> None:
    await chat.say("my orders")
    turn = await chat.say("where is my order 1001 alice@example.com")
    assert text_of(turn).startswith("Your order #1001 shipped")
