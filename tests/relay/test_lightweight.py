"""The relay's process loads only what it uses: not SQLAlchemy's ORM (about 6 MB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_a_serving_relay_does_not_import_the_orm() -> None:
    loaded = _run(
        "import json, sys; import relay.app, relay.cli; from relay.storage import RelayStore; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('sqlalchemy.orm', "
        "'core.workspace.database', 'sqlalchemy.ext.asyncio.session')))))"
    )
    assert loaded == []


def test_the_full_asyncio_package_is_still_there_for_other_code() -> None:
    names = _run(
        "import json; import relay.app; import sqlalchemy.ext.asyncio as a; "
        "from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine; "
        "print(json.dumps([AsyncSession.__name__, AsyncConnection.__module__, "
        "a.AsyncEngine.__name__]))"
    )
    assert names == ["AsyncSession", "sqlalchemy.ext.asyncio.engine", "AsyncEngine"]
