"""The shop the browser tests talk to: a real relay subprocess on a free port with demo pages
on, and a console workspace (the ``storedesk`` CLI, also a subprocess) that connected the
demo SQL shop, paired, created a widget allowed on the relay's own origin, imported the
example knowledge base plus an answer made of HTML, and published."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.relay.process import RelayProcess, relay_env, run_relay

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "core" / "demo" / "knowledge.csv"  # the demo storefront's own
HTML_ANSWER = "<img src=x onerror=alert(1)>"
HTML_QUESTION = "Can I pay with a gift voucher?"
ORDER, EMAIL = "1001", "alice@example.com"
NO_PLAYWRIGHT = "Playwright for Python is not installed; `make test` installs it (.[dev])."
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True, slots=True)
class Order:
    number: str
    email: str
    tracking_url: str
    item_names: tuple[str, ...]


class Console:
    """The ``storedesk`` command on one workspace, run as a subprocess."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        key = base64.b64encode(b"w" * 32).decode()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STOREDESK")}
        self.env |= {"STOREDESK_KEYRING": "off", "STOREDESK_MASTER_KEY": key}

    def __call__(self, *args: str) -> str:
        command = [sys.executable, "-m", "console.cli", "--data-dir", str(self.data_dir), *args]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"storedesk {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout


@dataclass
class DemoShop:
    relay: RelayProcess
    console: Console
    widget_key: str
    order: Order

    @property
    def origin(self) -> str:
        return self.relay.base_url

    @property
    def page_url(self) -> str:
        return f"{self.relay.base_url}/demo/{self.widget_key}"

    def reply(self, conversation_id: str, text: str) -> None:
        """An agent's reply, through the signed console API (``storedesk relay reply``)."""
        self.console("relay", "reply", conversation_id, text, "--author", "Sam")

    def pages_seen(self) -> set[str | None]:
        """The page addresses the relay saw the widget on (``storedesk widget installations``)."""
        listed = json.loads(self.console("widget", "installations", self.widget_key, "--json"))
        return {page["url"] for page in listed}

    def stop(self) -> None:
        self.relay.kill()


def _pairing_code(relay: RelayProcess) -> str:
    printed = run_relay("pairing-code", "--data-dir", str(relay.data_dir), env=relay.env)
    match = re.search(r"Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})", printed.stdout)
    assert match, printed.stdout + printed.stderr
    return match.group(1)


def _order(console: Console) -> Order:
    found = json.loads(console("store", "lookup", "demo", "--order", ORDER, "--json"))
    tracking = [t["url"] for t in found["tracking"] if t.get("url")]
    assert tracking, f"the demo order {ORDER} has no tracking link: {found}"
    names = tuple(item["name"] for item in found["items"])
    return Order(ORDER, EMAIL, tracking[0], names)


def _widget(console: Console, origin: str) -> str:
    out = console(
        "widget", "create", "--name", "Front desk", "--store", "demo",
        "--allowed-origin", origin, "--title", "Front desk",
    )  # fmt: skip
    match = re.search(r"\bwk_[A-Za-z0-9_-]+", out)
    assert match, out
    return match.group(0)


def open_demo_shop(folder: Path) -> DemoShop:
    """Start the relay and set up, pair and publish the demo widget (stopped by ``stop``)."""
    relay_dir = folder / "relay"
    relay_dir.mkdir()
    # every browser test's page loads come from this one address within a few minutes: more
    # than a shopper's, so the per-address limit is raised rather than reached
    limit = relay_env(STOREDESK_RELAY_REQUESTS_PER_MINUTE="6000")
    relay = RelayProcess(relay_dir, "--demo-pages", env=limit).start()
    try:
        console = Console(folder / "workspace")
        console("store", "add", "sql", "--name", "demo", "--demo")
        console("relay", "pair", relay.base_url, _pairing_code(relay), "--name", "browser tests")
        key = _widget(console, relay.base_url)
        console("kb", "import", key, str(KNOWLEDGE))
        console("kb", "add", key, "--question", HTML_QUESTION, "--answer", HTML_ANSWER,
                "--keywords", "voucher,gift voucher")  # fmt: skip
        console("relay", "publish")
        return DemoShop(relay, console, key, _order(console))
    except BaseException:
        relay.kill()
        raise


def why_no_browser() -> str | None:
    """Why the browser tests cannot run here (no Chromium, or no Playwright), or None."""
    if not CHROMIUM.exists():
        return (
            f"Chromium is not installed at {CHROMIUM}; `make test` installs it "
            "(apt-get install chromium) when run as root or with sudo."
        )
    if importlib.util.find_spec("playwright") is None:
        return NO_PLAYWRIGHT
    return None
