"""`storedesk-relay`: the relay's command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storedesk-relay",
        description="The Storedesk relay: serves the chat widget and runs the bot.",
    )
    parser.add_argument("--version", action="version", version=f"storedesk-relay {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    build_parser().print_help()
    return 0


def run() -> None:
    sys.exit(main())
