"""`storedesk`: the console window; with a sub-command, the same console headless.

Exit codes: 0 ok, 2 usage, 3 not found, 4 authentication failed, 5 store unavailable.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from core import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

log = logging.getLogger("storedesk")


def build_parser() -> argparse.ArgumentParser:
    from console.commands import (
        alerts,
        client,
        demo,
        kb,
        leads,
        privacy,
        relay,
        spam,
        store,
        sync,
        team,
        vault,
        widget,
    )

    parser = argparse.ArgumentParser(
        prog="storedesk",
        description="Storedesk: support chat that knows your store.",
    )
    parser.add_argument("--version", action="version", version=f"storedesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="workspace folder (default: $STOREDESK_HOME, else your user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    store.register(commands)
    sync.register(commands)
    vault.register(commands)
    widget.register(commands)
    spam.register(commands)
    kb.register(commands)
    relay.register(commands)
    team.register(commands)
    leads.register(commands)
    privacy.register(commands)
    client.register(commands)
    demo.register(commands)
    alerts.register(commands)
    return parser


def _window_only(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when no command is asked for (`storedesk [--data-dir DIR] [-v]`): the
    window opens without loading every command first."""
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--data-dir")
    quick.add_argument("-v", "--verbose", action="store_true")
    known, rest = quick.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    return None if rest else known


def main(argv: Sequence[str] | None = None) -> int:
    quick = _window_only(argv)
    if quick is not None:
        return _guarded(quick, lambda: open_console(quick))
    args = build_parser().parse_args(argv)
    return _guarded(args, lambda: int(args.handler(args)))


def _configure_logging(verbose: bool) -> None:
    from core import redact

    redact.install()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for chatty in ("alembic", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _guarded(args: argparse.Namespace, work: Callable[[], int]) -> int:
    """Run the command; every failure is one sentence on stderr and an exit code."""
    _configure_logging(args.verbose)
    try:
        return work()
    except BrokenPipeError:  # `storedesk … | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("storedesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # the last line of defence: a sentence, never a traceback
        from console.runtime import CliError, exit_code_for

        if isinstance(err, CliError):
            print(f"storedesk: {err}", file=sys.stderr)
            return err.exit_code
        code, text = exit_code_for(err)
        if args.verbose:
            log.exception("details")
        print(f"storedesk: {text}", file=sys.stderr)
        return code


def open_console(args: argparse.Namespace) -> int:
    """`storedesk` alone opens the console window (Qt is imported only here)."""
    from console.display import window_unavailable_reason

    reason = window_unavailable_reason()
    if reason is not None:
        print(
            f"storedesk: {reason}, so the console window cannot open; every command works "
            "without one (storedesk --help lists them).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from console.app import run_console

    return run_console(args.data_dir)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
