"""A widget's spam rules applied to what arrives (``core.spam`` holds the rules themselves).

A conversation is taken for spam when a message or a lead breaks a rule: a blocked address
or range, a blocked word or regular expression, more than the widget's messages a minute
(per conversation, and per address on the website and WhatsApp), or the lead form's hidden
honeypot field filled in. From then on the conversation stays spam until the merchant says
"Not spam": every message gets the same neutral reply, never reaches the bot (so never an
order, a customer or a knowledge lookup), and no handoff or lead reaches the console.

The message rate is counted in the relay database's attempt buckets, so every relay on it
shares the count.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

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
            found = await self._rate(rules.rate_per_minute, conversation.id, client)
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

    async def _rate(self, per_minute: int, conversation_id: str, client: str) -> SpamMatch | None:
        limits = [AttemptLimit("spam-conversation", conversation_id, per_minute, RATE_WINDOW)]
        if address_of(client) is not None or client.startswith("wa:"):
            # the website's address or the WhatsApp sender; an API key serves many shoppers
            limits.append(AttemptLimit("spam-address", client, per_minute, RATE_WINDOW))
        reservation = await self.store.reserve_attempt(*limits)
        return None if reservation.granted else SpamMatch("rate", str(per_minute))


def _stored(reason: str) -> SpamMatch:
    """The match a stored reason (``SpamMatch.reason``) stands for."""
    kind, _, rule = reason.partition(" ")
    if kind in ("ip", "word", "regex", "rate", "honeypot", "marked"):
        return SpamMatch(kind, rule)  # type: ignore[arg-type]
    return SpamMatch("marked", reason)
