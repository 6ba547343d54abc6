"""The recorded WooCommerce traffic lives in the repository, complete, so every clone runs
the tests that read it (none of them skips for want of it)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from tests.woo_fixtures import WOO_FIXTURES


def _listed_cases(readme: str) -> list[str]:
    """The case names of the README's table (``| 01_system_status | GET | …``)."""
    return re.findall(r"^\| (\d+_\w+) \|", readme, flags=re.MULTILINE)


def test_the_recordings_are_inside_the_repository() -> None:
    assert WOO_FIXTURES.is_dir()
    assert WOO_FIXTURES.resolve().is_relative_to(ROOT.resolve())


def test_every_case_the_readme_lists_has_its_request_and_response(woo_fixtures: Path) -> None:
    cases = _listed_cases((woo_fixtures / "README.md").read_text(encoding="utf-8"))
    assert len(cases) >= 79
    missing = [
        f"{case}.{suffix}"
        for case in cases
        for suffix in ("request.txt", "response.http")
        if not (woo_fixtures / f"{case}.{suffix}").is_file()
    ]
    assert missing == []
    recorded = {p.name.removesuffix(".request.txt") for p in woo_fixtures.glob("*.request.txt")}
    assert recorded == set(cases)


def test_recorded_bytes_keep_their_crlf_line_ends(woo_fixtures: Path) -> None:
    raw = (woo_fixtures / "02_orders_page1_per5.response.http").read_bytes()
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\n\r\n" in raw


def test_the_webhook_deliveries_and_keys_are_there(woo_fixtures: Path) -> None:
    for name in ("api_key.json", "api_key_readonly.json", "index.json", "seed_ids.json"):
        assert (woo_fixtures / name).is_file(), name
    assert len(list((woo_fixtures / "webhooks").glob("delivery_*.http"))) == 5
