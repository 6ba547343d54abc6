"""Vault labels: stores, widget identity secrets and the relay pairing key share the master
key, are bound to their own label, and all survive rotation and an interrupted rotation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.keys import VaultError
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.models import RelayLink, StoreRow, Widget
from core.workspace.relay_link import RelayLinkRepository
from core.workspace.stores import StoreRepository
from core.workspace.widgets import WidgetRepository

FILE_ENV = {"STOREDESK_KEYRING": "off"}
RELAY_KEY = bytes(range(32))


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


def open_vault(data_dir: Path) -> Vault:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Vault.open(data_dir, env=FILE_ENV)


def test_store_blobs_made_before_labels_existed_still_open(data_dir: Path) -> None:
    vault = open_vault(data_dir)
    nonce = os.urandom(12)
    associated = b"storedesk:store:%d:" % 7 + b"v1" + vault.master.key_id
    cipher = vault.master.aead.encrypt(nonce, b'{"token": "shpat_old"}', associated)
    blob = b"v1" + vault.master.key_id + nonce + cipher
    assert vault.decrypt(7, blob) == {"token": "shpat_old"}
    assert vault.unseal("store:7", blob) == {"token": "shpat_old"}
    assert vault.decrypt(7, vault.seal("store:7", {"a": "b"})) == {"a": "b"}


def test_a_blob_opens_only_under_its_own_label(data_dir: Path) -> None:
    vault = open_vault(data_dir)
    blob = vault.seal("widget:wk_one", {"identity_secret": "abc123abc"})
    assert vault.unseal("widget:wk_one", blob) == {"identity_secret": "abc123abc"}
    with pytest.raises(VaultError, match="widget wk_two") as caught:
        vault.unseal("widget:wk_two", blob)
    assert "abc123abc" not in str(caught.value)
    with pytest.raises(VaultError, match="relay pairing key"):
        vault.unseal("relay:1", blob)
    with pytest.raises(VaultError, match="store #1"):
        vault.decrypt(1, blob)


def fill(workspace: Workspace, vault: Vault) -> tuple[str, str]:
    StoreRepository(workspace, vault).add("Shop", "shopify", {}, {"token": "shpat_abcdef"})
    widgets = WidgetRepository(workspace, vault)
    first = widgets.create("One", store="Shop")
    widgets.create("Two", store=None)
    RelayLinkRepository(workspace, vault).save(
        url="https://relay.example", name="pc", relay_id="r", fingerprint="f", private_key=RELAY_KEY
    )
    return first.key, widgets.identity_secret(first).decode()


def everything(workspace: Workspace, vault: Vault) -> dict[str, object]:
    stores = StoreRepository(workspace, vault)  # finishes an interrupted rotation
    widgets = WidgetRepository(workspace, vault)
    links = RelayLinkRepository(workspace, vault)
    link = links.current()
    assert link is not None
    return {
        "stores": {e.name: stores.secrets(e) for e in stores.list()},
        "widgets": {w.key: widgets.identity_secret(w) for w in widgets.list()},
        "relay": links.private_key(link),
    }


def key_ids(workspace: Workspace, vault: Vault) -> set[bytes]:
    with workspace.engine.connect() as connection:
        blobs = [
            *connection.scalars(select(StoreRow.secrets)),
            *connection.scalars(select(Widget.identity_secret)),
            *connection.scalars(select(RelayLink.private_key)),
        ]
    assert len(blobs) == 4
    return {vault.key_id_of(blob) for blob in blobs if blob is not None}


def test_rotation_reencrypts_widget_secrets_and_the_relay_key(
    workspace: Workspace, data_dir: Path
) -> None:
    vault = open_vault(data_dir)
    fill(workspace, vault)
    before = everything(workspace, vault)
    rotation = vault.rotate(workspace)
    assert rotation.rows == 4
    reopened = open_vault(data_dir)
    assert everything(workspace, reopened) == before
    assert key_ids(workspace, reopened) == {rotation.key.key_id}


@pytest.mark.parametrize("step", ["pending-saved", "row-reencrypted", "reencrypted", "promoted"])
def test_interrupted_rotation_loses_no_widget_or_relay_secret(
    workspace: Workspace, data_dir: Path, step: str
) -> None:
    fill(workspace, open_vault(data_dir))
    before = everything(workspace, open_vault(data_dir))
    crashes = {"count": 0}

    def crash_at(reached: str) -> None:
        if reached == step:
            crashes["count"] += 1
            if step != "row-reencrypted" or crashes["count"] == 3:  # mid-way: a widget row
                raise Crash(step)

    with pytest.raises(Crash):
        open_vault(data_dir).rotate(workspace, checkpoint=crash_at)
    after = open_vault(data_dir)
    assert everything(workspace, after) == before  # the restart finishes the job
    assert after.pending is None or not (data_dir / "master.key.next").exists()
    final = open_vault(data_dir)
    assert key_ids(workspace, final) == {final.master.key_id}
