"""Knowledge answers: ranked retrieval with a calibrated confidence, and the threshold."""

from __future__ import annotations

import pytest

from core.bot import Bot, KnowledgeIndex
from core.records import KnowledgeEntry
from tests.core.bot.conftest import KNOWLEDGE, Chat, text_of

INDEX = KnowledgeIndex(KNOWLEDGE)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("What is your return policy?", "k_returns"),
        ("what's your returns policy", "k_returns"),
        ("WHAT IS YOUR RETURN POLICY", "k_returns"),
        ("How long does shipping take", "k_shipping"),
        ("how long will delivery take?", "k_shipping"),
        ("Do you ship internationally?", "k_abroad"),
        ("cual es la politica de devoluciones", "k_devol"),
        ("¿Cuál es la política de devoluciones?", "k_devol"),
    ],
)
def test_exact_and_near_exact_questions_are_confident(question: str, entry: str) -> None:
    match = INDEX.best(question)
    assert match is not None and match.entry.id == entry
    assert match.confidence >= 0.8


@pytest.mark.parametrize(
    "text", ["I like turtles", "asdfgh qwerty", "🙂🙂", "", "What time is it on Mars?"]
)
def test_unrelated_text_is_not_confident(text: str) -> None:
    match = INDEX.best(text)
    assert match is None or match.confidence < 0.2


def test_a_keyword_boosts_its_entry() -> None:
    match = INDEX.best("can I get a refund?")
    assert match is not None and match.entry.id == "k_returns"
    assert match.confidence >= 0.5


def test_disabled_entries_are_never_answered() -> None:
    match = INDEX.best("Is the shop open on Sundays?")
    assert match is None or match.entry.id != "k_off"


def test_confidence_stays_in_bounds_and_ranks_best_first() -> None:
    found = INDEX.search("how long does shipping take to switzerland", limit=5)
    assert found[0].entry.id == "k_shipping"
    assert all(0.0 <= m.confidence <= 1.0 for m in found)
    assert [m.confidence for m in found] == sorted((m.confidence for m in found), reverse=True)


def test_an_empty_knowledge_base_matches_nothing() -> None:
    assert KnowledgeIndex([]).best("What is your return policy?") is None
    assert len(KnowledgeIndex([])) == 0


def test_ties_go_to_the_entry_listed_first() -> None:
    twins = [KnowledgeEntry("a", "Gift wrap?", "Yes."), KnowledgeEntry("b", "Gift wrap?", "Yes!")]
    assert KnowledgeIndex(twins).best("gift wrap").entry.id == "a"


async def test_a_confident_answer_records_its_entry(chat: Chat) -> None:
    turn = await chat.say("What is your return policy?")
    reply = turn.replies[0]
    assert turn.intent == "faq" and turn.handoff is None
    assert reply.text.startswith("You can return any item")
    assert reply.knowledge_entry_id == "k_returns" and reply.confidence >= 0.8
    assert reply.form is None


async def test_below_the_threshold_the_bot_apologises_and_offers_the_lead_form(
    chat: Chat,
) -> None:
    turn = await chat.say("Can you engrave my name on a kettle?")
    reply = turn.replies[0]
    assert turn.intent == "fallback" and turn.handoff == "low_confidence"
    assert reply.text.startswith("Sorry, I'm not sure about that one.")
    assert reply.form == "lead" and reply.knowledge_entry_id is None
    assert reply.suggestions == ("Track my order", "Talk to a person")
    assert chat.state.handoff == "low_confidence"


async def test_the_widget_threshold_decides(make_bot) -> None:
    strict = Chat(make_bot(confidence_threshold=0.99), None)
    assert (await strict.say("can I get a refund?")).intent == "fallback"
    lenient = Chat(make_bot(confidence_threshold=0.1), None)
    assert (await lenient.say("can I get a refund?")).intent == "faq"


async def test_the_fallback_is_localised(chat: Chat) -> None:
    turn = await chat.say("¿Hacéis grabados personalizados en las teteras?")
    assert text_of(turn).startswith("Lo siento, no estoy seguro de eso.")
    assert turn.replies[0].suggestions == ("Seguir mi pedido", "Hablar con una persona")


async def test_an_answer_without_a_store_still_works(bot: Bot) -> None:
    turn = await Chat(bot, None).say("How long does shipping take?")
    assert turn.intent == "faq" and turn.lookups == 0


def test_large_knowledge_bases_and_frequent_terms_are_indexed_alike() -> None:
    entries = [KnowledgeEntry(f"e{n}", f"Question number {n}?", "An answer.") for n in range(300)]
    entries.append(KnowledgeEntry("gift", "Gift wrap?", "Yes.", ("gift wrap",) + ("gift",) * 90))
    index = KnowledgeIndex(entries)
    assert len(index) == 301
    match = index.best("question number 299")
    assert match is not None and match.entry.id == "e299" and match.confidence >= 0.8
    gift = index.best("gift")
    assert gift is not None and gift.entry.id == "gift" and gift.confidence >= 0.5
