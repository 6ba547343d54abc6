"""`storedesk demo`: the demo shop connected, synced and asked for an order, in one step."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from console.commands.store import connection_for_demo
from console.commands.sync import ProgressBar, summarise
from console.render import describe_order
from console.runtime import EXIT_OK, CliError, open_session

DEMO_STORE = "demo"
DEMO_ORDER = "1001"
DEMO_EMAIL = "alice@example.com"

if TYPE_CHECKING:
    from console.session import CliSession


def register(commands: Any) -> None:
    demo = commands.add_parser("demo", help="try Storedesk on the demo shop shipped with it")
    demo.set_defaults(handler=cmd_demo)


async def _demo(session: CliSession) -> None:
    entry = session.stores.get(DEMO_STORE)
    if entry is None:
        settings, secrets = connection_for_demo()
        info = await session.test_connection("sql", settings, secrets)
        entry = session.stores.add(DEMO_STORE, "sql", settings, secrets)
        print(f"Connected the demo shop ({info.name}) as the store {DEMO_STORE!r}.")
    else:
        print(f"Using the store {DEMO_STORE!r} from {session.data_dir}.")
    bar = ProgressBar()
    result = await session.sync_store(entry, full=False, progress=bar)
    bar.finish()
    print(summarise(DEMO_STORE, result))
    order = await session.lookup_order(entry, DEMO_ORDER, email=DEMO_EMAIL)
    if order is None:
        raise CliError(
            f"the demo order {DEMO_ORDER} could not be found; try `storedesk store test demo`."
        )
    print(f"\nA shopper asks where order #{DEMO_ORDER} is, giving {DEMO_EMAIL}:\n")
    print(describe_order(order))


def cmd_demo(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        asyncio.run(_demo(session))
        where = session.data_dir
    print(
        "\nTry next:\n"
        f"  storedesk store lookup {DEMO_STORE} --order 1004 --json\n"
        f"  storedesk store customer {DEMO_STORE} --email {DEMO_EMAIL}\n"
        f"  storedesk sync {DEMO_STORE} --full\n"
        "Chat with the bot about this shop: start a relay (storedesk-relay serve), pair, create\n"
        "a widget and publish; the README's 'The relay and the bot' walks through it.\n"
        f"(workspace: {where})"
    )
    return EXIT_OK
