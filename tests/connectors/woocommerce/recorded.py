"""Reading the recorded WooCommerce 9.4.3 traffic (``woo_fixtures``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx


def body(fixtures: Path, case: str) -> Any:
    return json.loads((fixtures / f"{case}.body.json").read_text(encoding="utf-8"))


def case_file(fixtures: Path, prefix: str, suffix: str) -> Path:
    return next(fixtures.glob(f"{prefix}_*.{suffix}"))


def request_line(fixtures: Path, prefix: str) -> tuple[str, str, dict[str, str]]:
    lines = case_file(fixtures, prefix, "request.txt").read_text().splitlines()
    method, target, _ = lines[0].split(" ")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return method, target, headers


def response(fixtures: Path, prefix: str, url: str = "http://127.0.0.1:8881/") -> httpx.Response:
    """The recorded answer as an ``httpx.Response`` (chunked bodies de-chunked)."""
    raw = case_file(fixtures, prefix, "response.http").read_bytes()
    head, _, payload = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = [tuple(line.split(": ", 1)) for line in lines[1:] if ": " in line]
    if any(k.lower() == "transfer-encoding" and "chunked" in v for k, v in headers):
        payload = b"".join(p for p in payload.split(b"\r\n") if p.startswith((b"{", b"[")))
    keep = [(k, v) for k, v in headers if k.lower() not in ("transfer-encoding", "content-length")]
    return httpx.Response(status, headers=keep, content=payload, request=httpx.Request("GET", url))


def header(fixtures: Path, prefix: str, name: str) -> str | None:
    return response(fixtures, prefix).headers.get(name)
