"""Run a store emulator in its own process (as a real store would be: another machine's
CPU, not ours) and hand back its address and credentials."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Emulator:
    url: str
    key: str
    secret: str
    cafile: str | None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _value(lines: list[str], label: str) -> str | None:
    for line in lines:
        if line.strip().startswith(label):
            return line.split(":", 1)[1].strip()
    return None


@contextlib.contextmanager
def woocommerce(orders: int, *, tls: bool = True) -> Iterator[Emulator]:
    port = _free_port()
    args = [sys.executable, "-u", "-m", "tests.emulators.woocommerce", "--port", str(port)]
    args += ["--orders", str(orders)] + (["--tls"] if tls else [])
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        lines = _read_banner(proc, "TLS certificate" if tls else "read-only key")
        url = lines[0].split(" at ", 1)[1].split()[0]
        key, secret = _value(lines, "consumer key"), _value(lines, "consumer secret")
        assert key and secret, lines
        yield Emulator(url, key, secret, _value(lines, "TLS certificate"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _read_banner(proc: subprocess.Popen[str], last: str) -> list[str]:
    """The emulator's start-up lines, up to the one starting with ``last``."""
    assert proc.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].strip().startswith(last):
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator exited before it was ready: {lines}")
        lines.append(line)
    return lines
