"""Find a connector by platform name: the built-in ones, then the ``storedesk.connectors``
entry-point group for third-party connectors."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, cast

from connectors.base import Connector, ConnectorContext, ConnectorFactory
from connectors.errors import ConfigError
from core import redact

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "storedesk.connectors"

# platform → module exposing ``create(settings, secrets, context) -> Connector``
BUILTIN = {
    "shopify": "connectors.shopify",
    "woocommerce": "connectors.woocommerce",
    "sql": "connectors.sql",
    "rest": "connectors.rest",
}


def available_platforms() -> list[str]:
    names = set(BUILTIN)
    names.update(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
    return sorted(names)


def factory_for(platform: str) -> ConnectorFactory:
    if platform in BUILTIN:
        module = importlib.import_module(BUILTIN[platform])
        return cast(ConnectorFactory, module.create)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == platform:
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken third-party package must not crash us
                log.warning("Connector plug-in %r failed to load: %s", platform, exc)
                raise ConfigError(
                    platform,
                    f"The connector plug-in {platform!r} is installed but failed to load.",
                    hint="Reinstall or update the package that provides it.",
                ) from None
            return cast(ConnectorFactory, getattr(loaded, "create", loaded))
    raise ConfigError(
        platform,
        f"There is no connector for {platform!r}.",
        hint=f"Choose one of: {', '.join(available_platforms())}.",
    )


def build(
    platform: str,
    settings: Mapping[str, Any],
    secrets: Mapping[str, str],
    context: ConnectorContext,
) -> Connector:
    redact.remember(secrets.values())  # whatever the connector or its libraries log
    connector = factory_for(platform)(settings, secrets, context)
    if not isinstance(connector, Connector):
        raise ConfigError(
            platform,
            f"The connector plug-in {platform!r} does not implement the connector protocol.",
            hint="Update the package that provides it.",
        )
    return connector
