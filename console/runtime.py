"""What every CLI command shares: exit codes, error sentences, the workspace and connectors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from connectors.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    IntegrationError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)
from core.keys import VaultError
from core.serialize import to_jsonable
from core.workspace.paths import WorkspaceError

if TYPE_CHECKING:
    from console.session import CliSession

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_AUTH = 4
EXIT_UNAVAILABLE = 5
EXIT_INTERRUPTED = 130  # Ctrl-C: what was done is kept


class CliError(Exception):
    """A failure already phrased for the person at the terminal."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


_EXIT_BY_ERROR: tuple[tuple[type[IntegrationError], int], ...] = (
    (AuthError, EXIT_AUTH),
    (NotFoundError, EXIT_NOT_FOUND),
    (ConfigError, EXIT_USAGE),
    (RateLimitedError, EXIT_UNAVAILABLE),
    (UnavailableError, EXIT_UNAVAILABLE),
    (BadResponseError, EXIT_UNAVAILABLE),
)


def exit_code_for(err: Exception) -> tuple[int, str]:
    """The exit code and the sentence for any error that reached the top."""
    if isinstance(err, IntegrationError):
        for kind, code in _EXIT_BY_ERROR:
            if isinstance(err, kind):
                return code, str(err)
        return EXIT_UNAVAILABLE, str(err)
    if isinstance(err, (VaultError, WorkspaceError)):
        return EXIT_ERROR, str(err)
    database = _database_sentence(err)
    if database is not None:
        return EXIT_ERROR, database
    name = type(err).__name__
    return EXIT_ERROR, f"unexpected {name}; run again with --verbose for details."


def _database_sentence(err: Exception) -> str | None:
    """The workspace database failed underneath a command (checked by name: SQLAlchemy is
    not loaded for commands that never open the workspace)."""
    kind = type(err)
    if kind.__name__ != "OperationalError" or not kind.__module__.startswith("sqlalchemy"):
        return None
    reason = str(getattr(err, "orig", "") or "")
    if "locked" in reason or "busy" in reason:
        return (
            "the workspace is busy: another Storedesk command or the console is writing to "
            "it. Try again in a moment."
        )
    return (
        f"the workspace database could not be used ({reason or 'no reason given'}). Check "
        "that its folder is writable and the disk is not full."
    )


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(text: str) -> None:
    print(f"storedesk: {text}", file=sys.stderr)


def data_dir_arg(args: argparse.Namespace) -> str | None:
    value = getattr(args, "data_dir", None)
    return str(value) if value else None


def open_session(args: argparse.Namespace) -> CliSession:
    """The command's workspace, vault and connectors; imported only when a command runs,
    so ``storedesk --help`` stays quick."""
    from console.session import CliSession

    return CliSession(args)
