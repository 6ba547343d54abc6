"""The plugin's code: its PHPUnit tests on a real WordPress, the coding-standard checks, the
translation template, the signature the relay checks, and the zip WordPress installs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.bot.identity import SignedIdentity, check_identity, sign_identity
from tests.plugin.wordpress import PLUGIN, ROOT, WordPress

BUILD = PLUGIN / "tools" / "build.py"


def run(*command: str, cwd: Path = PLUGIN, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        env=os.environ | env,
    )  # fmt: skip


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed; `make wordpress` installs it (apt-get).")


def test_phpunit_on_the_real_wordpress(wordpress: WordPress) -> None:
    need("phpunit")
    done = run(
        "phpunit", "--configuration", "phpunit.xml.dist", STOREDESK_WP_ROOT=str(wordpress.root)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"OK \(\d+ tests", done.stdout), done.stdout
    assert wordpress.warnings() == []


def test_the_php_signature_is_the_one_the_relay_checks(wordpress: WordPress) -> None:
    secret, ts = "s3cret-s3cret-s3cret", 1767225600
    for name, signed_name in (("", None), (" Alice Martin ", "Alice Martin")):
        out = wordpress.wp(
            f"require_once '{PLUGIN}/storedesk.php'; echo wp_json_encode("
            f" storedesk_identity_attributes( '{secret}', ' Alice@Example.com ', '{name}', {ts} )"
            " );"
        )
        attributes = json.loads(out)
        expected = sign_identity(secret.encode(), "alice@example.com", ts, signed_name)
        assert attributes["data-customer-signature"] == expected
        assert attributes.get("data-customer-name") == signed_name
        assert check_identity(
            secret.encode(), attributes["data-customer-email"], attributes["data-customer-ts"],
            attributes["data-customer-signature"], name=attributes.get("data-customer-name"),
            now=datetime.fromtimestamp(ts + 60, UTC),
        ) == SignedIdentity("alice@example.com", signed_name)  # fmt: skip


def test_phpcs_finds_nothing_and_its_rules_do_fire(tmp_path: Path) -> None:
    need("phpcs")
    ruleset = str(PLUGIN / "phpcs.xml")
    done = run("phpcs", f"--standard={ruleset}", str(PLUGIN))
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.php"
    bad.write_text("<?php\n/**\n * Bad.\n *\n * @package X\n */\n\n$a = [ 1 ];\neval( $a );\n")
    done = run("phpcs", f"--standard={ruleset}", str(bad))
    assert "DisallowShortArraySyntax" in done.stdout and "Squiz.PHP.Eval" in done.stdout


def test_every_symbol_is_prefixed() -> None:
    for path in PLUGIN.glob("**/*.php"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        for name in re.findall(r"^\s*function\s+(\w+)", text, re.M):
            assert name.startswith("storedesk_"), f"{path.name}: {name}"
        for name in re.findall(r"^\s*(?:const\s+(\w+)|define\(\s*'(\w+)')", text, re.M):
            assert "".join(name).startswith("STOREDESK_"), f"{path.name}: {name}"


def test_the_translation_template_is_current() -> None:
    need("xgettext")
    done = run("python3", "-c", "import build; print(build.pot_text(), end='')", cwd=BUILD.parent)
    assert done.returncode == 0, done.stderr
    saved = (PLUGIN / "languages" / "storedesk.pot").read_text()
    where = re.compile(r"^#: .*\n", re.M)  # line numbers move with every edit: not compared
    assert where.sub("", saved) == where.sub("", done.stdout), (
        "run `make wordpress-pot` after changing the plugin's strings"
    )
    assert 'msgid "Connect with Storedesk"' in saved


def test_the_zip_has_the_plugin_folder_wordpress_installs(tmp_path: Path) -> None:
    done = run("make", "-s", "wordpress-plugin", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(ROOT / "build" / "storedesk-wordpress.zip") as archive:
        names = archive.namelist()
        header = archive.read("storedesk/storedesk.php").decode()
    assert {name.split("/")[0] for name in names} == {"storedesk"}
    assert {"storedesk/uninstall.php", "storedesk/languages/storedesk.pot"} <= set(names)
    assert not [n for n in names if "/tests/" in n or "/tools/" in n or n.endswith(".xml")]
    fields = dict(re.findall(r"^\s*\*\s*([A-Za-z ]+):\s*(.+)$", header, re.M))
    assert fields["Plugin Name"] == "Storedesk"
    assert fields["Text Domain"] == "storedesk"
    assert fields["Requires at least"] == "6.5"
    assert re.fullmatch(r"\d+\.\d+\.\d+", fields["Version"])
