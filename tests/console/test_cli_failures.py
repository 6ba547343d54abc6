"""What the CLI says when things under it fail: one sentence, no traceback, nothing leaked."""

from __future__ import annotations

import sqlite3

import pytest

from connectors.sync import StreamCounts, SyncIssue, SyncResult
from console.commands.sync import summarise
from tests.console.conftest import Cli


def test_a_password_in_a_store_address_is_refused_and_never_echoed(cli: Cli) -> None:
    code, out, err = cli(
        "store", "add", "woocommerce", "--name", "w",
        "--url", "http://admin:hunter2pw@127.0.0.1:9", "--key", "ck_x", "--secret", "cs_x",
    )  # fmt: skip
    assert code == 2
    assert "must not contain a user name or password" in err
    assert "hunter2pw" not in out + err


def test_a_busy_workspace_is_a_sentence(cli: Cli) -> None:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    blocker = sqlite3.connect(cli.data_dir / "workspace.sqlite", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = cli("store", "remove", "demo")
    finally:
        blocker.rollback()
        blocker.close()
    assert code == 1
    assert "the workspace is busy" in err
    assert "Traceback" not in err


def test_a_damaged_key_file_says_what_to_do(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOREDESK_MASTER_KEY")
    assert cli("store", "list")[0] == 0
    key_file = cli.data_dir / "master.key"
    key_file.write_bytes("clé abîmée\n".encode())
    code, _, err = cli("store", "list")
    assert code == 1
    assert f"The key file {key_file} cannot be read" in err
    assert "Restore it from your backup" in err


def test_the_sync_summary_names_skipped_records_plainly() -> None:
    counts = {"orders": StreamCounts(created=3, failed=12)}
    issues = tuple(SyncIssue("orders", str(n), "the total is not a number") for n in range(10))
    result = SyncResult(counts, issues, cancelled=False, duration=1.0, run_id=1)
    text = summarise("shop", result)
    assert "  skipped orders record 0: the total is not a number" in text
    assert "SyncIssue(" not in text
    assert "… and 2 more skipped" in text
