"""`storedesk client list|add|rename|remove|assign`: clients (agency mode), each owning stores
and widgets; `--client NAME` on the listing commands and on `relay publish` narrows them to
one client."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from console.plural import plural
from console.runtime import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliError, open_session, print_json
from core.serialize import to_jsonable

if TYPE_CHECKING:
    from console.session import CliSession
    from core.workspace.clients import ClientEntry, ClientRepository, RemovedClient


def register(commands: Any) -> None:
    client = commands.add_parser("client", help="clients you manage stores and widgets for")
    sub = client.add_subparsers(dest="client_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="list clients and what each owns")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    add = sub.add_parser("add", help="add a client")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--email", help="the client's contact address")
    add.set_defaults(handler=cmd_add)

    rename = sub.add_parser("rename", help="rename a client")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(handler=cmd_rename)

    remove = sub.add_parser(
        "remove", help="remove a client (its stores and widgets are moved or released)"
    )
    remove.add_argument("name", metavar="NAME")
    what = remove.add_mutually_exclusive_group()
    what.add_argument("--move-to", metavar="CLIENT", help="give its stores and widgets to CLIENT")
    what.add_argument(
        "--release",
        action="store_true",
        help="keep its stores and widgets without a client",
    )
    remove.add_argument(
        "--unpublish",
        action="store_true",
        help="then take off the relay the widgets published for it that this workspace no "
        "longer has (the same as `storedesk relay publish --client NAME` afterwards)",
    )
    remove.set_defaults(handler=cmd_remove)

    assign = sub.add_parser("assign", help="give a store or a widget to a client")
    assign.add_argument("name", metavar="CLIENT", help='the client, or "none" for no client')
    target = assign.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", metavar="NAME", help="the store (its widgets follow it)")
    target.add_argument("--widget", metavar="KEY", help="the widget's key or name")
    assign.set_defaults(handler=cmd_assign)


def add_client_filter(parser: argparse.ArgumentParser, what: str) -> None:
    """``--client NAME`` on a listing command."""
    parser.add_argument("--client", metavar="NAME", help=f"only {what} of this client")


def repository(session: CliSession) -> ClientRepository:
    from core.workspace.clients import ClientRepository

    return ClientRepository(session.workspace)


def require_client(session: CliSession, name: str) -> ClientEntry:
    from core.workspace.clients import ClientError

    try:
        return repository(session).require(name)
    except ClientError as err:
        raise CliError(str(err), EXIT_NOT_FOUND) from None


def client_filter(session: CliSession, args: argparse.Namespace) -> ClientEntry | None:
    """The client ``--client`` names (None when not given)."""
    name = getattr(args, "client", None)
    return require_client(session, name) if name else None


def _json(entry: ClientEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "email": entry.email,
        "created_at": to_jsonable(entry.created_at),
        "stores": entry.stores,
        "widgets": entry.widgets,
    }


def cmd_list(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entries = repository(session).list()
    if args.json:
        print_json([_json(e) for e in entries])
    elif not entries:
        print("No clients yet. Add one with: storedesk client add NAME")
    else:
        for entry in entries:
            owns = f"{plural(entry.stores, 'store')}, {plural(entry.widgets, 'widget')}"
            email = f"  <{entry.email}>" if entry.email else ""
            print(f"{entry.name:<24} {owns}{email}")
    return EXIT_OK


def _changing(work: Any) -> Any:
    """Run a change; a refused one (``ClientError``, except ``ClientInUse``, which the
    caller explains) is the command's error."""
    from core.workspace.clients import ClientError, ClientInUse

    try:
        return work()
    except ClientInUse:
        raise
    except ClientError as err:
        raise CliError(str(err), EXIT_USAGE) from None


def cmd_add(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = _changing(lambda: repository(session).add(args.name, args.email))
    print(f"Added client {entry.name!r}. Give it stores and widgets with:")
    print(f"  storedesk client assign {_quoted(entry.name)} --store NAME")
    return EXIT_OK


def cmd_rename(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = require_client(session, args.name)
        renamed = _changing(lambda: repository(session).rename(entry, args.new_name))
    print(f"Renamed client {entry.name!r} to {renamed.name!r}.")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from core.workspace.clients import ClientInUse, RemovedClient

    with open_session(args) as session:
        entry = require_client(session, args.name)
        target = require_client(session, args.move_to) if args.move_to else None
        clients = repository(session)
        link = _relay_link(session, required=args.unpublish)
        try:
            _changing(lambda: clients.remove(entry, move_to=target, release=args.release))
        except ClientInUse as err:
            raise CliError(
                f"{err} Run again with --move-to CLIENT or --release; nothing was removed.",
                EXIT_USAGE,
            ) from None
        _removed_line(entry, target)
        if args.unpublish:
            _unpublish(session, RemovedClient(entry.name, entry.publish_scope))
        elif link is not None:
            print(
                "  Its widgets published on the relay stay live until you publish it: "
                f"storedesk relay publish --client {_quoted(entry.name)} takes off those this "
                "workspace no longer has."
            )
    return EXIT_OK


def _removed_line(entry: ClientEntry, target: ClientEntry | None) -> None:
    owned = f"{plural(entry.stores, 'store')} and {plural(entry.widgets, 'widget')}"
    if target is not None:
        print(f"Removed client {entry.name!r}; its {owned} now belong to {target.name!r}.")
    elif entry.stores or entry.widgets:
        print(f"Removed client {entry.name!r}; its {owned} now have no client.")
    else:
        print(f"Removed client {entry.name!r}.")


def _relay_link(session: CliSession, *, required: bool) -> object | None:
    """The paired relay (checked before anything is removed when ``required``)."""
    from console.commands.relay import links_of, require_link

    if required:
        return require_link(session)[0]
    return links_of(session).current()


def _unpublish(session: CliSession, removed: RemovedClient) -> None:
    from console.commands.relay import require_link, run_client
    from console.publish_flow import publish

    link, key = require_link(session)
    plan = run_client(link.url, key, lambda client: publish(session, client, link, only=removed))
    print(f"Published the removed client's scope to {link.url}:")
    for line in (*plan.lines, *plan.notes()):
        print(f"  {line}")


def cmd_assign(args: argparse.Namespace) -> int:
    from console.commands.widget import require_widget

    with open_session(args) as session:
        none = args.name.strip().lower() == "none"
        client = None if none else require_client(session, args.name)
        clients = repository(session)
        if args.store:
            session.require_store(args.store)
            _changing(lambda: clients.assign_store(args.store, client))
            what = f"store {args.store!r} (and the widgets that follow it)"
        else:
            widget = require_widget(session, args.widget)
            _changing(lambda: clients.assign_widget(widget.id, client))
            what = f"widget {widget.name!r}"
    whom = "no client" if client is None else f"client {client.name!r}"
    print(f"Gave {what} to {whom}.")
    return EXIT_OK


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


def client_widget_ids(session: CliSession, args: argparse.Namespace) -> frozenset[int] | None:
    """The widgets of the client ``--client`` names (None: every widget)."""
    client = client_filter(session, args)
    return repository(session).scope(client).widget_ids if client is not None else None
