"""`storedesk widget create|set|list|show|installations|secret|remove`."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

from console.commands.client import add_client_filter, client_filter
from console.plural import plural
from console.runtime import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliError, open_session, print_json
from core.serialize import to_jsonable
from core.widgets import WidgetError, widget_to_json
from core.workspace.installations import InstallationItem, unexpected

if TYPE_CHECKING:
    from console.session import CliSession
    from core.workspace.widgets import WidgetEntry, WidgetRepository

RELAY_PLACEHOLDER = "https://YOUR-RELAY"


def register(commands: Any) -> None:
    widget = commands.add_parser("widget", help="chat widgets for your shop's pages")
    sub = widget.add_subparsers(dest="widget_command", metavar="ACTION", required=True)

    create = sub.add_parser("create", help="create a widget and print its embed snippet")
    create.add_argument("--name", required=True)
    create.add_argument("--store", required=True, help="the store it answers order questions for")
    create.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="URL",
        help="a site that may show the widget (repeat; default: any)",
    )
    create.add_argument("--title", help="the chat window's title")
    create.add_argument("--greeting", help="the bot's first message")
    create.add_argument("--color", help="the brand colour, like #2563eb")
    create.add_argument(
        "--language", action="append", default=[], metavar="XX", help="en, es, fr or de (repeat)"
    )
    create.add_argument(
        "--no-starter",
        action="store_true",
        help="start with an empty knowledge base (default: starter answers on shipping, "
        "returns, payment and contact, with [placeholders] to fill in)",
    )
    _identity_option(create)
    create.add_argument("--client", metavar="NAME", help="its client (default: its store's)")
    create.set_defaults(handler=cmd_create)

    change = sub.add_parser("set", help="change a widget's settings (publish to make it live)")
    change.add_argument("widget", metavar="WIDGET", help="its name or key")
    change.add_argument("--title", help="the chat window's title")
    change.add_argument("--greeting", help="the bot's first message")
    change.add_argument("--color", help="the brand colour, like #2563eb")
    change.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="also allow the widget on this site (repeat)",
    )
    _identity_option(change)
    change.add_argument(
        "--retention",
        metavar="DAYS",
        help="delete this widget's conversations DAYS after their last message, here and on "
        "the relay (1 to 3650); 'default' follows `storedesk retention`",
    )
    change.set_defaults(handler=cmd_set, allowed_origin=[], language=[])

    listing = sub.add_parser("list", help="list widgets")
    listing.add_argument("--json", action="store_true")
    add_client_filter(listing, "the widgets")
    listing.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help="a widget's settings and embed snippet")
    show.add_argument("widget", metavar="WIDGET", help="its name or key")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    secret = sub.add_parser("secret", help="the secret your storefront signs shoppers with")
    secret.add_argument("widget", metavar="WIDGET", help="its name or key")
    secret.set_defaults(handler=cmd_secret)

    pages = sub.add_parser(
        "installations", help="the shop pages the widget was loaded on (asks the relay)"
    )
    pages.add_argument("widget", metavar="WIDGET", help="its name or key")
    pages.add_argument("--json", action="store_true")
    pages.set_defaults(handler=cmd_installations)

    remove = sub.add_parser("remove", help="delete a widget and its knowledge base")
    remove.add_argument("widget", metavar="WIDGET", help="its name or key")
    remove.set_defaults(handler=cmd_remove)

    from console.commands import agent, api_keys, whatsapp

    api_keys.register(sub)
    whatsapp.register(sub)
    agent.register(sub)


def _identity_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--identity-max-age",
        metavar="TIME",
        help="how long a signed-in shopper's signature from your storefront is accepted: "
        "1m to 24h, like 15m or 2h (default 24h)",
    )


def duration(text: str) -> int:
    """``90s``, ``15m``, ``2h``, ``1d`` or plain seconds → seconds."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*([smhd]?)\s*", text.lower())
    if match is None:
        raise CliError(f"{text!r} is not a time like 90s, 15m, 2h or 1d.", EXIT_USAGE)
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(match.group(1)) * unit


def widgets_of(session: CliSession) -> WidgetRepository:
    from core.workspace.widgets import WidgetRepository

    return WidgetRepository(session.workspace, session.vault)


def require_widget(session: CliSession, ref: str) -> WidgetEntry:
    entry = widgets_of(session).get(ref)
    if entry is None:
        raise CliError(
            f"there is no widget named {ref!r}; `storedesk widget list` shows yours.",
            EXIT_NOT_FOUND,
        )
    return entry


def relay_url(session: CliSession) -> str | None:
    from core.workspace.relay_link import RelayLinkRepository

    link = RelayLinkRepository(session.workspace, session.vault).current()
    return link.url if link else None


def embed_snippet(relay: str | None, key: str) -> str:
    return (
        f'<script src="{relay or RELAY_PLACEHOLDER}/widget.js" data-widget="{key}" async></script>'
    )


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name in ("title", "greeting", "color"):
        if getattr(args, name):
            settings[name] = getattr(args, name)
    if args.allowed_origin:
        settings["allowed_origins"] = args.allowed_origin
    if args.language:
        settings["languages"] = args.language
    if args.identity_max_age is not None:
        settings["identity_max_age"] = duration(args.identity_max_age)
    retention = getattr(args, "retention", None)
    if retention is not None:
        settings["retention_days"] = None if retention.strip() == "default" else retention
    return settings


def cmd_create(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        session.require_store(args.store)
        client = client_filter(session, args)
        try:
            entry = widgets_of(session).create(
                args.name,
                store=args.store,
                settings=_settings(args),
                client_id=client.id if client else None,
                starter=not args.no_starter,
            )
        except WidgetError as err:
            raise CliError(str(err), EXIT_USAGE) from None
        relay = relay_url(session)
    print(f"Created widget {entry.name!r} for store {args.store!r}: key {entry.key}")
    print("Add this to every page of your shop, just before </body>:")
    print(f"  {embed_snippet(relay, entry.key)}")
    if relay is None:
        print(f"(Replace {RELAY_PLACEHOLDER} with your relay's address, or pair first:")
        print(" storedesk relay pair URL CODE.)")
    if entry.knowledge:
        print(
            f"Its knowledge base starts with {entry.knowledge} starter answers (shipping, "
            "returns, payment, contact). Fill in their [placeholders] (`storedesk kb list "
            f"{entry.name!r}` shows them): an answer with a placeholder left is not used by "
            "the bot."
        )
    print(
        "Then add answers with `storedesk kb add` and make it live with `storedesk relay publish`."
    )
    return EXIT_OK


def cmd_set(args: argparse.Namespace) -> int:
    changes = _settings(args)
    if not changes and not args.allow_origin:
        raise CliError("say what to change, e.g. --identity-max-age 15m.", EXIT_USAGE)
    with open_session(args) as session:
        entry = require_widget(session, args.widget)
        if args.allow_origin:
            changes["allowed_origins"] = [*entry.config.allowed_origins, *args.allow_origin]
        try:
            entry = widgets_of(session).update(entry, changes)
        except WidgetError as err:
            raise CliError(str(err), EXIT_USAGE) from None
    print(f"Saved widget {entry.name!r}. Run `storedesk relay publish` to make it live.")
    return EXIT_OK


def _age(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def describe(entry: WidgetEntry, relay: str | None) -> dict[str, Any]:
    return {
        **widget_to_json(entry.config),
        "knowledge_entries": entry.knowledge,
        "client": entry.client,
        "created_at": to_jsonable(entry.created_at),
        "updated_at": to_jsonable(entry.updated_at),
        "published_at": to_jsonable(entry.published_at),
        "embed": embed_snippet(relay, entry.key),
    }


def _line(entry: WidgetEntry) -> str:
    published = (
        f"published {entry.published_at:%Y-%m-%d %H:%M} UTC"
        if entry.published_at
        else ("not published yet")
    )
    store = entry.store or "no store"
    answers = plural(entry.knowledge, "answer")
    client = f"  [{entry.client}]" if entry.client else ""
    return f"{entry.name:<20} {entry.key}  {store:<16} {answers}, {published}{client}"


def cmd_list(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        client = client_filter(session, args)
        entries = widgets_of(session).list(client_id=client.id if client else None)
        relay = relay_url(session)
    if args.json:
        print_json([describe(e, relay) for e in entries])
    elif not entries:
        print("No widgets yet. Create one with: storedesk widget create --name N --store STORE")
    else:
        for entry in entries:
            print(_line(entry))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = require_widget(session, args.widget)
        relay = relay_url(session)
    details = describe(entry, relay)
    if args.json:
        print_json(details)
        return EXIT_OK
    config = entry.config
    print(_line(entry))
    print(f"  title: {config.title}    colour: {config.color}    position: {config.position}")
    print(f"  greeting: {config.greeting}")
    print(f"  languages: {', '.join(config.languages)}")
    origins = ", ".join(config.allowed_origins) or "any site (no --allowed-origin given)"
    print(f"  allowed on: {origins}")
    print(f"  signed-in shoppers: signatures accepted for {_age(config.identity_max_age)}")
    kept = "as set by `storedesk retention`"
    if config.retention_days is not None:
        kept = f"{plural(config.retention_days, 'day')} after their last message"
    print(f"  conversations kept: {kept}")
    print(f"  embed: {details['embed']}")
    return EXIT_OK


def cmd_secret(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = require_widget(session, args.widget)
        secret = widgets_of(session).identity_secret(entry).decode("ascii")
    print(secret)
    print(
        "Keep it on your server. To greet a logged-in shopper by name, the storefront signs "
        'HMAC-SHA256 with this text as the key over "<email, trimmed and lower case>:<name, '
        'trimmed>:<unix timestamp>" (hex) and passes email, name, ts and signature to the '
        "widget, e.g. PHP: hash_hmac('sha256', strtolower(trim($email)) . ':' . trim($name) "
        ". ':' . $ts, $secret). Without a name, sign \"<email>:<timestamp>\"; a name that is "
        "not signed is not shown."
    )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = require_widget(session, args.widget)
        widgets_of(session).delete(entry)
    print(f"Removed widget {entry.name!r} ({entry.key}) and its knowledge base.")
    print("Run `storedesk relay publish` to take it off the relay too.")
    return EXIT_OK


def cmd_installations(args: argparse.Namespace) -> int:
    """Ask the relay, keep its answer; without the relay, show the pages kept here, saying so."""
    from console.commands.relay import require_link, run_client
    from console.installations import pull_installations
    from console.relay_client import RelayClient, RelayUnreachable
    from core.workspace.installations import InstallationRepository

    with open_session(args) as session:
        entry = require_widget(session, args.widget)
        link, key = require_link(session)
        repository = InstallationRepository(session.workspace)

        async def work(client: RelayClient) -> tuple[list[InstallationItem], str | None]:
            try:
                return await pull_installations(client, repository, entry), None
            except RelayUnreachable as exc:
                return repository.list(entry.id), str(exc)

        items, stale = run_client(link.url, key, work)
    if args.json:
        print_json([_installation_json(entry, item) for item in items])
        return EXIT_OK
    if stale is not None:
        print(f"{stale} The pages seen last time:")
    if not items:
        print(f"{entry.name!r} has not been loaded on any page yet: add its snippet to your shop")
        print(f"  {embed_snippet(link.url, entry.key)}")
        return EXIT_OK
    for item in items:
        print(_installation_line(entry, item))
    flagged = sorted({i.origin for i in items if unexpected(entry.config, i)})
    if flagged:
        print(
            f"Not allowed: {', '.join(flagged)}. The widget does not chat there; to allow a "
            f"site: storedesk widget set {entry.name!r} --allow-origin URL, then "
            "storedesk relay publish."
        )
    return EXIT_OK


def _installation_json(entry: WidgetEntry, item: InstallationItem) -> dict[str, Any]:
    return {
        "origin": item.origin,
        "url": item.url,
        "first_seen_at": to_jsonable(item.first_seen_at),
        "last_seen_at": to_jsonable(item.last_seen_at),
        "allowed": not unexpected(entry.config, item),
    }


def _installation_line(entry: WidgetEntry, item: InstallationItem) -> str:
    flag = "  NOT ALLOWED" if unexpected(entry.config, item) else ""
    page = item.url or f"{item.origin} (page not reported)"
    return (
        f"{page}{flag}\n    first seen {item.first_seen_at:%Y-%m-%d %H:%M} UTC, "
        f"last seen {item.last_seen_at:%Y-%m-%d %H:%M} UTC"
    )
