"""Where the Shopify client gets its Admin API access token.

- ``StaticToken``: a legacy custom-app token (``shpat_…``) that never changes.
- ``ClientCredentials``: a Dev Dashboard app installed on the merchant's own store; its
  client ID and secret buy a token (24 hours) with ``grant_type=client_credentials``.
- ``RefreshingToken``: an expiring offline token from the authorization-code grant,
  renewed with ``grant_type=refresh_token`` (Shopify rotates the refresh token each time;
  ``on_rotate`` is told the new pair so it can be saved).

Both expiring sources renew a few minutes before the expiry, and once more when Shopify
answers 401 to a token they handed out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

from connectors.base import ConnectorContext
from connectors.errors import AuthError, BadResponseError
from connectors.http import decode_json, send
from connectors.shopify import errors
from connectors.shopify.errors import PLATFORM
from connectors.shopify.settings import ShopifySettings
from core.serialize import parse_datetime, utc_iso

log = logging.getLogger(__name__)

#: Renew this long before the token's stated expiry.
MARGIN = timedelta(minutes=5)

CREDENTIALS_HINT = (
    "Check the client ID and secret in the Dev Dashboard → your app → Settings, and that "
    "the app is installed on this store."
)
REFRESH_HINT = "Connect the store again from Storedesk to authorise the app anew."


class TokenSource(Protocol):
    async def token(self) -> str:
        """A token believed valid now."""
        ...

    async def renew(self, rejected: str) -> bool:
        """Shopify refused ``rejected``: get another; False when there is no other way."""
        ...


class StaticToken:
    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "StaticToken(<hidden>)"

    async def token(self) -> str:
        return self._token

    async def renew(self, rejected: str) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class Grant:
    """What the token endpoint answered."""

    access_token: str
    expires_at: datetime | None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    scope: str = ""

    def __repr__(self) -> str:
        return f"Grant(expires_at={self.expires_at!r}, scope={self.scope!r})"


def token_url(base_url: str) -> str:
    return f"{base_url}/admin/oauth/access_token"


async def request_grant(
    http: httpx.AsyncClient,
    base_url: str,
    form: Mapping[str, str],
    *,
    now: datetime,
    refused: str,
    hint: str,
) -> Grant:
    """POST ``form`` to the shop's token endpoint and read the grant it answers."""
    response = await send(
        http,
        PLATFORM,
        "POST",
        token_url(base_url),
        data=dict(form),
        headers={"Accept": "application/json"},
    )
    if response.status_code in (400, 401, 403):
        detail = _error_code(response)
        raise AuthError(PLATFORM, refused, hint=hint, status=response.status_code, detail=detail)
    if response.status_code != 200:
        raise errors.for_status(response)
    return read_grant(decode_json(PLATFORM, response), now=now)


def read_grant(body: Any, *, now: datetime) -> Grant:
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise BadResponseError(
            PLATFORM,
            "Shopify's token answer has no access token.",
            hint="Try again in a minute.",
        )
    refresh = body.get("refresh_token")
    return Grant(
        access_token=token,
        expires_at=_after(now, body.get("expires_in")),
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        refresh_expires_at=_after(now, body.get("refresh_token_expires_in")),
        scope=str(body.get("scope") or ""),
    )


def _after(now: datetime, seconds: object) -> datetime | None:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    return now + timedelta(seconds=float(seconds))


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) and body.get("error") else None


class _Expiring:
    """The shared part: one renewal at a time, renewed ``MARGIN`` before expiry."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._lock = asyncio.Lock()
        self._grant: Grant | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"

    def _fresh(self) -> bool:
        grant = self._grant
        if grant is None:
            return False
        return grant.expires_at is None or self._now() < grant.expires_at - MARGIN

    async def token(self) -> str:
        async with self._lock:
            if not self._fresh():
                self._grant = await self._obtain()
            assert self._grant is not None
            return self._grant.access_token

    async def renew(self, rejected: str) -> bool:
        async with self._lock:
            if self._grant is None or self._grant.access_token == rejected:
                log.info("Shopify refused the access token; getting a new one")
                self._grant = await self._obtain()
            return True

    async def _obtain(self) -> Grant:
        raise NotImplementedError


class ClientCredentials(_Expiring):
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__(now)
        self._http = http
        self._base_url = base_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }

    async def _obtain(self) -> Grant:
        return await request_grant(
            self._http,
            self._base_url,
            self._form,
            now=self._now(),
            refused="Shopify refused the app's client ID or secret.",
            hint=CREDENTIALS_HINT,
        )


Rotated = Callable[[Grant], Awaitable[None] | None]


class RefreshingToken(_Expiring):
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        current: Grant,
        now: Callable[[], datetime],
        on_rotate: Rotated | None = None,
    ) -> None:
        super().__init__(now)
        self._http = http
        self._base_url = base_url
        self._client = {"client_id": client_id, "client_secret": client_secret}
        self._grant = current
        self._on_rotate = on_rotate

    async def _obtain(self) -> Grant:
        refresh = self._grant.refresh_token if self._grant is not None else None
        if not refresh:
            raise AuthError(PLATFORM, "The Shopify token has expired.", hint=REFRESH_HINT)
        grant = await request_grant(
            self._http,
            self._base_url,
            {**self._client, "grant_type": "refresh_token", "refresh_token": refresh},
            now=self._now(),
            refused="Shopify no longer accepts this store's refresh token.",
            hint=REFRESH_HINT,
        )
        if grant.refresh_token is None:  # keep the old one if Shopify sent none
            old_expiry = self._grant.refresh_expires_at if self._grant else None
            grant = Grant(grant.access_token, grant.expires_at, refresh, old_expiry, grant.scope)
        if self._on_rotate is not None:
            saved = self._on_rotate(grant)
            if saved is not None:
                await saved
        return grant


def token_source(
    settings: ShopifySettings, http: httpx.AsyncClient, context: ConnectorContext
) -> TokenSource:
    """The token source the store's settings call for."""
    if settings.auth == "token":
        return StaticToken(settings.token)
    if settings.auth == "client_credentials":
        return ClientCredentials(
            http,
            base_url=settings.base_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            now=context.now,
        )
    saved = context.secrets_changed

    async def rotated(grant: Grant) -> None:
        if saved is None:
            return
        done = saved(grant_secrets(settings.client_secret, grant))
        if done is not None:
            await done

    current = Grant(
        access_token=settings.token,
        expires_at=parse_datetime(settings.token_expires_at) if settings.token else None,
        refresh_token=settings.refresh_token,
    )
    if not settings.token:
        current = Grant("", context.now(), settings.refresh_token)  # renew at first use
    return RefreshingToken(
        http,
        base_url=settings.base_url,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        current=current,
        now=context.now,
        on_rotate=rotated,
    )


def grant_secrets(client_secret: str, grant: Grant) -> dict[str, str]:
    """The vault secrets of an authorization-code store holding ``grant``."""
    secrets = {"client_secret": client_secret, "token": grant.access_token}
    if grant.refresh_token:
        secrets["refresh_token"] = grant.refresh_token
    if grant.expires_at is not None:
        secrets["token_expires_at"] = utc_iso(grant.expires_at)
    return secrets
