"""What a merchant sees when the database address or the mapping is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import sql
from connectors.errors import AuthError, ConfigError, UnavailableError
from tests.connectors.sql.conftest import MAPPING, SERVERS, _server_url, quick_context

SECRET = "s3cr3t-Pa55"


def connector(url: str, mapping: str = MAPPING) -> sql.SqlConnector:
    return sql.create({"mapping_toml": mapping}, {"url": url}, quick_context())


def assert_hidden(err: Exception, conn: object) -> None:
    assert SECRET not in str(err)
    assert SECRET not in repr(err)
    assert SECRET not in repr(conn)


async def test_unreachable_server_is_unavailable() -> None:
    conn = connector(f"postgresql://shop:{SECRET}@127.0.0.1:1/shop")
    with pytest.raises(UnavailableError) as caught:
        await conn.test()
    await conn.aclose()
    assert "127.0.0.1" in caught.value.message
    assert_hidden(caught.value, conn)


async def test_wrong_password_is_an_auth_error() -> None:
    _server_url("mariadb")
    conn = connector(SERVERS["mariadb"].replace("root@", f"root:{SECRET}@"))
    with pytest.raises(AuthError) as caught:
        await conn.test()
    await conn.aclose()
    assert "password" in caught.value.message
    assert_hidden(caught.value, conn)


@pytest.mark.parametrize("backend", ["mariadb", "postgresql"])
async def test_unknown_database_is_a_config_error(backend: str) -> None:
    _server_url(backend)
    conn = connector(SERVERS[backend].rsplit("/", 1)[0] + "/no_such_shop_db")
    with pytest.raises(ConfigError) as caught:
        await conn.test()
    await conn.aclose()
    assert "no_such_shop_db" in caught.value.message


async def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.sqlite"
    conn = connector(f"sqlite:///{path}")
    with pytest.raises(ConfigError) as caught:
        await conn.test()
    await conn.aclose()
    assert "cannot be opened" in caught.value.message
    assert not path.exists()


@pytest.mark.parametrize("url", ["", "not a url", "nosuchdb://x/y"])
def test_bad_address_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        connector(url)
    assert caught.value.hint


def test_a_database_address_in_the_plain_settings_is_not_used() -> None:
    # The address can hold a password, so it is only ever read from the secrets.
    url = f"sqlite:///shop.db?password={SECRET}"
    with pytest.raises(ConfigError) as caught:
        sql.create({"mapping_toml": MAPPING, "url": url}, {}, quick_context())
    assert caught.value.message == "The database address is missing."
    assert SECRET not in str(caught.value)


def test_bad_toml_names_the_line() -> None:
    broken = MAPPING.replace('status = "status"', 'status = "status')
    line = broken.splitlines().index('status = "status') + 1
    with pytest.raises(ConfigError) as caught:
        connector("sqlite://", broken)
    assert f"line {line}" in caught.value.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("[orders]", "[orderz]"), "[orderz]"),
        (('total = "total"', 'totl = "total"'), "'totl'"),
        (('total = "total"', ""), "'total'"),
        (('number = "number"', 'number = ["a", "b"]'), "orders.columns.number"),
        (('order_id = "order_id"\nname = "title"', 'name = "title"'), "order id"),
        (('table = "PFX_products"', ""), "[products]"),
    ],
)
def test_mapping_mistakes_are_named(change: tuple[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        connector("sqlite://", MAPPING.replace(*change, 1))
    assert words in caught.value.message


def test_seed_example_mapping_is_accepted() -> None:
    seed = """
[customers]
table = "customers"
[customers.columns]
id = "id"
name = ["first_name", "last_name"]
email = "email"
total_orders = "orders_count"
lifetime_value = "total_spent"
[orders]
table = "orders"
currency_value = "EUR"
[orders.columns]
id = "id"
status = "status"
total = "total"
created_at = "created_at"
"""
    conn = connector("sqlite:///shop.sqlite", seed)
    assert repr(conn) == "SqlConnector('sqlite:///shop.sqlite')"
