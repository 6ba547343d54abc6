"""The shared HTTP helpers: pasted addresses and network failures in plain words."""

from __future__ import annotations

import re

import httpx
import pytest

from connectors.errors import ConfigError, UnavailableError
from connectors.http import check_base_url, host_of, send


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
