"""`storedesk privacy find|export|erase`, `storedesk retention show|set`, `storedesk activity`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from console.commands.client import add_client_filter, client_filter
from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session, print_json

if TYPE_CHECKING:
    from console.relay_client import RelayClient
    from console.session import CliSession
    from core.privacy import Shopper

T = TypeVar("T")


def register(commands: Any) -> None:
    privacy = commands.add_parser("privacy", help="a shopper's data: find, export, erase")
    sub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    def shopper(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--email", help="the shopper's email address")
        parser.add_argument("--phone", help="the shopper's phone number")

    find = sub.add_parser("find", help="what this workspace and the relay hold about a shopper")
    shopper(find)
    find.add_argument("--json", action="store_true")
    find.set_defaults(handler=cmd_find)
    export = sub.add_parser("export", help="write it all as JSON")
    shopper(export)
    export.add_argument("file", metavar="FILE", type=Path)
    export.set_defaults(handler=cmd_export)
    erase = sub.add_parser("erase", help="erase it here and on the relay")
    shopper(erase)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(handler=cmd_erase)

    retention = commands.add_parser("retention", help="how long conversations are kept")
    rsub = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    show = rsub.add_parser("show", help="the current period")
    show.set_defaults(handler=cmd_retention_show)
    setting = rsub.add_parser("set", help="keep conversations DAYS after their last message")
    setting.add_argument("days", metavar="DAYS", help="1 to 3650, or off to keep everything")
    setting.set_defaults(handler=cmd_retention_set)

    activity = commands.add_parser("activity", help="who changed what, newest first")
    activity.add_argument("--action", help="an action or its start, e.g. store. or published")
    activity.add_argument("--search", metavar="TEXT", help="in what was changed or who did it")
    activity.add_argument("--limit", type=int, default=100)
    add_client_filter(activity, "what concerns the stores and widgets")
    activity.add_argument("--json", action="store_true")
    activity.set_defaults(handler=cmd_activity)


def _shopper(args: argparse.Namespace) -> Shopper:
    from core.privacy import PrivacyError, shopper_from

    try:
        return shopper_from(args.email, args.phone)
    except PrivacyError as err:
        raise CliError(str(err), EXIT_USAGE) from None


def _with_relay(
    session: CliSession, work: Callable[[RelayClient | None], Coroutine[Any, Any, T]]
) -> T:
    """``work`` with a client for the paired relay (None when not paired)."""
    from console.commands.relay import links_of, run_client

    links = links_of(session)
    link = links.current()
    if link is None:
        return asyncio.run(work(None))
    return run_client(link.url, links.private_key(link), work)


def _findings(args: argparse.Namespace, session: CliSession) -> Any:
    from console.privacy_flow import find_everywhere

    shopper = _shopper(args)
    return _with_relay(session, lambda client: find_everywhere(session.workspace, client, shopper))


def cmd_find(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        findings = _findings(args, session)
    if args.json:
        print_json(findings.as_json())
    else:
        print(findings.summary())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from console.privacy_flow import export_json

    with open_session(args) as session:
        findings = _findings(args, session)
        try:
            export_json(session.workspace, findings, args.file)
        except OSError as err:
            raise CliError(f"cannot write {args.file}: {err.strerror}.", EXIT_USAGE) from None
    print(f"Wrote {args.file}. {findings.summary()}")
    return EXIT_OK


def cmd_erase(args: argparse.Namespace) -> int:
    from console.privacy_flow import PrivacyFlowError, erase_everywhere

    shopper = _shopper(args)
    if not args.yes:
        answer = input(f"Erase everything about {shopper.label} here and on the relay? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was erased.")
            return EXIT_OK
    with open_session(args) as session:
        try:
            erased = _with_relay(
                session, lambda client: erase_everywhere(session.workspace, client, shopper)
            )
        except PrivacyFlowError as err:
            raise CliError(str(err)) from None
    print(erased.summary())
    return EXIT_OK


def cmd_retention_show(args: argparse.Namespace) -> int:
    from core.workspace.settings import WorkspaceSettings

    with open_session(args) as session:
        days = WorkspaceSettings(session.workspace).retention_days
    from console.plural import plural

    print("Conversations are kept without a limit." if days is None else f"{plural(days, 'day')}.")
    return EXIT_OK


def cmd_retention_set(args: argparse.Namespace) -> int:
    from console.privacy_flow import PrivacyFlowError, set_retention
    from core.privacy import RetentionError, check_retention

    try:
        days = check_retention(args.days)
    except RetentionError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    with open_session(args) as session:
        try:
            said = _with_relay(
                session, lambda client: set_retention(session.workspace, client, days)
            )
        except PrivacyFlowError as err:
            raise CliError(str(err)) from None
    print(said)
    return EXIT_OK


def cmd_activity(args: argparse.Namespace) -> int:
    from core.serialize import to_jsonable
    from core.workspace.activity import ActivityRepository

    with open_session(args) as session:
        client = client_filter(session, args)
        items = ActivityRepository(session.workspace).list(
            action=args.action,
            text=args.search,
            client_id=client.id if client is not None else None,
            limit=max(1, args.limit),
        )
    if args.json:
        print_json([to_jsonable(item) for item in items])
        return EXIT_OK
    for item in items:
        local = item.at.astimezone()
        subject = f" {item.subject}" if item.subject else ""
        details = f" ({item.summary()})" if item.summary() else ""
        print(f"{local:%Y-%m-%d %H:%M}  {item.actor}  {item.label}{subject}{details}")
    if not items:
        print("Nothing recorded yet.")
    return EXIT_OK
