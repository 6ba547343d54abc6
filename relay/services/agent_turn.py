"""One shopper message answered by the widget's language-model agent.

Imported only when a widget has an agent. The agent's tools reach the store through the
turn's gated lookup (the same verification limits as the bot); its words stream to the
widget as ``delta`` notices while it writes, and the whole reply is stored at the end.
When the agent cannot answer, ``AgentOutcome.turn`` is ``None`` and the bot answers, in
the state the agent left (its spent tokens and any failed verification kept).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from connectors.llm.client import OpenAIChat
from core.agent.prompt import MAX_REPLY, Said, conversation, system_prompt
from core.agent.responder import Responder
from core.agent.toolbox import LeadDraft, Toolbox
from core.bot import Bot, BotState, Reply, Turn
from core.bot.lookup import CountedLookup
from core.ids import new_id
from relay.services.inputs import InvalidInput, parse_lead
from relay.storage.records import NewLead

if TYPE_CHECKING:
    import httpx

    from core.agent.settings import AgentSettings
    from core.bot import Lookup
    from relay.storage.records import PublishedWidget

MAX_TOKENS_COUNTED = 10**9 - 1


@dataclass(frozen=True, slots=True)
class AgentOutcome:
    turn: Turn | None
    state: BotState
    verification_failed: bool
    lookups: int
    lead: LeadDraft | None
    reason: str | None

    def new_lead(self, now: datetime) -> NewLead | None:
        """The lead the agent recorded, checked like the widget's form (``None``: none)."""
        draft = self.lead
        if draft is None:
            return None
        data = {
            "kind": "contact",
            "name": draft.name or draft.email or draft.phone,
            "email": draft.email,
            "phone": draft.phone,
            "message": draft.message,
        }
        try:
            request = parse_lead(data, now=now)
        except InvalidInput:
            return None
        return NewLead(
            id=new_id("l"),
            kind=request.kind,
            created_at=now,
            name=request.name,
            email=request.email,
            phone=request.phone,
            message=request.message,
            requested_time=None,
        )

    @property
    def kind(self) -> str:
        """``answer``, ``verify`` (the bot asked for proof) or ``fallback`` (the bot answers)."""
        if self.turn is None:
            return "fallback"
        return "verify" if self.reason == "verify" else "answer"


@dataclass(frozen=True, slots=True)
class AgentRequest:
    text: str
    state: BotState
    history: Sequence[tuple[str, str]]
    team: bool
    now: datetime


async def run_agent(
    settings: AgentSettings,
    http: httpx.AsyncClient,
    widget: PublishedWidget,
    bot: Bot,
    lookup: Lookup | None,
    request: AgentRequest,
    on_delta: Callable[[str], Awaitable[None]],
) -> AgentOutcome:
    state = request.state
    counted = CountedLookup(lookup) if lookup is not None else None
    history = [
        Said("shopper" if role == "shopper" else "shop", said)
        for role, said in request.history
        if role in ("shopper", "bot", "agent")  # not the notices ("Sam joined the chat.")
    ]
    said = [s.text for s in history if s.role == "shopper"]
    tools = Toolbox(
        state=state,
        lookup=counted,
        index=bot.index,
        now=request.now,
        shopper_text="\n".join([*said, request.text]),
        lead_form=widget.settings.lead_form,
    )
    shop = widget.settings.name
    proven = bool(state.known_emails() or state.vouched())
    system = system_prompt(settings.persona, shop, state.language or "en", verified=proven)
    messages = conversation(system, [s for s in history if s.text], request.text)
    responder = Responder(OpenAIChat(http, settings), timeout=settings.timeout)
    budget = settings.token_budget - state.agent_tokens
    result = await responder.answer(messages, tools, budget=budget, on_delta=_capped(on_delta))
    spent = min(state.agent_tokens + result.tokens, MAX_TOKENS_COUNTED)
    after = tools.state.update(agent_tokens=spent)
    turn: Turn | None = None
    lookups = counted.calls if counted else 0
    if result.outcome == "answer":
        reply = Reply(result.text, cards=tuple(tools.cards), form=tools.form)
        turn = Turn((reply,), after, "agent", lookups=lookups)
    elif result.outcome == "verify":
        asked = bot.ask_proof(after, tools.verify_number, team_available=request.team)
        turn = Turn(asked.replies, asked.state, asked.intent, lookups=lookups)
    return AgentOutcome(turn, after, tools.verification_failed, lookups, tools.lead, result.reason)


def _capped(on_delta: Callable[[str], Awaitable[None]]) -> Callable[[str], Awaitable[None]]:
    """Stream at most what a reply may hold (the stored reply is capped the same)."""
    sent = 0

    async def send(piece: str) -> None:
        nonlocal sent
        room = MAX_REPLY - sent
        if room > 0:
            piece = piece[:room]
            sent += len(piece)
            await on_delta(piece)

    return send
