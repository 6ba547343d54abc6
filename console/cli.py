"""`storedesk` with a sub-command: the console, headless.

Exit codes: 0 ok, 2 usage, 3 not found, 4 authentication failed, 5 store unavailable.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from console.commands import demo, kb, relay, store, sync, vault, widget
from console.runtime import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError, exit_code_for
from core import __version__, redact

log = logging.getLogger("storedesk")


def build_parser() -> argparse.ArgumentParser:
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
    kb.register(commands)
    relay.register(commands)
    demo.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    redact.install()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for chatty in ("alembic", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except CliError as err:
        print(f"storedesk: {err}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # `storedesk … | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("storedesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # the last line of defence: a sentence, never a traceback
        code, text = exit_code_for(err)
        if args.verbose:
            log.exception("details")
        print(f"storedesk: {text}", file=sys.stderr)
        return code


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
