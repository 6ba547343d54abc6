"""Where a workspace lives on disk."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

HOME_ENV = "STOREDESK_HOME"
DATABASE_NAME = "workspace.sqlite"


class WorkspaceError(ValueError):
    """A workspace operation the merchant asked for cannot be done; the message says why."""


def ensure_dir(path: Path) -> Path:
    """Create the workspace folder (0700) or say in one sentence why it cannot be."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(
            f"Cannot use {path} as the workspace folder ({exc.strerror or exc}). "
            "Choose another with --data-dir or STOREDESK_HOME."
        ) from None
    return path


def resolve_data_dir(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """``--data-dir`` if given, else ``STOREDESK_HOME``, else the platform's user data dir.

    The directory is created (mode 0700) when missing.
    """
    environ = os.environ if env is None else env
    raw = cli_value or environ.get(HOME_ENV) or platformdirs.user_data_dir("storedesk")
    return ensure_dir(Path(raw).expanduser().resolve())
