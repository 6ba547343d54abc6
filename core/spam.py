"""Spam rules: checked when saved, applied to what a shopper sends.

A widget's rules (``core.records.SpamRules``) travel inside its settings (``spam`` in the
widget JSON), so the relay enforces exactly what the console published. Every rule is
checked when it is saved: an address or range must parse (``ipaddress``), a regular
expression must compile. Regular expressions run with the ``regex`` module's timeout, so a
pattern that backtracks catastrophically (``(a+)+$`` on a long message) is stopped after
``REGEX_TIMEOUT`` and skipped (logged); the other rules still judge the message.

The message rate and the honeypot are applied by the relay (they need what arrives over
time, or the lead form); ``match`` answers for addresses, words and regular expressions.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from core.records import SpamRules

if TYPE_CHECKING:
    import regex

log = logging.getLogger(__name__)

SpamKind = Literal["ip", "word", "regex", "rate", "honeypot", "marked"]
MAX_RULES = 200
"""Addresses or words per widget."""
MAX_REGEXES = 50
"""Regular expressions per widget (each may take up to ``REGEX_TIMEOUT`` on a message)."""
MAX_PATTERN = 200
"""Characters in one word or regular expression."""
RATE_RANGE = (1, 1000)
REGEX_TIMEOUT = 0.1
"""Seconds one regular expression may take on one message before it is skipped."""
NEUTRAL_REPLY = {
    "en": "Thanks for your message.",
    "es": "Gracias por tu mensaje.",
    "fr": "Merci pour votre message.",
    "de": "Danke für Ihre Nachricht.",
}
"""What a message taken for spam is answered: polite, and telling a sender nothing."""


class SpamRuleError(ValueError):
    """A spam rule that cannot be used; the message says why and how to write it. ``part``
    names the list or setting it belongs to (``ips``, ``words``, ``regexes``, ...)."""

    def __init__(self, message: str, part: str = "rules") -> None:
        super().__init__(message)
        self.part = part


@dataclass(frozen=True, slots=True)
class SpamMatch:
    """The rule a message broke: its kind and the rule as the merchant wrote it."""

    kind: SpamKind
    rule: str

    @property
    def reason(self) -> str:
        """What the conversation's spam flag records, e.g. ``ip 203.0.113.0/24``."""
        return f"{self.kind} {self.rule}"[:200]

    def describe(self) -> str:
        return {
            "ip": f"the address is blocked ({self.rule})",
            "word": f"the message contains the blocked word {self.rule!r}",
            "regex": f"the message matches the regular expression {self.rule!r}",
            "rate": f"more than {self.rule} messages a minute",
            "honeypot": "the form's hidden field was filled in (a robot)",
            "marked": f"marked as spam by {self.rule}",
        }[self.kind]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What ``match`` found, and the expressions that ran out of time (and were skipped)."""

    match: SpamMatch | None
    timed_out: tuple[str, ...] = field(default=())


# -- checking rules -------------------------------------------------------------------------


def normalise_network(text: str) -> str:
    """``203.0.113.7`` → ``203.0.113.7/32``, ``2001:DB8::/32`` → ``2001:db8::/32``."""
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        raise SpamRuleError(
            f"{text!r} is not an IP address or range; write it like 203.0.113.7, "
            "203.0.113.0/24 or 2001:db8::/32.",
            "ips",
        ) from None


def check_word(text: str) -> str:
    word = " ".join(text.split())
    if not word:
        raise SpamRuleError("A blocked word cannot be empty.", "words")
    if len(word) > MAX_PATTERN:
        raise SpamRuleError(f"A blocked word is at most {MAX_PATTERN} characters.", "words")
    return word


def check_regex(pattern: str) -> str:
    """``pattern`` if it compiles; otherwise ``SpamRuleError`` with the compiler's reason."""
    if not pattern.strip():
        raise SpamRuleError("A regular expression cannot be empty.", "regexes")
    if len(pattern) > MAX_PATTERN:
        raise SpamRuleError(f"A regular expression is at most {MAX_PATTERN} characters.", "regexes")
    import regex

    try:
        _compiled_regex(pattern)
    except regex.error as exc:
        raise SpamRuleError(
            f"The regular expression {pattern!r} does not compile: {exc}.", "regexes"
        ) from None
    return pattern


def check_rate(value: Any) -> int | None:
    low, high = RATE_RANGE
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpamRuleError(
            f"The message rate limit is a whole number of messages a minute, {low} to {high}.",
            "rate_per_minute",
        )
    return value


def _texts(data: Mapping[str, Any], name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SpamRuleError(f"The spam rules' {name} must be a list of texts.", name)
    most = MAX_REGEXES if name == "regexes" else MAX_RULES
    if len(value) > most:
        raise SpamRuleError(f"A widget has at most {most} {_NAMES[name]}.", name)
    return list(value)


_NAMES = {"ips": "blocked addresses", "words": "blocked words", "regexes": "regular expressions"}


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def spam_from_json(data: Any) -> SpamRules:
    """Check every rule; raise ``SpamRuleError`` on the first that cannot be used."""
    if data is None:
        return SpamRules()
    if not isinstance(data, Mapping):
        raise SpamRuleError("The spam rules must be a JSON object.")
    honeypot = data.get("honeypot", True)
    if not isinstance(honeypot, bool):
        raise SpamRuleError("The honeypot setting must be true or false.", "honeypot")
    return SpamRules(
        ips=_unique(normalise_network(v) for v in _texts(data, "ips")),
        words=_unique(check_word(v) for v in _texts(data, "words")),
        regexes=_unique(check_regex(v) for v in _texts(data, "regexes")),
        rate_per_minute=check_rate(data.get("rate_per_minute")),
        honeypot=honeypot,
    )


def spam_to_json(rules: SpamRules) -> dict[str, Any]:
    return {
        "ips": list(rules.ips),
        "words": list(rules.words),
        "regexes": list(rules.regexes),
        "rate_per_minute": rules.rate_per_minute,
        "honeypot": rules.honeypot,
    }


# -- applying rules -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _compiled_regex(pattern: str) -> regex.Pattern[str]:
    # imported on first use: most widgets have no expressions, and the module is 1.4 MB
    import regex

    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)


@lru_cache(maxsize=4096)
def _compiled_word(word: str) -> re.Pattern[str]:
    """The word or phrase, whole (not inside a longer word), any case, any spacing."""
    parts = (re.escape(part) for part in word.split())
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _networks(ips: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(ip, strict=False) for ip in ips)


def address_of(client: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address in ``client`` (``None`` for a channel's id such as ``wa:+3312…``); an
    IPv4 address mapped into IPv6 (``::ffff:203.0.113.7``) is the IPv4 address."""
    if not client:
        return None
    try:
        address = ipaddress.ip_address(client.strip().split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def match_address(rules: SpamRules, client: str | None) -> SpamMatch | None:
    address = address_of(client)
    if address is None or not rules.ips:
        return None
    for network, text in zip(_networks(rules.ips), rules.ips, strict=True):
        if address.version == network.version and address in network:
            return SpamMatch("ip", text)
    return None


def match_text(rules: SpamRules, text: str, *, timeout: float = REGEX_TIMEOUT) -> Verdict:
    """The first blocked word, then the first regular expression, ``text`` matches. An
    expression still running after ``timeout`` seconds is skipped (and named)."""
    for word in rules.words:
        if _compiled_word(word).search(text):
            return Verdict(SpamMatch("word", word))
    timed_out: list[str] = []
    for pattern in rules.regexes:
        try:
            found = _compiled_regex(pattern).search(text, concurrent=True, timeout=timeout)
        except TimeoutError:
            log.warning("spam regular expression %r took too long and was skipped", pattern)
            timed_out.append(pattern)
            continue
        if found is not None:
            return Verdict(SpamMatch("regex", pattern), tuple(timed_out))
    return Verdict(None, tuple(timed_out))


def match(rules: SpamRules, texts: Iterable[str], client: str | None) -> Verdict:
    """The rule a message (its texts) from ``client`` breaks, if any: address first."""
    found = match_address(rules, client)
    if found is not None:
        return Verdict(found)
    skipped: list[str] = []
    for text in texts:
        verdict = match_text(rules, text)
        skipped.extend(verdict.timed_out)
        if verdict.match is not None:
            return Verdict(verdict.match, tuple(skipped))
    return Verdict(None, tuple(skipped))


def honeypot_filled(rules: SpamRules, value: Any) -> SpamMatch | None:
    """The lead form's hidden field has something in it (people never see it)."""
    filled = bool(value.strip()) if isinstance(value, str) else value is not None
    if rules.honeypot and filled:
        return SpamMatch("honeypot", "on")
    return None


def neutral_reply(language: str | None) -> str:
    return NEUTRAL_REPLY.get(language or "en", NEUTRAL_REPLY["en"])


# -- editing rules --------------------------------------------------------------------------

_LISTS = {"ip": "ips", "word": "words", "regex": "regexes"}
_CHECKS = {"ip": normalise_network, "word": check_word, "regex": check_regex}


def added(rules: SpamRules, kind: Literal["ip", "word", "regex"], value: str) -> SpamRules:
    """``rules`` with one more address/range, word or expression (checked; kept once)."""
    rule = _CHECKS[kind](value)
    data = spam_to_json(rules)
    data[_LISTS[kind]] = [*data[_LISTS[kind]], rule]
    return spam_from_json(data)


def removed(rules: SpamRules, kind: Literal["ip", "word", "regex"], value: str) -> SpamRules:
    """``rules`` without that rule; ``SpamRuleError`` when the widget has no such rule."""
    current: tuple[str, ...] = getattr(rules, _LISTS[kind])
    wanted = normalise_network(value) if kind == "ip" else value.strip()
    same = [r for r in current if r == wanted or (kind == "word" and r.lower() == wanted.lower())]
    if not same:
        raise SpamRuleError(f"There is no {kind} rule {value!r}; `storedesk spam list` shows them.")
    data = spam_to_json(rules)
    data[_LISTS[kind]] = [r for r in current if r not in same]
    return spam_from_json(data)


def describe_rules(rules: SpamRules) -> list[str]:
    """One line per rule, as ``storedesk spam list`` and the widget editor show them."""
    lines = [f"ip       {ip}" for ip in rules.ips]
    lines += [f"word     {word}" for word in rules.words]
    lines += [f"regex    {pattern}" for pattern in rules.regexes]
    if rules.rate_per_minute is not None:
        lines.append(f"rate     at most {rules.rate_per_minute} messages a minute per chat/address")
    lines.append(f"honeypot {'on' if rules.honeypot else 'off'} (the lead form's hidden field)")
    return lines
