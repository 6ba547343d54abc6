"""The console's side of the relay's console API: every request signed with the console's
Ed25519 key (``core.signing``), every failure one sentence."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from core.agent.settings import AgentSettings
from core.channels import WhatsAppSettings
from core.signing import b64, public_key_of, sign_headers
from core.spam import SpamMatch
from core.team import TeamRole, is_role

STREAM_IDLE = 45.0
"""Seconds without a byte (the relay pings every 15 s) before the live stream counts as dead."""


class RelayError(Exception):
    """The relay refused a request or could not be used; ``str()`` is the sentence."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "error") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class RelayUnreachable(RelayError):
    """No answer from the relay (refused, timed out, TLS failed)."""


def still_matching(state: Mapping[str, Any]) -> SpamMatch | None:
    """The widget's rule a restored conversation still matches (the relay's ``set_spam``
    answer), so it will be taken for spam again; None when none does (or the relay is older
    and does not say)."""
    found = state.get("still_matches")
    if not isinstance(found, Mapping):
        return None
    kind, rule = found.get("kind"), found.get("rule")
    if kind not in ("ip", "word", "regex") or not isinstance(rule, str) or not rule.strip():
        return None
    return SpamMatch(kind, rule[:200])


@dataclass(frozen=True, slots=True)
class Paired:
    relay_id: str
    fingerprint: str
    version: str
    role: TeamRole = "admin"  # a relay from before roles: its only console is its admin
    console_id: str | None = None  # its id in the team (a relay from before says it later)


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[dict[str, Any]]
    cursor: int


def check_relay_url(url: str) -> str:
    """The relay's base address without a trailing slash; one sentence when it is unusable."""
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RelayError(f"{url!r} is not a relay address; write it like https://chat.example.com.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise RelayError("The relay address must not contain a user name, '?' or '#'.")
    return text


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_secure(url: str, purpose: str) -> None:
    """Secrets travel when pairing and publishing: plain http only to this computer."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise RelayError(
            f"Refusing to {purpose} over plain http to {parts.hostname}: keys and store "
            "credentials would cross the network unencrypted. Use the relay's https:// "
            "address (put it behind a TLS proxy such as Caddy or nginx)."
        )


class RelayClient:
    def __init__(
        self,
        url: str,
        private_key: bytes,
        http: httpx.AsyncClient,
        now: Callable[[], datetime],
    ) -> None:
        self.url = check_relay_url(url)
        self._key = private_key
        self._http = http
        self._now = now

    async def pair(self, code: str, name: str) -> Paired:
        require_secure(self.url, "pair")
        body = {"code": code, "public_key": b64(public_key_of(self._key)), "name": name}
        data = await self._request("POST", "/v1/console/pair", body, signed=False)
        return Paired(
            str(data["relay_id"]),
            str(data["fingerprint"]),
            str(data.get("version", "")),
            data["role"] if is_role(data.get("role")) else "admin",
            console_id if isinstance(console_id := data.get("console_id"), str) else None,
        )

    async def status(self) -> dict[str, Any]:
        return await self._request("GET", "/v1/console/status")

    async def publish(self, bundle: Mapping[str, Any], *, dry_run: bool) -> dict[str, Any]:
        require_secure(self.url, "publish")
        data = await self._request("PUT", "/v1/console/publish", {**bundle, "dry_run": dry_run})
        changes: dict[str, Any] = data.get("changes", {})
        return changes

    async def events(self, limit: int = 500) -> EventPage:
        data = await self._request("GET", f"/v1/console/events?limit={int(limit)}")
        events = data.get("events")
        if not isinstance(events, list):
            raise RelayError(
                f"The relay at {self.url} sent events in a form this console does not understand."
            )
        return EventPage([e for e in events if isinstance(e, dict)], int(data.get("cursor") or 0))

    async def ack(self, cursor: int) -> None:
        await self._request("POST", "/v1/console/events/ack", {"cursor": cursor})

    async def reply(
        self,
        conversation_id: str,
        text: str,
        author: str,
        *,
        cards: list[Any] | None = None,
        ref: str | None = None,
    ) -> dict[str, Any]:
        """Post an agent reply; the same ``ref`` sent twice is posted once."""
        body: dict[str, Any] = {"text": text, "author": author}
        if cards:
            body["cards"] = cards
        if ref is not None:
            body["ref"] = ref
        return await self._conversation(conversation_id, "reply", body)

    async def set_status(self, conversation_id: str, status: str, author: str) -> dict[str, Any]:
        return await self._conversation(
            conversation_id, "status", {"status": status, "author": author}
        )

    async def set_spam(self, conversation_id: str, spam: bool, author: str) -> dict[str, Any]:
        """Mark a conversation as spam or restore it; ``{"spam": reason or None}`` (and, once
        restored, ``still_matches``: read it with ``still_matching``)."""
        path = f"/v1/console/conversations/{quote(conversation_id, safe='')}/spam"
        data = await self._request("POST", path, {"spam": spam, "author": author})
        if "spam" not in data:
            raise RelayError(f"The relay at {self.url} answered without the conversation's state.")
        return data

    async def assign(self, conversation_id: str, assignee: str) -> dict[str, Any]:
        return await self._conversation(conversation_id, "assign", {"assignee": assignee})

    async def typing(self, conversation_id: str, author: str) -> None:
        path = f"/v1/console/conversations/{quote(conversation_id, safe='')}/typing"
        await self._request("POST", path, {"author": author})

    async def _conversation(
        self, conversation_id: str, what: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/v1/console/conversations/{quote(conversation_id, safe='')}/{what}"
        data = await self._request("POST", path, body)
        message = data.get("message")
        if not isinstance(message, dict):
            raise RelayError(f"The relay at {self.url} answered without the message it posted.")
        return message

    async def find_shopper(self, email: str | None, phone: str | None) -> dict[str, Any]:
        """Everything the relay holds about a shopper (conversations, messages, leads)."""
        return await self._request(
            "POST", "/v1/console/privacy/find", {"email": email, "phone": phone}
        )

    async def erase_shopper(self, email: str | None, phone: str | None) -> dict[str, int]:
        """Erase the shopper on the relay; the counts it confirms deleted."""
        data = await self._request(
            "POST", "/v1/console/privacy/erase", {"email": email, "phone": phone}
        )
        erased = data.get("erased")
        if not isinstance(erased, dict) or not all(isinstance(v, int) for v in erased.values()):
            raise RelayError(
                f"The relay at {self.url} did not confirm the erasure in a form this console "
                "understands; nothing was erased here."
            )
        return {str(k): int(v) for k, v in erased.items()}

    async def set_retention(self, days: int | None) -> dict[str, Any]:
        return await self._request("PUT", "/v1/console/retention", {"days": days})

    # -- the team: invites, roles, revocation ---------------------------------------------

    async def team(self) -> dict[str, Any]:
        """``{"consoles": [...], "you": id}``: the consoles that may use the relay."""
        return await self._request("GET", "/v1/console/team")

    async def invite(
        self, role: str, name: str | None = None, expires_in_minutes: int | None = None
    ) -> dict[str, Any]:
        """A one-time pairing code for a teammate: ``{id, code, role, name, expires_at, …}``."""
        require_secure(self.url, "make an invite")
        body: dict[str, Any] = {"role": role}
        if name:
            body["name"] = name
        if expires_in_minutes is not None:
            body["expires_in_minutes"] = expires_in_minutes
        return await self._request("POST", "/v1/console/team/invites", body)

    async def invites(self) -> list[dict[str, Any]]:
        """The invites not used yet: ``[{id, role, name, created_at, expires_at, …}]`` (never
        their codes: the relay keeps only an HMAC of each)."""
        found = (await self._request("GET", "/v1/console/team/invites")).get("invites")
        return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []

    async def cancel_invite(self, invite_id: str) -> dict[str, Any]:
        path = f"/v1/console/team/invites/{quote(invite_id, safe='')}"
        return dict((await self._request("DELETE", path)).get("invite") or {})

    async def set_role(self, console_id: str, role: str) -> dict[str, Any]:
        path = f"/v1/console/team/{quote(console_id, safe='')}/role"
        return dict((await self._request("PUT", path, {"role": role})).get("console") or {})

    async def revoke_console(self, console_id: str) -> dict[str, Any]:
        path = f"/v1/console/team/{quote(console_id, safe='')}"
        return dict((await self._request("DELETE", path)).get("console") or {})

    # -- the API channel's keys ------------------------------------------------------------

    def _keys_path(self, widget_key: str) -> str:
        return f"/v1/console/widgets/{quote(widget_key, safe='')}/api-keys"

    async def create_api_key(self, widget_key: str, name: str, scopes: list[str]) -> dict[str, Any]:
        require_secure(self.url, "create an API key")
        body = {"name": name, "scopes": scopes}
        return await self._request("POST", self._keys_path(widget_key), body)

    async def api_keys(self, widget_key: str) -> list[dict[str, Any]]:
        data = await self._request("GET", self._keys_path(widget_key))
        return [k for k in data.get("keys", []) if isinstance(k, dict)]

    async def revoke_api_key(self, widget_key: str, key_id: str) -> None:
        path = f"{self._keys_path(widget_key)}/{quote(key_id, safe='')}"
        await self._request("DELETE", path)

    async def store_token(self, store_name: str) -> str:
        """A current access token of a store the relay renews (Shopify by authorization)."""
        require_secure(self.url, "receive store credentials")
        path = f"/v1/console/stores/{quote(store_name, safe='')}/access-token"
        data = await self._request("POST", path)
        return str(data["token"])

    async def installations(self, widget_key: str) -> dict[str, Any]:
        """The pages the widget was loaded on (``{"installations": [...], "limit": n}``)."""
        path = f"/v1/console/widgets/{quote(widget_key, safe='')}/installations"
        return await self._request("GET", path)

    # -- the WhatsApp channel ----------------------------------------------------------------

    async def put_whatsapp(self, widget_key: str, settings: WhatsAppSettings) -> dict[str, Any]:
        require_secure(self.url, "send the Twilio auth token")
        path = f"/v1/console/widgets/{quote(widget_key, safe='')}/whatsapp"
        return await self._request("PUT", path, settings.to_json())

    async def remove_whatsapp(self, widget_key: str) -> None:
        await self._request("DELETE", f"/v1/console/widgets/{quote(widget_key, safe='')}/whatsapp")

    # -- the language-model agent -----------------------------------------------------------

    async def put_agent(self, widget_key: str, settings: AgentSettings) -> dict[str, Any]:
        if settings.api_key:
            require_secure(self.url, "send the model's API key")
        path = f"/v1/console/widgets/{quote(widget_key, safe='')}/ai"
        return await self._request("PUT", path, settings.to_json())

    async def remove_agent(self, widget_key: str) -> None:
        await self._request("DELETE", f"/v1/console/widgets/{quote(widget_key, safe='')}/ai")

    # -- connect flows ---------------------------------------------------------------------

    async def start_connect(self, platform: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Start a connect flow; ``authorize_url`` is for the merchant's browser."""
        if platform == "shopify":
            require_secure(self.url, "send the app's client secret to")
        return await self._request("POST", f"/v1/console/connect/{platform}", dict(body))

    async def connect_state(self, session_id: str) -> dict[str, Any]:
        require_secure(self.url, "receive store credentials")
        return await self._request("GET", f"/v1/console/connect/{quote(session_id, safe='')}")

    async def cancel_connect(self, session_id: str) -> None:
        await self._request("DELETE", f"/v1/console/connect/{quote(session_id, safe='')}")

    async def stream(self) -> AsyncGenerator[tuple[str, dict[str, Any]], None]:
        """The relay's live notices, ``(event, data)``, until the connection ends; raises
        ``RelayUnreachable`` / ``RelayError`` like every other call."""
        path = "/v1/console/stream"
        headers = {"Accept": "text/event-stream"}
        headers |= sign_headers(self._key, "GET", path, b"", timestamp=int(self._now().timestamp()))
        timeout = httpx.Timeout(10.0, read=STREAM_IDLE)
        try:
            async with self._http.stream(
                "GET", self.url + path, headers=headers, timeout=timeout
            ) as response:
                if not response.is_success:
                    await response.aread()
                    self._decode(response)
                async with aclosing(_sse(response)) as events:
                    async for event, data in events:
                        yield event, data
        except httpx.TimeoutException:
            raise RelayUnreachable(self._unreachable("the live stream went quiet")) from None
        except httpx.TransportError as exc:
            raise RelayUnreachable(self._unreachable(_transport_reason(exc))) from None

    async def _request(
        self, method: str, path: str, body: Any = None, *, signed: bool = True
    ) -> dict[str, Any]:
        url = httpx.URL(self.url + path)
        content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if signed:
            stamp = int(self._now().timestamp())
            target = url.raw_path.decode("ascii")  # path + query, exactly as sent
            headers |= sign_headers(self._key, method, target, content, timestamp=stamp)
        try:
            response = await self._http.request(method, url, content=content, headers=headers)
        except httpx.TimeoutException:
            raise RelayUnreachable(self._unreachable("did not answer in time")) from None
        except httpx.TransportError as exc:
            raise RelayUnreachable(self._unreachable(_transport_reason(exc))) from None
        return self._decode(response)

    def _unreachable(self, reason: str) -> str:
        return (
            f"The relay at {self.url} is not reachable ({reason}); is `storedesk-relay serve` "
            "running?"
        )

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success and isinstance(data, dict):
            return data
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            error = data["error"]
            message = str(error.get("message") or "").strip()
            if message:
                raise RelayError(
                    f"The relay refused: {message}",
                    status=response.status_code,
                    code=str(error.get("code") or "error"),
                )
        raise RelayError(
            f"The relay at {self.url} answered HTTP {response.status_code} without a usable "
            "reply; is that address a Storedesk relay?",
            status=response.status_code,
        )


async def _sse(response: httpx.Response) -> AsyncGenerator[tuple[str, dict[str, Any]], None]:
    """Server-sent events as ``(event name, JSON data)``; comments (pings) are skipped."""
    event, data = "message", ""
    async with aclosing(response.aiter_lines()) as lines:  # type: ignore[type-var]
        async for line in lines:
            if not line:
                if data:
                    try:
                        parsed = json.loads(data)
                    except ValueError:
                        parsed = None
                    yield event, parsed if isinstance(parsed, dict) else {}
                event, data = "message", ""
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
        return "its TLS certificate is not trusted by this computer"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no route to it"
    return "the connection failed"
