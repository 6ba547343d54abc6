"""Smoke-test a built bundle: what a merchant does first, run from the bundle itself.

    python packaging/smoke.py build/dist/storedesk

1. ``storedesk --version`` and ``storedesk-relay --version`` print the package version;
2. the console opens its window (offscreen), paints, opens a new workspace and quits;
3. ``storedesk-relay serve`` answers /healthz, /readyz and /widget.js, and stops on SIGTERM;
4. ``storedesk demo --no-window`` starts the bundle's own relay, the storefront page loads
   and the bot answers a question; Ctrl-C stops the relay.

Steps 3 and 4 need POSIX signals and are skipped on Windows. Exit code 0 when all pass.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = ".exe" if sys.platform == "win32" else ""
TIMEOUT = 180.0


class SmokeError(Exception):
    pass


def package_version() -> str:
    text = (ROOT / "core" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if found is None:
        raise SmokeError("core/__init__.py has no __version__")
    return found.group(1)


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREDESK")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        STOREDESK_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        HOME=str(home),
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, body: dict[str, object] | None = None, token: str | None = None) -> bytes:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=10) as r:
        return bytes(r.read())


def wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SmokeError(f"the relay stopped at start (exit code {process.returncode})")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SmokeError(f"{url} did not answer within {TIMEOUT:.0f} s")


def check_versions(bundle: Path, env: dict[str, str]) -> None:
    version = package_version()
    for name in ("storedesk", "storedesk-relay"):
        done = subprocess.run(
            [bundle / f"{name}{EXE}", "--version"],
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT,
        )
        printed = (done.stdout + done.stderr).strip()
        if done.returncode != 0 or printed != f"{name} {version}":
            raise SmokeError(f"{name} --version printed {printed!r} (exit {done.returncode})")
        print(f"ok: {name} --version → {printed}", flush=True)


def check_window(bundle: Path, env: dict[str, str], work: Path) -> None:
    done = subprocess.run(
        [bundle / f"storedesk{EXE}", "--data-dir", work / "workspace"],
        capture_output=True,
        text=True,
        env={**env, "STOREDESK_EXIT_AFTER_PAINT": "1"},
        timeout=TIMEOUT,
    )
    lines = done.stdout.split()
    if done.returncode != 0 or "first-paint" not in lines or "ready" not in lines:
        raise SmokeError(f"the console window did not paint and open: {done.stderr.strip()!r}")
    if not (work / "workspace" / "workspace.sqlite").is_file():
        raise SmokeError("the console opened no workspace database")
    print("ok: the console window painted offscreen and opened a new workspace", flush=True)


def check_relay(bundle: Path, env: dict[str, str], work: Path) -> None:
    port = free_port()
    command = [bundle / f"storedesk-relay{EXE}", "serve", "--port", str(port)]
    command += ["--data-dir", work / "relay"]
    base = f"http://127.0.0.1:{port}"
    with subprocess.Popen(command, env=env, text=True, stderr=subprocess.PIPE) as relay:
        try:
            wait_for(f"{base}/healthz", relay)
            ready = json.loads(fetch(f"{base}/readyz"))
            if ready.get("status") != "ready":
                raise SmokeError(f"/readyz answered {ready}")
            if b"Storedesk" not in fetch(f"{base}/widget.js"):
                raise SmokeError("/widget.js is not the chat widget")
            relay.send_signal(signal.SIGTERM)
            code = relay.wait(30)
        finally:
            if relay.poll() is None:
                relay.kill()
    if code != 0:
        raise SmokeError(f"the relay exited with {code} on SIGTERM")
    print("ok: storedesk-relay serve answered /healthz, /readyz, /widget.js; SIGTERM stopped it")


def check_demo(bundle: Path, env: dict[str, str], work: Path) -> None:
    command = [bundle / f"storedesk{EXE}", "--data-dir", work / "demo", "demo", "--no-window"]
    with subprocess.Popen(
        command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as demo:
        try:
            url = _storefront(demo)
            page = fetch(url).decode()
            key = re.search(r'data-widget="([^"]+)"', page)
            if key is None:
                raise SmokeError(f"the storefront {url} has no widget")
            answer = _ask(url.split("/demo/")[0], key.group(1), "how much is shipping?")
            if "50" not in answer:
                raise SmokeError(f"the bot answered the shipping question with {answer!r}")
            demo.send_signal(signal.SIGINT)
            rest, _ = demo.communicate(timeout=60)
        finally:
            if demo.poll() is None:
                demo.kill()
    if demo.returncode != 0 or "Stopped the local relay" not in rest:
        raise SmokeError(f"the demo did not stop cleanly (exit {demo.returncode}): {rest!r}")
    print(f"ok: storedesk demo ran the bundle's relay; the bot answered: {answer[:60]!r}")


def _storefront(demo: subprocess.Popen[str]) -> str:
    assert demo.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    for line in demo.stdout:
        seen.append(line.rstrip())
        found = re.search(r"storefront, with the chat widget: (\S+)", line)
        if found:
            return found.group(1)
        if time.monotonic() > deadline:
            break
    raise SmokeError("the demo printed no storefront address: " + " | ".join(seen[-5:]))


def _ask(relay: str, widget: str, text: str) -> str:
    started = json.loads(fetch(f"{relay}/v1/widgets/{widget}/conversations", {}))
    conversation, token = started["conversation_id"], started["token"]
    url = f"{relay}/v1/conversations/{conversation}/messages"
    replies = json.loads(fetch(url, {"text": text}, token))["messages"]
    return " ".join(str(message.get("text", "")) for message in replies)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python packaging/smoke.py BUNDLE_DIR", file=sys.stderr)
        return 2
    bundle = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="storedesk-smoke-") as tmp:
        work = Path(tmp)
        env = environment(work)
        try:
            check_versions(bundle, env)
            check_window(bundle, env, work)
            if sys.platform == "win32":
                print("skipped: the relay and demo checks (they stop processes with signals)")
            else:
                check_relay(bundle, env, work)
                check_demo(bundle, env, work)
        except (SmokeError, OSError, subprocess.TimeoutExpired) as err:
            print(f"smoke test failed: {err}", file=sys.stderr)
            return 1
    print("The bundle passed the smoke test.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
