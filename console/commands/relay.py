"""`storedesk relay pair|publish|status|pull|reply`: the console's side of the relay."""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from console.plural import plural
from console.runtime import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    CliError,
    open_session,
    warn,
)
from console.team import role_line
from core import __version__
from core.team import is_role
from core.versions import relay_update_note

if TYPE_CHECKING:
    import httpx

    from console.publish_flow import PublishPlan
    from console.relay_client import RelayClient, RelayError
    from console.session import CliSession
    from core.workspace.clients import ClientEntry, RemovedClient
    from core.workspace.relay_link import RelayLinkEntry, RelayLinkRepository

T = TypeVar("T")
PAGE = 500
MAX_PAGES = 10_000
NOT_PAIRED = (
    "this workspace is not paired with a relay. On the relay run `storedesk-relay "
    "pairing-code` (or ask its admin for an invite), then here: storedesk relay pair URL CODE."
)


def register(commands: Any) -> None:
    relay = commands.add_parser("relay", help="pair with your relay, publish, pull chats")
    sub = relay.add_subparsers(dest="relay_command", metavar="ACTION", required=True)

    pair = sub.add_parser("pair", help="pair this console with a relay")
    pair.add_argument("url", metavar="URL", help="the relay's address, e.g. https://chat.shop.com")
    pair.add_argument(
        "code", metavar="CODE", help="from `storedesk-relay pairing-code` or an admin's invite"
    )
    pair.add_argument("--name", help="how the relay lists this console (default: computer name)")
    pair.set_defaults(handler=cmd_pair)

    publish = sub.add_parser("publish", help="send widgets, answers and store access to the relay")
    publish.add_argument("--dry-run", action="store_true", help="show what would change")
    publish.add_argument(
        "--client",
        metavar="NAME",
        help="only this client's widgets (and their stores); its widgets gone from here are "
        "removed, other clients' stay as they are. A removed client's name takes the widgets "
        "it still has on the relay off",
    )
    publish.set_defaults(handler=cmd_publish)

    status = sub.add_parser("status", help="is the relay up, and what is waiting there")
    status.set_defaults(handler=cmd_status)

    pull = sub.add_parser("pull", help="store new conversations, messages and leads here")
    pull.set_defaults(handler=cmd_pull)

    reply = sub.add_parser("reply", help="answer a shopper as a person")
    reply.add_argument("conversation", metavar="CONVERSATION_ID")
    reply.add_argument("text", metavar="TEXT")
    reply.add_argument("--author", default="Support", help="the name the shopper sees")
    reply.set_defaults(handler=cmd_reply)


def _now() -> datetime:
    return datetime.now(UTC)


def cli_error(err: RelayError) -> CliError:
    from console.relay_client import RelayUnreachable

    if isinstance(err, RelayUnreachable):
        code = EXIT_UNAVAILABLE
    elif err.status is None:
        code = EXIT_USAGE
    elif err.status in (401, 403):
        code = EXIT_AUTH
    elif err.status == 404:
        code = EXIT_NOT_FOUND
    elif err.status == 429 or err.status >= 500:
        code = EXIT_UNAVAILABLE
    else:
        code = EXIT_ERROR
    return CliError(str(err), code)


def run_http(work: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run ``work`` with the console's HTTP client; relay failures become one sentence."""
    import httpx

    from console.relay_client import RelayError

    async def main() -> T:
        timeout = httpx.Timeout(30.0, connect=10.0)
        headers = {"User-Agent": "Storedesk-console/0.1"}
        async with httpx.AsyncClient(timeout=timeout, headers=headers) as http:
            return await work(http)

    try:
        return asyncio.run(main())
    except RelayError as err:
        raise cli_error(err) from None


def run_client(url: str, key: bytes, work: Callable[[RelayClient], Awaitable[T]]) -> T:
    """Run ``work`` with a signed client for the relay; failures become one sentence."""
    from console.relay_client import RelayClient

    return run_http(lambda http: work(RelayClient(url, key, http, _now)))


def links_of(session: CliSession) -> RelayLinkRepository:
    from core.workspace.relay_link import RelayLinkRepository

    return RelayLinkRepository(session.workspace, session.vault)


def require_link(session: CliSession) -> tuple[RelayLinkEntry, bytes]:
    links = links_of(session)
    link = links.current()
    if link is None:
        raise CliError(NOT_PAIRED, EXIT_USAGE)
    return link, links.private_key(link)


def cmd_pair(args: argparse.Namespace) -> int:
    from console.pairing import pair

    with open_session(args) as session:
        links = links_of(session)
        done = run_http(lambda http: pair(links, http, args.url, args.code, name=args.name))
    link = done.link
    if done.mismatch is not None:
        warn(
            f"the relay reports this console's key as {done.mismatch}, expected {link.fingerprint}."
        )
    print(f"Paired with relay {link.relay_id} at {link.url} (version {done.version or '?'}).")
    print(f"This console's key: {link.fingerprint} (the relay lists it as {link.name!r}).")
    if done.previous_url is not None:
        print(f"This replaces the pairing with {done.previous_url}.")
    if done.role == "admin":
        print("Next: storedesk relay publish")
    else:
        print(f"Role on this relay: {role_line(done.role)}. Next: storedesk relay pull")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from console.publish_flow import plan_publish, publish
    from core.workspace.clients import RemovedClient

    with open_session(args) as session:
        only = _publish_target(session, args.client)
        link, key = require_link(session)

        def work(client: RelayClient) -> Awaitable[PublishPlan]:
            if args.dry_run:
                return plan_publish(session, client, only=only)
            return publish(session, client, link, only=only)

        plan = run_client(link.url, key, work)
    if only is None:
        whose = ""
    elif isinstance(only, RemovedClient):
        whose = f" the scope of the removed client {only.name}"
    else:
        whose = f" the widgets of {only.name}"
    if args.dry_run:
        print(f"Dry run: nothing changed on {link.url}. Publishing{whose} would do this:")
    else:
        print(f"Published{whose} to {link.url}:")
    for line in plan.lines:
        print(f"  {line}")
    for note in plan.notes():
        print(f"  {note}")
    return EXIT_OK


def _publish_target(session: CliSession, name: str | None) -> ClientEntry | RemovedClient | None:
    """The client ``--client`` names; a removed one's scope when no client has that name."""
    from console.commands.client import repository, require_client

    if not name:
        return None
    removed = repository(session).removed(name)
    return removed if removed is not None else require_client(session, name)


def cmd_status(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        link, key = require_link(session)
    status = run_client(link.url, key, lambda client: client.status())
    today = status.get("today") or {}
    print(f"Relay {status.get('relay_id')} at {link.url} is up (version {status.get('version')}).")
    note = relay_update_note(str(status.get("version") or ""), __version__)
    if note is not None:
        print(f"  {note}")
    print(f"  this console: {link.fingerprint}, paired {link.paired_at:%Y-%m-%d %H:%M} UTC")
    role = (status.get("console") or {}).get("role")
    if is_role(role):
        print(f"  its role: {role_line(role)}")
    print(
        f"  published: {plural(status.get('widgets', 0), 'widget')}, "
        f"{plural(status.get('stores', 0), 'store')}; "
        f"open conversations: {status.get('conversations_open', 0)}"
    )
    pending = status.get("events_pending", 0)
    hint = " (storedesk relay pull)" if pending else ""
    print(f"  waiting for this console: {plural(pending, 'event')}{hint}")
    print(
        f"  today: {plural(today.get('conversations', 0), 'conversation')}, "
        f"{plural(today.get('messages', 0), 'message')}, {plural(today.get('leads', 0), 'lead')}, "
        f"{plural(today.get('lookups', 0), 'order lookup')}; "
        f"spam blocked: {plural(today.get('spam', 0), 'conversation')}"
    )
    return EXIT_OK


# what a pull reports beyond conversations, messages and leads: (count key, noun)
EXTRA = (
    ("feedback", "feedback"),
    ("handoffs", "handoff"),
    ("store_changes", "store change from webhooks", "store changes from webhooks"),
)


async def pull_all(
    client: RelayClient, apply: Callable[[list[dict[str, Any]]], Any]
) -> Counter[str]:
    """Fetch, store, then acknowledge, page after page; a crash before an ack means the
    page comes again and is stored once (events are idempotent by id)."""
    totals: Counter[str] = Counter()
    last: int | None = None
    for _ in range(MAX_PAGES):
        page = await client.events(PAGE)
        if not page.events:
            break
        totals.update(asdict(apply(page.events)))  # committed before the ack
        await client.ack(page.cursor)
        if len(page.events) < PAGE or (last is not None and page.cursor <= last):
            break
        last = page.cursor
    return totals


def cmd_pull(args: argparse.Namespace) -> int:
    from core.workspace.inbox import InboxRepository

    with open_session(args) as session:
        link, key = require_link(session)
        inbox = InboxRepository(session.workspace)
        totals = run_client(link.url, key, lambda client: pull_all(client, inbox.apply))
        links_of(session).touch_pull(link)
    print(
        f"{plural(totals['conversations'], 'conversation')}, "
        f"{plural(totals['messages'], 'message')}, {plural(totals['leads'], 'lead')} stored."
    )
    extra = [plural(totals[k], *nouns) for k, *nouns in EXTRA if totals[k]]
    if extra:
        print(f"Also: {', '.join(extra)}.")
    if totals["skipped"]:
        skipped = plural(totals["skipped"], "event")
        verb = "was" if totals["skipped"] == 1 else "were"
        warn(f"{skipped} could not be read and {verb} skipped (see --verbose).")
    return EXIT_OK


def cmd_reply(args: argparse.Namespace) -> int:
    from core.workspace.inbox import InboxRepository

    text = args.text.strip()
    if not text:
        raise CliError("the reply is empty.", EXIT_USAGE)
    with open_session(args) as session:
        link, key = require_link(session)
        message = run_client(
            link.url, key, lambda client: client.reply(args.conversation, text, args.author)
        )
        InboxRepository(session.workspace).store_reply(args.conversation, message)
    print(f"Sent to {args.conversation} as {args.author!r} (message {message.get('id')}).")
    return EXIT_OK
