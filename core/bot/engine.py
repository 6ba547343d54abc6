"""The bot: one shopper message in, replies and the conversation's new state out.

Pure and deterministic: the same message, state and clock give the same turn. The only
outside calls go through the ``Lookup`` the relay passes in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from core.bot import order_flow
from core.bot.context import Ctx, Outcome, offer, with_handoff
from core.bot.intents import LOOKUP_INTENTS, Reading, classify
from core.bot.knowledge import KnowledgeIndex
from core.bot.language import default_language, detect_language, normalize_language
from core.bot.lookup import CountedLookup, Lookup, StoreUnavailable
from core.bot.products import answer as answer_product
from core.bot.products import knowledge_reply
from core.bot.reply import Reply, Turn
from core.bot.state import BotState
from core.bot.strings import join
from core.bot.text import clean_input
from core.bot.verification import expire_lock, is_locked
from core.records import LeadKind, WidgetConfig

_Flow = Callable[[Ctx, BotState, CountedLookup, Reading], Awaitable[Outcome]]
_ORDER_FLOWS: dict[str, _Flow] = {
    "order_status": order_flow.order_status,
    "my_orders": order_flow.my_orders,
    "provide_email": order_flow.provide_email,
    "provide_postcode": order_flow.provide_postcode,
}
_SALUTATION = re.compile(
    r"^\s*(¡?)(hi|hello|hey|hiya|hola|bonjour|salut|hallo|hi there|hello there)\s*([!,.])\s*",
    re.IGNORECASE,
)


class Bot:
    """One widget's bot. ``now`` is the clock (injected for tests and determinism)."""

    def __init__(
        self, widget: WidgetConfig, index: KnowledgeIndex, now: Callable[[], datetime]
    ) -> None:
        self.widget = widget
        self.index = index
        self._now = now
        self._zone = _zone(widget.timezone)

    def start(self, state: BotState) -> Turn:
        """The greeting that opens a conversation (by first name for a signed-in shopper)."""
        ctx = self._ctx(state.language)
        text = _greeting(self.widget.greeting, _first_name(state.identity_name), ctx)
        chips = self.widget.suggestions or ctx.chips()
        reply = Reply(text, suggestions=tuple(chips))
        return Turn((reply,), state.update(language=ctx.lang), "greeting")

    async def respond(
        self,
        text: str,
        state: BotState,
        lookup: Lookup | None,
        *,
        lookups_allowed: bool = True,
        team_available: bool = False,
    ) -> Turn:
        """Answer one message. Never raises for any text, state or store trouble.
        ``team_available``: someone from the shop can answer now (see ``Ctx.team``)."""
        cleaned = clean_input(text if isinstance(text, str) else "")
        lang = detect_language(cleaned, self.widget.languages, state.language)
        ctx = self._ctx(lang, team=team_available)
        state = expire_lock(state.update(language=lang), ctx.now)
        reading = classify(cleaned, awaiting_verification=state.pending_order is not None)
        counted = CountedLookup(lookup) if lookup is not None else None
        try:
            outcome = await self._dispatch(ctx, state, reading, cleaned, counted, lookups_allowed)
        except StoreUnavailable:
            outcome = _store_unavailable(ctx, state)
        return Turn(
            outcome.replies,
            outcome.state,
            outcome.intent or reading.intent,
            handoff=outcome.handoff,
            verification_failed=outcome.verification_failed,
            lookups=counted.calls if counted else 0,
        )

    def ask_proof(self, state: BotState, number: str | None, *, team_available: bool) -> Turn:
        """The verification question for an order the agent was asked about (its tools show
        nothing to a shopper who has not proven who they are)."""
        ctx = self._ctx(state.language, team=team_available)
        outcome = order_flow.ask_proof(ctx, expire_lock(state, ctx.now), number)
        return Turn(outcome.replies, outcome.state, "order_status")

    def after_lead(self, kind: LeadKind, state: BotState) -> Turn:
        """The confirmation once the shopper sent the lead or appointment form."""
        ctx = self._ctx(state.language)
        key = "appointment_thanks" if kind == "appointment" else "lead_thanks"
        outcome = with_handoff(state, Reply(ctx.say(key)), "asked")
        return Turn(outcome.replies, outcome.state, kind, handoff=outcome.handoff)

    def _ctx(self, language: str | None, *, team: bool = False) -> Ctx:
        lang = normalize_language(language) or default_language(self.widget.languages)
        return Ctx(self.widget, lang, self._now(), self._zone, team)

    async def _dispatch(
        self,
        ctx: Ctx,
        state: BotState,
        reading: Reading,
        text: str,
        lookup: CountedLookup | None,
        lookups_allowed: bool,
    ) -> Outcome:
        intent = reading.intent
        if intent in LOOKUP_INTENTS:
            if not lookups_allowed or is_locked(state, ctx.now):
                return order_flow.locked(ctx, state)
            if lookup is None:
                return Outcome((offer(ctx, state, ctx.say("no_store")),), state)
            return await _ORDER_FLOWS[intent](ctx, state, lookup, reading)
        if intent == "product_question":
            known = knowledge_reply(self.index.best(text), self.widget.confidence_threshold)
            return await answer_product(ctx, state, lookup, text, known)
        simple = _simple(ctx, state, intent)
        return simple or self._knowledge(ctx, state, text)

    def _knowledge(self, ctx: Ctx, state: BotState, text: str) -> Outcome:
        match = self.index.best(text)
        known = knowledge_reply(match, self.widget.confidence_threshold)
        if known:
            return Outcome((known,), state, intent="faq")
        confidence = match.confidence if match else 0.0
        text = ctx.say("low_confidence")
        reply = offer(ctx, state, text, suggestions=ctx.chips(), confidence=confidence)
        outcome = with_handoff(state, reply, "low_confidence")
        return Outcome(outcome.replies, outcome.state, "fallback", outcome.handoff)


def _simple(ctx: Ctx, state: BotState, intent: str) -> Outcome | None:
    """Intents answered from the widget alone: people, forms, greetings, thanks."""
    if intent == "human":
        if state.handoff:
            already = "handoff_already" if ctx.team else "handoff_passed"
            return Outcome((Reply(join(ctx.say(already), ctx.team_reply())),), state)
        form = ctx.form()
        if ctx.team:
            text = join(ctx.say("handoff_asked"), ctx.say("offer_lead" if form else "offer_team"))
        else:  # nobody is told now: say so, and how the answer will come
            text = join(ctx.say("handoff_away"), ctx.say("offer_email" if form else "offer_later"))
        return with_handoff(state, Reply(text, form=form), "asked")
    if intent in ("contact", "appointment"):
        form = ctx.form("appointment" if intent == "appointment" else "lead")
        key = "appointment" if form == "appointment" else "contact" if form else "offer_team"
        return with_handoff(state, Reply(ctx.say(key), form=form), "asked")
    if intent == "greeting":
        hello = _hello(ctx, _first_name(state.identity_name))
        return Outcome((Reply(join(hello, ctx.say("how_help")), suggestions=ctx.chips()),), state)
    if intent == "thanks_bye":
        return Outcome((Reply(ctx.say("thanks_bye"), form="rating"),), state)
    return None


def _store_unavailable(ctx: Ctx, state: BotState) -> Outcome:
    reply = offer(ctx, state, ctx.say("store_unavailable"))
    return with_handoff(state, reply, "store_unavailable")


def _greeting(greeting: str, name: str | None, ctx: Ctx) -> str:
    greeting = greeting.strip() or join(ctx.say("hello"), ctx.say("how_help"))
    if not name:
        return greeting
    match = _SALUTATION.match(greeting)
    if match:
        opener = f"{match.group(1)}{match.group(2)} {name}{match.group(3)}"
        return join(opener, greeting[match.end() :])
    return join(ctx.say("hello_name", name=name), greeting)


def _hello(ctx: Ctx, name: str | None) -> str:
    return ctx.say("hello_name", name=name) if name else ctx.say("hello")


def _first_name(name: str | None) -> str | None:
    parts = (name or "").split()
    return parts[0][:40] if parts else None


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return UTC
