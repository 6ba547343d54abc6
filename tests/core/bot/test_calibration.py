"""The knowledge confidence, calibrated on the knowledge bases Storedesk ships: questions on
other topics stay below the default threshold, the answers' own questions and everyday
paraphrases of them stay above it. The off-topic questions are held out: none of their
words was used to tune the weak-word list or the weights."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.bot import Bot, KnowledgeIndex
from core.records import KnowledgeEntry, WidgetConfig
from tests.core.bot.conftest import Chat, Clock, FakeLookup, text_of

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "core" / "demo" / "knowledge.csv"
EXAMPLE = ROOT / "examples" / "knowledge.csv"
THRESHOLD = WidgetConfig(key="wk_x", name="x").confidence_threshold

OFF_TOPIC = (
    # English
    "do you sell bananas?",
    "do you sell bicycles?",
    "bicycles?",
    "do you have a shop in London?",
    "do you sell car tyres?",
    "do you sell laptops?",
    "do you sell concert tickets?",
    "do you sell birthday cards?",
    "can you repair my phone?",
    "what's the weather like tomorrow?",
    "who won the football last night?",
    "what is the capital of Australia?",
    "tell me a joke",
    "can you recommend a restaurant nearby?",
    "how do I cook pasta?",
    "how long does it take to boil an egg?",
    "are you hiring?",
    "do you accept job applications?",
    "is there parking near you?",
    "can I bring my dog?",
    "how old are you?",
    "what time does the train to Leeds leave?",
    "do you do car insurance?",
    "can I change my password?",
    "do you deliver pizza?",
    "what's the price of bitcoin?",
    # Spanish
    "¿venden plátanos?",
    "¿tienen bicicletas?",
    "¿tienen una tienda en Madrid?",
    "¿qué tiempo hará mañana?",
    "¿cuál es la capital de Francia?",
    "cuéntame un chiste",
    "¿venden entradas de cine?",
    "¿puedo traer a mi perro?",
    # French
    "vendez-vous des bananes ?",
    "avez-vous des vélos ?",
    "avez-vous un magasin à Paris ?",
    "quel temps fera-t-il demain ?",
    "racontez-moi une blague",
    "vendez-vous des billets de train ?",
    "est-ce que vous recrutez ?",
    # German
    "verkaufen Sie Bananen?",
    "haben Sie Fahrräder?",
    "haben Sie ein Geschäft in Berlin?",
    "wie wird das Wetter morgen?",
    "erzähl mir einen Witz",
    "verkaufen Sie Autoreifen?",
    "wer hat das Fußballspiel gewonnen?",
)

# (paraphrase, the question of the entry that answers it); each knowledge base is checked
# against the paraphrases of the entries it has.
PARAPHRASES = (
    ("how long will delivery take", "How long does shipping take?"),
    ("how fast do you dispatch", "How long does shipping take?"),
    ("how much is shipping?", "How much does shipping cost?"),
    ("is there free shipping", "How much does shipping cost?"),
    ("delivery price?", "How much does shipping cost?"),
    ("do you ship abroad", "Do you ship internationally?"),
    ("do you deliver worldwide", "Do you ship internationally?"),
    ("will I pay customs duties", "Do you ship internationally?"),
    ("what's your return policy", "What is your returns policy?"),
    ("can I return an item", "What is your returns policy?"),
    ("how do I send something back", "What is your returns policy?"),
    ("when do I get my money back", "When will I get my refund?"),
    ("my kettle arrived broken", "My kettle or grinder arrived damaged. What do I do?"),
    ("how to remove limescale", "How do I descale my kettle?"),
    ("how coarse should I grind for a french press", "Which grind size should I use?"),
    ("can the mugs go in the dishwasher", "Is the Stoneware Mug dishwasher safe?"),
    ("is it microwave safe", "Is the Stoneware Mug dishwasher safe?"),
    ("can I pay with paypal", "Which payment methods do you accept?"),
    ("do you take apple pay", "Which payment methods do you accept?"),
    ("how can I pay", "Which payment methods do you accept?"),
    ("can I cancel my order", "Can I change or cancel my order?"),
    ("I want to change my order", "Can I change or cancel my order?"),
    ("do you have vouchers", "Do you sell gift cards?"),
    ("can I swap for a bigger size", "Can I exchange an item for a different size?"),
    ("when are you open", "What are your opening hours?"),
    ("what time do you close", "What are your opening hours?"),
    ("is there a size guide", "How do I find my size?"),
    ("do the jeans run small", "How do I find my size?"),
)


def load(path: Path) -> list[KnowledgeEntry]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            KnowledgeEntry(
                f"k{number}",
                row["question"],
                row["answer"],
                tuple(k.strip() for k in row["keywords"].split(";") if k.strip()),
                enabled=row["enabled"].strip().lower() == "yes",
            )
            for number, row in enumerate(csv.DictReader(handle))
        ]


KNOWLEDGE_BASES = {"demo": load(DEMO), "example": load(EXAMPLE)}


@pytest.mark.parametrize("name", sorted(KNOWLEDGE_BASES))
def test_off_topic_questions_fall_below_the_default_threshold(name: str) -> None:
    index = KnowledgeIndex(KNOWLEDGE_BASES[name])
    confident = {
        text: (match.confidence, match.entry.question)
        for text in OFF_TOPIC
        if (match := index.best(text)) is not None and match.confidence >= THRESHOLD
    }
    assert confident == {}


@pytest.mark.parametrize("name", sorted(KNOWLEDGE_BASES))
def test_each_entrys_own_question_is_answered_by_it(name: str) -> None:
    entries = [e for e in KNOWLEDGE_BASES[name] if e.enabled]
    index = KnowledgeIndex(entries)
    for entry in entries:
        match = index.best(entry.question)
        assert match is not None and match.entry.id == entry.id, entry.question
        assert match.confidence >= 0.8, entry.question


@pytest.mark.parametrize("name", sorted(KNOWLEDGE_BASES))
def test_paraphrases_find_their_entry_above_the_threshold(name: str) -> None:
    entries = [e for e in KNOWLEDGE_BASES[name] if e.enabled]
    index = KnowledgeIndex(entries)
    asked = {e.question for e in entries}
    checked, missed = 0, {}
    for text, question in PARAPHRASES:
        if question not in asked:
            continue
        checked += 1
        match = index.best(text)
        if match is None or match.entry.question != question or match.confidence < THRESHOLD:
            missed[text] = (match.confidence, match.entry.question) if match else None
    assert missed == {} and checked >= 15


def demo_chat(store: FakeLookup | None) -> Chat:
    widget = WidgetConfig(key="wk_demo", name="Demo", store="demo" if store else None)
    return Chat(Bot(widget, KnowledgeIndex(KNOWLEDGE_BASES["demo"]), Clock()), store)


@pytest.mark.parametrize("text", ["do you sell bananas?", "Do you sell bicycles?"])
async def test_we_dont_sell_comes_from_the_catalogue(text: str) -> None:
    store = FakeLookup()
    turn = await demo_chat(store).say(text)
    assert "gift card" not in text_of(turn)
    assert turn.replies[0].knowledge_entry_id is None
    assert text_of(turn).startswith("We don't sell “")
    assert [name for name, _ in store.calls] == ["search_products"]


async def test_without_a_catalogue_the_bot_never_says_we_dont_sell() -> None:
    turn = await demo_chat(None).say("do you sell bananas?")
    assert "don't sell" not in text_of(turn) and "gift card" not in text_of(turn)
    assert text_of(turn).startswith("Sorry, I can't check products and prices in this chat.")


@pytest.mark.parametrize(
    "text",
    [
        "do you have a shop in London?",
        "Do you have a physical store?",
        "¿tienen una tienda en Madrid?",
        "avez-vous un magasin à Paris ?",
        "haben Sie ein Geschäft in Berlin?",
    ],
)
async def test_a_question_about_the_shop_as_a_place_is_not_a_product_search(text: str) -> None:
    store = FakeLookup()
    turn = await demo_chat(store).say(text)
    assert turn.intent != "product_question" and store.calls == []
    assert "don't sell" not in text_of(turn)


async def test_a_product_question_the_catalogue_answers_still_searches() -> None:
    store = FakeLookup()
    turn = await demo_chat(store).say("do you have the gooseneck kettle in stock?")
    assert turn.replies[0].cards and store.calls == [("search_products", "gooseneck kettle")]
