"""Product questions: price and stock from the store, in words and product cards."""

from __future__ import annotations

import pytest

from core.bot.products import product_query
from tests.core.bot.conftest import Chat, FakeLookup, text_of


@pytest.mark.parametrize(
    ("question", "query"),
    [
        ("how much is the gooseneck kettle", "gooseneck kettle"),
        ("is the stoneware mug in stock?", "stoneware mug"),
        ("¿Cuánto cuesta la Gooseneck Kettle?", "Gooseneck Kettle"),
        ("combien coûte la bouilloire", "bouilloire"),
        ("Wie viel kostet der Wasserkocher?", "Wasserkocher"),
        ("Ist die Tasse auf Lager?", "Tasse"),
        ("what's the price of the Pour-Over dripper", "Pour-Over dripper"),
    ],
)
def test_the_search_keeps_only_the_product_words(question: str, query: str) -> None:
    assert product_query(question) == query


async def test_price_and_stock_in_words_with_a_card(chat: Chat, store: FakeLookup) -> None:
    turn = await chat.say("how much is the gooseneck kettle")
    assert turn.intent == "product_question"
    assert text_of(turn) == "Gooseneck Kettle 1 L costs €59.00. In stock."
    assert turn.replies[0].cards == (
        {
            "type": "product",
            "title": "Gooseneck Kettle 1 L",
            "price": "59.00",
            "currency": "EUR",
            "in_stock": True,
            "url": None,
        },
    )
    assert store.calls == [("search_products", "gooseneck kettle")]


async def test_several_products_are_listed(chat: Chat) -> None:
    turn = await chat.say("is the stoneware mug in stock")
    assert text_of(turn) == (
        "Here's what I found:\n• Stoneware Mug, Sand costs €18.00. In stock.\n"
        "• Stoneware Mug, Slate costs €18.00. Only 3 left in stock."
    )
    assert len(turn.replies[0].cards) == 2


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("¿Cuánto cuesta el Gooseneck Kettle?", "Gooseneck Kettle 1 L cuesta 59,00 €. Disponible."),
        ("Combien coûte le Gooseneck Kettle ?", "Gooseneck Kettle 1 L coûte 59,00 €. Disponible"),
        (
            "Wie viel kostet der Gooseneck Kettle?",
            "Gooseneck Kettle 1 L kostet 59,00 €. Auf Lager.",
        ),
        (
            "Are the Colombia Huila beans in stock?",
            "Colombia Huila Beans 250 g costs €12.00. Out of",
        ),
    ],
)
async def test_answers_in_the_shoppers_language(chat: Chat, question: str, answer: str) -> None:
    assert text_of(await chat.say(question)).startswith(answer)


async def test_no_such_product_says_so_and_offers_the_lead_form(chat: Chat) -> None:
    turn = await chat.say("how much is the espresso machine?")
    assert text_of(turn).startswith("We don't sell “espresso machine”")
    assert turn.replies[0].form == "lead" and turn.handoff is None


async def test_a_price_question_the_knowledge_base_answers(chat: Chat) -> None:
    turn = await chat.say("how much does shipping cost, how long does shipping take?")
    assert turn.intent == "faq" and turn.replies[0].knowledge_entry_id == "k_shipping"


async def test_which_product_when_none_is_named(chat: Chat, store: FakeLookup) -> None:
    turn = await chat.say("how much is it?")
    assert text_of(turn).startswith("Which product do you mean?")
    assert store.calls == []


async def test_no_store_connected(make_bot) -> None:
    turn = await Chat(make_bot(), None).say("how much is the gooseneck kettle")
    assert text_of(turn).startswith("Sorry, I can't check products and prices in this chat.")
    assert turn.replies[0].form == "lead"
