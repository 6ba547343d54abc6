"""What every part of a turn needs: the widget, language, clock; and shared reply shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from core.bot.reply import Form, Handoff, Reply
from core.bot.state import BotState
from core.bot.strings import join, say
from core.records import WidgetConfig


@dataclass(frozen=True, slots=True)
class Ctx:
    widget: WidgetConfig
    lang: str
    now: datetime
    zone: tzinfo
    team: bool = False
    """Someone from the shop's team can answer now (connected, or within business hours):
    only then does the bot say the team knows or will reply here soon."""

    def say(self, key: str, **fields: object) -> str:
        return say(self.lang, key, **fields)

    def chips(self) -> tuple[str, ...]:
        """Suggestion chips: track an order (when a store is connected), talk to a person."""
        track = (self.say("chip_track"),) if self.widget.store else ()
        return (*track, self.say("chip_human"))

    def team_reply(self) -> str:
        """When the team will answer in the chat: soon, or once they are back."""
        return self.say("offer_team" if self.team else "offer_later")

    def form(self, wanted: Form = "lead") -> Form | None:
        """The form to offer: an appointment when asked and enabled, else the lead form."""
        if wanted == "appointment" and self.widget.appointment_form:
            return "appointment"
        return "lead" if self.widget.lead_form else None


@dataclass(frozen=True, slots=True)
class Outcome:
    replies: tuple[Reply, ...]
    state: BotState
    intent: str | None = None
    handoff: Handoff | None = None
    verification_failed: bool = False


def offer(
    ctx: Ctx,
    state: BotState,
    text: str,
    *,
    suggestions: tuple[str, ...] = (),
    confidence: float | None = None,
) -> Reply:
    """``text`` plus a way to reach a person: the lead form, or (when a person is already
    asked for, or the widget has no form) the promise that the team replies here."""
    form = None if state.handoff else ctx.form()
    follow = ctx.say("offer_lead") if form else ctx.team_reply()
    return Reply(join(text, follow), form=form, suggestions=suggestions, confidence=confidence)


def with_handoff(state: BotState, reply: Reply, reason: Handoff) -> Outcome:
    """An outcome that asks for a human, unless one was asked for already."""
    if state.handoff:
        return Outcome((reply,), state)
    return Outcome((reply,), state.update(handoff=reason), handoff=reason)
