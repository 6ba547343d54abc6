"""The Inbox's lazy conversations model, and the thread as the merchant reads it (HTML for a
``QTextBrowser``: every piece of shopper or bot text escaped, cards drawn as the shopper saw
them, each bot turn with its matched knowledge entry and confidence)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from console.models.orders import local_time, money, status_label
from console.models.paged import PagedColumn, PagedModel, PagedSource

if TYPE_CHECKING:
    from core.workspace.inbox_browse import ConversationLine, ThreadMessage
    from core.workspace.inbox_replies import Pending

STATUS_TEXT = {"open": "Open", "waiting": "Waiting for a human", "closed": "Closed"}
ROLE_TEXT = {"shopper": "Shopper", "bot": "Bot", "agent": "Team", "system": "Notice"}
AI_AGENT = "AI agent"


def _preview(line: ConversationLine) -> str:
    return line.preview or "—"


CONVERSATION_COLUMNS: list[PagedColumn[ConversationLine]] = [
    PagedColumn("Shopper", lambda c: c.shopper),
    PagedColumn("Last message", _preview),
    PagedColumn("Status", lambda c: STATUS_TEXT.get(c.status, c.status)),
    PagedColumn("Unread", lambda c: str(c.unread) if c.unread else "", align_right=True),
    PagedColumn("Updated", lambda c: local_time(c.updated_at)),
]


class ConversationsModel(PagedModel["ConversationLine"]):
    """Newest activity first; rows are read a page at a time."""

    def __init__(self, source: PagedSource[ConversationLine], parent: Any = None) -> None:
        super().__init__(
            CONVERSATION_COLUMNS, source, sort="activity", descending=True, parent=parent
        )

    def row_of(self, conversation_id: str, *, pages: int = 2) -> int:
        """The row showing ``conversation_id`` among the first pages, else -1."""
        for row in range(min(self.row_total(), pages * 100)):
            record = self.record(row)
            if record is not None and record.id == conversation_id:
                return row
        return -1


def _time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M") if moment else ""


def order_card_html(card: dict[str, Any]) -> str:
    status = card.get("status_label") or status_label(str(card.get("status") or ""))
    total = f"{card.get('total', '')} {card.get('currency', '')}".strip()
    lines = [
        f"<b>Order #{escape(str(card.get('number', '')))}</b> · {escape(str(status))} · "
        f"{escape(total)}"
    ]
    for item in card.get("items") or []:
        if isinstance(item, dict):
            lines.append(
                f"{escape(str(item.get('quantity', '')))} × {escape(str(item.get('name', '')))}"
            )
    for track in card.get("tracking") or []:
        if isinstance(track, dict):
            carrier = escape(str(track.get("carrier") or ""))
            lines.append(f"Tracking {carrier} {escape(str(track.get('number') or ''))}".strip())
    return _card("<br>".join(lines))


def product_card_html(card: dict[str, Any]) -> str:
    price = card.get("price")
    text = f"<b>{escape(str(card.get('title', '')))}</b>"
    if price:
        text += f" · {escape(str(price))} {escape(str(card.get('currency') or ''))}"
    if card.get("in_stock") is False:
        text += " · out of stock"
    return _card(text)


def _card(body: str) -> str:
    return (
        '<table cellpadding="6" style="border: 1px solid #999; margin: 4px 0 4px 0;">'
        f"<tr><td>{body}</td></tr></table>"
    )


def _cards(cards: list[Any]) -> str:
    out = []
    for card in cards:
        if isinstance(card, dict) and card.get("type") == "order":
            out.append(order_card_html(card))
        elif isinstance(card, dict) and card.get("type") == "product":
            out.append(product_card_html(card))
    return "".join(out)


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def author_text(message: ThreadMessage, me: str | None) -> str:
    """Who wrote ``message`` as the merchant reads it: "You" only for a reply sent from this
    console (``me``: its id on the relay), a teammate's name for theirs, "AI agent" for the
    widget's AI agent; a reply from before replies were named is the "Team"'s."""
    author = message.author
    if message.role == "agent" and author is not None:
        if me is not None and author.console_id == me:
            return "You"
        return author.name or "A teammate"
    if message.role == "bot" and message.intent == "agent":
        return AI_AGENT
    return ROLE_TEXT.get(message.role, message.role)


def message_html(message: ThreadMessage, me: str | None = None) -> str:
    who = escape(author_text(message, me))
    head = f"<b>{who}</b> <span style='color: gray'>{_time(message.created_at)}</span>"
    if message.role == "bot" and message.confidence is not None:
        matched = (
            f"“{escape(message.knowledge_question)}”" if message.knowledge_question else "no entry"
        )
        head += (
            f" <span style='color: gray'>· matched {matched} · confidence "
            f"{message.confidence:.0%}</span>"
        )
    if message.helpful is not None:
        head += " · 👍" if message.helpful else " · 👎"
    body = _text(message.text)
    if message.form == "rating":
        body += " <i>(asked for a rating)</i>"
    elif message.form:
        body += f" <i>(offered the {escape(message.form)} form)</i>"
    if message.role == "system":
        return f"<p style='color: gray'><i>{body}</i></p>"
    return f"<p>{head}<br>{body}</p>{_cards(message.cards)}"


def pending_html(reply: Pending) -> str:
    state = (
        f"not sent: {escape(reply.last_error or '')}"
        if reply.state == "failed"
        else "sending…"
        if not reply.last_error
        else f"waiting to be sent ({escape(reply.last_error)})"
    )
    head = f"<b>You</b> <span style='color: #b45309'>· {state}</span>"
    return f"<p>{head}<br>{_text(reply.text)}</p>{_cards(reply.cards)}"


def thread_html(
    line: ConversationLine,
    messages: list[ThreadMessage],
    pending: list[Pending],
    me: str | None = None,
) -> str:
    """``me``: this console's id on the relay (its own replies are "You")."""
    parts = [message_html(m, me) for m in messages] + [pending_html(p) for p in pending]
    if line.rating is not None:
        parts.append(
            f"<p style='color: gray'><i>The shopper rated this chat {line.rating}/5.</i></p>"
        )
    return "".join(parts) or "<p style='color: gray'>No messages yet.</p>"


def total_text(amount: Any, currency: str | None) -> str:
    return money(amount, currency)
