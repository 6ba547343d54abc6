"""The vault: AES-GCM store credentials, master key sources, crash-safe rotation, no leaks."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from core.keys import ENV_KEY, ENV_KEY_NEXT, VaultError
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.stores import StoreRepository

SECRETS = {
    "Shop A": {"token": "shpat_0123456789abcdef"},
    "Shop B": {"consumer_key": "ck_secret_key_value", "consumer_secret": "cs_other_secret"},
}
FILE_ENV = {"STOREDESK_KEYRING": "off"}  # no keyring, no env key: the key file


class MemoryKeyring:
    """A secure-looking keyring in memory (not a KeyringBackend subclass: those register
    themselves globally and would become the process's default keyring)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


class Crash(Exception):
    pass


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def workspace(data_dir: Path) -> Iterator[Workspace]:
    ws = Workspace.open(data_dir)
    yield ws
    ws.close()


def fill(workspace: Workspace, vault: Vault) -> StoreRepository:
    repo = StoreRepository(workspace, vault)
    for name, secrets in SECRETS.items():
        repo.add(name, "shopify", {}, secrets)
    return repo


def readable(workspace: Workspace, vault: Vault) -> dict[str, dict[str, str]]:
    repo = StoreRepository(workspace, vault)  # finishes an interrupted rotation
    return {entry.name: repo.secrets(entry) for entry in repo.list()}


def test_secrets_round_trip_and_are_bound_to_their_store(data_dir: Path) -> None:
    vault = Vault.open(data_dir)
    blob = vault.encrypt(1, {"token": "abc"})
    assert blob.startswith(b"v1") and b"abc" not in blob
    assert vault.decrypt(1, blob) == {"token": "abc"}
    assert vault.encrypt(1, {"token": "abc"}) != blob  # a fresh nonce every time
    with pytest.raises(VaultError, match="store #2"):
        vault.decrypt(2, blob)
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(VaultError):
        vault.decrypt(1, tampered)


def test_secure_keyring_is_preferred_and_holds_the_key(data_dir: Path) -> None:
    backend = MemoryKeyring()
    vault = Vault.open(
        data_dir, env={ENV_KEY: base64.b64encode(b"e" * 32).decode()}, keyring_backend=backend
    )
    assert vault.source == "OS keyring"
    assert ("storedesk", "master-key") in backend.values
    again = Vault.open(data_dir, env={}, keyring_backend=backend)
    assert again.decrypt(5, vault.encrypt(5, {"a": "b"})) == {"a": "b"}


@pytest.mark.parametrize(
    "env, backend",
    [({"STOREDESK_KEYRING": "off"}, MemoryKeyring()), ({}, fail.Keyring())],
    ids=["keyring-switched-off", "fail-backend"],
)
def test_insecure_or_disabled_keyring_falls_back(
    data_dir: Path, env: dict[str, str], backend: Any
) -> None:
    vault = Vault.open(
        data_dir,
        env={**env, ENV_KEY: base64.b64encode(b"e" * 32).decode()},
        keyring_backend=backend,
    )
    assert vault.source == ENV_KEY
    assert not getattr(backend, "values", {})


def test_bad_env_key_names_the_variable_but_not_the_value(data_dir: Path) -> None:
    with pytest.raises(VaultError) as caught:
        Vault.open(data_dir, env={**FILE_ENV, ENV_KEY: "not-a-real-key-123"})
    assert ENV_KEY in str(caught.value) and "not-a-real-key-123" not in str(caught.value)


def test_key_file_is_created_private_and_refused_when_readable_by_others(data_dir: Path) -> None:
    data_dir.mkdir()
    vault = Vault.open(data_dir, env=FILE_ENV)
    key_file = data_dir / "master.key"
    assert vault.source == f"key file {key_file}"
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert Vault.open(data_dir, env=FILE_ENV).master.key_id == vault.master.key_id
    key_file.chmod(0o644)
    with pytest.raises(VaultError, match="chmod 600"):
        Vault.open(data_dir, env=FILE_ENV)


def test_rotation_reencrypts_every_secret_under_a_new_key(
    workspace: Workspace, data_dir: Path
) -> None:
    vault = Vault.open(data_dir, env=FILE_ENV)
    fill(workspace, vault)
    old = vault.master.key_id
    rotation = vault.rotate(workspace)
    assert rotation.rows == 2 and rotation.key.key_id != old
    reopened = Vault.open(data_dir, env=FILE_ENV)
    assert reopened.master.key_id == rotation.key.key_id
    assert readable(workspace, reopened) == SECRETS
    assert not (data_dir / "master.key.next").exists()


@pytest.mark.parametrize("step", ["pending-saved", "row-reencrypted", "reencrypted", "promoted"])
@pytest.mark.parametrize("where", ["file", "keyring"])
def test_interrupted_rotation_loses_nothing(
    workspace: Workspace, data_dir: Path, step: str, where: str
) -> None:
    backend = MemoryKeyring()
    env = FILE_ENV if where == "file" else {}

    def open_vault() -> Vault:
        return Vault.open(data_dir, env=env, keyring_backend=backend)

    fill(workspace, open_vault())

    def crash_at(reached: str) -> None:
        if reached == step:
            raise Crash(step)

    with pytest.raises(Crash):
        open_vault().rotate(workspace, checkpoint=crash_at)

    assert readable(workspace, open_vault()) == SECRETS  # the restart finishes the job
    second = open_vault()
    second.rotate(workspace)
    assert readable(workspace, open_vault()) == SECRETS
    assert open_vault().pending is None


def test_keyring_crash_between_promote_and_cleanup(workspace: Workspace, data_dir: Path) -> None:
    backend = MemoryKeyring()
    vault = Vault.open(data_dir, env={}, keyring_backend=backend)
    fill(workspace, vault)
    vault.rotate(workspace)
    current = backend.values[("storedesk", "master-key")]
    backend.values[("storedesk", "master-key-next")] = current  # delete never happened
    assert readable(workspace, Vault.open(data_dir, env={}, keyring_backend=backend)) == SECRETS
    assert ("storedesk", "master-key-next") not in backend.values


def test_env_key_rotation_needs_the_next_key_in_the_environment(
    workspace: Workspace, data_dir: Path
) -> None:
    old_key = base64.b64encode(os.urandom(32)).decode()
    new_key = base64.b64encode(os.urandom(32)).decode()
    fill(workspace, Vault.open(data_dir, env={**FILE_ENV, ENV_KEY: old_key}))

    with pytest.raises(VaultError, match=ENV_KEY_NEXT):
        Vault.open(data_dir, env={**FILE_ENV, ENV_KEY: old_key}).rotate(workspace)

    rotation = Vault.open(
        data_dir, env={**FILE_ENV, ENV_KEY: old_key, ENV_KEY_NEXT: new_key}
    ).rotate(workspace)
    assert rotation.rows == 2 and rotation.note and ENV_KEY_NEXT in rotation.note
    assert readable(workspace, Vault.open(data_dir, env={**FILE_ENV, ENV_KEY: new_key})) == SECRETS


async def test_secrets_never_reach_logs_reprs_or_errors(
    workspace: Workspace, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from connectors.sync import SyncEngine
    from tests.connectors.fake_store import FakeConnector, customer, order

    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    vault = Vault.open(data_dir, env=FILE_ENV)
    repo = fill(workspace, vault)
    entry = repo.get("Shop B")
    assert entry is not None
    texts += [repr(entry), str(entry), repr(vault), repr(vault.master), repr(repo.list())]
    texts.append(repr(repo.secrets(entry).keys()))
    vault.rotate(workspace)
    connector = FakeConnector([customer(1)], [order(1), order(2, currency=None)])
    result = await SyncEngine(workspace, entry, connector).run()
    texts += [repr(result), repr(repo.sync_runs(entry))]
    with pytest.raises(VaultError) as caught:
        vault.decrypt(999, vault.encrypt(1, SECRETS["Shop A"]))
    texts += [str(caught.value), repr(caught.value)]
    assert repo.remove("Shop A")

    everything = "\n".join([caplog.text, *texts])
    assert "Rotated the master key" in caplog.text  # logging did capture our modules
    for secrets in SECRETS.values():
        for value in secrets.values():
            assert value not in everything
    assert base64.b64encode(vault.master._key).decode() not in everything
