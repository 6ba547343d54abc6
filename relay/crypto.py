"""The relay key and the sealed values it protects (store credentials, identity secrets).

A sealed value is ``b"\\x01" + nonce (12 random bytes) + AES-256-GCM ciphertext``; the
associated data (``b"store:" + id``, ``b"widget:" + key``) binds it to its row, so a blob
copied to another row does not open.

The key comes from ``STOREDESK_RELAY_KEY`` (32 bytes, standard base64) or from the file
``relay.key`` in the data folder, created with mode 0600 the first time the relay starts.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.keys import read_private_text

__all__ = [
    "ENV_RELAY_KEY",
    "KEY_FILE",
    "CryptoError",
    "load_relay_key",
    "open_sealed",
    "seal",
]

ENV_RELAY_KEY = "STOREDESK_RELAY_KEY"
KEY_FILE = "relay.key"
KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT = b"\x01"
NEW_KEY_COMMAND = 'python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'


class CryptoError(Exception):
    """The relay key or a sealed value cannot be used; the message says why, in a sentence."""


def load_relay_key(
    data_dir: Path,
    env: Mapping[str, str],
    *,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> bytes:
    """The relay key: ``STOREDESK_RELAY_KEY`` if set, else ``<data_dir>/relay.key``
    (created with mode 0600 on first use)."""
    text = env.get(ENV_RELAY_KEY, "").strip()
    if text:
        return _decode(text, f"{ENV_RELAY_KEY}")
    path = Path(data_dir) / KEY_FILE
    key = _read_key_file(path)
    if key is None:
        _create_key_file(path, random_bytes(KEY_BYTES))
        key = _read_key_file(path)
    assert key is not None
    return key


def seal(
    key: bytes, ad: bytes, plaintext: bytes, *, random_bytes: Callable[[int], bytes] = os.urandom
) -> bytes:
    nonce = random_bytes(NONCE_BYTES)
    return FORMAT + nonce + _aead(key).encrypt(nonce, plaintext, ad)


def open_sealed(key: bytes, ad: bytes, blob: bytes) -> bytes:
    if len(blob) < len(FORMAT) + NONCE_BYTES + 16 or not blob.startswith(FORMAT):
        raise CryptoError("The stored value is not in a format this relay understands.")
    nonce = blob[len(FORMAT) : len(FORMAT) + NONCE_BYTES]
    try:
        return _aead(key).decrypt(nonce, blob[len(FORMAT) + NONCE_BYTES :], ad)
    except InvalidTag:
        raise CryptoError(
            "The stored value could not be decrypted: the relay key is not the one it was "
            "sealed with, or the value was altered."
        ) from None


def _aead(key: bytes) -> AESGCM:
    if len(key) != KEY_BYTES:
        raise CryptoError("The relay key must be 32 bytes long.")
    return AESGCM(key)


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise CryptoError(
            f"{where} is not a valid relay key: it must be 32 random bytes in standard base64 "
            f"(44 characters). Generate one with: {NEW_KEY_COMMAND}"
        )
    return key


def _read_key_file(path: Path) -> bytes | None:
    text = read_private_text(path, label="relay key file", reader="the relay", error=CryptoError)
    return None if text is None else _decode(text.strip(), f"The relay key file {path}")


def _create_key_file(path: Path, key: bytes) -> None:
    """Write the key to a private temporary file, then link it into place: two relays
    starting at once end up with the same key, never a half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CryptoError(
            f"The relay key file cannot be created in {path.parent} ({exc.strerror})."
        ) from None
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(key).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
