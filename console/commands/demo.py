"""`storedesk demo`: the whole product in one step on the demo shop shipped with Storedesk.

A local relay on 127.0.0.1, the demo store synced, a demo widget with its knowledge base,
published; the console opens on the Dashboard and the storefront address is printed. With
``--no-window`` (or on a machine without a display) the relay keeps running until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.display import window_unavailable_reason
from console.runtime import EXIT_OK, EXIT_UNAVAILABLE, CliError, data_dir_arg, open_session

if TYPE_CHECKING:
    from console.demo_setup import DemoReady
    from console.local_relay import LocalRelay
    from console.session import CliSession


def register(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="try everything on a demo shop: local relay, chat widget, console"
    )
    demo.add_argument(
        "--no-window",
        action="store_true",
        help="no console window: keep the local relay running and print the storefront "
        "address until Ctrl-C (for servers and CI)",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    if not args.no_window:
        reason = window_unavailable_reason()
        if reason is None:
            from console.app import run_console

            return run_console(data_dir_arg(args), demo=True)
        print(f"{reason}, so the demo runs without a window.", flush=True)
    return run_headless(args)


def storefront_lines(ready: DemoReady, data_dir: Path) -> list[str]:
    return [
        f"The demo storefront, with the chat widget: {ready.storefront_url}",
        "  Ask it “how much is shipping?” or “where is my order 1001?” (email alice@example.com).",
        f"  Relay: {ready.relay_url} · workspace: {data_dir}",
    ]


async def _set_up(session: CliSession, relay: LocalRelay) -> DemoReady:
    import httpx

    from console.commands.sync import ProgressBar
    from console.demo_setup import set_up_demo

    bar = ProgressBar()
    timeout = httpx.Timeout(30.0, connect=10.0)
    async with httpx.AsyncClient(timeout=timeout) as http:
        try:
            return await set_up_demo(session, http, relay, say=_say, sync_progress=bar)
        finally:
            bar.finish()


def _say(text: str) -> None:
    print(text, flush=True)


# SIGTERM (`kill`, a service manager) and SIGHUP (the terminal closed) stop the demo the way
# Ctrl-C does: the local relay is stopped, never left holding its port.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise KeyboardInterrupt as Ctrl-C does."""
    previous = {signum: signal.signal(signum, _interrupt) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_headless(args: argparse.Namespace) -> int:
    with stop_signals_interrupt():
        return _run_headless(args)


def _run_headless(args: argparse.Namespace) -> int:
    from console.local_relay import LocalRelay
    from console.relay_client import RelayError

    with open_session(args) as session:
        relay = LocalRelay(Path(session.data_dir) / "relay")
        try:
            ready = asyncio.run(_set_up(session, relay))
        except RelayError as err:
            _stop(relay)
            raise CliError(str(err), EXIT_UNAVAILABLE) from None
        except BaseException:
            _stop(relay)
            raise
        data_dir = Path(session.data_dir)
    print("\n" + "\n".join(storefront_lines(ready, data_dir)), flush=True)
    if not relay.owned:
        print("(The relay another `storedesk demo` started serves it while that one runs.)")
        return EXIT_OK
    return _serve_until_interrupted(relay)


def _stop(relay: LocalRelay) -> None:
    """Stop the relay; a second Ctrl-C (or signal) while it drains kills it at once."""
    try:
        relay.stop_now()
    except KeyboardInterrupt:
        relay.stop_now(grace=0)


def _serve_until_interrupted(relay: LocalRelay) -> int:
    interrupted = False
    try:
        print("The local relay keeps running; press Ctrl-C to stop it.", flush=True)
        while relay.running():
            time.sleep(0.5)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        _stop(relay)
    if not interrupted:
        raise CliError(f"the local relay stopped unexpectedly; its log is {relay.log_path}.")
    print("\nStopped the local relay.")
    return EXIT_OK
