"""People, leads and appointments; a slow store and no store at all."""

from __future__ import annotations

import pytest

from core.bot import BotState
from tests.core.bot.conftest import Chat, FakeLookup, text_of


@pytest.mark.parametrize(
    "text",
    [
        "talk to a human",
        "Can I speak to an agent please?",
        "agent",
        "quiero hablar con una persona",
        "je voudrais parler à un conseiller",
        "Ich möchte mit einem Menschen sprechen",
    ],
)
async def test_asking_for_a_person_hands_off_with_the_lead_form(chat: Chat, text: str) -> None:
    turn = await chat.say(text)
    assert turn.intent == "human" and turn.handoff == "asked"
    assert turn.replies[0].form == "lead"
    assert chat.state.handoff == "asked"


async def test_the_handoff_is_offered_once(chat: Chat) -> None:
    await chat.say("talk to a human", team_available=True)
    again = await chat.say("hello?? a human please, talk to a person", team_available=True)
    assert again.handoff is None and again.replies[0].form is None
    assert "already knows" in text_of(again)
    unsure = await chat.say("Can you engrave my name on a kettle?", team_available=True)
    assert unsure.handoff is None and unsure.replies[0].form is None
    assert "will reply here as soon as they can" in text_of(unsure)


async def test_with_the_team_available_the_bot_says_it_let_them_know(chat: Chat) -> None:
    turn = await chat.say("talk to a human", team_available=True)
    assert text_of(turn).startswith("Of course, I've let our team know")
    assert turn.replies[0].form == "lead"


async def test_with_nobody_there_the_bot_never_says_the_team_knows(chat: Chat) -> None:
    turn = await chat.say("talk to a human", team_available=False)
    assert text_of(turn) == (
        "Of course. No one from our team is in the chat right now. "
        "Leave your details below and we'll reply by email."
    )
    assert turn.replies[0].form == "lead" and turn.handoff == "asked"  # the console hears
    again = await chat.say("a human please, talk to a person")
    assert "let our team know" not in text_of(again) and "already knows" not in text_of(again)
    assert text_of(again) == (
        "I've already passed your request on to our team. "
        "Our team will reply here when they're back."
    )
    unsure = await chat.say("Can you engrave my name on a kettle?")
    assert "as soon as they can" not in text_of(unsure)
    spanish = await Chat(chat.bot, None).say("quiero hablar con una persona")
    assert text_of(spanish).startswith("Por supuesto. Ahora mismo no hay nadie")


async def test_a_waiting_conversation_still_answers_questions_and_orders(chat: Chat) -> None:
    await chat.say("talk to a human")
    assert (await chat.say("What is your return policy?")).intent == "faq"
    order = await chat.say("order 1001 alice@example.com")
    assert order.replies[0].cards and order.handoff is None


@pytest.mark.parametrize(
    "text",
    [
        "contact me",
        "Can you call me back?",
        "llamadme por favor",
        "rappelez-moi",
        "Rufen Sie mich zurück",
    ],
)
async def test_contact_requests_get_the_lead_form(chat: Chat, text: str) -> None:
    turn = await chat.say(text)
    assert turn.intent == "contact" and turn.replies[0].form == "lead"
    assert turn.handoff == "asked"


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to book an appointment",
        "quiero pedir una cita",
        "un rendez-vous svp",
        "Ich brauche einen Termin",
    ],
)
async def test_appointments_get_the_appointment_form(chat: Chat, text: str) -> None:
    turn = await chat.say(text)
    assert turn.intent == "appointment" and turn.replies[0].form == "appointment"


async def test_appointments_fall_back_to_the_lead_form_when_not_enabled(make_bot) -> None:
    turn = await Chat(make_bot(appointment_form=False), FakeLookup()).say("book an appointment")
    assert turn.replies[0].form == "lead"


async def test_a_widget_without_forms_promises_a_reply_here(make_bot) -> None:
    chat = Chat(make_bot(lead_form=False, appointment_form=False), FakeLookup())
    turn = await chat.say("talk to a human", team_available=True)
    assert turn.replies[0].form is None and "reply here as soon as" in text_of(turn)
    assert turn.handoff == "asked"
    away = Chat(make_bot(lead_form=False, appointment_form=False), FakeLookup())
    turn = await away.say("talk to a human")
    assert turn.replies[0].form is None and "by email" not in text_of(turn)
    assert text_of(turn).endswith("Our team will reply here when they're back.")


async def test_a_slow_store_gets_a_polite_answer_and_the_lead_form(chat: Chat) -> None:
    chat.lookup.down = True
    turn = await chat.say("order 1001 alice@example.com")
    assert turn.handoff == "store_unavailable" and turn.replies[0].form == "lead"
    assert text_of(turn).startswith("Sorry, I can't reach our shop system right now.")
    assert turn.lookups == 1 and not turn.verification_failed
    products = await chat.say("how much is the gooseneck kettle")
    assert products.handoff is None and "can't reach" in text_of(products)


async def test_any_store_error_is_treated_as_unavailable(bot) -> None:
    class Broken(FakeLookup):
        async def get_order(self, number):
            raise RuntimeError("connection reset")

    turn = await Chat(bot, Broken()).say("order 1001 alice@example.com")
    assert turn.handoff == "store_unavailable"


async def test_no_store_connected_explains_and_offers_the_lead_form(bot) -> None:
    chat = Chat(bot, None)
    turn = await chat.say("where is my order 1001")
    assert "can't look up orders" in text_of(turn) and turn.replies[0].form == "lead"
    assert turn.lookups == 0


def test_after_a_lead_the_bot_confirms(bot) -> None:
    turn = bot.after_lead("contact", BotState.new(language="fr"))
    assert turn.replies[0].text.startswith("Merci ! Nous avons bien reçu vos coordonnées")
    assert turn.handoff == "asked" and turn.state.handoff == "asked"
    appointment = bot.after_lead("appointment", turn.state)
    assert "appointment" not in appointment.replies[0].text
    assert "rendez-vous" in appointment.replies[0].text and appointment.handoff is None
