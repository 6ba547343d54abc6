"""Spam rules: checked when saved (a clear sentence for a bad one), applied to messages."""

from __future__ import annotations

import pytest

from core.records import SpamRules
from core.spam import (
    SpamRuleError,
    added,
    honeypot_filled,
    match,
    match_address,
    match_text,
    removed,
    spam_from_json,
    spam_to_json,
)
from core.widgets import WidgetError, widget_from_json, widget_to_json


def test_rules_round_trip_through_the_widget_settings() -> None:
    data = {
        "ips": ["203.0.113.7", "2001:DB8::/32", "203.0.113.7"],
        "words": ["  free   money "],
        "regexes": [r"crypto\s+invest"],
        "rate_per_minute": 10,
        "honeypot": False,
    }
    config = widget_from_json({"key": "wk_spam_test_01", "name": "Shop", "spam": data})
    assert config.spam == SpamRules(
        ips=("203.0.113.7/32", "2001:db8::/32"),
        words=("free money",),
        regexes=(r"crypto\s+invest",),
        rate_per_minute=10,
        honeypot=False,
    )
    assert widget_from_json(widget_to_json(config)) == config
    assert spam_from_json(spam_to_json(config.spam)) == config.spam


def test_a_widget_without_rules_has_only_the_honeypot() -> None:
    config = widget_from_json({"key": "wk_spam_test_01", "name": "Shop"})
    assert config.spam == SpamRules() and config.spam.honeypot


@pytest.mark.parametrize(
    ("rules", "part", "sentence"),
    [
        ({"ips": ["203.0.113.300"]}, "ips", "is not an IP address or range"),
        ({"ips": ["shop.example.com"]}, "ips", "2001:db8::/32"),
        ({"regexes": ["(unclosed"]}, "regexes", "does not compile"),
        ({"regexes": ["[z-a]"]}, "regexes", "does not compile"),
        ({"regexes": ["   "]}, "regexes", "cannot be empty"),
        ({"words": ["x" * 201]}, "words", "at most 200 characters"),
        ({"rate_per_minute": 0}, "rate_per_minute", "1 to 1000"),
        ({"rate_per_minute": "ten"}, "rate_per_minute", "whole number"),
        ({"honeypot": "yes"}, "honeypot", "true or false"),
        ({"words": "casino"}, "words", "list of texts"),
    ],
)
def test_a_bad_rule_is_refused_with_a_sentence_naming_it(
    rules: dict[str, object], part: str, sentence: str
) -> None:
    with pytest.raises(WidgetError) as refused:
        widget_from_json({"key": "wk_spam_test_01", "name": "Shop", "spam": rules})
    assert refused.value.field == f"spam.{part}"
    assert sentence in str(refused.value)


def test_addresses_match_their_ipv4_and_ipv6_ranges() -> None:
    rules = spam_from_json({"ips": ["203.0.113.0/24", "2001:db8:abcd::/48", "198.51.100.9"]})
    assert match_address(rules, "203.0.113.200") is not None
    assert match_address(rules, "::ffff:203.0.113.5") is not None  # IPv4 mapped into IPv6
    assert match_address(rules, "203.0.114.1") is None
    found = match_address(rules, "2001:db8:abcd:ffff::1")
    assert found is not None and found.reason == "ip 2001:db8:abcd::/48"
    assert match_address(rules, "2001:db8:abce::1") is None
    assert match_address(rules, "198.51.100.9") is not None
    assert match_address(rules, "198.51.100.10") is None
    # a channel's id is not an address: no address rule applies
    assert match_address(rules, "wa:+33612345678") is None


def test_words_match_whole_words_in_any_case_and_spacing() -> None:
    rules = spam_from_json({"words": ["casino", "free money"]})
    assert match_text(rules, "Best CASINO!").match is not None
    assert match_text(rules, "get FREE\n money now").match is not None
    assert match_text(rules, "a special occasion").match is None
    assert match_text(rules, "casinos").match is None


def test_regular_expressions_match_in_any_case() -> None:
    rules = spam_from_json({"regexes": [r"https?://\S+\.ru\b"]})
    verdict = match_text(rules, "visit HTTP://cheap.example.RU now")
    assert verdict.match is not None and verdict.match.kind == "regex"
    assert match_text(rules, "visit https://shop.example.com").match is None


def test_a_catastrophic_expression_runs_out_of_time_and_is_skipped() -> None:
    """``(a+)+$`` backtracks for minutes on a long run of a's that does not end the text;
    the timeout stops it and the message is judged by the other rules."""
    rules = spam_from_json({"regexes": ["(a+)+$", "bonus"]})
    verdict = match(rules, ["a" * 1999 + "!"], None)
    assert verdict.timed_out == ("(a+)+$",)
    assert verdict.match is None
    verdict = match(rules, ["a" * 1990 + " bonus!"], None)
    assert verdict.timed_out == ("(a+)+$",)
    assert verdict.match is not None and verdict.match.reason == "regex bonus"


def test_the_first_rule_broken_is_named_address_first() -> None:
    rules = spam_from_json({"ips": ["203.0.113.0/24"], "words": ["casino"]})
    found = match(rules, ["casino"], "203.0.113.1").match
    assert found is not None and found.kind == "ip"
    found = match(rules, ["hello", "casino night"], "198.51.100.1").match
    assert found is not None and found.reason == "word casino"
    assert match(rules, ["hello"], "198.51.100.1").match is None


def test_the_honeypot_counts_only_when_filled_and_on() -> None:
    assert honeypot_filled(SpamRules(), "http://spam.example") is not None
    assert honeypot_filled(SpamRules(), "") is None
    assert honeypot_filled(SpamRules(), "   ") is None
    assert honeypot_filled(SpamRules(), None) is None
    assert honeypot_filled(SpamRules(honeypot=False), "http://spam.example") is None


def test_rules_are_added_checked_and_removed() -> None:
    rules = added(SpamRules(), "ip", "203.0.113.0/24")
    rules = added(rules, "ip", "203.0.113.9/24")  # the same range, written differently
    assert rules.ips == ("203.0.113.0/24",)
    rules = added(rules, "word", "Casino")
    with pytest.raises(SpamRuleError, match="does not compile"):
        added(rules, "regex", "(a")
    rules = removed(rules, "word", "casino")
    rules = removed(rules, "ip", "203.0.113.0/24")
    assert rules == SpamRules()
    with pytest.raises(SpamRuleError, match="no word rule"):
        removed(rules, "word", "casino")
