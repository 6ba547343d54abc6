"""Greetings, small talk, language, and the state kept between turns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.bot import Bot, BotState
from core.bot.intents import classify
from core.bot.language import detect_language
from tests.core.bot.conftest import Chat, text_of

ALL = ("en", "es", "fr", "de")


def test_the_greeting_is_the_widgets(bot: Bot) -> None:
    turn = bot.start(BotState.new(language="en"))
    assert turn.intent == "greeting"
    assert turn.replies[0].text == "Hi! How can we help?"
    assert turn.replies[0].suggestions == ("Track my order", "Talk to a person")


def test_a_signed_in_shopper_is_greeted_by_first_name(bot: Bot) -> None:
    state = BotState.new(identity_email="alice@example.com", identity_name="Alice Martin")
    assert bot.start(state).replies[0].text == "Hi Alice! How can we help?"


def test_a_greeting_without_a_salutation_gets_one(make_bot) -> None:
    bot = make_bot(greeting="Welcome to the Demo shop.")
    state = BotState.new(language="de", identity_name="Zoë Müller")
    assert bot.start(state).replies[0].text == "Hallo Zoë! Welcome to the Demo shop."


def test_the_merchants_suggestions_replace_the_default_chips(make_bot) -> None:
    bot = make_bot(suggestions=("Opening hours", "Returns"))
    assert bot.start(BotState.new()).replies[0].suggestions == ("Opening hours", "Returns")


def test_chips_are_localised_and_skip_tracking_without_a_store(make_bot) -> None:
    es = make_bot().start(BotState.new(language="es-ES")).replies[0].suggestions
    assert es == ("Seguir mi pedido", "Hablar con una persona")
    none = make_bot(store=None).start(BotState.new(language="fr")).replies[0].suggestions
    assert none == ("Parler à un conseiller",)


@pytest.mark.parametrize(
    ("text", "reply"),
    [("hello", "Hi! How can I help you today?"), ("hola", "¡Hola! ¿En qué puedo ayudarte?")],
)
async def test_a_greeting_mid_conversation(chat: Chat, text: str, reply: str) -> None:
    turn = await chat.say(text)
    assert turn.intent == "greeting" and text_of(turn) == reply
    assert turn.replies[0].suggestions


@pytest.mark.parametrize(
    "text", ["thanks!", "Thank you, bye", "gracias", "merci beaucoup", "danke"]
)
async def test_thanks_and_goodbye(chat: Chat, text: str) -> None:
    turn = await chat.say(text)
    assert turn.intent == "thanks_bye" and turn.handoff is None
    assert turn.replies[-1].form == "rating"  # the widget asks for the 1–5 rating


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("where is my order 1001", "en"),
        ("¿dónde está mi pedido 1001?", "es"),
        ("où est ma commande 1001", "fr"),
        ("wo ist meine Bestellung 1001", "de"),
    ],
)
def test_the_language_is_detected(text: str, lang: str) -> None:
    assert detect_language(text, ALL, None) == lang
    assert detect_language(text, ALL, "en" if lang != "en" else "de") == lang


def test_short_messages_keep_the_conversations_language() -> None:
    for text in ("1001", "alice@example.com", "SW1A 1AA", "ok", "👍"):
        assert detect_language(text, ALL, "fr") == "fr"
    assert detect_language("1001", ("de", "en"), None) == "de"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where is my order 1001", "order_status"),
        ("¿dónde está mi pedido 1001?", "order_status"),
        ("où est ma commande 1001", "order_status"),
        ("wo ist meine Bestellung 1001", "order_status"),
        ("Track my order", "order_status"),
        ("Meine Bestellung verfolgen", "order_status"),
        ("when will my package arrive?", "order_status"),
        ("mis pedidos", "my_orders"),
        ("mes commandes récentes", "my_orders"),
        ("meine Bestellungen", "my_orders"),
        ("alice@example.com", "provide_email"),
        ("is the A320 grinder in stock", "product_question"),
        ("hi, what is your return policy?", "faq"),
        ("do you ship to Canada?", "faq"),
    ],
)
def test_intents(text: str, intent: str) -> None:
    assert classify(text, awaiting_verification=False).intent == intent


def test_a_postcode_is_only_read_when_the_bot_asked_for_one() -> None:
    assert classify("SW1A 1AA", awaiting_verification=True).intent == "provide_postcode"
    assert classify("SW1A 1AA", awaiting_verification=False).intent != "provide_postcode"
    many = "10001 10002 10003 10004 10005 10006"
    assert classify(many, awaiting_verification=True).intent != "provide_postcode"


async def test_the_language_is_kept_in_the_state(chat: Chat) -> None:
    await chat.say("où est ma commande 1001")
    assert chat.state.language == "fr"
    turn = await chat.say("alice@example.com")
    assert text_of(turn).startswith("Votre commande #1001 a été expédiée le 3 mars")


def test_the_state_survives_json(bot: Bot) -> None:
    state = BotState.new(language="es", identity_email=" Alice@Example.com ", identity_name="Al")
    state = state.update(
        verified_emails=("alice@example.com",),
        verified_orders=("1001",),
        pending="order",
        pending_order="1002",
        failures=3,
        locked_until=datetime(2026, 3, 10, 12, 15, tzinfo=UTC),
        handoff="asked",
    )
    data = state.to_json()
    assert data["locked_until"] == "2026-03-10T12:15:00Z"
    assert data["identity_email"] == "alice@example.com"
    assert BotState.from_json(data) == state


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "state",
        [],
        {},
        {"v": 99},
        {"v": 1, "failures": "lots"},
        {"v": 1, "failures": True},
        {"v": 1, "locked_until": "tomorrow"},
        {"v": 1, "pending": "everything"},
        {"v": 1, "verified_emails": "alice@example.com"},
        {"v": 1, "verified_emails": ["x"] * 50},
        {"v": 1, "handoff": "now"},
        {"v": 1, "identity_email": {"$ne": None}},
    ],
)
def test_junk_gives_a_new_state(junk: object) -> None:
    assert BotState.from_json(junk) == BotState.new()


def test_a_new_state_tidies_what_it_is_given() -> None:
    state = BotState.new(language="pt-BR", identity_email="  ", identity_name="  ")
    assert state == BotState.new()
    assert BotState.new(language="DE_at").language == "de"
