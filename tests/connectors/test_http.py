"""The shared HTTP helpers: pasted addresses and network failures in plain words."""

from __future__ import annotations

import os
import re

import httpx
import pytest

from connectors.errors import ConfigError, UnavailableError
from connectors.http import check_base_url, host_of, make_client, send


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("", "is empty"),
        ("shop.example.com", "is not a web address"),
        ("ftp://shop.example.com", "is not a web address"),
        ("https://shop.example.com/?page=2", "must not contain '?' or '#'"),
        ("https://me:pw@shop.example.com", "must not contain a user name or password"),
    ],
)
def test_bad_addresses_are_refused_in_one_sentence(pasted: str, says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)):
        check_base_url("rest", pasted)


def test_a_good_address_loses_its_trailing_slash() -> None:
    assert check_base_url("rest", " https://shop.example.com/ ") == "https://shop.example.com"


def test_hosts_are_named_without_credentials() -> None:
    assert host_of("http://admin:secretpw@127.0.0.1:9/x") == "127.0.0.1:9"
    assert host_of("https://shop.example.com/wp-json") == "shop.example.com"


async def test_an_unreachable_host_is_unavailable_and_named_safely() -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        with pytest.raises(UnavailableError) as caught:
            await send(client, "rest", "GET", "http://admin:secretpw@127.0.0.1:9/x")
    assert str(caught.value).startswith("Could not connect to 127.0.0.1:9.")
    assert "secretpw" not in str(caught.value)


async def test_the_shared_client_connects_on_first_use_and_honours_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [n for n in os.environ if n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    async with make_client() as client:
        assert not client._mounts
        with pytest.raises(UnavailableError):
            await send(client, "rest", "GET", "http://127.0.0.1:9/x")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    async with make_client(verify=False) as client:
        assert client._mounts  # httpx's own transports, through the proxy
