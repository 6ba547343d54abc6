"""``storedesk-relay`` as a real subprocess on a free port, for tests that kill it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def relay_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "relay", *args]


def relay_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREDESK_RELAY")}
    return env | extra


def run_relay(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        relay_command(*args),
        env=env or relay_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class RelayProcess:
    def __init__(self, data_dir: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra = extra
        self.env = env or relay_env()
        self.process: subprocess.Popen[str] | None = None
        self.log_path = data_dir.parent / f"relay-{self.port}.log"

    def start(self, timeout: float = 30.0) -> RelayProcess:
        args = ["serve", "--port", str(self.port), "--data-dir", str(self.data_dir), *self.extra]
        with self.log_path.open("a") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                relay_command(*args), env=self.env, stdout=log, stderr=log, text=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the relay exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the relay did not become ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def wait(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


async def pair_and_publish(relay: RelayProcess, bundle: dict[str, object]) -> object:
    """Pair a test console with the pairing code the CLI prints, then publish ``bundle``
    through the signed console API. Returns the console (its client is closed after)."""
    import re

    import aiohttp

    from tests.relay.console_helpers import Console

    printed = run_relay("pairing-code", "--data-dir", str(relay.data_dir), env=relay.env)
    assert printed.returncode == 0, printed.stderr
    match = re.search(r"Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})", printed.stdout)
    assert match, printed.stdout
    async with aiohttp.ClientSession(base_url=relay.base_url) as session:
        console = Console(session)
        status, body = await console.pair(match.group(1))
        assert status == 201, body
        status, body = await console.call("PUT", "/v1/console/publish", bundle)
        assert status == 200, body
    return console
