"""The hostile strings of ``xss_payloads.txt``, and the ones among them that are addresses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")


@cache
def xss_payloads() -> tuple[str, ...]:
    """Every payload, in file order (lines kept as written: leading spaces and tabs count)."""
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").split("\n")
    return tuple(line for line in lines if line.strip() and not line.startswith("# "))


def hostile_urls() -> tuple[str, ...]:
    """The payloads that try to be a link or an image address (javascript:, data:, …)."""
    schemes = ("javascript", "data:", "vbscript", "url(", "&#106;", "java\t")
    return tuple(p for p in xss_payloads() if any(s in p.lower() for s in schemes))
