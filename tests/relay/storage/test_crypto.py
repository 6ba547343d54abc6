"""The relay key (environment or 0600 file) and the sealed values it protects."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from relay.crypto import CryptoError, load_relay_key, open_sealed, seal

KEY = bytes(range(32))


def test_the_key_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    env = {"STOREDESK_RELAY_KEY": base64.b64encode(KEY).decode()}
    assert load_relay_key(tmp_path, env) == KEY
    assert not (tmp_path / "relay.key").exists()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_environment_key_is_refused_with_a_way_forward(tmp_path: Path, value: str) -> None:
    with pytest.raises(CryptoError, match="STOREDESK_RELAY_KEY is not a valid relay key") as caught:
        load_relay_key(tmp_path, {"STOREDESK_RELAY_KEY": value})
    assert "base64.b64encode(os.urandom(32))" in str(caught.value)
    assert value not in str(caught.value)


def test_a_key_file_is_created_private_once_and_then_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "relay"
    first = load_relay_key(data_dir, {})
    path = data_dir / "relay.key"
    assert len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_relay_key(data_dir, {}) == first
    assert list(data_dir.iterdir()) == [path]  # no temporary file left behind


def test_a_key_file_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    load_relay_key(tmp_path, {})
    path = tmp_path / "relay.key"
    os.chmod(path, 0o644)
    with pytest.raises(CryptoError, match=f"Run: chmod 600 {path}"):
        load_relay_key(tmp_path, {})


def test_a_damaged_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "relay.key"
    path.write_text("garbage\n")
    os.chmod(path, 0o600)
    with pytest.raises(CryptoError, match="is not a valid relay key"):
        load_relay_key(tmp_path, {})


def test_sealed_values_open_only_with_the_same_key_and_associated_data() -> None:
    blob = seal(KEY, b"store:shop", b'{"token": "shpat_1"}')
    assert b"shpat_1" not in blob
    assert seal(KEY, b"store:shop", b"x") != seal(KEY, b"store:shop", b"x")  # fresh nonces
    assert open_sealed(KEY, b"store:shop", blob) == b'{"token": "shpat_1"}'
    with pytest.raises(CryptoError, match="could not be decrypted"):
        open_sealed(KEY, b"store:other", blob)
    with pytest.raises(CryptoError, match="could not be decrypted"):
        open_sealed(bytes(32), b"store:shop", blob)
    with pytest.raises(CryptoError, match="format"):
        open_sealed(KEY, b"store:shop", b"\x02" + blob[1:])
