"""`storedesk-relay`: serve the relay, migrate its database, print a pairing code, list the
paired consoles and revoke one (from the server itself: when a console is lost or its person
has left, and no admin console is at hand).

Every command takes ``--data-dir`` (default ``$STOREDESK_RELAY_HOME``, else the user data
folder ``storedesk-relay``). A bad setting is one sentence on stderr and exit code 2; a
database that cannot be reached is exit code 5; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from core import __version__
from relay import lightweight, logs
from relay.settings import Settings, SettingsError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 5
EXIT_INTERRUPTED = 130

log = logging.getLogger("relay")


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for the relay database and key (default: $STOREDESK_RELAY_HOME, "
        "else the user data folder)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="PostgreSQL instead of SQLite, e.g. postgresql+psycopg://user@host/db",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storedesk-relay",
        description="The Storedesk relay: serves the chat widget and runs the bot.",
    )
    parser.add_argument("--version", action="version", version=f"storedesk-relay {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the relay until stopped (Ctrl-C or SIGTERM)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers, shops and Twilio reach this relay at, e.g. "
        "https://chat.example.com (default: $STOREDESK_RELAY_PUBLIC_URL, else the address "
        "it listens on; callbacks then use the address each request came to)",
    )
    serve.add_argument(
        "--redis-url",
        metavar="URL",
        help="Redis shared by several relays on one PostgreSQL database, e.g. "
        "redis://127.0.0.1:6379/0: live replies reach a stream held by any relay, rate limits "
        "and presence are shared (default: $STOREDESK_RELAY_REDIS_URL, else none)",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log one JSON line per request (off by default: /metrics counts requests)",
    )
    serve.add_argument(
        "--demo-pages",
        action="store_true",
        help="serve a demo shop page with each published widget at /demo/WIDGET_KEY",
    )
    serve.add_argument(
        "--parent-pid",
        type=int,
        metavar="PID",
        help="stop when the process PID (the one that started the relay) ends",
    )
    _common(serve)
    serve.set_defaults(handler=cmd_serve)
    migrate = commands.add_parser("migrate", help="create or upgrade the relay database")
    _common(migrate)
    migrate.set_defaults(handler=cmd_migrate)
    pairing = commands.add_parser(
        "pairing-code", help="print a one-time code to pair a console (valid 10 minutes)"
    )
    _common(pairing)
    pairing.set_defaults(handler=cmd_pairing_code)
    consoles = commands.add_parser(
        "consoles", help="list the consoles paired with this relay, with their roles"
    )
    consoles.add_argument("--all", action="store_true", help="include the revoked ones")
    _common(consoles)
    consoles.set_defaults(handler=cmd_consoles)
    revoke = commands.add_parser(
        "revoke-console", help="revoke a paired console at once (its id, from `consoles`)"
    )
    revoke.add_argument("console_id", metavar="ID", help="the console's id, e.g. cn_…")
    _common(revoke)
    revoke.set_defaults(handler=cmd_revoke_console)
    return parser


async def _with_store(settings: Settings, work: Callable[[Any], Awaitable[Any]]) -> Any:
    from relay.storage import RelayStore, StorageError

    try:
        store = await RelayStore.open(
            settings.store_url, relay_key=settings.relay_key, now=settings.now
        )
    except StorageError as exc:
        raise CliError(str(exc), EXIT_UNAVAILABLE) from None
    try:
        await store.migrate()
        return await work(store)
    except StorageError as exc:
        raise CliError(str(exc), EXIT_UNAVAILABLE) from None
    finally:
        await store.close()


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args)

    async def nothing(store: Any) -> None:
        return None

    asyncio.run(_with_store(settings, nothing))
    print("The relay database is up to date.")
    return EXIT_OK


def cmd_pairing_code(args: argparse.Namespace) -> int:
    from relay.services.pairing import issue_code

    settings = Settings.from_env(args)

    async def issue(store: Any) -> str:
        return await issue_code(store, settings.relay_key, settings.now())

    code = asyncio.run(_with_store(settings, issue))
    print(f"Pairing code: {code}")
    print("It is valid for 10 minutes and can be used once.")
    print(f"On the console, run: storedesk relay pair https://YOUR-RELAY-ADDRESS {code}")
    return EXIT_OK


def cmd_consoles(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args)

    async def listed(store: Any) -> list[Any]:
        if args.all:
            from relay.storage.consoles import load_consoles

            everyone = await store.read(load_consoles)
            return sorted(everyone.values(), key=lambda c: (c.created_at, c.id))
        return list(await store.team())

    found = asyncio.run(_with_store(settings, listed))
    if not found:
        print("No console is paired with this relay. Pair one: storedesk-relay pairing-code")
        return EXIT_OK
    rows = [("ID", "NAME", "ROLE", "FINGERPRINT", "PAIRED", "LAST SEEN", "REVOKED")]
    rows += [
        (
            c.id,
            c.name,
            c.role,
            c.fingerprint,
            _when(c.created_at),
            _when(c.last_seen_at),
            _when(c.revoked_at),
        )
        for c in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))
    return EXIT_OK


def cmd_revoke_console(args: argparse.Namespace) -> int:
    from relay.storage.errors import TeamError

    settings = Settings.from_env(args)

    async def revoke(store: Any) -> Any:
        try:
            return await store.revoke_console(args.console_id.strip())
        except TeamError as err:
            hint = (
                " Pair a new admin console first (storedesk-relay pairing-code), then revoke "
                "this one."
                if err.code == "last_admin"
                else " See the ids with: storedesk-relay consoles"
            )
            raise CliError(f"{err}{hint}") from None

    record = asyncio.run(_with_store(settings, revoke))
    print(f"Revoked {record.name} ({record.id}, {record.role}): its next request is refused.")
    print("Its live streams end when a relay next hears of it (at once on PostgreSQL).")
    return EXIT_OK


def _when(value: Any) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args)
    asyncio.run(serve(settings, parent_pid=args.parent_pid))
    return EXIT_OK


async def serve(
    settings: Settings,
    *,
    ready: Callable[[str], None] | None = None,
    parent_pid: int | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or until the process ``parent_pid`` ends), then drain: new
    requests get 503, streams end, in-flight requests get ``shutdown_grace`` seconds."""
    from relay.app import create_app
    from relay.keys import RUNTIME
    from relay.storage import StorageError

    app = create_app(settings)
    access: dict[str, Any] = (
        {"access_log_class": logs.JsonAccessLogger} if settings.access_log else {"access_log": None}
    )
    runner = web.AppRunner(
        app, handle_signals=False, shutdown_timeout=settings.shutdown_grace, **access
    )
    try:
        await runner.setup()
    except StorageError as exc:
        raise CliError(str(exc), EXIT_UNAVAILABLE) from None
    _tune_gc()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if parent_pid is not None:
        from relay.parent import watch_parent

        def parent_ended() -> None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                loop.call_soon_threadsafe(stop.set)

        watch_parent(parent_pid, parent_ended)
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise CliError(
                f"The relay cannot listen on {settings.host}:{settings.port} "
                f"({exc.strerror or exc}); choose another --host or --port.",
                EXIT_USAGE,
            ) from None
        address = f"http://{settings.host}:{settings.port}"
        log.info("Relay %s listening on %s (data in %s)", __version__, address, settings.data_dir)
        if settings.demo_pages:
            log.info("Demo shop pages are on: %s/demo/WIDGET_KEY", settings.public_address)
        lightweight.release_freed_memory()
        if ready is not None:
            ready(address)
        await stop.wait()
        log.info("Shutting down: draining requests for up to %ss", settings.shutdown_grace)
        app[RUNTIME].begin_draining()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
    log.info("Relay stopped")


def _tune_gc() -> None:
    """Start-up objects (modules, the published state) never become garbage: move them out
    of the collector's sight, and collect young objects less often. Requests waiting on a
    group commit keep many objects alive at once, and the default thresholds then spend
    about a tenth of the relay's CPU scanning them."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def _one_line(text: str) -> str:
    """Driver messages span lines; the terminal gets one."""
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    logs.configure(logging.INFO if args.command == "serve" else logging.WARNING)
    for chatty in ("alembic", "httpcore", "httpx"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        return int(args.handler(args))
    except (SettingsError, CliError) as err:
        print(f"storedesk-relay: {_one_line(str(err))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("storedesk-relay: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # the last line of defence: a sentence, never a traceback
        log.debug("Unexpected error", exc_info=True)
        print(
            f"storedesk-relay: unexpected {type(err).__name__}; the relay stopped.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())
