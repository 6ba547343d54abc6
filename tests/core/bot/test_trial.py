"""The console's "test the bot": the real bot's answer, the matched entry, the confidence."""

from __future__ import annotations

from dataclasses import replace

from core.bot.trial import try_question
from core.records import KnowledgeEntry, WidgetConfig
from tests.core.bot.conftest import KNOWLEDGE, NOW

WIDGET = WidgetConfig(key="wk_trial_widget", name="Trial", confidence_threshold=0.35)


async def test_a_known_question_is_answered_from_its_entry() -> None:
    trial = await try_question(WIDGET, KNOWLEDGE, "What is your return policy?", lambda: NOW)
    returns = next(e for e in KNOWLEDGE if e.id == "k_returns")
    assert trial.from_knowledge
    assert trial.match is not None and trial.match.entry.id == "k_returns"
    assert trial.answer == returns.answer
    assert trial.confidence >= 0.8 and not trial.below_threshold
    assert trial.form is None


async def test_below_the_threshold_the_best_entry_is_shown_and_the_lead_form_offered() -> None:
    trial = await try_question(WIDGET, KNOWLEDGE, "how long until it arrives", lambda: NOW)
    assert not trial.from_knowledge
    assert trial.match is not None and trial.match.entry.id == "k_shipping"
    assert 0 < trial.confidence < WIDGET.confidence_threshold and trial.below_threshold
    assert trial.form == "lead"
    assert trial.match.entry.answer not in trial.answer


async def test_disabled_entries_are_not_used() -> None:
    entries = [replace(e, enabled=e.id != "k_returns") for e in KNOWLEDGE]
    trial = await try_question(WIDGET, entries, "What is your return policy?", lambda: NOW)
    assert trial.match is None or trial.match.entry.id != "k_returns"


async def test_nothing_in_common_means_no_match_and_zero_confidence() -> None:
    entries = [KnowledgeEntry("k1", "Do you gift wrap?", "Yes, for 3 euros.", ("gift",))]
    trial = await try_question(WIDGET, entries, "qwerty zxcvb", lambda: NOW)
    assert trial.match is None and trial.confidence == 0.0 and trial.below_threshold
    assert trial.answer and trial.form == "lead"
