"""Connecting to Shopify three ways against the emulator's token endpoint: a Dev Dashboard
app's client credentials, a legacy admin token, and an expiring offline token refreshed
with its refresh token (the new pair handed to whoever saves secrets)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.base import ConnectorContext
from connectors.errors import AuthError, ConfigError
from connectors.retry import RetryPolicy
from connectors.shopify import ShopifyConnector, create
from tests.connectors.shopify.conftest import FakeClock
from tests.emulators.shopify_oauth import CREDENTIALS_TTL, EXPIRING_TTL
from tests.emulators.shopify_seed import ShopState


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


def _connect(
    shop: ShopState,
    base_url: str,
    clock: FakeClock,
    http: httpx.AsyncClient,
    settings: dict[str, Any],
    secrets: dict[str, str],
    saved: list[dict[str, str]] | None = None,
) -> ShopifyConnector:
    context = ConnectorContext(
        http=http,
        now=clock.utc,
        retry=RetryPolicy(attempts=1),
        secrets_changed=saved.append if saved is not None else None,
    )
    return create({"shop": shop.domain, "base_url": base_url, **settings}, secrets, context)


def _dev_app(
    shop: ShopState,
    base_url: str,
    clock: FakeClock,
    http: httpx.AsyncClient,
    secret: str | None = None,
) -> ShopifyConnector:
    return _connect(
        shop,
        base_url,
        clock,
        http,
        {"client_id": shop.oauth.client_id},
        {"client_secret": secret or shop.oauth.client_secret},
    )


async def test_client_credentials_get_a_token_and_reuse_it(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    connector = _dev_app(shop, base_url, clock, http)
    info = await connector.test()
    assert info.name == shop.name
    assert await connector.get_order("1001") is not None
    assert shop.oauth.grants == ["client_credentials"]  # one token for both requests


async def test_client_credentials_renew_before_the_24_hours_are_up(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    connector = _dev_app(shop, base_url, clock, http)
    await connector.test()
    clock.advance(CREDENTIALS_TTL - 4 * 60)  # still valid, but within the renewal margin
    await connector.test()
    assert shop.oauth.grants == ["client_credentials", "client_credentials"]
    clock.advance(60)
    await connector.test()
    assert len(shop.oauth.grants) == 2


async def test_a_revoked_token_is_renewed_once_on_401(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    connector = _dev_app(shop, base_url, clock, http)
    await connector.test()
    shop.oauth.revoke_all()
    assert (await connector.test()).name == shop.name
    assert len(shop.oauth.grants) == 2
    shop.oauth.installed = False  # uninstalled: the renewal itself is refused
    shop.oauth.revoke_all()
    with pytest.raises(AuthError) as caught:
        await connector.test()
    assert "not installed" not in str(caught.value)  # one sentence of ours, a way forward
    assert "Dev Dashboard" in str(caught.value)


async def test_a_wrong_client_secret_is_an_authentication_error(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    connector = _dev_app(shop, base_url, clock, http, secret="shpss_wrong")
    with pytest.raises(AuthError) as caught:
        await connector.test()
    assert "client ID or secret" in caught.value.message
    assert "shpss_wrong" not in str(caught.value)


async def test_the_legacy_admin_token_still_works(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    connector = _connect(shop, base_url, clock, http, {}, {"token": shop.token})
    assert (await connector.test()).name == shop.name
    assert shop.oauth.grants == []


async def test_expiring_offline_token_is_refreshed_and_the_new_pair_saved(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    shop.oauth.codes.add("code-1")
    answer = await http.post(
        f"{base_url}/admin/oauth/access_token",
        data={
            "client_id": shop.oauth.client_id,
            "client_secret": shop.oauth.client_secret,
            "code": "code-1",
            "expiring": "1",
        },
    )
    grant = answer.json()
    assert grant["expires_in"] == EXPIRING_TTL and grant["refresh_token"]
    saved: list[dict[str, str]] = []
    settings = {"auth": "authorization_code", "client_id": shop.oauth.client_id}
    secrets = {
        "client_secret": shop.oauth.client_secret,
        "token": grant["access_token"],
        "refresh_token": grant["refresh_token"],
        "token_expires_at": clock.utc().isoformat(),  # already due: refreshed at first use
    }
    connector = _connect(shop, base_url, clock, http, settings, secrets, saved)
    await connector.test()
    assert shop.oauth.grants[-1] == "refresh_token"
    assert len(saved) == 1
    assert saved[0]["refresh_token"] != grant["refresh_token"]  # rotated
    assert grant["refresh_token"] not in shop.oauth.refresh_tokens  # the old one is spent
    clock.advance(EXPIRING_TTL - 60)
    await connector.test()  # inside the margin: refreshed again with the new refresh token
    assert len(saved) == 2 and shop.oauth.grants.count("refresh_token") == 2


async def test_malformed_client_settings_are_refused_before_any_request(
    shop: ShopState, base_url: str, clock: FakeClock, http: httpx.AsyncClient
) -> None:
    with pytest.raises(ConfigError, match="client ID"):
        _connect(shop, base_url, clock, http, {"client_id": "x y"}, {"client_secret": "s"})
    with pytest.raises(ConfigError, match="not a way"):
        _connect(shop, base_url, clock, http, {"auth": "magic"}, {"token": "t"})
    assert shop.oauth.grants == []
