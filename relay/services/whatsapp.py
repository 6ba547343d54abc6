"""WhatsApp through Twilio: the same bot, reached by a shopper's phone.

Inbound: Twilio POSTs each message (form fields ``MessageSid``, ``AccountSid``, ``From``,
``To``, ``Body``, ``ProfileName``, ``NumMedia``…) to ``/v1/channels/whatsapp/{widget}``.
The signature is checked before anything else; a message seen before is refused; the
shopper's number picks their conversation (a new one the first time) and is vouched for
(WhatsApp verified it), so their own orders (by the order's phone) show without an email.
The answer goes out through the Messages API after the webhook has been answered, as text
(order and product cards written out as lines), with a status callback per message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from core.channels import ChannelError, WhatsAppSettings, phone_number, whatsapp_settings
from relay.crypto import open_sealed, seal
from relay.responses import ApiError, invalid
from relay.services.conversations import ConversationService, Vouched
from relay.services.twilio import TwilioError, TwilioMessages, signature_valid, split_body
from relay.storage import RelayStore
from relay.storage import whatsapp as db

log = logging.getLogger(__name__)

STATUSES = frozenset(
    [
        "queued",
        "sending",
        "sent",
        "delivered",
        "undelivered",
        "failed",
        "read",
        "accepted",
        "scheduled",
        "canceled",
        "receiving",
        "received",
    ]
)
TEXT_ONLY = "I can only read text messages here; please type your question."


def _refused(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def render(message: Mapping[str, Any]) -> str:
    """A bot or agent message as WhatsApp text: its words, then its cards as lines."""
    lines = [str(message.get("text") or "").strip()]
    for card in message.get("cards") or ():
        if card.get("type") == "order":
            lines.append(
                f"Order #{card['number']}: {card['status_label']}, "
                f"{card['total']} {card['currency']}"
            )
            for track in card.get("tracking") or ():
                where = f" {track['url']}" if track.get("url") else ""
                lines.append(f"Tracking: {track.get('carrier') or ''} {track['number']}{where}")
        elif card.get("type") == "product":
            stock = "in stock" if card.get("in_stock") else "out of stock"
            url = f" {card['url']}" if card.get("url") else ""
            lines.append(f"{card['title']}: {card['price']} {card['currency']}, {stock}{url}")
    return "\n".join(line for line in lines if line)


class WhatsAppChannel:
    def __init__(
        self,
        store: RelayStore,
        conversations: ConversationService,
        messages: TwilioMessages,
        *,
        relay_key: bytes,
        now: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._conversations = conversations
        self._twilio = messages
        self._key = relay_key
        self._now = now
        self._tasks: set[asyncio.Task[None]] = set()

    # -- settings, from the console ---------------------------------------------------------

    async def configure(self, widget_key: str, body: Mapping[str, Any]) -> WhatsAppSettings:
        if self._store.widget(widget_key) is None:
            raise ApiError(404, "not_found", "There is no published widget with this key.")
        try:
            settings = whatsapp_settings(dict(body))
        except ChannelError as exc:
            raise invalid(exc.field, str(exc)) from None
        sealed = seal(self._key, db.token_ad(widget_key), settings.auth_token.encode())
        now = self._now()
        await self._store.write(
            lambda c: db.put_channel(
                c, widget_key, settings.account_sid, settings.number, sealed, now
            )
        )
        return settings

    async def remove(self, widget_key: str) -> None:
        if not await self._store.write(lambda c: db.remove_channel(c, widget_key)):
            raise ApiError(404, "not_found", "WhatsApp is not set up for this widget.")

    async def settings(self, widget_key: str) -> WhatsAppSettings | None:
        found = await self._store.read(lambda c: db.channel(c, widget_key))
        if found is None:
            return None
        sid, number, sealed = found
        token = open_sealed(self._key, db.token_ad(widget_key), sealed).decode()
        return WhatsAppSettings(sid, number, token)

    async def _checked(
        self, widget_key: str, url: str, form: Sequence[tuple[str, str]], given: str
    ) -> WhatsAppSettings:
        channel = await self.settings(widget_key)
        if channel is None or self._store.widget(widget_key) is None:
            raise ApiError(404, "not_found", "WhatsApp is not set up for this widget.")
        if not signature_valid(channel.auth_token, url, form, given):
            raise _refused("The X-Twilio-Signature is missing or does not match.")
        if dict(form).get("AccountSid") != channel.account_sid:
            raise _refused("The message is for another Twilio account.")
        return channel

    # -- Twilio's webhooks -------------------------------------------------------------------

    async def inbound(
        self,
        widget_key: str,
        url: str,
        form: Sequence[tuple[str, str]],
        given: str,
        status_callback: str,
    ) -> None:
        channel = await self._checked(widget_key, url, form, given)
        fields = dict(form)
        sid, sender = fields.get("MessageSid", ""), phone_number(fields.get("From", ""))
        if not sid or len(sid) > 64 or not fields.get("From", "").startswith("whatsapp:"):
            raise ApiError(400, "bad_request", "MessageSid and a whatsapp: From are required.")
        if phone_number(fields.get("To", "")) != channel.number:
            raise ApiError(400, "bad_request", "The message is for another WhatsApp number.")
        text = fields.get("Body", "").strip()
        now = self._now()
        if not await self._store.write(
            lambda c: db.claim(c, sid, widget_key, "in", "received", now)
        ):
            raise ApiError(400, "duplicate", "This message was already received.")
        conversation_id, greeting = await self._thread(widget_key, sender, fields)
        if text:
            replies = await self._conversations.send(
                conversation_id, None, text[:2000], f"wa:{sender}", trusted=True
            )
            answer = [m for m in replies if m.get("role") != "shopper"]
        else:
            answer = [{"text": TEXT_ONLY, "cards": []}]
        self._later(
            widget_key, channel, conversation_id, sender, [*greeting, *answer], status_callback
        )

    async def _thread(
        self, widget_key: str, sender: str, fields: Mapping[str, str]
    ) -> tuple[str, list[dict[str, Any]]]:
        """The shopper's conversation, and the greeting when it is a new one."""
        found = await self._store.read(lambda c: db.thread(c, widget_key, sender))
        if found is not None and await self._store.conversation(found) is not None:
            return found, []
        name = (fields.get("ProfileName") or "").strip()[:120] or None
        started = await self._conversations.start_vouched(
            widget_key, "whatsapp", None, Vouched(phone=sender, name=name)
        )
        conversation_id = started["conversation_id"]
        await self._store.write(lambda c: db.set_thread(c, widget_key, sender, conversation_id))
        return conversation_id, list(started["messages"])

    async def status(
        self, widget_key: str, url: str, form: Sequence[tuple[str, str]], given: str
    ) -> None:
        await self._checked(widget_key, url, form, given)
        fields = dict(form)
        sid, status = fields.get("MessageSid", ""), fields.get("MessageStatus", "")
        if not sid or status not in STATUSES:
            raise ApiError(400, "bad_request", "MessageSid and a known MessageStatus are needed.")
        error = (fields.get("ErrorCode") or "")[:16] or None
        now = self._now()
        known = await self._store.write(
            lambda c: db.set_status(c, sid, widget_key, status, error, now)
        )
        if known is not None and status in ("failed", "undelivered"):
            log.warning(
                "WhatsApp message %s to a shopper was %s (Twilio error %s)",
                sid,
                status,
                error or "?",
            )

    # -- replies going out ------------------------------------------------------------------

    async def after_agent_reply(
        self,
        conversation_id: str,
        message: Mapping[str, Any],
        status_callback: Callable[[str], str],
    ) -> None:
        """An agent answered in the console: send it too when the chat is on WhatsApp."""
        found = await self._store.read(lambda c: db.address_of(c, conversation_id))
        if found is None:
            return
        widget_key, number = found
        channel = await self.settings(widget_key)
        if channel is None:
            log.warning("An agent reply to a WhatsApp chat was not sent: WhatsApp is off")
            return
        self._later(
            widget_key,
            channel,
            conversation_id,
            number,
            [dict(message)],
            status_callback(widget_key),
        )

    def _later(
        self,
        widget_key: str,
        channel: WhatsAppSettings,
        conversation_id: str,
        to: str,
        messages: Sequence[Mapping[str, Any]],
        status_callback: str,
    ) -> None:
        body = "\n\n".join(text for text in (render(m) for m in messages) if text)
        if not body:
            return
        task = asyncio.create_task(
            self._deliver(widget_key, channel, conversation_id, to, body, status_callback)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(
        self,
        widget_key: str,
        channel: WhatsAppSettings,
        conversation_id: str,
        to: str,
        body: str,
        status_callback: str,
    ) -> None:
        for piece in split_body(body):
            try:
                sent = await self._twilio.send(channel, to, piece, status_callback)
            except TwilioError as exc:
                log.error("A WhatsApp reply was not sent: %s", exc)
                return
            await self._record(widget_key, conversation_id, sent)

    async def _record(self, widget_key: str, conversation_id: str, sent: Mapping[str, Any]) -> None:
        sid, status = str(sent["sid"])[:64], str(sent.get("status") or "queued")[:16]
        now = self._now()
        await self._store.write(
            lambda c: db.claim(c, sid, widget_key, "out", status, now, conversation_id)
        )

    async def drain(self, timeout: float = 10.0) -> None:
        """Let replies on their way finish (at shutdown, and in tests)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
