"""Messages and events as the relay stores them and as browsers and the console see them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.ids import new_id
from core.serialize import to_jsonable, utc_iso
from core.spam import neutral_reply
from relay.storage.records import (
    ConversationRecord,
    NewConversation,
    NewEvent,
    NewLead,
    NewMessage,
    StoredMessage,
)

if TYPE_CHECKING:
    from core.bot import Reply
    from relay.storage.records import EventType


def shopper_message(text: str, at: datetime, *, intent: str | None = None) -> NewMessage:
    return NewMessage(id=new_id("m"), role="shopper", text=text, created_at=at, intent=intent)


def agent_message(
    text: str, at: datetime, author: str, *, cards: Sequence[dict[str, Any]] = ()
) -> NewMessage:
    return NewMessage(
        id=new_id("m"), role="agent", text=text, created_at=at, author=author, cards=tuple(cards)
    )


def system_message(text: str, at: datetime, *, form: str | None = None) -> NewMessage:
    """A notice in the chat ("Sam joined the chat."); ``form="rating"`` asks for a rating."""
    return NewMessage(id=new_id("m"), role="system", text=text, created_at=at, form=form)


def neutral_message(language: str | None, at: datetime) -> NewMessage:
    """The reply to a message taken for spam: polite, the same whatever was sent."""
    return NewMessage(
        id=new_id("m"), role="bot", text=neutral_reply(language), created_at=at, intent="spam"
    )


def bot_message(reply: Reply, intent: str | None, at: datetime) -> NewMessage:
    return NewMessage(
        id=new_id("m"),
        role="bot",
        text=reply.text,
        created_at=at,
        cards=tuple(_plain(dict(card)) for card in reply.cards),
        suggestions=tuple(reply.suggestions),
        form=reply.form,
        confidence=None if reply.confidence is None else round(float(reply.confidence), 4),
        knowledge_entry_id=reply.knowledge_entry_id,
        intent=intent,
    )


def _plain(value: Any) -> Any:
    """``to_jsonable(value)``, quicker for what cards hold: JSON values in fresh dicts and
    lists are copied as they are; anything else follows ``to_jsonable``'s rules."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): _plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    return to_jsonable(value)


def public_json(messages: list[NewMessage] | list[StoredMessage]) -> list[dict[str, Any]]:
    """Message JSON for the browser: never the knowledge entry or the intent."""
    return [m.public_json() for m in messages]


class Events:
    """Builds the console's events for one conversation, all stamped with one time."""

    def __init__(self, conversation_id: str, widget_key: str, at: datetime) -> None:
        self.conversation_id = conversation_id
        self.widget_key = widget_key
        self.at = at

    def _event(self, type_: EventType, data: dict[str, Any]) -> NewEvent:
        return NewEvent(
            id=new_id("e"),
            type=type_,
            at=self.at,
            data=data,
            conversation_id=self.conversation_id,
            widget_key=self.widget_key,
        )

    def created(self, conversation: NewConversation) -> NewEvent:
        data = {
            "id": conversation.id,
            "widget_key": conversation.widget_key,
            "channel": conversation.channel,
            "started_at": utc_iso(conversation.started_at),
            "customer_email": conversation.customer_email,
            "customer_name": conversation.customer_name,
            "language": conversation.language,
            "page_url": conversation.page_url,
        }
        return self._event("conversation.created", {"conversation": data})

    def messages(
        self,
        messages: list[NewMessage],
        public: list[dict[str, Any]],
        extra: dict[str, Any] | None = None,
    ) -> list[NewEvent]:
        """A ``message`` event per message; ``public`` is their ``public_json`` (made once
        per turn): each event's message is ``StoredMessage.event_json()`` plus ``extra``."""
        events = []
        for message, body in zip(messages, public, strict=True):
            data = {
                **body,
                "conversation_id": self.conversation_id,
                "knowledge_entry_id": message.knowledge_entry_id,
                "intent": message.intent,
            }
            if extra:
                data.update(extra)
            events.append(self._event("message", {"message": data}))
        return events

    def handoff(self, reason: str) -> NewEvent:
        return self._event("handoff.requested", {"reason": reason})

    def lead(self, lead: NewLead) -> NewEvent:
        return self._event("lead", {"lead": lead.to_json()})

    def feedback(self, data: dict[str, Any]) -> NewEvent:
        return self._event("feedback", data)

    def status(self, status: str, by: str | None) -> NewEvent:
        return self._event("conversation.status", {"status": status, "by": by})

    def assigned(self, assignee: str) -> NewEvent:
        return self._event("conversation.assigned", {"assignee": assignee})

    def spam(self, reason: str | None, by: str | None) -> NewEvent:
        """The conversation is taken for spam (``reason``: the rule), or no longer (None)."""
        return self._event("conversation.spam", {"spam": reason, "by": by})


def events_for(conversation: ConversationRecord, at: datetime) -> Events:
    return Events(conversation.id, conversation.widget_key, at)
