from __future__ import annotations

import pytest

from core.contacts import email_key, phone_digits, same_email, same_phone
from core.orders import number_key, pick_order, same_order_number


def test_email_key_trims_and_casefolds() -> None:
    assert email_key("  Ann@Example.COM \n") == "ann@example.com"
    assert email_key("STRASSE@Example.de") == email_key("straße@example.de")  # casefold, not lower


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_email_key_of_nothing_is_none(empty: str | None) -> None:
    assert email_key(empty) is None


def test_same_email_ignores_case_and_spaces_including_unicode() -> None:
    assert same_email(" Ann@Example.com", "ann@example.com")
    assert same_email("ÉLODIE@exemple.fr", "élodie@exemple.fr")
    assert not same_email("ann@example.com", "anne@example.com")


def test_missing_emails_never_match_each_other() -> None:
    assert not same_email(None, None)
    assert not same_email("", "  ")
    assert not same_email(None, "ann@example.com")


def test_phone_digits_drops_everything_else() -> None:
    assert phone_digits("+44 (20) 7946-0018") == "442079460018"
    assert phone_digits(None) == ""
    assert phone_digits("call me") == ""


def test_international_and_national_spellings_of_one_number_match() -> None:
    assert same_phone("+44 20 7946 0018", "020 7946 0018")
    assert same_phone("0044 20 7946 0018", "+44 (0)20 7946-0018")
    assert same_phone("+49 30 1234567", "030 1234567")


def test_different_long_numbers_do_not_match() -> None:
    assert not same_phone("+44 20 7946 0018", "020 7946 0019")
    assert not same_phone("+44 20 7946 0018", "+44 20 7946 1018")


def test_short_numbers_must_be_identical() -> None:
    assert same_phone("46-0018", "460018")
    # the tail of a longer number is not the number itself
    assert not same_phone("7946 0018", "+44 20 7946 0018")
    assert not same_phone("460018", "4460018")


def test_too_short_or_empty_phones_never_match() -> None:
    assert not same_phone("12345", "12345")
    assert not same_phone("", "")
    assert not same_phone(None, None)
    assert not same_phone("n/a", "none")


@pytest.mark.parametrize(
    "spelling", ["SD-1001", "sd1001", "#SD 1001", "order #sd_1001", " Sd.1001 "]
)
def test_number_key_ignores_hash_case_and_separators(spelling: str) -> None:
    assert number_key(spelling) == "sd1001"
    assert same_order_number(spelling, "SD-1001")


def test_different_order_numbers_stay_different() -> None:
    assert not same_order_number("1001", "10011")
    assert not same_order_number("SD-1001", "1001")
    assert not same_order_number("SD-1001", "SE-1001")
    assert not same_order_number("", "#")


def _pick(numbers: list[str], wanted: str) -> str | None:
    return pick_order(numbers, wanted, lambda n: n)


def test_pick_order_prefers_the_exact_number() -> None:
    assert _pick(["10010", "SD-1001", "1001"], "#1001") == "1001"
    assert _pick(["10010", "#SD1001"], "sd-1001") == "#SD1001"


def test_pick_order_accepts_digits_without_the_store_prefix_when_unambiguous() -> None:
    assert _pick(["10010", "SD-1001"], "1001") == "SD-1001"
    assert _pick(["SD-1001", "XY-1001"], "1001") is None


def test_pick_order_never_picks_a_near_match() -> None:
    assert _pick(["10010", "21001", "SD-10011"], "1001") is None
    assert _pick(["SD-1001"], "XY-1001") is None  # a prefix typed is a prefix meant
    assert _pick(["1001"], "") is None
    assert _pick([], "1001") is None


def test_pick_order_reads_numbers_through_the_accessor() -> None:
    orders = [{"name": "#SD1002"}, {"name": "#SD1001"}]
    assert pick_order(orders, "1001", lambda o: o["name"]) == {"name": "#SD1001"}
