"""`storedesk alerts [--json]`: what needs attention now: stores whose syncs keep failing
and the relay's alerts (error rate, latency), as the console's Dashboard shows them."""

from __future__ import annotations

import argparse
from typing import Any

from console.alert_list import ConsoleAlert, relay_alerts, store_alerts
from console.runtime import EXIT_OK, CliError, open_session, print_json, warn
from core.workspace.schedule import ScheduleRepository


def register(commands: Any) -> None:
    alerts = commands.add_parser("alerts", help="list current alerts (stores, relay)")
    alerts.add_argument("--json", action="store_true")
    alerts.set_defaults(handler=cmd_alerts)


def cmd_alerts(args: argparse.Namespace) -> int:
    from console.commands.relay import links_of, run_client

    relay_note = None
    with open_session(args) as session:
        found = store_alerts(ScheduleRepository(session.workspace).states())
        links = links_of(session)
        link = links.current()
        key = links.private_key(link) if link is not None else None
    if link is None or key is None:
        relay_note = "not paired with a relay: only the stores were checked."
    else:
        try:
            status = run_client(link.url, key, lambda client: client.status())
        except CliError as error:
            relay_note = f"the relay was not checked: {error}"
        else:
            found += relay_alerts(status)
    if args.json:
        print_json({"alerts": [_json(a) for a in found], "relay_note": relay_note})
    elif not found:
        print("No alerts.")
    else:
        for alert in found:
            print(f"{alert.title}: {alert.text}")
    if relay_note is not None and not args.json:
        warn(relay_note)
    return EXIT_OK


def _json(alert: ConsoleAlert) -> dict[str, str]:
    return {"key": alert.key, "title": alert.title, "text": alert.text}
