"""`storedesk store add|list|test|lookup|customer|remove|webhooks`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from console.commands.client import add_client_filter, client_filter
from console.render import describe_customer, describe_order, describe_store
from console.runtime import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliError, open_session, print_json
from core.demo import demo_database_url, demo_mapping_path


def register(commands: Any) -> None:
    store = commands.add_parser("store", help="connect and query stores")
    sub = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    _register_add(sub)

    from console.commands import connect

    connect.register(sub)

    listing = sub.add_parser("list", help="list connected stores")
    listing.add_argument("--json", action="store_true")
    add_client_filter(listing, "the stores")
    listing.set_defaults(handler=cmd_list)

    test = sub.add_parser("test", help="test a store's connection")
    test.add_argument("name")
    test.set_defaults(handler=cmd_test)

    remove = sub.add_parser("remove", help="disconnect a store and erase its credentials")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_remove)

    lookup = sub.add_parser("lookup", help="look up an order by its number")
    lookup.add_argument("name")
    lookup.add_argument("--order", required=True, metavar="NUMBER")
    lookup.add_argument("--email", help="only answer when the order belongs to this email")
    lookup.add_argument("--json", action="store_true")
    lookup.set_defaults(handler=cmd_lookup)

    customer = sub.add_parser("customer", help="a customer and their orders")
    customer.add_argument("name")
    who = customer.add_mutually_exclusive_group(required=True)
    who.add_argument("--email")
    who.add_argument("--phone")
    who.add_argument("--id")
    customer.add_argument("--json", action="store_true")
    customer.set_defaults(handler=cmd_customer)

    from console.commands.schedule import register_schedule
    from console.commands.webhooks import register_webhooks

    register_webhooks(sub)
    register_schedule(sub)


def _register_add(sub: Any) -> None:
    add = sub.add_parser("add", help="connect a store (tested before it is saved)")
    platforms = add.add_subparsers(dest="platform", metavar="PLATFORM", required=True)

    woo = platforms.add_parser("woocommerce", help="a WooCommerce shop (REST API keys)")
    woo.add_argument("--name", required=True)
    woo.add_argument("--url", required=True, help="the shop's address, e.g. https://shop.example")
    woo.add_argument("--key", help=f"consumer key (ck_…); or ${ENV_SECRETS['key']}, or asked")
    woo.add_argument(
        "--secret", help=f"consumer secret (cs_…); or ${ENV_SECRETS['secret']}, or asked"
    )
    woo.add_argument(
        "--no-verify-tls",
        action="store_true",
        help="accept the shop's self-signed HTTPS certificate",
    )

    shop = platforms.add_parser(
        "shopify", help="a Shopify shop (a Dev Dashboard app's client ID and secret)"
    )
    shop.add_argument("--name", required=True)
    shop.add_argument("--shop", required=True, metavar="SHOP.myshopify.com")
    shop.add_argument("--client-id", help="the Dev Dashboard app's client ID")
    shop.add_argument(
        "--client-secret",
        help=f"the app's client secret; or ${ENV_SECRETS['client_secret']}, or asked",
    )
    shop.add_argument(
        "--token",
        help=f"instead: a legacy Admin API access token (shpat_…); or ${ENV_SECRETS['token']}",
    )
    shop.add_argument("--api-version", help="GraphQL Admin API version (default 2026-01)")
    shop.add_argument("--base-url", help="API address other than https://SHOP (proxies, tests)")

    sql = platforms.add_parser("sql", help="your own MySQL/MariaDB, PostgreSQL or SQLite")
    sql.add_argument("--name", required=True)
    sql.add_argument(
        "--url",
        help=f"database URL, e.g. postgresql://user:pw@host/db; or ${ENV_SECRETS['url']}, or asked",
    )
    sql.add_argument("--mapping", type=Path, help="TOML mapping of tables and columns")
    sql.add_argument("--demo", action="store_true", help="use the demo shop shipped with Storedesk")

    rest = platforms.add_parser("rest", help="your own HTTP API")
    rest.add_argument("--name", required=True)
    rest.add_argument("--url", required=True, help="the API's base URL")
    rest.add_argument("--mapping", type=Path, required=True, help="TOML endpoints and mapping")
    rest.add_argument("--key", help=f"API key or bearer token; or ${ENV_SECRETS['key']}")

    for parser in (woo, shop, sql, rest):
        parser.set_defaults(handler=cmd_add)


def _read_mapping(path: Path | None) -> str:
    if path is None:
        raise CliError("--mapping FILE.toml is required.", EXIT_USAGE)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or "unreadable"
        raise CliError(f"cannot read the mapping file {path}: {reason}.", EXIT_USAGE) from None
    except UnicodeDecodeError:
        raise CliError(f"the mapping file {path} is not UTF-8 text.", EXIT_USAGE) from None


# Secrets given on the command line end up in shell history and process lists: each may
# come from the environment instead, or be typed at a hidden prompt.
ENV_SECRETS = {
    "key": "STOREDESK_STORE_KEY",
    "secret": "STOREDESK_STORE_SECRET",
    "token": "STOREDESK_STORE_TOKEN",
    "client_secret": "STOREDESK_STORE_CLIENT_SECRET",
    "url": "STOREDESK_DATABASE_URL",
}


def secret_arg(args: argparse.Namespace, name: str, label: str, *, ask: bool = True) -> str:
    """``--name``, else its environment variable, else a hidden prompt on a terminal."""
    value = getattr(args, name, None) or os.environ.get(ENV_SECRETS[name], "")
    if not value and ask and sys.stdin.isatty():
        value = getpass.getpass(f"{label}: ")
    if not value.strip():
        raise CliError(
            f"--{name.replace('_', '-')} is required: pass it, set {ENV_SECRETS[name]}, "
            "or run on a terminal to be asked.",
            EXIT_USAGE,
        )
    return value.strip()


def connection_from_args(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, str]]:
    """Settings (stored in clear) and secrets (stored in the vault) for ``store add``."""
    if args.platform == "woocommerce":
        key = secret_arg(args, "key", "Consumer key (ck_…)")
        settings: dict[str, Any] = {"url": args.url}
        if args.no_verify_tls:
            settings["verify_ssl"] = False
        return settings, {"key": key, "secret": secret_arg(args, "secret", "Secret")}
    if args.platform == "shopify":
        settings = {"shop": args.shop}
        if args.api_version:
            settings["api_version"] = args.api_version
        if args.base_url:
            settings["base_url"] = args.base_url
        if args.client_id and args.token:
            raise CliError("give either --client-id (with its secret) or --token.", EXIT_USAGE)
        if args.client_id or not (args.token or os.environ.get(ENV_SECRETS["token"])):
            if not args.client_id:
                raise CliError(
                    "--client-id is required: the Dev Dashboard app's client ID "
                    "(or --token for a legacy admin token).",
                    EXIT_USAGE,
                )
            settings.update(auth="client_credentials", client_id=args.client_id.strip())
            secret = secret_arg(args, "client_secret", "Client secret")
            return settings, {"client_secret": secret}
        return settings, {"token": secret_arg(args, "token", "Admin API access token")}
    if args.platform == "sql":
        if args.demo:
            return connection_for_demo()
        mapping = _read_mapping(args.mapping)
        return {"mapping_toml": mapping}, {"url": secret_arg(args, "url", "Database URL")}
    key = args.key or os.environ.get(ENV_SECRETS["key"], "").strip()
    return {"url": args.url, "mapping_toml": _read_mapping(args.mapping)}, (
        {"key": key} if key else {}
    )


def connection_for_demo() -> tuple[dict[str, Any], dict[str, str]]:
    """The demo shop shipped with Storedesk, read through the SQL connector."""
    mapping = demo_mapping_path().read_text(encoding="utf-8")
    return {"mapping_toml": mapping}, {"url": demo_database_url()}


def cmd_add(args: argparse.Namespace) -> int:
    settings, secrets = connection_from_args(args)
    with open_session(args) as session:
        if session.stores.get(args.name) is not None:
            raise CliError(f"a store named {args.name!r} already exists.", EXIT_USAGE)
        info = asyncio.run(session.test_connection(args.platform, settings, secrets))
        session.stores.add(args.name, args.platform, settings, secrets)
    print(f"Connected to {info.name} ({args.platform}) and saved it as {args.name!r}.")
    for line in info.warnings:
        print(f"  note: {line}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from console.commands.schedule import describe_schedule, schedule_json
    from core.workspace.schedule import ScheduleRepository

    with open_session(args) as session:
        client = client_filter(session, args)
        entries = session.stores.list(client_id=client.id if client else None)
        states = {s.store_id: s for s in ScheduleRepository(session.workspace).states()}
    if args.json:
        print_json(
            [
                {**describe_store(e, as_json=True), "schedule": schedule_json(states[e.id])}
                for e in entries
            ]
        )
    elif not entries:
        print("No stores yet. Connect one with: storedesk store add …")
    else:
        for entry in entries:
            print(describe_store(entry) + (f"  [{entry.client}]" if entry.client else ""))
            print(f"{'':<20} automatic sync {describe_schedule(states[entry.id])}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = session.require_store(args.name)
        info = asyncio.run(session.test_store(entry))
    print(f"{args.name}: connected to {info.name} ({entry.platform}).")
    for line in info.warnings:
        print(f"  note: {line}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        if not session.stores.remove(args.name):
            raise CliError(f"there is no store named {args.name!r}.", EXIT_NOT_FOUND)
    print(f"Removed {args.name!r}; its credentials and synced data are erased.")
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = session.require_store(args.name)
        order = asyncio.run(session.lookup_order(entry, args.order, email=args.email))
    if order is None:
        detail = " for that email" if args.email else ""
        raise CliError(f"no order {args.order} in {args.name}{detail}.", EXIT_NOT_FOUND)
    if args.json:
        print_json(order)
    else:
        print(describe_order(order))
    return EXIT_OK


def cmd_customer(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = session.require_store(args.name)
        customer, orders = asyncio.run(
            session.lookup_customer(entry, email=args.email, phone=args.phone, id=args.id)
        )
    if customer is None and not orders:
        raise CliError(f"no such customer in {args.name}.", EXIT_NOT_FOUND)
    if args.json:
        print_json({"customer": customer, "orders": orders})
    else:
        print(describe_customer(customer, orders))
    return EXIT_OK
