"""Where a workspace lives on disk."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

HOME_ENV = "STOREDESK_HOME"
DATABASE_NAME = "workspace.sqlite"


def resolve_data_dir(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """``--data-dir`` if given, else ``STOREDESK_HOME``, else the platform's user data dir.

    The directory is created (mode 0700) when missing.
    """
    environ = os.environ if env is None else env
    raw = cli_value or environ.get(HOME_ENV) or platformdirs.user_data_dir("storedesk")
    path = Path(raw).expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
