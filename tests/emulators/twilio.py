"""A local emulator of Twilio for WhatsApp: the Messages API
(``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP Basic with the account SID
and auth token, Twilio's JSON resource and error bodies), status callbacks signed as
Twilio signs them, and inbound WhatsApp webhooks sent the way Twilio sends them.

The signature is computed here on its own (not with the relay's code), so a test of one
checks the other: base64 HMAC-SHA1 with the auth token over the URL followed by each POST
parameter sorted by name, name then value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web
from aiohttp.test_utils import TestServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f" * 16 + "0123456789abcdef"
SENDER = "+14155238886"  # the Twilio WhatsApp sandbox number


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    mac = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


@dataclass
class TwilioState:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    senders: set[str] = field(default_factory=lambda: {SENDER})
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: deque[int] = field(default_factory=deque)  # statuses for the next requests
    requests: int = 0


STATE = web.AppKey("twilio_state", TwilioState)


def _error(status: int, code: int, message: str) -> web.Response:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return web.json_response(body, status=status)


def _authorized(request: web.Request, state: TwilioState) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        return False
    return user == state.account_sid and password == state.auth_token


async def _create_message(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.requests += 1
    if state.failures:
        status = state.failures.popleft()
        return _error(status, 20500 if status >= 500 else 20429, "Service unavailable")
    if request.match_info["sid"] != state.account_sid or not _authorized(request, state):
        return _error(401, 20003, "Authenticate")
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
    if not to.startswith("whatsapp:+"):
        return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
    if sender.removeprefix("whatsapp:") not in state.senders:
        return _error(400, 63007, "Twilio could not find a Channel with the specified From address")
    if not body:
        return _error(400, 21602, "Message body is required.")
    if len(body) > 1600:
        return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    sid = "SM" + secrets.token_hex(16)
    message = {
        "sid": sid,
        "account_sid": state.account_sid,
        "to": to,
        "from": sender,
        "body": body,
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": "1",
        "error_code": None,
        "error_message": None,
        "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{state.account_sid}/Messages/{sid}.json",
        "status_callback": form.get("StatusCallback"),
    }
    state.messages.append(message)
    return web.json_response(
        {k: v for k, v in message.items() if k != "status_callback"}, status=201
    )


def build_app(state: TwilioState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", _create_message)
    return app


@asynccontextmanager
async def running(state: TwilioState) -> AsyncIterator[str]:
    """Serve ``state`` on a free 127.0.0.1 port; yields the API base URL."""
    server = TestServer(build_app(state), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def inbound_form(
    state: TwilioState, *, sender: str, body: str, to: str = SENDER, sid: str | None = None
) -> dict[str, str]:
    """The form Twilio posts for an incoming WhatsApp text message."""
    message_sid = sid or "SM" + secrets.token_hex(16)
    return {
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ProfileName": "Alice",
        "MessageType": "text",
        "SmsSid": message_sid,
        "WaId": sender.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": f"whatsapp:{to}",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": message_sid,
        "AccountSid": state.account_sid,
        "From": f"whatsapp:{sender}",
        "ApiVersion": "2010-04-01",
    }


async def post_signed(
    http: httpx.AsyncClient, url: str, form: dict[str, str], auth_token: str
) -> httpx.Response:
    """POST ``form`` to ``url`` as Twilio does, with its ``X-Twilio-Signature``."""
    headers = {"X-Twilio-Signature": twilio_signature(auth_token, url, form)}
    return await http.post(url, data=form, headers=headers)


async def deliver(
    http: httpx.AsyncClient, state: TwilioState, message: dict[str, Any], status: str
) -> httpx.Response:
    """Report ``status`` for a sent message to its StatusCallback, as Twilio would."""
    form = {
        "MessageSid": message["sid"],
        "SmsSid": message["sid"],
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": state.account_sid,
        "To": message["to"],
        "From": message["from"],
        "ApiVersion": "2010-04-01",
        "ChannelToAddress": message["to"].removeprefix("whatsapp:"),
    }
    if status in ("failed", "undelivered"):
        form["ErrorCode"] = "63016"
    return await post_signed(http, message["status_callback"], form, state.auth_token)
