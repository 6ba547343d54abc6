"""Store credentials encrypted at rest with AES-256-GCM.

A value is ``b"v1" + key id (4 bytes) + nonce (12 bytes) + ciphertext``; the associated data
binds it to its store id and key id, so a blob copied to another store does not decrypt.

Rotation never loses a secret: the new key is first saved as *pending*, every row is
re-encrypted in one transaction, and only then is the pending key promoted. Rows say which
key encrypted them, so after a crash at any step they stay readable with one of the two
keys, and ``recover()`` (run when a ``StoreRepository`` opens) finishes the rotation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update

from core import redact
from core.keys import ENV_ROTATION_HELP, KEY_BYTES, KeySource, VaultError, resolve_key_source
from core.workspace.models import StoreRow

if TYPE_CHECKING:
    from core.workspace import Workspace

__all__ = ["MasterKey", "Rotation", "Vault", "VaultError"]

log = logging.getLogger(__name__)
FORMAT = b"v1"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
HEADER = len(FORMAT) + KEY_ID_BYTES + NONCE_BYTES


def _no_checkpoint(step: str) -> None:
    """Rotation calls this after each durable step; tests inject a crash here."""


class MasterKey:
    """A 256-bit key, the id its ciphertexts carry, and where it came from."""

    __slots__ = ("_key", "key_id", "source")

    def __init__(self, key: bytes, source: str) -> None:
        if len(key) != KEY_BYTES:
            raise VaultError("A master key must be 32 bytes long.")
        self._key = key
        self.key_id = hashlib.sha256(b"storedesk key id\0" + key).digest()[:KEY_ID_BYTES]
        self.source = source

    @property
    def aead(self) -> AESGCM:
        return AESGCM(self._key)

    def __repr__(self) -> str:
        return f"MasterKey(id={self.key_id.hex()}, source={self.source!r})"


@dataclass(frozen=True, slots=True)
class Rotation:
    """What ``rotate`` did: the key now in use, rows re-encrypted, and any note for the user."""

    key: MasterKey
    rows: int
    note: str | None = None


class Vault:
    def __init__(self, source: KeySource, *, random_key: Callable[[], bytes] | None = None) -> None:
        self._source = source
        self._random_key = random_key or (lambda: os.urandom(KEY_BYTES))
        current = source.load()
        if current is None:
            current = self._random_key()
            source.create(current)
            log.info("Created a new master key in the %s", source.description)
        self.master = MasterKey(current, source.description)
        pending = source.load_pending()
        self.pending = MasterKey(pending, source.description) if pending else None

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        keyring_backend: Any | None = None,
    ) -> Vault:
        return cls(resolve_key_source(data_dir, env, keyring_backend))

    @property
    def source(self) -> str:
        """Where the master key lives, for the one-time notice the console/CLI shows."""
        return self.master.source

    @property
    def _target(self) -> MasterKey:
        return self.pending or self.master

    def encrypt(self, store_id: int, secrets: Mapping[str, str]) -> bytes:
        return self._seal_with(self._target, store_id, secrets)

    def decrypt(self, store_id: int, blob: bytes) -> dict[str, str]:
        key = self._key_for(store_id, blob)
        nonce = blob[len(FORMAT) + KEY_ID_BYTES : HEADER]
        try:
            plain = key.aead.decrypt(nonce, blob[HEADER:], _associated(store_id, key))
        except InvalidTag:
            raise VaultError(
                f"The credentials of store #{store_id} could not be decrypted: they were "
                "altered or belong to another store. Enter them again."
            ) from None
        value: dict[str, str] = json.loads(plain)
        redact.remember(value.values())
        return value

    def key_id_of(self, blob: bytes) -> bytes:
        if len(blob) <= HEADER or not blob.startswith(FORMAT):
            raise VaultError("Stored credentials are in an unknown format; enter them again.")
        return blob[len(FORMAT) : len(FORMAT) + KEY_ID_BYTES]

    def _key_for(self, store_id: int, blob: bytes) -> MasterKey:
        key_id = self.key_id_of(blob)
        for key in (self.master, self.pending):
            if key is not None and key.key_id == key_id:
                return key
        raise VaultError(
            f"The credentials of store #{store_id} were encrypted with a master key this "
            f"computer does not have (key id {key_id.hex()}; using the {self.source}). "
            "Restore that key or enter the store's credentials again."
        )

    def recover(self, workspace: Workspace) -> int:
        """Finish a rotation a crash interrupted; returns the rows re-encrypted."""
        if self.pending is None:
            return 0
        rows = self._reencrypt_all(workspace, self.pending, _no_checkpoint)
        self._promote()
        log.info("Finished an interrupted master key rotation (%d stores)", rows)
        return rows

    def rotate(
        self, workspace: Workspace, *, checkpoint: Callable[[str], None] = _no_checkpoint
    ) -> Rotation:
        """Re-encrypt every store's credentials under a new master key."""
        if not self._source.can_store:
            return self._rotate_external(workspace)
        self.recover(workspace)
        fresh = MasterKey(self._random_key(), self._source.description)
        self._source.save_pending(fresh._key)
        self.pending = fresh
        checkpoint("pending-saved")
        rows = self._reencrypt_all(workspace, fresh, checkpoint)
        checkpoint("reencrypted")
        self._promote()
        checkpoint("promoted")
        log.info("Rotated the master key (%d stores re-encrypted)", rows)
        return Rotation(self.master, rows)

    def _rotate_external(self, workspace: Workspace) -> Rotation:
        if self.pending is None or self.pending.key_id == self.master.key_id:
            raise VaultError(ENV_ROTATION_HELP)
        rows = self._reencrypt_all(workspace, self.pending, _no_checkpoint)
        note = (
            "Every store's credentials now use the key in STOREDESK_MASTER_KEY_NEXT. Move that "
            "value into STOREDESK_MASTER_KEY and remove STOREDESK_MASTER_KEY_NEXT."
        )
        return Rotation(self.pending, rows, note)

    def _promote(self) -> None:
        if self.pending is None or not self._source.can_store:
            return
        self._source.promote()
        self.master, self.pending = self.pending, None

    def _reencrypt_all(
        self, workspace: Workspace, key: MasterKey, checkpoint: Callable[[str], None]
    ) -> int:
        count = 0
        with workspace.engine.begin() as connection:
            query = select(StoreRow.id, StoreRow.secrets).where(StoreRow.secrets.is_not(None))
            for store_id, blob in connection.execute(query).all():
                assert blob is not None
                if self.key_id_of(blob) == key.key_id:
                    continue
                sealed = self._seal_with(key, store_id, self.decrypt(store_id, blob))
                connection.execute(
                    update(StoreRow).where(StoreRow.id == store_id).values(secrets=sealed)
                )
                count += 1
                checkpoint("row-reencrypted")
        return count

    def _seal_with(self, key: MasterKey, store_id: int, secrets: Mapping[str, str]) -> bytes:
        redact.remember(secrets.values())
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(dict(secrets), sort_keys=True).encode()
        return (
            FORMAT + key.key_id + nonce + key.aead.encrypt(nonce, plain, _associated(store_id, key))
        )

    def __repr__(self) -> str:
        return f"Vault(source={self.source!r})"


def _associated(store_id: int, key: MasterKey) -> bytes:
    return b"storedesk:store:%d:" % store_id + FORMAT + key.key_id
