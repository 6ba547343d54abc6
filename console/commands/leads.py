"""`storedesk leads list|export|set-status|confirm|decline`: leads and appointment requests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.commands.client import add_client_filter, client_widget_ids
from console.runtime import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliError, open_session, print_json

if TYPE_CHECKING:
    from core.workspace.leads import LeadItem


def register(commands: Any) -> None:
    leads = commands.add_parser("leads", help="leads and appointment requests from the chat")
    sub = leads.add_subparsers(dest="leads_command", metavar="ACTION", required=True)

    def filters(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--kind", choices=("contact", "appointment"), default="contact",
            help="leads (contact, the default) or appointment requests",
        )  # fmt: skip
        parser.add_argument("--status", help="only this status (new, contacted, won, lost, …)")
        parser.add_argument("--search", metavar="TEXT", help="in name, email, phone, notes")
        add_client_filter(parser, "the leads")

    listing = sub.add_parser("list", help="list leads, newest first")
    filters(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    export = sub.add_parser("export", help="write them as CSV")
    export.add_argument("file", metavar="FILE", help="FILE.csv, or - for standard output")
    filters(export)
    export.set_defaults(handler=cmd_export)

    status = sub.add_parser("set-status", help="change a lead's status (and notes)")
    status.add_argument("id", metavar="ID", help="the lead's id, from `leads list`")
    status.add_argument("status", metavar="STATUS", help="new, contacted, won or lost")
    status.add_argument("--notes", help="replace the notes")
    status.set_defaults(handler=cmd_set_status)

    for verb in ("confirm", "decline"):
        answer = sub.add_parser(verb, help=f"{verb} an appointment request (tells the shopper)")
        answer.add_argument("id", metavar="ID")
        answer.add_argument("--message", help="what the shopper reads (a default otherwise)")
        answer.set_defaults(handler=cmd_answer, confirm=verb == "confirm")


def _items(args: argparse.Namespace, session: Any) -> list[LeadItem]:
    from core.workspace.leads import LeadRepository, statuses_for

    if args.status and args.status not in statuses_for(args.kind):
        allowed = ", ".join(statuses_for(args.kind))
        raise CliError(f"{args.status!r} is not a status here; use one of {allowed}.", EXIT_USAGE)
    widget_ids = client_widget_ids(session, args)
    return LeadRepository(session.workspace).list(
        args.kind, status=args.status, text=args.search, widget_ids=widget_ids
    )


def _json(item: LeadItem) -> dict[str, Any]:
    from core.workspace.leads import CSV_COLUMNS

    return dict(zip(CSV_COLUMNS, item.csv_row(), strict=True))


def cmd_list(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        items = _items(args, session)
    if args.json:
        print_json([_json(item) for item in items])
        return EXIT_OK
    if not items:
        print("No leads match." if args.kind == "contact" else "No appointment requests match.")
    for item in items:
        who = item.name or item.email or item.phone or "(no name)"
        slot = f"  {item.slot_text()}" if item.kind == "appointment" else ""
        print(f"{item.id}  {item.status:<9}  {item.created_at:%Y-%m-%d}  {who}{slot}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from core.workspace.leads import leads_csv

    with open_session(args) as session:
        text = leads_csv(_items(args, session))
    if args.file == "-":
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.file)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CliError(f"cannot write {path}: {err.strerror}.", EXIT_USAGE) from None
    from console.plural import plural

    print(f"Wrote {plural(text.count(chr(10)) - 1, 'row')} to {path}.")
    return EXIT_OK


def cmd_set_status(args: argparse.Namespace) -> int:
    from core.workspace.leads import LeadError, LeadRepository

    with open_session(args) as session:
        leads = LeadRepository(session.workspace)
        try:
            item = leads.set_status(args.id, args.status.strip().lower())
            if args.notes is not None:
                item = leads.set_notes(args.id, args.notes)
        except LeadError as err:
            code = EXIT_NOT_FOUND if "no lead" in str(err) else EXIT_USAGE
            raise CliError(str(err), code) from None
    print(f"{item.id} is now {item.status}.")
    return EXIT_OK


def cmd_answer(args: argparse.Namespace) -> int:
    from console.appointments import answer_appointment
    from console.commands.relay import require_link, run_client
    from core.workspace.leads import LeadError, LeadRepository

    with open_session(args) as session:
        try:
            lead = LeadRepository(session.workspace).require(args.id)
            link, key = require_link(session)
            item = run_client(
                link.url,
                key,
                lambda client: answer_appointment(
                    session.workspace, client, lead, confirm=args.confirm, text=args.message
                ),
            )
        except LeadError as err:
            code = EXIT_NOT_FOUND if "no lead" in str(err) else EXIT_USAGE
            raise CliError(str(err), code) from None
    print(f"{item.id} is {item.status}; the shopper was told in the conversation.")
    return EXIT_OK
