"""`storedesk store webhooks NAME [--register|--remove|--list]`: the store's webhooks to
the relay (orders, customers and products reach the relay and this workspace at once)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Any

from console.runtime import EXIT_OK, open_session

ENV_CLIENT_SECRET = "STOREDESK_SHOPIFY_CLIENT_SECRET"


def register_webhooks(sub: Any) -> None:
    hooks = sub.add_parser(
        "webhooks", help="send the store's changes to the relay as they happen (webhooks)"
    )
    hooks.add_argument("name")
    action = hooks.add_mutually_exclusive_group()
    action.add_argument("--register", action="store_true", help="create the webhooks")
    action.add_argument("--remove", action="store_true", help="delete them from the store")
    action.add_argument("--list", action="store_true", help="list the store's webhooks (default)")
    hooks.add_argument(
        "--client-secret",
        help="Shopify: the app's client secret, which signs webhooks; or "
        f"${ENV_CLIENT_SECRET}, or asked at a hidden prompt",
    )
    hooks.set_defaults(handler=cmd_webhooks)


def _asks_for_client_secret(session: Any, entry: Any) -> bool:
    """A Shopify store without the app's client secret, on a terminal: ask (hidden)."""
    missing = not session.stores.secrets(entry).get("client_secret")
    return entry.platform == "shopify" and missing and sys.stdin.isatty()


def cmd_webhooks(args: argparse.Namespace) -> int:
    from console import store_webhooks
    from console.commands.relay import require_link, run_client

    with open_session(args) as session:
        entry = session.require_store(args.name)
        store_webhooks.check_platform(entry)
        if args.register:
            secret = args.client_secret or os.environ.get(ENV_CLIENT_SECRET) or None
            if secret is None and _asks_for_client_secret(session, entry):
                secret = getpass.getpass("Shopify app's client secret: ").strip() or None
            ready = store_webhooks.prepare(session, entry, secret)
            link, key = require_link(session)
            report = run_client(
                link.url, key, lambda client: store_webhooks.register(session, ready, client, link)
            )
        elif args.remove:
            link, _ = require_link(session)
            report = asyncio.run(store_webhooks.remove(session, entry, link))
        else:
            report = asyncio.run(store_webhooks.listing(session, entry))
    print(report.summary())
    for sub in report.created + report.removed + report.listed:
        mark = "" if sub.active else " (paused)"
        print(f"  {sub.topic:<24} {sub.address}{mark}")
    for note in report.notes:
        print(f"Note: {note}")
    if args.register:
        print("Changes now reach the relay at once; `storedesk relay pull` brings them here.")
    return EXIT_OK
