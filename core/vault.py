"""Secrets encrypted at rest with AES-256-GCM: store credentials, widget identity secrets,
the relay pairing key.

A value is ``b"v1" + key id (4 bytes) + nonce (12 bytes) + ciphertext``; the associated data
binds it to its label (``store:<id>``, ``widget:<key>``, ``relay:<id>``) and key id, so a
blob copied to another row does not decrypt.

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
from core.workspace.models import RelayLink, StoreRow, Widget

if TYPE_CHECKING:
    from core.workspace import Workspace

__all__ = [
    "MasterKey",
    "Rotation",
    "Vault",
    "VaultError",
    "relay_label",
    "store_label",
    "widget_label",
]

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
        return self.seal(store_label(store_id), secrets)

    def decrypt(self, store_id: int, blob: bytes) -> dict[str, str]:
        return self.unseal(store_label(store_id), blob)

    def seal(self, label: str, secrets: Mapping[str, str]) -> bytes:
        """Encrypt ``secrets`` bound to ``label`` (``store:<id>``, ``widget:<key>``,
        ``relay:<id>``): a blob sealed for one label does not open under another."""
        return self._seal_with(self._target, label, secrets)

    def unseal(self, label: str, blob: bytes) -> dict[str, str]:
        key = self._key_for(label, blob)
        nonce = blob[len(FORMAT) + KEY_ID_BYTES : HEADER]
        try:
            plain = key.aead.decrypt(nonce, blob[HEADER:], _associated(label, key))
        except InvalidTag:
            raise VaultError(
                f"{_describe(label)} could not be decrypted: the stored value was altered "
                f"or belongs to another {_kind(label)}. {_remedy(label).capitalize()}."
            ) from None
        value: dict[str, str] = json.loads(plain)
        redact.remember(value.values())
        return value

    def key_id_of(self, blob: bytes) -> bytes:
        if len(blob) <= HEADER or not blob.startswith(FORMAT):
            raise VaultError("Stored credentials are in an unknown format; enter them again.")
        return blob[len(FORMAT) : len(FORMAT) + KEY_ID_BYTES]

    def _key_for(self, label: str, blob: bytes) -> MasterKey:
        key_id = self.key_id_of(blob)
        for key in (self.master, self.pending):
            if key is not None and key.key_id == key_id:
                return key
        raise VaultError(
            f"{_describe(label)}: encrypted with a master key this computer does not "
            f"have (key id {key_id.hex()}; using the {self.source}). "
            f"Restore that key or {_remedy(label)}."
        )

    def recover(self, workspace: Workspace) -> int:
        """Finish a rotation a crash interrupted; returns the rows re-encrypted."""
        if self.pending is None:
            return 0
        rows = self._reencrypt_all(workspace, self.pending, _no_checkpoint)
        self._promote()
        log.info("Finished an interrupted master key rotation (%d secrets)", rows)
        return rows

    def rotate(
        self, workspace: Workspace, *, checkpoint: Callable[[str], None] = _no_checkpoint
    ) -> Rotation:
        """Re-encrypt every sealed secret (stores, widgets, relay link) under a new master key."""
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
        log.info("Rotated the master key (%d secrets re-encrypted)", rows)
        return Rotation(self.master, rows)

    def _rotate_external(self, workspace: Workspace) -> Rotation:
        if self.pending is None or self.pending.key_id == self.master.key_id:
            raise VaultError(ENV_ROTATION_HELP)
        rows = self._reencrypt_all(workspace, self.pending, _no_checkpoint)
        note = (
            "Every stored secret now uses the key in STOREDESK_MASTER_KEY_NEXT. Move that "
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
            for table, ident, column, label_of in _SEALED_COLUMNS:
                query = select(ident, column).where(column.is_not(None))
                for row_id, blob in connection.execute(query).all():
                    if self.key_id_of(blob) == key.key_id:
                        continue
                    label = label_of(row_id)
                    sealed = self._seal_with(key, label, self.unseal(label, blob))
                    connection.execute(
                        update(table).where(ident == row_id).values({column.key: sealed})
                    )
                    count += 1
                    checkpoint("row-reencrypted")
        return count

    def _seal_with(self, key: MasterKey, label: str, secrets: Mapping[str, str]) -> bytes:
        redact.remember(secrets.values())
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(dict(secrets), sort_keys=True).encode()
        return FORMAT + key.key_id + nonce + key.aead.encrypt(nonce, plain, _associated(label, key))

    def __repr__(self) -> str:
        return f"Vault(source={self.source!r})"


def store_label(store_id: int) -> str:
    return f"store:{store_id}"


def widget_label(key: str) -> str:
    return f"widget:{key}"


def relay_label(link_id: int) -> str:
    return f"relay:{link_id}"


def _associated(label: str, key: MasterKey) -> bytes:
    # For stores this is byte for byte the original b"storedesk:store:%d:" + FORMAT + key id.
    return b"storedesk:" + label.encode() + b":" + FORMAT + key.key_id


def _kind(label: str) -> str:
    return {"store": "store", "widget": "widget", "relay": "relay link"}.get(
        label.partition(":")[0], "record"
    )


def _describe(label: str) -> str:
    kind, _, name = label.partition(":")
    if kind == "store":
        return f"The credentials of store #{name}"
    if kind == "widget":
        return f"The identity secret of widget {name}"
    if kind == "relay":
        return "The relay pairing key"
    return f"The secrets of {label}"


def _remedy(label: str) -> str:
    kind = label.partition(":")[0]
    if kind == "widget":
        return "recreate the widget"
    if kind == "relay":
        return "pair with the relay again (storedesk relay pair)"
    return "enter the store's credentials again"


_SEALED_COLUMNS: tuple[tuple[Any, Any, Any, Callable[[Any], str]], ...] = (
    (StoreRow, StoreRow.id, StoreRow.secrets, store_label),
    (Widget, Widget.key, Widget.identity_secret, widget_label),
    (RelayLink, RelayLink.id, RelayLink.private_key, relay_label),
)
"""Every vault-sealed column: rotation and crash recovery re-encrypt them all."""
