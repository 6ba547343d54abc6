"""The relay this console is paired with. The console's Ed25519 private key is sealed by
the vault (label ``relay:<id>``); a workspace has at most one link."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update

from core.vault import relay_label
from core.workspace.database import Workspace
from core.workspace.models import RelayLink
from core.workspace.paths import WorkspaceError

if TYPE_CHECKING:
    from core.vault import Vault


@dataclass(frozen=True, slots=True)
class RelayLinkEntry:
    id: int
    url: str
    name: str | None
    relay_id: str
    fingerprint: str
    """The console key's fingerprint, as the relay knows it."""
    paired_at: datetime
    last_publish_at: datetime | None = None
    last_pull_at: datetime | None = None


class RelayLinkRepository:
    def __init__(
        self,
        workspace: Workspace,
        vault: Vault,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._workspace = workspace
        self._vault = vault
        self._now = now

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    def current(self) -> RelayLinkEntry | None:
        query = select(RelayLink).order_by(RelayLink.id.desc()).limit(1)
        with self._workspace.session() as session:
            row = session.scalars(query).first()
            return _entry(row) if row is not None else None

    def save(
        self, *, url: str, name: str | None, relay_id: str, fingerprint: str, private_key: bytes
    ) -> RelayLinkEntry:
        """Record a new pairing; it replaces any earlier one (and erases its key)."""
        values = {
            "url": url,
            "name": name,
            "relay_id": relay_id,
            "fingerprint": fingerprint,
            "paired_at": self._now(),
        }
        secret = {"private_key": base64.b64encode(private_key).decode("ascii")}
        with self._workspace.engine.begin() as connection:
            connection.execute(update(RelayLink).values(private_key=None))
            connection.execute(delete(RelayLink))
            key = connection.execute(insert(RelayLink).values(values)).inserted_primary_key
            assert key is not None
            link_id = int(key[0])
            sealed = self._vault.seal(relay_label(link_id), secret)
            connection.execute(
                update(RelayLink).where(RelayLink.id == link_id).values(private_key=sealed)
            )
        entry = self.current()
        assert entry is not None
        return entry

    def private_key(self, link: RelayLinkEntry) -> bytes:
        with self._workspace.engine.connect() as connection:
            blob = connection.scalar(select(RelayLink.private_key).where(RelayLink.id == link.id))
        if blob is None:
            raise WorkspaceError(
                "The relay pairing key is missing; pair again with `storedesk relay pair`."
            )
        return base64.b64decode(self._vault.unseal(relay_label(link.id), blob)["private_key"])

    def touch_publish(self, link: RelayLinkEntry) -> None:
        self._touch(link, last_publish_at=self._now())

    def touch_pull(self, link: RelayLinkEntry) -> None:
        self._touch(link, last_pull_at=self._now())

    def _touch(self, link: RelayLinkEntry, **values: datetime) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(update(RelayLink).where(RelayLink.id == link.id).values(values))


def _entry(row: RelayLink) -> RelayLinkEntry:
    return RelayLinkEntry(
        id=row.id,
        url=row.url,
        name=row.name,
        relay_id=row.relay_id,
        fingerprint=row.fingerprint,
        paired_at=row.paired_at,
        last_publish_at=row.last_publish_at,
        last_pull_at=row.last_pull_at,
    )
