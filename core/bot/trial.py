"""Trying one question against a knowledge base, as the console's "test the bot" box does.

The real ``Bot`` answers (no store is connected for the trial, so order questions get the
bot's "no store" answer); the trial adds what a merchant tuning answers needs to see: the
entry that matched best — even when it was not confident enough to be used — its
confidence, and the widget's threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from core.bot.engine import Bot
from core.bot.knowledge import KnowledgeIndex, Match
from core.bot.reply import Form
from core.bot.state import BotState
from core.records import KnowledgeEntry, WidgetConfig


@dataclass(frozen=True, slots=True)
class Trial:
    question: str
    answer: str
    """What the shopper would read (every reply of the turn, one per paragraph)."""
    intent: str
    match: Match | None
    """The best-matching enabled entry, used or not; None when no entry shares a word."""
    from_knowledge: bool
    """The bot answered with the matched entry's answer."""
    threshold: float
    form: Form | None
    """The form the shopper would be offered with the answer."""

    @property
    def confidence(self) -> float:
        return self.match.confidence if self.match else 0.0

    @property
    def below_threshold(self) -> bool:
        return self.confidence < self.threshold


async def try_question(
    widget: WidgetConfig,
    entries: Iterable[KnowledgeEntry],
    question: str,
    now: Callable[[], datetime],
) -> Trial:
    """Ask the bot ``question`` as a new shopper would, on ``entries`` (disabled ones are
    left out, as on the relay)."""
    index = KnowledgeIndex(entries)
    bot = Bot(widget, index, now)
    turn = await bot.respond(question, BotState.new(), None)
    used = next((r.knowledge_entry_id for r in turn.replies if r.knowledge_entry_id), None)
    match = _used_match(index, question, used) if used else index.best(question)
    return Trial(
        question=question,
        answer="\n\n".join(r.text for r in turn.replies if r.text),
        intent=turn.intent,
        match=match,
        from_knowledge=used is not None,
        threshold=widget.confidence_threshold,
        form=next((r.form for r in turn.replies if r.form), None),
    )


def _used_match(index: KnowledgeIndex, question: str, entry_id: str) -> Match | None:
    found = index.search(question, limit=len(index))
    return next((m for m in found if m.entry.id == entry_id), None)
