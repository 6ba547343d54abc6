"""The Shopify connection settings, checked before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from connectors.errors import ConfigError
from connectors.http import check_base_url
from connectors.shopify.errors import PLATFORM

DEFAULT_API_VERSION: Final = "2026-01"
SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")
API_VERSION = re.compile(r"^(?:\d{4}-(?:01|04|07|10)|unstable)$")


@dataclass(frozen=True, slots=True)
class ShopifySettings:
    shop: str
    token: str
    api_version: str = DEFAULT_API_VERSION
    base_url: str = ""
    page_size: int | None = None

    def __repr__(self) -> str:
        return (
            f"ShopifySettings(shop={self.shop!r}, api_version={self.api_version!r}, "
            f"base_url={self.base_url!r}, token=<hidden>)"
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
    return ShopifySettings(
        shop=shop,
        token=_token(secrets),
        api_version=version,
        base_url=base_url,
        page_size=_page_size(settings.get("page_size")),
    )


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
