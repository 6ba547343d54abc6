"""Channels other than the website: the WhatsApp (Twilio) settings of a widget, checked.

Pure: no I/O. The auth token is a secret (kept in the vault, sealed on the relay) and never
appears in ``repr``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ACCOUNT_SID = re.compile(r"^AC[0-9a-f]{32}$")
AUTH_TOKEN = re.compile(r"^[0-9A-Za-z]{32}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class ChannelError(ValueError):
    """A channel setting that cannot work; ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class WhatsAppSettings:
    account_sid: str
    number: str  # the WhatsApp sender, E.164 (+14155238886)
    auth_token: str

    def __repr__(self) -> str:
        return f"WhatsAppSettings(account_sid={self.account_sid!r}, number={self.number!r})"

    def to_json(self) -> dict[str, str]:
        return {
            "account_sid": self.account_sid,
            "number": self.number,
            "auth_token": self.auth_token,
        }


def phone_number(text: str) -> str:
    """``whatsapp:+44 20 7946 0018`` or ``+44 (20) 7946-0018`` → ``+442079460018``."""
    cleaned = text.strip().removeprefix("whatsapp:")
    return ("+" if cleaned.startswith("+") else "") + re.sub(r"\D", "", cleaned)


def whatsapp_settings(data: Any) -> WhatsAppSettings:
    """Checked settings from ``{"account_sid", "number", "auth_token"}``."""
    if not isinstance(data, dict):
        raise ChannelError("whatsapp", "The WhatsApp settings must be an object.")
    sid = str(data.get("account_sid") or "").strip()
    if not ACCOUNT_SID.match(sid):
        raise ChannelError(
            "account_sid",
            "The Twilio account SID starts with AC and has 32 more letters and digits "
            "(Twilio Console → Account info).",
        )
    number = phone_number(str(data.get("number") or ""))
    if not E164.match(number):
        raise ChannelError(
            "number",
            "The WhatsApp number must be in international form, such as +14155238886.",
        )
    token = str(data.get("auth_token") or "").strip()
    if not AUTH_TOKEN.match(token):
        raise ChannelError(
            "auth_token",
            "The Twilio auth token is 32 letters and digits (Twilio Console → Account info).",
        )
    return WhatsAppSettings(sid, number, token)
