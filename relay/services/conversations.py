"""Conversations: start one, answer a shopper's message, take a lead or feedback, post an
agent's reply. Each change is stored with one ``add_turn`` (group commit) before anyone is
answered, then handed to the live streams."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.bot import Bot, BotState, StoreUnavailable
from core.bot.identity import check_identity
from core.ids import new_id, new_token
from core.records import SpamRules
from core.spam import SpamMatch
from core.widgets import pick_language, team_available
from relay.responses import ApiError
from relay.services import messages as shape
from relay.services.inputs import (
    InvalidInput,
    StartRequest,
    check_id,
    check_text,
    parse_feedback,
    parse_lead,
)
from relay.services.spam import SpamGuard, still_matches
from relay.services.verification import GatedLookup
from relay.services.widgets import WidgetBots
from relay.storage.records import Feedback, NewConversation, NewLead

if TYPE_CHECKING:
    import httpx

    from core.agent.settings import AgentSettings
    from core.bot import Lookup, Turn
    from relay.metrics import Metrics
    from relay.services.agent_turn import AgentOutcome
    from relay.services.agents import Agents
    from relay.services.broker import Broker
    from relay.services.console_feed import ConsoleFeed
    from relay.services.lookups import LookupPool, StoreLookup
    from relay.services.presence import Presence
    from relay.services.verification import VerificationLimits
    from relay.storage import RelayStore
    from relay.storage.records import ConversationRecord, NewMessage, PublishedWidget


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Vouched:
    """Who a channel vouches the shopper is; ``None`` parts are unknown."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    customer_id: str | None = None


class NotFound(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(404, "not_found", message)


class Unauthorized(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def _with_failure(turn: Turn, failed: bool, lookups: int = 0) -> Turn:
    """``turn`` counting what the agent did before it: a failed verification, lookups."""
    if not failed and not lookups:
        return turn
    return replace(
        turn,
        verification_failed=turn.verification_failed or failed,
        lookups=turn.lookups + lookups,
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ConversationService:
    def __init__(
        self,
        store: RelayStore,
        *,
        lookups: LookupPool,
        broker: Broker,
        presence: Presence,
        verification: VerificationLimits,
        metrics: Metrics | None,
        now: Callable[[], datetime],
        text_limit: int = 2000,
        feed: ConsoleFeed | None = None,
        agents: Agents | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._store = store
        self._feed = feed
        self._agents = agents if http is not None else None
        self._http = http
        self._sent: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._lookups = lookups
        self._broker = broker
        self._presence = presence
        self._verification = verification
        self._metrics = metrics
        self._intent_counters: dict[str, Any] = {}
        self._now = now
        self._text_limit = text_limit
        self._widgets = WidgetBots(store, now, connected=presence.connected)
        self._spam = SpamGuard(store)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # -- widgets ---------------------------------------------------------------------------

    def _widget(self, key: str) -> PublishedWidget:
        widget = self._store.widget(key)
        if widget is None:
            raise NotFound("There is no chat widget with this key.")
        return widget

    def _bot(self, widget: PublishedWidget) -> Bot:
        return self._widgets.bot(widget)

    def _lookup(self, widget: PublishedWidget) -> StoreLookup | None:
        if widget.store_id is None:
            return None
        store = self._store.store(widget.store_id)
        return None if store is None else self._lookups.lookup_for(store)

    def config_body(self, key: str, language: str | None) -> bytes:
        """The widget's public settings as JSON bytes."""
        body = self._widgets.config_body(key, language)
        if body is None:
            raise NotFound("There is no chat widget with this key.")
        return body

    # -- conversations ---------------------------------------------------------------------

    async def start(self, key: str, request: StartRequest) -> dict[str, Any]:
        widget = self._widget(key)
        bot = self._bot(widget)
        language = pick_language(widget.settings, request.language)
        email, name = await self._verified(widget, request)
        state = BotState.new(language=language, identity_email=email, identity_name=name)
        turn = bot.start(state)
        now = self._now()
        token = new_token()
        conversation = NewConversation(
            id=new_id("c"),
            widget_key=key,
            token_hash=token_hash(token),
            started_at=now,
            bot_state=turn.state.to_json(),
            language=language,
            customer_email=email,
            customer_name=name,
            page_url=request.page_url,
        )
        published = await self._create(conversation, turn, now)
        self._poke()
        return {"conversation_id": conversation.id, "token": token, "messages": published}

    async def _create(
        self, conversation: NewConversation, turn: Turn, now: datetime
    ) -> list[dict[str, Any]]:
        """Store the new conversation with the bot's opening replies and their events;
        answers the replies as the shopper sees them."""
        replies = [shape.bot_message(r, turn.intent, now) for r in turn.replies]
        published = shape.public_json(replies)
        events = shape.Events(conversation.id, conversation.widget_key, now)
        await self._store.create_conversation(
            conversation,
            replies,
            [events.created(conversation), *events.messages(replies, published)],
        )
        return published

    async def _verified(
        self, widget: PublishedWidget, request: StartRequest
    ) -> tuple[str | None, str | None]:
        """The signed identity's email and name; ``(None, None)`` when absent or not valid.
        A name the signature does not cover is replaced by the store's name for the email."""
        identity, secret = request.identity, widget.identity_secret
        if identity is None or not secret:
            return None, None
        signed = check_identity(
            secret,
            identity.email,
            identity.ts,
            identity.signature,
            name=identity.name,
            now=self._now(),
            max_age=widget.settings.identity_max_age,
        )
        if signed is None:
            return None, None
        name = signed.name
        lookup = self._lookup(widget)
        if name is None and lookup is not None:
            try:
                customer = await lookup.get_customer(email=identity.email)
            except StoreUnavailable:
                customer = None
            name = customer.name if customer is not None else None
        return signed.email, name

    async def start_vouched(
        self, key: str, channel: str, language: str | None, who: Vouched
    ) -> dict[str, Any]:
        """Start a conversation on another channel (WhatsApp, the API) for a shopper the
        channel vouches for (``who``; any part may be unknown). No bearer token is handed
        out: the channel itself decides who may write to it."""
        widget = self._widget(key)
        language = pick_language(widget.settings, language)
        state = BotState.new(
            language=language,
            identity_email=who.email,
            identity_name=who.name,
            identity_phone=who.phone,
            identity_customer=who.customer_id,
        )
        turn = self._bot(widget).start(state)
        now = self._now()
        conversation = NewConversation(
            id=new_id("c"),
            widget_key=key,
            token_hash=token_hash(new_token()),
            started_at=now,
            channel=channel,
            bot_state=turn.state.to_json(),
            language=language,
            customer_email=who.email,
            customer_name=who.name,
        )
        published = await self._create(conversation, turn, now)
        return {"conversation_id": conversation.id, "messages": published}

    async def existing(self, conversation_id: str) -> ConversationRecord:
        """The conversation; 404 when unknown."""
        try:
            check_id(conversation_id, "conversation")
        except InvalidInput:
            raise NotFound("There is no such conversation.") from None
        conversation = await self._store.conversation(conversation_id)
        if conversation is None:
            raise NotFound("There is no such conversation.")
        return conversation

    async def authorize(self, conversation_id: str, token: str | None) -> ConversationRecord:
        """The conversation, if ``token`` is its bearer token; 404 unknown, 401 wrong token."""
        conversation = await self.existing(conversation_id)
        if not token or not hmac.compare_digest(token_hash(token), conversation.token_hash):
            raise Unauthorized("This conversation needs its own token.")
        return conversation

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    def _widget_of(self, conversation: ConversationRecord) -> PublishedWidget:
        widget = self._store.widget(conversation.widget_key)
        if widget is None:
            raise NotFound("This chat is no longer available.")
        return widget

    async def send(
        self,
        conversation_id: str,
        token: str | None,
        text: Any,
        client: str,
        *,
        trusted: bool = False,
    ) -> list[dict[str, Any]]:
        """Answer a shopper's message; both are stored before this returns. ``trusted``: the
        caller already checked who may write here (a channel), so no token is needed."""
        async with self._lock(conversation_id):  # one turn at a time per conversation
            conversation = await (
                self.existing(conversation_id)
                if trusted
                else self.authorize(conversation_id, token)
            )
            text = check_text(text, limit=self._text_limit)
            widget = self._widget_of(conversation)
            received = self._now()
            spam = await self._spam.message(widget.settings.spam, conversation, text, client)
            if spam is not None:  # never reaches the bot: no lookup, no handoff
                shopper = shape.shopper_message(text, received, intent="spam")
                published = await self._save_spam(conversation, spam, [shopper], received)
                intent, refused = "spam", False
            elif _human_answers(conversation, received):  # the bot keeps out of their way
                published = await self._save_for_human(conversation, text, received)
                intent, refused = "human", False
            else:
                published, intent, refused = await self._bot_turn(
                    widget, conversation, text, client, received
                )
        self._count(intent, locked=refused)
        self._broker.publish(conversation.id, published)
        self._poke()
        return published

    async def _bot_turn(
        self,
        widget: PublishedWidget,
        conversation: ConversationRecord,
        text: str,
        client: str,
        received: datetime,
    ) -> tuple[list[dict[str, Any]], str, bool]:
        """The bot's answer, stored with the message: ``(published, intent, refused)``."""
        team = team_available(widget.settings, received, connected=self._presence.connected())
        turn, refused, lead = await self._respond(widget, conversation, text, client, team=team)
        now = max(self._now(), received)
        shopper = shape.shopper_message(text, received, intent=turn.intent)
        stored = [shopper, *(shape.bot_message(r, turn.intent, now) for r in turn.replies)]
        published = await self._save_turn(conversation, turn, stored, now, lead=lead)
        return published, turn.intent, refused

    async def _save_for_human(
        self, conversation: ConversationRecord, text: str, received: datetime
    ) -> list[dict[str, Any]]:
        """Store a message for the person answering this conversation (no bot reply)."""
        messages = [shape.shopper_message(text, received)]
        published = shape.public_json(messages)
        events = shape.events_for(conversation, received)
        await self._store.add_turn(
            conversation.id, messages, events=events.messages(messages, published)
        )
        return published

    async def _save_spam(
        self,
        conversation: ConversationRecord,
        spam: SpamMatch,
        received: list[NewMessage],
        now: datetime,
    ) -> list[dict[str, Any]]:
        """Store what a spam sender sent with the neutral reply (the bot's state untouched);
        the first time, the conversation is marked and the console told why."""
        messages = [*received, shape.neutral_message(conversation.language, now)]
        published = shape.public_json(messages)
        events = shape.events_for(conversation, now)
        marked = [] if conversation.spam is not None else [events.spam(spam.reason, None)]
        await self._store.add_turn(
            conversation.id,
            messages,
            events=[*marked, *events.messages(messages, published)],
            spam=(spam.reason,) if marked else None,
        )
        return published

    async def _respond(
        self,
        widget: PublishedWidget,
        conversation: ConversationRecord,
        text: str,
        client: str,
        *,
        team: bool,
    ) -> tuple[Turn, bool, NewLead | None]:
        """The bot's (or the widget's agent's) turn, its order lookups counted against the
        verification limits (one attempt reserved before the first reaches the store,
        refunded unless the turn failed verification). At a limit, the turn is answered as
        locked. ``(turn, refused, lead the agent recorded)``."""
        bot, state = self._bot(widget), BotState.from_json(conversation.bot_state)
        lookup = self._lookup(widget)
        agent = await self._agent(widget, state)
        if lookup is None:
            turn, lead = await self._answer(agent, widget, conversation, text, state, None, team)
            return turn, False, lead
        gate = self._verification.gate(client, conversation.id)
        failed = True  # an error mid-turn keeps the attempt counted
        gated = GatedLookup(
            lookup, gate, verified=state.verified_orders, floor=lookup.verification_floor
        )
        try:
            turn, lead = await self._answer(agent, widget, conversation, text, state, gated, team)
            failed = turn.verification_failed
        finally:
            await gate.settle(failed=failed)
        if failed:  # as slow as the store's slow answers, found or not: the time tells nothing
            await gated.hold()
        if gate.refused:
            locked = await bot.respond(
                text, state, lookup, lookups_allowed=False, team_available=team
            )
            return locked, True, None
        return turn, False, lead

    async def _agent(self, widget: PublishedWidget, state: BotState) -> AgentSettings | None:
        """The widget's agent, unless it is off, its budget for this conversation is spent,
        or the bot is in the middle of verifying the shopper (the bot's flow finishes that)."""
        if self._agents is None or state.pending is not None:
            return None
        settings = await self._agents.settings(widget.key)
        if settings is None or state.agent_tokens >= settings.token_budget:
            return None
        return settings

    async def _answer(
        self,
        agent: AgentSettings | None,
        widget: PublishedWidget,
        conversation: ConversationRecord,
        text: str,
        state: BotState,
        lookup: Lookup | None,
        team: bool,
    ) -> tuple[Turn, NewLead | None]:
        bot = self._bot(widget)
        if agent is None:
            return await bot.respond(text, state, lookup, team_available=team), None
        outcome = await self._run_agent(agent, widget, conversation, text, state, lookup, team)
        lead = outcome.new_lead(self._now())
        if self._metrics is not None:
            self._metrics.agent.labels(outcome.kind).inc()
        if outcome.turn is not None:
            return _with_failure(outcome.turn, outcome.verification_failed), lead
        log.info("The AI agent left a message to the bot: %s", outcome.reason)  # no secret
        turn = await bot.respond(text, outcome.state, lookup, team_available=team)
        return _with_failure(turn, outcome.verification_failed, outcome.lookups), lead

    async def _run_agent(
        self,
        agent: AgentSettings,
        widget: PublishedWidget,
        conversation: ConversationRecord,
        text: str,
        state: BotState,
        lookup: Lookup | None,
        team: bool,
    ) -> AgentOutcome:
        from relay.services.agent_turn import AgentRequest, run_agent
        from relay.storage.ai import recent_messages

        assert self._http is not None
        history = await self._store.read(lambda c: recent_messages(c, conversation.id, 12))
        draft, written = new_id("d"), 0

        async def on_delta(piece: str) -> None:
            nonlocal written
            notice = {"_delta": True, "draft": draft, "at": written, "text": piece}
            written += len(piece)
            self._broker.publish(conversation.id, [notice])

        request = AgentRequest(text, state, history, team, self._now())
        return await run_agent(
            agent, self._http, widget, self._bot(widget), lookup, request, on_delta
        )

    async def _save_turn(
        self,
        conversation: ConversationRecord,
        turn: Turn,
        messages: list[NewMessage],
        now: datetime,
        *,
        lead: NewLead | None = None,
    ) -> list[dict[str, Any]]:
        """Store a bot turn's messages, state, events (and lead) in one group-committed
        write; the messages' browser JSON, for the answer and the live stream."""
        published = shape.public_json(messages)
        events = shape.events_for(conversation, now)
        handoff = [events.handoff(turn.handoff)] if turn.handoff else []
        first = [events.lead(lead)] if lead is not None else []
        status = "waiting" if turn.handoff else None
        if status is None and conversation.status == "closed":  # the shopper came back
            status = "open"
            handoff.append(events.status("open", None))
        await self._store.add_turn(
            conversation.id,
            messages,
            bot_state=turn.state.to_json(),
            status=status,
            events=[*first, *events.messages(messages, published), *handoff],
            lead=lead,
        )
        return published

    def _count(self, intent: str, *, locked: bool) -> None:
        if self._metrics is not None:
            counter = self._intent_counters.get(intent)
            if counter is None:  # a child per intent, looked up once (the set is small)
                counter = self._intent_counters[intent] = self._metrics.intents.labels(intent)
            counter.inc()
            if locked:
                self._metrics.lookups.labels("locked").inc()

    async def history(
        self, conversation_id: str, token: str | None, after: str | None
    ) -> list[dict[str, Any]]:
        await self.authorize(conversation_id, token)
        return await self.messages_after(conversation_id, after)

    async def messages_after(self, conversation_id: str, after: str | None) -> list[dict[str, Any]]:
        """Up to 100 messages after the id ``after`` (all roles, oldest first)."""
        found = await self._store.messages_after(conversation_id, after, limit=100)
        return shape.public_json(found)

    async def lead(
        self,
        conversation_id: str,
        token: str | None,
        data: dict[str, Any],
        client: str | None = None,
    ) -> dict[str, Any]:
        async with self._lock(conversation_id):
            conversation = await self.authorize(conversation_id, token)
            now = self._now()
            request = parse_lead(data, now=now)
            widget = self._widget_of(conversation)
            texts = [t for t in (request.name, request.email, request.message) if t]
            spam = await self._spam.lead(
                widget.settings.spam, conversation, texts, client, request.honeypot
            )
            if spam is not None:  # answered as if taken, never a lead for the console
                published = await self._save_spam(conversation, spam, [], now)
                self._count("spam", locked=False)
                self._broker.publish(conversation.id, published)
                self._poke()
                return {"lead_id": new_id("l"), "messages": published}
            turn = self._bot(widget).after_lead(
                request.kind, BotState.from_json(conversation.bot_state)
            )
            lead = NewLead(
                id=new_id("l"),
                kind=request.kind,
                created_at=now,
                name=request.name,
                email=request.email,
                phone=request.phone,
                message=request.message,
                requested_time=request.requested_time,
            )
            replies = [shape.bot_message(r, turn.intent, now) for r in turn.replies]
            published = await self._save_turn(conversation, turn, replies, now, lead=lead)
        self._broker.publish(conversation.id, published)
        self._poke()
        return {"lead_id": lead.id, "messages": published}

    async def feedback(self, conversation_id: str, token: str | None, data: dict[str, Any]) -> None:
        conversation = await self.authorize(conversation_id, token)
        request = parse_feedback(data)
        if request.message_id is not None:
            message = await self._store.message(conversation_id, request.message_id)
            if message is None or message.role != "bot":
                raise InvalidInput({"message_id": "There is no such answer in this chat."})
            event: dict[str, Any] = {"message_id": message.id, "helpful": request.helpful}
        else:
            event = {"rating": request.rating}
        record = Feedback(
            message_id=request.message_id, helpful=request.helpful, rating=request.rating
        )
        events = shape.events_for(conversation, self._now())
        await self._store.add_turn(
            conversation.id,
            [],
            bot_state=None,
            status=None,
            events=[events.feedback(event)],
            feedback=record,
        )
        self._poke()

    def _poke(self) -> None:
        if self._feed is not None:
            self._feed.poke()

    # -- the console's side ----------------------------------------------------------------

    async def agent_reply(
        self,
        conversation_id: str,
        text: str,
        author: str,
        *,
        cards: Sequence[dict[str, Any]] = (),
        ref: str | None = None,
        console_id: str | None = None,
    ) -> dict[str, Any]:
        """Post a human agent's reply (from the console); the shopper's stream and poll see it.

        ``ref`` is the console's own id for the reply: sending it again (the answer was lost
        on the way back) returns the message already posted instead of a second one.
        ``console_id`` (the console that sent it) goes to the consoles' ``message`` event only,
        so each console tells its own replies from its teammates'; shoppers never see it."""
        text = check_text(text, limit=self._text_limit)
        async with self._lock(conversation_id):
            conversation = await self.existing(conversation_id)
            if ref is not None and (conversation_id, ref) in self._sent:
                return self._sent[(conversation_id, ref)]
            message = shape.agent_message(text, self._now(), author, cards=cards)
            published = shape.public_json([message])
            events = shape.events_for(conversation, message.created_at)
            extra = {"ref": ref, "console_id": console_id}
            changed = conversation.status != "open"
            await self._store.add_turn(
                conversation.id,
                [message],
                bot_state=_with_human(conversation, message.created_at),
                status="open" if changed else None,
                events=[
                    *events.messages([message], published, extra=extra),
                    *([events.status("open", author)] if changed else []),
                ],
            )
            if ref is not None:
                self._sent[(conversation_id, ref)] = published[0]
                while len(self._sent) > 10_000:
                    self._sent.popitem(last=False)
        self._broker.publish(conversation.id, published)
        self._poke()
        return published[0]

    async def set_status(self, conversation_id: str, status: str, author: str) -> dict[str, Any]:
        """Close or reopen a conversation; the shopper is told (and asked to rate on close)."""
        async with self._lock(conversation_id):
            conversation = await self.existing(conversation_id)
            now = self._now()
            if status == "closed":
                notice = shape.system_message(f"{author} closed this chat.", now, form="rating")
            else:
                notice = shape.system_message(f"{author} reopened this chat.", now)
            published = shape.public_json([notice])
            events = shape.events_for(conversation, now)
            await self._store.add_turn(
                conversation.id,
                [notice],
                bot_state=_with_human(conversation, None) if status == "closed" else None,
                status=status,
                events=[*events.messages([notice], published), events.status(status, author)],
            )
        self._broker.publish(conversation.id, published)
        self._poke()
        return published[0]

    async def set_spam(self, conversation_id: str, spam: bool, author: str) -> dict[str, Any]:
        """The merchant marks a conversation as spam, or restores it ("Not spam"): its next
        messages are answered by the bot again, the messages before no longer count towards
        the message rate. Nothing is shown to the shopper. ``still_matches``: the widget's
        rule (an address, a word, an expression) that took it for spam and would again."""
        async with self._lock(conversation_id):
            conversation = await self.existing(conversation_id)
            reason = SpamMatch("marked", author).reason if spam else None
            again = None if spam else still_matches(self._rules_of(conversation), conversation.spam)
            if (reason is None) != (conversation.spam is None):
                now = self._now()
                events = shape.events_for(conversation, now)
                await self._store.add_turn(
                    conversation.id,
                    [],
                    bot_state=None if spam else _restored(conversation, now),
                    events=[events.spam(reason, author)],
                    spam=(reason,),
                )
            else:
                reason = conversation.spam
        self._poke()
        result: dict[str, Any] = {"conversation_id": conversation_id, "spam": reason}
        if again is not None:
            result["still_matches"] = {"kind": again.kind, "rule": again.rule}
        return result

    def _rules_of(self, conversation: ConversationRecord) -> SpamRules:
        widget = self._store.widget(conversation.widget_key)
        return widget.settings.spam if widget is not None else SpamRules()

    async def assign(self, conversation_id: str, agent: str) -> dict[str, Any]:
        """An agent takes the conversation: the shopper sees "… joined the chat"."""
        async with self._lock(conversation_id):
            conversation = await self.existing(conversation_id)
            now = self._now()
            notice = shape.system_message(f"{agent} joined the chat.", now)
            published = shape.public_json([notice])
            events = shape.events_for(conversation, now)
            await self._store.add_turn(
                conversation.id,
                [notice],
                bot_state=_with_human(conversation, now),
                status=None,
                events=[*events.messages([notice], published), events.assigned(agent)],
            )
        self._broker.publish(conversation.id, published)
        self._poke()
        return published[0]

    async def agent_typing(self, conversation_id: str, author: str) -> None:
        """Show "… is typing" in the shopper's chat (live streams only; nothing is stored)."""
        await self.existing(conversation_id)
        self._broker.publish(conversation_id, [{"_typing": True, "name": author}])

    async def shopper_typing(self, conversation_id: str, token: str | None) -> None:
        """Tell the consoles the shopper is typing (nothing is stored)."""
        await self.authorize(conversation_id, token)
        if self._feed is not None:
            self._feed.typing(conversation_id)


HUMAN_QUIET = timedelta(minutes=30)
"""How long after a person from the shop last joined or wrote the bot stays out of the way."""


def _human_answers(conversation: ConversationRecord, now: datetime) -> bool:
    """Whether a person from the shop is answering this conversation now."""
    if conversation.status == "closed":
        return False
    at = BotState.from_json(conversation.bot_state).human_at
    return at is not None and now - at < HUMAN_QUIET


def _with_human(conversation: ConversationRecord, at: datetime | None) -> dict[str, Any]:
    """The conversation's bot state with the shop's person last seen ``at`` (None: gone)."""
    return BotState.from_json(conversation.bot_state).update(human_at=at).to_json()


def _restored(conversation: ConversationRecord, at: datetime) -> dict[str, Any]:
    """The conversation's bot state, restored by the merchant ``at`` (the rate starts afresh)."""
    return BotState.from_json(conversation.bot_state).update(restored_at=at).to_json()
