"""How the demo starts its relay: this Python's ``-m relay`` from a source install, the
``storedesk-relay`` program beside ``storedesk`` in an installed bundle (where
``sys.executable`` is the console program itself, not a Python)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from console.local_relay import relay_command


def test_from_source_the_relay_is_this_pythons_relay_module() -> None:
    command = relay_command(frozen=False)
    assert command == [sys.executable, "-m", "relay"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("storedesk-relay ")


def test_in_a_bundle_the_relay_is_the_program_beside_the_console() -> None:
    linux = relay_command(frozen=True, executable="/opt/storedesk/storedesk", platform="linux")
    assert linux == [str(Path("/opt/storedesk/storedesk-relay"))]
    app = "/Applications/Storedesk.app/Contents/MacOS/storedesk"
    assert relay_command(frozen=True, executable=app, platform="darwin") == [
        str(Path("/Applications/Storedesk.app/Contents/MacOS/storedesk-relay"))
    ]
    windows = relay_command(frozen=True, executable="C:/Storedesk/storedesk.exe", platform="win32")
    assert windows == [str(Path("C:/Storedesk/storedesk-relay.exe"))]
