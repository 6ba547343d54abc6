"""Shopify through the GraphQL Admin API (custom-app Admin API access token).

settings: ``shop`` (``name.myshopify.com``, required), ``api_version`` (default
``2026-01``), ``base_url`` (default ``https://{shop}``; an emulator's address in tests),
``page_size`` (optional, 1-250). secrets: ``token``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import ConnectorContext
from connectors.shopify.connector import ShopifyConnector
from connectors.shopify.settings import DEFAULT_API_VERSION, read_settings

__all__ = ["DEFAULT_API_VERSION", "ShopifyConnector", "create"]


def create(
    settings: Mapping[str, Any], secrets: Mapping[str, str], context: ConnectorContext
) -> ShopifyConnector:
    return ShopifyConnector(read_settings(settings, secrets), context)
