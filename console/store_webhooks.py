"""Store webhooks from the console: the store's signing secret, the relay address the
store calls, and the subscriptions on the store (``storedesk store webhooks`` and the
Stores screen's Webhooks button).

WooCommerce: Storedesk makes a secret and an unguessable address per store; the secret is
sealed in the vault and published to the relay with the store's credentials, then the
webhooks are created on the shop with it. Shopify signs with the app's client secret
(kept in the vault), and the address is the relay's one Shopify address.
"""

from __future__ import annotations

import secrets as random_secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from connectors.base import Connector
from connectors.webhooks import Registration, Subscription, WebhookRegistry
from console.plural import plural
from console.publish_flow import publish
from console.relay_client import RelayClient
from console.runtime import EXIT_USAGE, CliError
from console.session import CliSession
from core.redact import remember
from core.workspace.relay_link import RelayLinkEntry
from core.workspace.stores import StoreEntry

T = TypeVar("T")
PLATFORMS = ("woocommerce", "shopify")
COMPLIANCE = ("customers/data_request", "customers/redact", "shop/redact")


class WebhookSetupError(CliError):
    """Webhooks cannot be set up for this store as it is; the sentence says why."""


@dataclass(frozen=True, slots=True)
class WebhookReport:
    address: str
    created: tuple[Subscription, ...] = ()
    kept: tuple[Subscription, ...] = ()
    removed: tuple[Subscription, ...] = ()
    listed: tuple[Subscription, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.removed:
            return f"Removed {plural(len(self.removed), 'webhook')} pointing at {self.address}."
        if self.created or self.kept:
            return (
                f"Webhooks to {self.address}: {len(self.created)} created, "
                f"{len(self.kept)} already there."
            )
        return f"{plural(len(self.listed), 'webhook')} on the store."


def check_platform(entry: StoreEntry) -> None:
    if entry.platform not in PLATFORMS:
        raise WebhookSetupError(
            f"{entry.name} is a {entry.platform} store: webhooks are for Shopify and "
            "WooCommerce stores (the relay asks the others live).",
            EXIT_USAGE,
        )


def address_for(relay_url: str, entry: StoreEntry) -> str:
    base = relay_url.rstrip("/")
    if entry.platform == "woocommerce":
        return f"{base}/v1/webhooks/woocommerce/{entry.settings['webhook_key']}"
    return f"{base}/v1/webhooks/shopify"


def prepare(session: CliSession, entry: StoreEntry, client_secret: str | None = None) -> StoreEntry:
    """Make sure the store has what its webhooks are signed and addressed with."""
    check_platform(entry)
    secrets = session.stores.secrets(entry)
    if entry.platform == "woocommerce":
        if not secrets.get("webhook_secret"):
            secret = random_secrets.token_urlsafe(32)
            remember([secret])
            session.stores.update_secrets(entry, {**secrets, "webhook_secret": secret})
        if not entry.settings.get("webhook_key"):
            key = "wh_" + random_secrets.token_urlsafe(18)
            entry = session.stores.update_settings(entry, {**entry.settings, "webhook_key": key})
        return entry
    if client_secret:
        remember([client_secret])
        session.stores.update_secrets(entry, {**secrets, "client_secret": client_secret.strip()})
    elif not secrets.get("client_secret"):
        raise WebhookSetupError(
            "Shopify signs webhooks with your app's client secret: give it with "
            "--client-secret or STOREDESK_SHOPIFY_CLIENT_SECRET, or run on a terminal to be "
            "asked (Dev Dashboard → your app → Settings → Client secret).",
            EXIT_USAGE,
        )
    return entry


async def _with_hooks(
    session: CliSession, entry: StoreEntry, work: Callable[[WebhookRegistry], Awaitable[T]]
) -> T:
    async def run(connector: Connector) -> T:
        webhooks: Any = getattr(connector, "webhooks", None)
        if webhooks is None:
            raise WebhookSetupError(f"{entry.name}'s connector cannot manage webhooks.")
        return await work(webhooks())

    return await session._with_store(entry, run)


async def register(
    session: CliSession,
    entry: StoreEntry,
    client: RelayClient,
    link: RelayLinkEntry,
    *,
    client_secret: str | None = None,
) -> WebhookReport:
    """Seal the secret, publish it to the relay, then subscribe the store to the relay."""
    entry = prepare(session, entry, client_secret)
    address = address_for(link.url, entry)
    entry = session.stores.update_settings(entry, {**entry.settings, "webhooks": address})
    await publish(session, client, link)  # the relay must know the secret before the ping
    secret = session.stores.secrets(entry).get("webhook_secret")
    done: Registration = await _with_hooks(
        session, entry, lambda hooks: hooks.register(address, secret)
    )
    notes: tuple[str, ...] = ()
    if entry.platform == "shopify":
        notes = (
            "Shopify's compliance topics (" + ", ".join(COMPLIANCE) + ") are set in your "
            f"app's configuration, not through the API: use {address} for them.",
        )
    return WebhookReport(address, created=done.created, kept=done.kept, notes=notes)


async def remove(session: CliSession, entry: StoreEntry, link: RelayLinkEntry) -> WebhookReport:
    check_platform(entry)
    address = str(entry.settings.get("webhooks") or "")
    if not address:
        if entry.platform == "woocommerce" and not entry.settings.get("webhook_key"):
            return WebhookReport("")  # never registered: nothing points at the relay
        address = address_for(link.url, entry)
    removed = await _with_hooks(session, entry, lambda hooks: hooks.remove(address))
    settings = {k: v for k, v in entry.settings.items() if k != "webhooks"}
    session.stores.update_settings(entry, settings)
    return WebhookReport(address, removed=tuple(removed))


async def listing(session: CliSession, entry: StoreEntry) -> WebhookReport:
    check_platform(entry)
    found = await _with_hooks(session, entry, lambda hooks: hooks.subscriptions())
    return WebhookReport(str(entry.settings.get("webhooks") or ""), listed=tuple(found))
