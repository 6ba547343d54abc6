"""`storedesk widget whatsapp WIDGET …`: answer shoppers on WhatsApp through Twilio."""

from __future__ import annotations

import argparse
import os
from typing import Any

from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session, warn
from core.channels import ChannelError, whatsapp_settings

ENV_TOKEN = "STOREDESK_TWILIO_AUTH_TOKEN"


def register(widget_sub: Any) -> None:
    whatsapp = widget_sub.add_parser(
        "whatsapp", help="answer shoppers on WhatsApp (Twilio) with the widget's bot"
    )
    whatsapp.add_argument("widget", metavar="WIDGET", help="its name or key")
    whatsapp.add_argument("--account-sid", help="the Twilio account SID (AC…)")
    whatsapp.add_argument("--number", help="the WhatsApp sender number, e.g. +14155238886")
    whatsapp.add_argument("--auth-token", help=f"the Twilio auth token; or ${ENV_TOKEN}, or asked")
    whatsapp.add_argument("--off", action="store_true", help="stop answering on WhatsApp")
    whatsapp.set_defaults(handler=cmd_whatsapp)


def _token(args: argparse.Namespace) -> str:
    import getpass
    import sys

    value = args.auth_token or os.environ.get(ENV_TOKEN, "")
    if not value and sys.stdin.isatty():
        value = getpass.getpass("Twilio auth token: ")
    return value.strip()


def cmd_whatsapp(args: argparse.Namespace) -> int:
    from console.commands.relay import links_of, run_client
    from console.commands.widget import require_widget
    from core.workspace.channels import ChannelRepository

    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        channels = ChannelRepository(session.workspace, session.vault)
        if args.off:
            settings = None
        else:
            if not args.account_sid or not args.number:
                raise CliError("--account-sid and --number are required (or --off).", EXIT_USAGE)
            try:
                given = {"account_sid": args.account_sid, "number": args.number}
                settings = whatsapp_settings({**given, "auth_token": _token(args)})
            except ChannelError as exc:
                raise CliError(str(exc), EXIT_USAGE) from None
        channels.set_whatsapp(widget, settings)
        links = links_of(session)
        link = links.current()
        key = links.private_key(link) if link is not None else None
    if link is None or key is None:
        warn("saved; pair with your relay and run `storedesk relay publish` to turn it on.")
        return EXIT_OK
    if settings is None:
        try:
            run_client(link.url, key, lambda client: client.remove_whatsapp(widget.key))
        except CliError as exc:
            if "not set up" not in str(exc):  # already off on the relay: fine
                raise
        print(f"WhatsApp is off for {widget.name!r}.")
        return EXIT_OK
    answer = run_client(link.url, key, lambda client: client.put_whatsapp(widget.key, settings))
    print(f"WhatsApp is on for {widget.name!r} from {settings.number}.")
    print("In Twilio, set 'When a message comes in' (POST) for that sender to:")
    print(f"  {answer['webhook_url']}")
    return EXIT_OK
