"""The Shopify connection settings, checked before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from connectors.errors import ConfigError
from connectors.http import check_base_url
from connectors.shopify.errors import PLATFORM

DEFAULT_API_VERSION: Final = "2026-01"
SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")
API_VERSION = re.compile(r"^(?:\d{4}-(?:01|04|07|10)|unstable)$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

#: token: a legacy admin token; client_credentials: a Dev Dashboard app on the merchant's
#: own store; authorization_code: an expiring offline token (and refresh token).
AuthMode = Literal["token", "client_credentials", "authorization_code"]
AUTH_MODES: Final = ("token", "client_credentials", "authorization_code")


@dataclass(frozen=True, slots=True)
class ShopifySettings:
    shop: str
    token: str = ""
    api_version: str = DEFAULT_API_VERSION
    base_url: str = ""
    page_size: int | None = None
    auth: AuthMode = "token"
    client_id: str = ""
    client_secret: str = ""
    refresh_token: str = ""
    token_expires_at: str = ""

    def __repr__(self) -> str:
        return (
            f"ShopifySettings(shop={self.shop!r}, api_version={self.api_version!r}, "
            f"base_url={self.base_url!r}, auth={self.auth!r}, secrets=<hidden>)"
        )


def read_settings(settings: Mapping[str, Any], secrets: Mapping[str, str]) -> ShopifySettings:
    shop = _shop(settings.get("shop"))
    version = str(settings.get("api_version") or DEFAULT_API_VERSION).strip()
    if not API_VERSION.match(version):
        raise ConfigError(
            PLATFORM,
            f"{version!r} is not a Shopify API version.",
            hint="Use a release name such as 2026-01, or leave it empty for the default.",
        )
    base = settings.get("base_url")
    base_url = check_base_url(PLATFORM, str(base)) if base else f"https://{shop}"
    common: dict[str, Any] = {
        "shop": shop,
        "api_version": version,
        "base_url": base_url,
        "page_size": _page_size(settings.get("page_size")),
    }
    auth = _auth_mode(settings, secrets)
    if auth == "token":
        return ShopifySettings(token=_token(secrets), **common)
    client_id, client_secret = _client(settings, secrets)
    if auth == "client_credentials":
        return ShopifySettings(
            auth=auth, client_id=client_id, client_secret=client_secret, **common
        )
    refresh = (secrets.get("refresh_token") or "").strip()
    if not refresh:
        raise ConfigError(
            PLATFORM,
            "No Shopify refresh token is saved for this store.",
            hint="Connect the store again to authorise the app.",
        )
    return ShopifySettings(
        auth=auth,
        client_id=client_id,
        client_secret=client_secret,
        token=(secrets.get("token") or "").strip(),
        refresh_token=refresh,
        token_expires_at=(secrets.get("token_expires_at") or "").strip(),
        **common,
    )


def _auth_mode(settings: Mapping[str, Any], secrets: Mapping[str, str]) -> AuthMode:
    raw = settings.get("auth")
    if raw in (None, ""):
        has_client = settings.get("client_id") and secrets.get("client_secret")
        return "client_credentials" if has_client and not secrets.get("token") else "token"
    if raw == "client_credentials":
        return "client_credentials"
    if raw == "authorization_code":
        return "authorization_code"
    if raw == "token":
        return "token"
    raise ConfigError(
        PLATFORM,
        f"{raw!r} is not a way Storedesk connects to Shopify.",
        hint="Use one of: " + ", ".join(AUTH_MODES) + ".",
    )


def _client(settings: Mapping[str, Any], secrets: Mapping[str, str]) -> tuple[str, str]:
    client_id = str(settings.get("client_id") or "").strip()
    secret = (secrets.get("client_secret") or "").strip()
    if not CLIENT_ID.match(client_id):
        raise ConfigError(
            PLATFORM,
            "The Shopify app's client ID is missing or malformed.",
            hint="Copy it from the Dev Dashboard → your app → Settings.",
        )
    if not secret:
        raise ConfigError(
            PLATFORM,
            "No client secret is saved for the Shopify app.",
            hint="Copy it from the Dev Dashboard → your app → Settings.",
        )
    return client_id, secret


def _shop(value: object) -> str:
    text = str(value or "").strip().lower()
    text = text.removeprefix("https://").removeprefix("http://").rstrip("/")
    if not SHOP_DOMAIN.match(text):
        shown = str(value or "").strip() or "(empty)"
        raise ConfigError(
            PLATFORM,
            f"The shop address {shown!r} is not a myshopify.com domain.",
            hint=(
                "Enter the store's permanent address, such as my-store.myshopify.com "
                "(Shopify admin → Settings → Domains shows it)."
            ),
        )
    return text


def _token(secrets: Mapping[str, str]) -> str:
    token = (secrets.get("token") or "").strip()
    if not token:
        raise ConfigError(
            PLATFORM,
            "No Shopify Admin API access token is saved for this store.",
            hint=(
                "Create one in Shopify admin → Settings → Apps and sales channels → "
                "Develop apps → your app → API credentials, and paste it here."
            ),
        )
    return token


def _page_size(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        size = int(str(value))
    except ValueError:
        size = 0
    if not 1 <= size <= 250:
        raise ConfigError(
            PLATFORM,
            f"The page size {value!r} is not a number from 1 to 250.",
            hint="Leave it empty to let Storedesk choose.",
        )
    return size
