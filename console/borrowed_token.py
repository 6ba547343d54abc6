"""Shopify stores connected by authorization (a distributed app): Shopify rotates the
refresh token each time it is used, so only one party may renew it: the relay, which serves
shoppers around the clock. The console borrows a current access token from the relay for
its own syncs and lookups; before the store is published it uses the token it was given
while it is still valid."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from connectors.errors import AuthError
from core.serialize import parse_datetime

if TYPE_CHECKING:
    from core.vault import Vault
    from core.workspace import Workspace

NOT_RENEWABLE = (
    "This Shopify store's access is renewed by your relay, and its first token has expired."
)
HINT = "Pair with your relay, publish a widget that uses this store, then try again."


def borrows(platform: str, settings: Mapping[str, Any]) -> bool:
    return platform == "shopify" and settings.get("auth") == "authorization_code"


async def borrowed(
    workspace: Workspace,
    vault: Vault,
    name: str,
    settings: Mapping[str, Any],
    secrets: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Settings and secrets with a plain access token: the relay's, else our own unexpired one."""
    from console.relay_client import RelayClient, RelayError
    from core.workspace.relay_link import RelayLinkRepository

    plain = {k: v for k, v in settings.items() if k not in ("auth", "client_id")}
    links = RelayLinkRepository(workspace, vault)
    link = links.current()
    if link is not None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0)) as http:
            client = RelayClient(link.url, links.private_key(link), http, lambda: datetime.now(UTC))
            try:
                return plain, {"token": await client.store_token(name)}
            except RelayError as error:
                if error.status != 404:  # not published yet: our own token may still do
                    raise AuthError("shopify", str(error), hint=HINT) from None
    expires = parse_datetime(secrets.get("token_expires_at"))
    if secrets.get("token") and expires is not None and datetime.now(UTC) < expires:
        return plain, {"token": secrets["token"]}
    raise AuthError("shopify", NOT_RENEWABLE, hint=HINT)
