"""A widget's spam rules applied to what arrives (``core.spam`` holds the rules themselves).

A conversation is taken for spam when a message or a lead breaks a rule: a blocked address
or range, a blocked word or regular expression, more than the widget's messages a minute
(per conversation, and per address on the website and WhatsApp), or the lead form's hidden
honeypot field filled in. From then on the conversation stays spam until the merchant says
"Not spam": every message gets the same neutral reply, never reaches the bot (so never an
order, a customer or a knowledge lookup), and no handoff or lead reaches the console.

The message rate is counted in the relay database's attempt buckets, so every relay on it
shares the count. "Not spam" starts the conversation's count afresh (``BotState.restored_at``):
the messages that broke the rate no longer count, in the conversation's bucket nor in its
address's, so the next message is not taken for spam at once. The merchant's own rules (an
address, a word, an expression) still apply: ``still_matches`` names the one that caught the
conversation when it would catch it again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from core.bot.state import BotState
from core.spam import SpamMatch, address_of, honeypot_filled, match
from relay.storage.attempts import AttemptLimit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from core.records import SpamRules
    from relay.storage import RelayStore
    from relay.storage.records import ConversationRecord

RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SpamGuard:
    store: RelayStore

    async def message(
        self, rules: SpamRules, conversation: ConversationRecord, text: str, client: str
    ) -> SpamMatch | None:
        """The rule a shopper's message breaks (``None``: answer it as usual). A message
        that breaks none is counted against the rate limit."""
        found = await self._checked(rules, conversation, [text], client)
        if found is None and rules.rate_per_minute is not None:
            since = BotState.from_json(conversation.bot_state).restored_at
            found = await self._rate(rules.rate_per_minute, conversation.id, client, since)
        return found

    async def lead(
        self,
        rules: SpamRules,
        conversation: ConversationRecord,
        texts: Sequence[str],
        client: str | None,
        honeypot: object,
    ) -> SpamMatch | None:
        """The rule a lead or appointment request breaks (its honeypot first)."""
        filled = honeypot_filled(rules, honeypot)
        return filled or await self._checked(rules, conversation, texts, client)

    async def _checked(
        self,
        rules: SpamRules,
        conversation: ConversationRecord,
        texts: Sequence[str],
        client: str | None,
    ) -> SpamMatch | None:
        """``_known``; off the event loop when regular expressions run (they release the
        GIL), so a slow one holds up this message only, never the relay."""
        if not rules.regexes or conversation.spam is not None:
            return self._known(rules, conversation, texts, client)
        return await asyncio.to_thread(self._known, rules, conversation, texts, client)

    @staticmethod
    def _known(
        rules: SpamRules, conversation: ConversationRecord, texts: Sequence[str], client: str | None
    ) -> SpamMatch | None:
        if conversation.spam is not None:
            return _stored(conversation.spam)
        return match(rules, texts, client).match

    async def _rate(
        self, per_minute: int, conversation_id: str, client: str, since: datetime | None
    ) -> SpamMatch | None:
        """Count the message; the rate rule when the conversation or its address is over
        ``per_minute`` (counting only messages after ``since``, the last "Not spam")."""
        limits = [
            AttemptLimit("spam-conversation", conversation_id, per_minute, RATE_WINDOW, since)
        ]
        if address_of(client) is not None or client.startswith("wa:"):
            # the website's address or the WhatsApp sender; an API key serves many shoppers
            limits.append(AttemptLimit("spam-address", client, per_minute, RATE_WINDOW, since))
        reservation = await self.store.reserve_attempt(*limits)
        return None if reservation.granted else SpamMatch("rate", str(per_minute))


def _stored(reason: str) -> SpamMatch:
    """The match a stored reason (``SpamMatch.reason``) stands for."""
    kind, _, rule = reason.partition(" ")
    if kind in ("ip", "word", "regex", "rate", "honeypot", "marked"):
        return SpamMatch(kind, rule)  # type: ignore[arg-type]
    return SpamMatch("marked", reason)


def still_matches(rules: SpamRules, reason: str | None) -> SpamMatch | None:
    """The merchant's rule that took a conversation for spam (its stored ``reason``), when
    the widget still has it: restored, the conversation would be caught by it again (an
    address for sure, a word or an expression when the shopper writes it again). The rate,
    the honeypot and a mark by hand hold nothing that outlives "Not spam"."""
    if reason is None:
        return None
    explicit: tuple[tuple[Literal["ip", "word", "regex"], tuple[str, ...]], ...] = (
        ("ip", rules.ips),
        ("word", rules.words),
        ("regex", rules.regexes),
    )
    for kind, kept in explicit:
        for rule in kept:
            found = SpamMatch(kind, rule)
            if found.reason == reason or (
                kind == "word" and found.reason.lower() == reason.lower()
            ):
                return found
    return None
