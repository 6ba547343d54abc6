from __future__ import annotations

import logging

import pytest

from core import redact


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("GET /orders?oauth_consumer_key=ck_abc123def&per_page=5", "ck_abc123def"),
        ("GET /orders?consumer_key=ck_1&consumer_secret=cs_topsecret9", "cs_topsecret9"),
        ("headers {'Authorization': 'Basic Y2tfMTpjc18y'}", "Y2tfMTpjc18y"),
        ("X-Shopify-Access-Token: shpat_0123456789", "shpat_0123456789"),
        ("connecting to postgresql://reader:hunter22@db.example/shop", "hunter22"),
        ('{"token": "tok_live_42xyz"}', "tok_live_42xyz"),
    ],
)
def test_credentials_in_text_are_masked(line: str, hidden: str) -> None:
    clean = redact.redact(line)
    assert hidden not in clean
    assert redact.MASK in clean


def test_ordinary_text_is_left_alone() -> None:
    line = "Synced 120 orders; the monkey= parameter and keyboard settings are fine."
    assert redact.redact(line) == line


def test_remembered_values_are_masked_in_every_log_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    redact.install()
    redact.remember(["plainsecretvalue-77"])
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("sent %s to the server", "plainsecretvalue-77")
    assert "plainsecretvalue-77" not in caplog.text
    assert "sent [redacted] to the server" in caplog.text
