"""`storedesk widget …` and `storedesk kb …` as a merchant types them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.bot.identity import sign_identity
from tests.console.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def shop(cli: Cli) -> Cli:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    return cli


def create(cli: Cli, *extra: str) -> str:
    code, out, err = cli(
        "widget", "create", "--name", "Shop chat", "--store", "demo", "--no-starter", *extra
    )
    assert code == 0, err
    match = re.search(r"key (wk_\w+)", out)
    assert match is not None
    return match.group(1)


def test_create_prints_the_key_and_the_embed_snippet(shop: Cli) -> None:
    code, out, _ = shop(
        "widget", "create", "--name", "Shop chat", "--store", "demo",
        "--allowed-origin", "https://Shop.Example.com/", "--allowed-origin", "https://www.example.com",
        "--title", "Ask us", "--greeting", "Hello there!", "--color", "#0F766E",
        "--language", "en", "--language", "fr",
    )  # fmt: skip
    assert code == 0
    key = re.search(r"key (wk_\w+)", out).group(1)  # type: ignore[union-attr]
    snippet = f'<script src="https://YOUR-RELAY/widget.js" data-widget="{key}" async></script>'
    assert snippet in out
    assert "storedesk relay pair" in out

    code, out, _ = shop("widget", "show", "shop chat", "--json")
    shown = json.loads(out)
    assert shown["key"] == key and shown["store"] == "demo" and shown["title"] == "Ask us"
    assert shown["allowed_origins"] == ["https://shop.example.com", "https://www.example.com"]
    assert shown["languages"] == ["en", "fr"] and shown["color"] == "#0f766e"
    assert shown["embed"] == snippet and shown["published_at"] is None

    code, out, _ = shop("widget", "list")
    assert code == 0 and key in out and "not published yet" in out
    assert json.loads(shop("widget", "list", "--json")[1])[0]["key"] == key


def test_the_identity_secret_is_what_a_storefront_signs_with(shop: Cli) -> None:
    key = create(shop)
    code, out, _ = shop("widget", "secret", key)
    secret, explanation = out.splitlines()[0], out.splitlines()[1]
    assert code == 0 and re.fullmatch(r"[0-9a-f]{64}", secret)
    assert "HMAC-SHA256" in explanation and "hash_hmac" in explanation
    # the PHP one-liner in the explanation gives the same signature as the relay expects
    import hashlib
    import hmac

    php = hmac.new(secret.encode(), b"ann@example.com:1700000000", hashlib.sha256).hexdigest()
    assert php == sign_identity(secret.encode(), " Ann@Example.com", 1700000000)
    text = b"ann@example.com:Ann Lee:1700000000"
    named = hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()
    assert named == sign_identity(secret.encode(), "ann@example.com", 1700000000, name="Ann Lee ")
    assert "trim($name)" in explanation


def test_a_widget_may_accept_shopper_signatures_for_less_than_a_day(shop: Cli) -> None:
    key = create(shop, "--identity-max-age", "2h")
    assert json.loads(shop("widget", "show", key, "--json")[1])["identity_max_age"] == 7200
    code, out, err = shop("widget", "set", key, "--identity-max-age", "15m")
    assert code == 0, err
    assert "storedesk relay publish" in out
    assert json.loads(shop("widget", "show", key, "--json")[1])["identity_max_age"] == 900
    assert "accepted for 15 min" in shop("widget", "show", key)[1]
    code, _, err = shop("widget", "set", key, "--identity-max-age", "25h")
    assert code == 2 and "1 minute to 24 hours" in err
    code, _, err = shop("widget", "set", key, "--identity-max-age", "soon")
    assert code == 2 and "not a time like" in err


def test_a_widget_may_keep_its_conversations_for_a_period_of_its_own(shop: Cli) -> None:
    key = create(shop)
    assert "as set by `storedesk retention`" in shop("widget", "show", key)[1]
    code, _, err = shop("widget", "set", key, "--retention", "30")
    assert code == 0, err
    assert json.loads(shop("widget", "show", key, "--json")[1])["retention_days"] == 30
    assert "30 days after their last message" in shop("widget", "show", key)[1]
    code, _, err = shop("widget", "set", key, "--retention", "0")
    assert code == 2 and "from 1 to 3650" in err
    assert shop("widget", "set", key, "--retention", "default")[0] == 0
    assert json.loads(shop("widget", "show", key, "--json")[1])["retention_days"] is None


@pytest.mark.parametrize(
    "args, exit_code, message",
    [
        (["--store", "nowhere"], 3, "no store named 'nowhere'"),
        (["--store", "demo", "--color", "teal"], 2, "colour must be written like #2563eb"),
        (["--store", "demo", "--language", "xx"], 2, "Languages must be among"),
        (["--store", "demo", "--allowed-origin", "shop.example.com"], 2, "not a web address"),
    ],
)
def test_bad_widget_settings_are_one_sentence(
    shop: Cli, args: list[str], exit_code: int, message: str
) -> None:
    code, _, err = shop("widget", "create", "--name", "W", *args)
    assert code == exit_code and message in err and "Traceback" not in err


def test_names_are_unique_and_widgets_can_be_removed(shop: Cli) -> None:
    key = create(shop)
    code, _, err = shop("widget", "create", "--name", "SHOP CHAT", "--store", "demo")
    assert code == 2 and "already exists" in err
    assert shop("widget", "remove", key)[0] == 0
    code, _, err = shop("widget", "show", key)
    assert code == 3 and "no widget named" in err


def test_kb_add_list_remove(shop: Cli) -> None:
    create(shop)
    code, out, _ = shop(
        "kb", "add", "Shop chat", "--question", "Do you ship to Canada?",
        "--answer", "Yes, in 5–8 working days.", "--keywords", "canada, shipping;abroad",
    )  # fmt: skip
    assert code == 0 and out.startswith("Added k_")
    added = json.loads(shop("kb", "list", "Shop chat", "--json")[1])
    assert added[0]["keywords"] == ["canada", "shipping", "abroad"]
    code, out, _ = shop(
        "kb", "add", "Shop chat", "--question", "do you ship to canada",
        "--answer", "Yes, in 4–6 working days.",
    )  # fmt: skip
    assert code == 0 and out.startswith("Updated")
    entries = json.loads(shop("kb", "list", "Shop chat", "--json")[1])
    assert len(entries) == 1
    assert entries[0]["answer"] == "Yes, in 4–6 working days."
    assert entries[0]["id"] == added[0]["id"] and entries[0]["keywords"] == []
    assert "do you ship to canada" in shop("kb", "list", "Shop chat")[1]

    assert shop("kb", "remove", "Shop chat", entries[0]["id"])[0] == 0
    code, _, err = shop("kb", "remove", "Shop chat", entries[0]["id"])
    assert code == 3 and "has no answer" in err
    code, _, err = shop("kb", "add", "Shop chat", "--question", " ", "--answer", "x")
    assert code == 2 and "question is empty" in err
    code, _, err = shop("kb", "list", "Nope")
    assert code == 3


def test_kb_import_of_the_examples_and_of_a_file_with_bad_rows(shop: Cli, tmp_path: Path) -> None:
    create(shop)
    code, out, _ = shop("kb", "import", "Shop chat", str(EXAMPLES / "knowledge.csv"))
    assert code == 0 and "0 rejected" in out
    code, out, _ = shop("kb", "import", "Shop chat", str(EXAMPLES / "knowledge.json"))
    assert code == 0 and "0 added" in out

    bad = tmp_path / "faq.csv"
    bad.write_text("question,answer\nWhere are you?,York\nNo answer here,\n", encoding="utf-8-sig")
    code, out, _ = shop("kb", "import", "Shop chat", str(bad))
    assert code == 1
    assert "1 added" in out and "row 3: The answer is empty." in out

    code, _, err = shop("kb", "import", "Shop chat", str(tmp_path / "missing.csv"))
    assert code == 2 and "Cannot read" in err and "Traceback" not in err
