"""Twilio's side of WhatsApp: request signatures, and the Messages API.

Twilio signs each webhook with ``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed with the
account's auth token, over the full URL Twilio called followed by every POST parameter,
sorted by name, as name then value with nothing between.

Replies go out with ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (HTTP Basic
with the account SID and auth token; form fields ``To``, ``From``, ``Body``,
``StatusCallback``); 429, 5xx and network failures are retried with backoff.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx

from core.channels import WhatsAppSettings

log = logging.getLogger(__name__)

MAX_BODY = 1600  # characters Twilio accepts in one message
ATTEMPTS = 3


class TwilioError(Exception):
    """Twilio refused a message for good (the message says why, without secrets)."""


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], given: str
) -> bool:
    if not given or len(given) > 128:
        return False
    expected = signature(auth_token, url, list(params))
    return hmac.compare_digest(expected.encode(), given.strip().encode("ascii", "replace"))


def split_body(text: str, limit: int = MAX_BODY) -> list[str]:
    """``text`` in pieces Twilio accepts, cut at line ends (or spaces) where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


class TwilioMessages:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        api_url: str = "https://api.twilio.com",
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        attempts: int = ATTEMPTS,
    ) -> None:
        self._http = http
        self._api_url = api_url.rstrip("/")
        self._sleep = sleep
        self._attempts = max(1, attempts)

    async def send(
        self, channel: WhatsAppSettings, to: str, body: str, status_callback: str | None
    ) -> dict[str, Any]:
        """Send one WhatsApp message; Twilio's message resource (``sid``, ``status``)."""
        url = f"{self._api_url}/2010-04-01/Accounts/{channel.account_sid}/Messages.json"
        form = {"To": f"whatsapp:{to}", "From": f"whatsapp:{channel.number}", "Body": body}
        if status_callback:
            form["StatusCallback"] = status_callback
        auth = (channel.account_sid, channel.auth_token)
        for attempt in range(1, self._attempts + 1):
            retry = attempt < self._attempts
            try:
                response = await self._http.post(url, data=form, auth=auth)
            except httpx.TransportError as exc:
                if not retry:
                    raise TwilioError(
                        f"Twilio could not be reached ({type(exc).__name__})."
                    ) from None
                await self._sleep(2 ** (attempt - 1))
                continue
            if response.status_code in (200, 201):
                return _resource(response)
            if (response.status_code == 429 or response.status_code >= 500) and retry:
                await self._sleep(_wait(response, attempt))
                continue
            raise TwilioError(_refusal(response))
        raise TwilioError("Twilio did not take the message.")  # pragma: no cover


def _resource(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        raise TwilioError("Twilio's answer had no message sid.")
    return data


def _wait(response: httpx.Response, attempt: int) -> float:
    try:
        return min(30.0, max(0.0, float(response.headers.get("Retry-After", ""))))
    except ValueError:
        return float(2 ** (attempt - 1))


def _refusal(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = data.get("code") if isinstance(data, dict) else None
    message = data.get("message") if isinstance(data, dict) else None
    detail = f" (Twilio error {code}: {message})" if code or message else ""
    return f"Twilio refused the message with HTTP {response.status_code}{detail}."
