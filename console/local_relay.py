"""The demo's relay: ``storedesk-relay serve`` as a child process on 127.0.0.1.

The console and the relay never import each other, so the demo runs the relay the way a
merchant would, as its own process, with its data in ``<workspace>/relay``. A stable port
(8787 unless it is taken) keeps the storefront address the same from one run to the next,
and a relay another run still has running is reused rather than started twice. The relay
stops when the process that started it ends, however it ends (``--parent-pid``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from console.runtime import EXIT_UNAVAILABLE, CliError

PREFERRED_PORT = 8787
HOST = "127.0.0.1"
# the demo relay keeps everything in its own folder, whatever the shell says
_RELAY_ENV = ("STOREDESK_RELAY_HOME", "STOREDESK_RELAY_DATABASE_URL", "STOREDESK_RELAY_KEY")
_CODE = re.compile(r"Pairing code:\s*(\S+)")
# on Windows the relay runs without a console window of its own
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)


class LocalRelayError(CliError):
    """The local relay could not be started or used; ``str()`` is the sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_UNAVAILABLE)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def relay_command(
    frozen: bool | None = None, executable: str = sys.executable, platform: str = sys.platform
) -> list[str]:
    """How to run ``storedesk-relay``: in an installed bundle (PyInstaller), the program beside
    this one; otherwise this Python with ``-m relay``."""
    if frozen is None:
        frozen = bool(getattr(sys, "frozen", False))
    if not frozen:
        return [executable, "-m", "relay"]
    name = "storedesk-relay.exe" if platform == "win32" else "storedesk-relay"
    return [str(Path(executable).with_name(name))]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


class LocalRelay:
    """``await relay.start(http)`` → its URL; ``await relay.stop()`` (or ``stop_now()``)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = PREFERRED_PORT,
        command: Sequence[str] | None = None,
        demo_pages: bool = True,
        start_timeout: float = 60.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._port = port
        self._command = list(command) if command is not None else relay_command()
        self._demo_pages = demo_pages
        self._timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.url: str | None = None

    @property
    def owned(self) -> bool:
        """True when this object started the relay (and so stops it)."""
        return self._process is not None

    def running(self) -> bool:
        """True while the relay this object started is still running."""
        return self._process is not None and self._process.poll() is None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "relay.log"

    @property
    def _pid_path(self) -> Path:
        return self.data_dir / "relay.pid"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _RELAY_ENV}
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    async def start(self, http: httpx.AsyncClient) -> str:
        """Start the relay (or reuse the one another run has running) and wait until it is ready."""
        if self.url is not None and (self._process is None or self._process.poll() is None):
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        adopted = await self._adopt(http)
        if adopted is not None:
            self.url = adopted
            return adopted
        port = self._port if self._port and port_free(self._port) else free_port()
        url = f"http://{HOST}:{port}"
        self._process = self._spawn(port)
        await self._wait_ready(http, url)
        self._pid_path.write_text(json.dumps({"pid": self._process.pid, "port": port}))
        self.url = url
        return url

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        command = [*self._command, "serve", "--host", HOST, "--port", str(port)]
        command += ["--data-dir", str(self.data_dir)]
        command += ["--parent-pid", str(os.getpid())]  # it stops when this process ends
        if self._demo_pages:
            command.append("--demo-pages")
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=self._env(),
                creationflags=_NO_WINDOW,
            )

    async def _adopt(self, http: httpx.AsyncClient) -> str | None:
        """The relay another run started on this folder, if it still answers."""
        try:
            info = json.loads(self._pid_path.read_text())
            pid, port = int(info["pid"]), int(info["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        url = f"http://{HOST}:{port}"
        if _alive(pid) and await _ready(http, url):
            return url
        return None

    async def _wait_ready(self, http: httpx.AsyncClient, url: str) -> None:
        assert self._process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        while not await _ready(http, url):
            if self._process.poll() is not None:
                self._process = None
                raise LocalRelayError(f"The local relay stopped at start: {self._log_tail()}")
            if loop.time() > deadline:
                await self.stop()
                raise LocalRelayError(
                    f"The local relay did not become ready in {self._timeout:.0f} s; "
                    f"its log is {self.log_path}."
                )
            await asyncio.sleep(0.1)

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        last = lines[-1] if lines else ""
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            last = str(json.loads(last).get("message", last))
        return (last or "no reason given") + f" (log: {self.log_path})"

    async def pairing_code(self) -> str:
        """A one-time pairing code from ``storedesk-relay pairing-code`` on the relay's folder."""
        command = [*self._command, "pairing-code", "--data-dir", str(self.data_dir)]
        done = await asyncio.to_thread(
            subprocess.run,
            command,
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=60,
            creationflags=_NO_WINDOW,
        )
        found = _CODE.search(done.stdout)
        if done.returncode != 0 or found is None:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise LocalRelayError(
                "The local relay gave no pairing code: "
                + (reason[-1] if reason else f"exit code {done.returncode}")
            )
        return found.group(1)

    async def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then kill after ``grace`` seconds; only a relay this object started."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + grace
            while process.poll() is None and loop.time() < deadline:
                await asyncio.sleep(0.05)
        self._reap(process)

    def stop_now(self, grace: float = 10.0) -> None:
        """The same as ``stop()`` for code without a running loop."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        self._reap(process)

    def _reap(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.kill()
            process.wait()
        self._process = None
        self.url = None
        with contextlib.suppress(OSError):
            self._pid_path.unlink()


async def _ready(http: httpx.AsyncClient, url: str) -> bool:
    try:
        response = await http.get(f"{url}/readyz", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200
