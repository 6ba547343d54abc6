"""Confirming or declining an appointment request: a message into the shopper's conversation
(through the relay, like an agent reply), then the request's status."""

from __future__ import annotations

from console.relay_client import RelayClient
from core.workspace.database import Workspace
from core.workspace.inbox import InboxRepository
from core.workspace.leads import LeadError, LeadItem, LeadRepository

AUTHOR = "Support"


def default_answer(lead: LeadItem, confirm: bool) -> str:
    slot = lead.slot_text() or "the time you asked for"
    if confirm:
        return f"Your appointment on {slot} is confirmed. See you then!"
    return f"Sorry, we cannot see you on {slot}. Could you suggest another time?"


async def answer_appointment(
    workspace: Workspace,
    client: RelayClient | None,
    lead: LeadItem,
    *,
    confirm: bool,
    text: str | None = None,
    author: str = AUTHOR,
) -> LeadItem:
    """Send the answer into the conversation, then mark the request confirmed or declined.
    Raises ``LeadError`` (nothing changed) or ``RelayError`` (not sent, nothing changed)."""
    if lead.kind != "appointment":
        raise LeadError("Only appointment requests are confirmed or declined.")
    message = (text or "").strip() or default_answer(lead, confirm)
    if lead.conversation_id is not None:
        if client is None:
            raise LeadError(
                "The answer goes to the shopper through your relay: pair with it in Settings first."
            )
        sent = await client.reply(lead.conversation_id, message, author)
        InboxRepository(workspace).store_reply(lead.conversation_id, sent)
    status = "confirmed" if confirm else "declined"
    return LeadRepository(workspace).set_status(lead.id, status)
