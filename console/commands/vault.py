"""`storedesk vault rotate`: re-encrypt every stored secret under a new master key."""

from __future__ import annotations

import argparse
from typing import Any

from console.plural import plural
from console.runtime import EXIT_OK, open_session


def register(commands: Any) -> None:
    vault = commands.add_parser("vault", help="the encrypted credentials and keys")
    sub = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)
    rotate = sub.add_parser("rotate", help="re-encrypt every secret under a new master key")
    rotate.set_defaults(handler=cmd_rotate)


def cmd_rotate(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        rotation = session.vault.rotate(session.workspace)
    print(
        f"Rotated the master key ({rotation.key.source}); "
        f"{plural(rotation.rows, 'secret')} re-encrypted."
    )
    if rotation.note:
        print(rotation.note)
    return EXIT_OK
