"""Where the vault's master key lives: the OS keyring, an environment variable, or a key file.

Resolved in that order. The keyring is used only when a secure backend exists (not the
``fail``/``null`` backends, not a plaintext file) and ``STOREDESK_KEYRING`` is not ``off``.
Every source can also hold a *pending* key: the next key during a rotation.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

KEY_BYTES = 32
KEYRING_SERVICE = "storedesk"
KEYRING_CURRENT = "master-key"
KEYRING_PENDING = "master-key-next"
ENV_KEY = "STOREDESK_MASTER_KEY"
ENV_KEY_NEXT = "STOREDESK_MASTER_KEY_NEXT"
ENV_KEYRING = "STOREDESK_KEYRING"
KEY_FILE = "master.key"
NEW_KEY_COMMAND = 'python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'

ENV_ROTATION_HELP = (
    f"Storedesk cannot change the {ENV_KEY} environment variable. To rotate, set "
    f"{ENV_KEY_NEXT} to a new key ({NEW_KEY_COMMAND}) and rotate again; then move "
    f"that value into {ENV_KEY} and remove {ENV_KEY_NEXT}."
)


class VaultError(Exception):
    """The vault cannot do what was asked; the message says why and what to do."""


class KeySource(Protocol):
    description: str
    can_store: bool
    """Whether Storedesk can write keys here (false for the environment)."""

    def load(self) -> bytes | None: ...

    def load_pending(self) -> bytes | None: ...

    def create(self, key: bytes) -> None: ...

    def save_pending(self, key: bytes) -> None: ...

    def promote(self) -> None:
        """Make the pending key the current one and forget the old current key."""
        ...


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def decode_key(text: str, where: str) -> bytes:
    """A 32-byte key from standard base64; the error names ``where``, never the value."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise VaultError(
            f"{where} is not a valid master key: it must be 32 random bytes in standard "
            f"base64 (44 characters). Generate one with: {NEW_KEY_COMMAND}"
        )
    return key


class KeyringSource:
    """The OS keyring (macOS Keychain, Windows Credential Locker, Secret Service)."""

    can_store = True

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.description = "OS keyring"

    def load(self) -> bytes | None:
        return self._get(KEYRING_CURRENT)

    def load_pending(self) -> bytes | None:
        return self._get(KEYRING_PENDING)

    def create(self, key: bytes) -> None:
        self._backend.set_password(KEYRING_SERVICE, KEYRING_CURRENT, encode_key(key))

    def save_pending(self, key: bytes) -> None:
        self._backend.set_password(KEYRING_SERVICE, KEYRING_PENDING, encode_key(key))

    def promote(self) -> None:
        pending = self.load_pending()
        if pending is None:
            return
        self.create(pending)
        self._backend.delete_password(KEYRING_SERVICE, KEYRING_PENDING)

    def _get(self, name: str) -> bytes | None:
        text = self._backend.get_password(KEYRING_SERVICE, name)
        if text is None:
            return None
        return decode_key(text, f"The keyring entry {KEYRING_SERVICE}/{name}")


class EnvSource:
    """``STOREDESK_MASTER_KEY`` (and, during a rotation, ``STOREDESK_MASTER_KEY_NEXT``)."""

    can_store = False
    description = ENV_KEY

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def load(self) -> bytes | None:
        return decode_key(self._env[ENV_KEY], ENV_KEY)

    def load_pending(self) -> bytes | None:
        text = self._env.get(ENV_KEY_NEXT)
        return decode_key(text, ENV_KEY_NEXT) if text else None

    def create(self, key: bytes) -> None:
        raise VaultError(f"{ENV_KEY} is not set.")  # unreachable: the source needs the variable

    def save_pending(self, key: bytes) -> None:
        raise VaultError(ENV_ROTATION_HELP)

    def promote(self) -> None:
        """Nothing to do: the merchant moves the value between the variables."""


class FileSource:
    """A ``master.key`` file in the data dir, readable by its owner only (mode 0600)."""

    can_store = True

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / KEY_FILE
        self.pending_path = data_dir / (KEY_FILE + ".next")
        self.description = f"key file {self.path}"

    def load(self) -> bytes | None:
        return _read_key_file(self.path)

    def load_pending(self) -> bytes | None:
        return _read_key_file(self.pending_path)

    def create(self, key: bytes) -> None:
        _write_key_file(self.path, key)

    def save_pending(self, key: bytes) -> None:
        _write_key_file(self.pending_path, key)

    def promote(self) -> None:
        if self.pending_path.exists():
            os.replace(self.pending_path, self.path)  # atomic: old or new, never neither


def read_private_text(
    path: Path, *, label: str, reader: str, error: Callable[[str], Exception]
) -> str | None:
    """The text of a key file only its owner may read; ``None`` when there is none.
    ``label`` names the file ("key file"), ``reader`` who refuses a readable one."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return None
    if os.name != "nt" and mode & 0o077:
        raise error(
            f"The {label} {path} can be read by other users (mode {mode:04o}); {reader} "
            f"refuses to use it. Run: chmod 600 {path}"
        )
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not a key"
        raise error(
            f"The {label} {path} cannot be read ({reason}). Restore it from your backup; "
            "without it the stored credentials cannot be decrypted."
        ) from None


def _read_key_file(path: Path) -> bytes | None:
    text = read_private_text(path, label="key file", reader="Storedesk", error=VaultError)
    return None if text is None else decode_key(text, f"The key file {path}")


def _write_key_file(path: Path, key: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(encode_key(key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def resolve_key_source(
    data_dir: Path, env: Mapping[str, str] | None = None, keyring_backend: Any | None = None
) -> KeySource:
    """Keyring if secure and enabled, else ``STOREDESK_MASTER_KEY``, else the key file."""
    environ = os.environ if env is None else env
    if environ.get(ENV_KEYRING, "").strip().lower() not in ("off", "0", "false", "no"):
        backend = keyring_backend if keyring_backend is not None else _default_backend()
        if backend is not None and is_secure_backend(backend):
            return KeyringSource(backend)
    if environ.get(ENV_KEY):
        return EnvSource(environ)
    return FileSource(data_dir)


def _default_backend() -> Any | None:
    try:
        import keyring
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    return keyring.get_keyring()


def is_secure_backend(backend: Any) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(is_secure_backend(inner) for inner in backend.backends)
    kind = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    return "plaintext" not in kind and "uncrypted" not in kind
