"""A shopper the relay vouches for by phone (WhatsApp, an identifying API key) or by the
store's customer id sees their own orders without an email, and only their own."""

from __future__ import annotations

from core.bot import Bot, BotState
from core.records import CustomerRef
from tests.core.bot.conftest import Chat, FakeLookup, make_order, text_of

ALICE = CustomerRef(
    id="1", email="alice@example.com", name="Alice Martin", phone="+44 20 7946 0018"
)


def _lookup() -> FakeLookup:
    return FakeLookup(orders=[make_order("1001", customer=ALICE)])


async def test_the_orders_phone_number_proves_it(bot: Bot) -> None:
    chat = Chat(bot, _lookup(), BotState.new(language="en", identity_phone="020 7946 0018"))
    turn = await chat.say("where is my order 1001")
    assert "1Z999AA10123456784" in text_of(turn)
    assert turn.replies[0].cards[0]["number"] == "1001"
    assert not turn.verification_failed


async def test_another_phone_number_is_refused_like_a_missing_order(bot: Bot) -> None:
    chat = Chat(bot, _lookup(), BotState.new(language="en", identity_phone="+1 415 555 0100"))
    turn = await chat.say("where is my order 1001")
    missing = await Chat(
        bot, FakeLookup(orders=[]), BotState.new(language="en", identity_phone="+1 415 555 0100")
    ).say("where is my order 1001")
    assert turn.verification_failed
    assert "1Z999AA10123456784" not in text_of(turn)
    assert text_of(turn) == text_of(missing)


async def test_the_store_customer_id_proves_it(bot: Bot) -> None:
    chat = Chat(bot, _lookup(), BotState.new(language="en", identity_customer="1"))
    assert "1Z999AA10123456784" in text_of(await chat.say("order 1001 status?"))
    other = Chat(bot, _lookup(), BotState.new(language="en", identity_customer="2"))
    assert (await other.say("order 1001 status?")).verification_failed


def test_the_vouched_identity_survives_the_round_trip_through_json() -> None:
    state = BotState.new(identity_phone="+44 20 7946 0018", identity_customer="gid://1")
    again = BotState.from_json(state.to_json())
    assert again.identity_phone == "+44 20 7946 0018"
    assert again.identity_customer == "gid://1"
    assert again.vouched() and not BotState.new().vouched()
