"""A relay with the demo SQL shop and one widget allowed on a storefront's origin (a real
relay subprocess, set up with the ``storedesk`` CLI): what the storefront embeds' browser
tests (WordPress, Shopify) talk to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.relay.process import RelayProcess
from tests.widget.shop import Console, _pairing_code


@dataclass(frozen=True, slots=True)
class Relay:
    process: RelayProcess
    widget_key: str
    secret: str

    @property
    def url(self) -> str:
        return self.process.base_url


def start_relay(folder: Path, origin: str, env: dict[str, str] | None = None) -> Relay:
    """Start the relay and publish a widget on the demo shop allowed on ``origin``."""
    (folder / "relay").mkdir()
    process = RelayProcess(folder / "relay", env=env).start()
    try:
        console = Console(folder / "workspace")
        console("store", "add", "sql", "--name", "demo", "--demo")
        console("relay", "pair", process.base_url, _pairing_code(process), "--name", "storefront")
        out = console(
            "widget", "create", "--name", "Shop", "--store", "demo",
            "--allowed-origin", origin, "--title", "Northwind help",
        )  # fmt: skip
        match = re.search(r"\bwk_[A-Za-z0-9_-]+", out)
        assert match, out
        console("relay", "publish")
        secret = console("widget", "secret", match.group(0)).splitlines()[0].strip()
        return Relay(process, match.group(0), secret)
    except BaseException:
        process.kill()
        raise
