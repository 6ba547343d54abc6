"""`storedesk widget api-key create|list|revoke`: keys for the relay's API channel."""

from __future__ import annotations

import argparse
from typing import Any

from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session, print_json

SCOPES = ("conversations", "identify")


def register(widget_sub: Any) -> None:
    api_key = widget_sub.add_parser(
        "api-key", help="keys for your own systems to chat through the relay's API"
    )
    sub = api_key.add_subparsers(dest="api_key_command", metavar="ACTION", required=True)

    create = sub.add_parser("create", help="make a key (shown once)")
    create.add_argument("widget", metavar="WIDGET", help="its name or key")
    create.add_argument("--name", required=True, help="what the key is for, e.g. 'Help desk'")
    create.add_argument(
        "--identify",
        action="store_true",
        help="trust the customer the key's holder names (their orders show without proof)",
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_create)

    listing = sub.add_parser("list", help="the widget's keys (never the keys themselves)")
    listing.add_argument("widget", metavar="WIDGET", help="its name or key")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    revoke = sub.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("widget", metavar="WIDGET", help="its name or key")
    revoke.add_argument("key_id", metavar="KEY_ID", help="the key's id (ak_…) from list")
    revoke.set_defaults(handler=cmd_revoke)


def _target(args: argparse.Namespace) -> tuple[str, str, bytes]:
    from console.commands.relay import require_link
    from console.commands.widget import require_widget

    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        link, key = require_link(session)
    return widget.key, link.url, key


def cmd_create(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client

    widget_key, url, private_key = _target(args)
    scopes = ["conversations", "identify"] if args.identify else ["conversations"]
    created = run_client(
        url, private_key, lambda client: client.create_api_key(widget_key, args.name, scopes)
    )
    if args.json:
        print_json(created)
        return EXIT_OK
    print(f"API key {created['id']} ({', '.join(created['scopes'])}) for {args.widget!r}:")
    print(f"  {created['key']}")
    print("It is shown only now; keep it in your system's secret store.")
    print(f"Use it as: Authorization: Bearer {created['prefix']}… on {url}/v1/api/conversations")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client

    widget_key, url, private_key = _target(args)
    keys = run_client(url, private_key, lambda client: client.api_keys(widget_key))
    if args.json:
        print_json(keys)
    elif not keys:
        print(f"No API keys for {args.widget!r}. Make one with: storedesk widget api-key create")
    else:
        for key in keys:
            state = f"revoked {key['revoked_at']}" if key.get("revoked_at") else "active"
            used = key.get("last_used_at") or "never"
            print(
                f"{key['id']}  {key['prefix']}…  {key['name']}  "
                f"[{', '.join(key['scopes'])}]  {state}, last used {used}"
            )
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client

    if not args.key_id.strip():
        raise CliError(
            "KEY_ID is required; `storedesk widget api-key list` shows them.", EXIT_USAGE
        )
    widget_key, url, private_key = _target(args)
    run_client(url, private_key, lambda client: client.revoke_api_key(widget_key, args.key_id))
    print(f"Revoked {args.key_id}; requests with it are refused from now on.")
    return EXIT_OK
