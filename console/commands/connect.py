"""`storedesk store connect woocommerce|shopify`: connect a store through the relay, with
no keys to copy by hand.

The relay hands out an address to open in the browser (WooCommerce's "Approve" page, or
Shopify's app authorisation); the shop sends the credentials to the relay, which keeps them
sealed until this command picks them up. They are tested, then saved like `store add`.
"""

from __future__ import annotations

import argparse
import asyncio
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console import connect_flow
from console.runtime import EXIT_AUTH, EXIT_OK, EXIT_USAGE, CliError, open_session

if TYPE_CHECKING:
    from console.relay_client import RelayClient

WAIT_SECONDS = connect_flow.WAIT_SECONDS


def register(store_sub: Any) -> None:
    connect = store_sub.add_parser(
        "connect", help="connect a store by approving Storedesk in the browser (via the relay)"
    )
    platforms = connect.add_subparsers(dest="platform", metavar="PLATFORM", required=True)

    woo = platforms.add_parser("woocommerce", help="approve read access in WooCommerce")
    woo.add_argument("--name", required=True)
    woo.add_argument("--url", required=True, help="the shop's address, e.g. https://shop.example")
    woo.add_argument(
        "--read-write", action="store_true", help="ask for read/write keys (default: read)"
    )

    shop = platforms.add_parser(
        "shopify", help="install a distributed app (authorization code, expiring tokens)"
    )
    shop.add_argument("--name", required=True)
    shop.add_argument("--shop", required=True, metavar="SHOP.myshopify.com")
    shop.add_argument("--client-id", required=True, help="the app's client ID")
    shop.add_argument(
        "--client-secret", help="the app's client secret; or $STOREDESK_STORE_CLIENT_SECRET"
    )
    shop.add_argument("--base-url", help="API address other than https://SHOP (tests)")
    for parser in (woo, shop):
        parser.add_argument(
            "--no-browser", action="store_true", help="only print the address to open"
        )
        parser.set_defaults(handler=cmd_connect)


def _request(args: argparse.Namespace) -> dict[str, Any]:
    if args.platform == "woocommerce":
        return {"url": args.url, "scope": "read_write" if args.read_write else "read"}
    from console.commands.store import secret_arg

    body = {
        "shop": args.shop.strip().lower(),
        "client_id": args.client_id.strip(),
        "client_secret": secret_arg(args, "client_secret", "Client secret"),
    }
    if args.base_url:
        body["base_url"] = args.base_url
    return body


def connection(
    args: argparse.Namespace, sent: dict[str, Any], credentials: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The store's settings and secrets from what the shop sent."""
    if args.platform == "woocommerce":
        settings: dict[str, Any] = {"url": sent["url"]}
        keys = {"key": credentials["consumer_key"], "secret": credentials["consumer_secret"]}
        return settings, keys
    settings = {"shop": sent["shop"], "auth": "authorization_code", "client_id": sent["client_id"]}
    if args.base_url:
        settings["base_url"] = args.base_url
    secrets = {"client_secret": sent["client_secret"], "token": str(credentials["token"])}
    for name in ("refresh_token", "token_expires_at"):
        if credentials.get(name):
            secrets[name] = str(credentials[name])
    return settings, secrets


async def wait_for_credentials(
    client: RelayClient,
    platform: str,
    body: dict[str, Any],
    *,
    show: Callable[[str], None],
    sleep: Callable[[float], Any] = asyncio.sleep,
    wait: float = WAIT_SECONDS,
) -> dict[str, Any]:
    """``connect_flow.wait_for_credentials``; not approved in time is a CLI error."""
    try:
        return await connect_flow.wait_for_credentials(
            client, platform, body, show=show, sleep=sleep, wait=wait
        )
    except connect_flow.NotApproved:
        raise CliError(
            "the store was not approved in time; run the command again and approve it in "
            "the browser within 15 minutes.",
            EXIT_AUTH,
        ) from None


def cmd_connect(args: argparse.Namespace) -> int:
    from console.commands.relay import require_link, run_client

    body = _request(args)
    with open_session(args) as session:
        if session.stores.get(args.name) is not None:
            raise CliError(f"a store named {args.name!r} already exists.", EXIT_USAGE)
        link, private_key = require_link(session)

    def show(url: str) -> None:
        print("Open this address and approve Storedesk (waiting; Ctrl-C cancels):")
        print(f"  {url}", flush=True)
        if not args.no_browser:
            webbrowser.open(url)

    credentials = run_client(
        link.url,
        private_key,
        lambda client: wait_for_credentials(client, args.platform, body, show=show),
    )
    settings, secrets = connection(args, body, credentials)
    with open_session(args) as session:
        info = asyncio.run(session.test_connection(args.platform, settings, secrets))
        session.stores.add(args.name, args.platform, settings, secrets)
    print(f"Connected to {info.name} ({args.platform}) and saved it as {args.name!r}.")
    return EXIT_OK
