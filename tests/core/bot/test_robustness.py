"""Any text, any state, any store trouble: the bot answers, and always the same way."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bot import Bot, BotState, KnowledgeIndex
from tests.conftest import ROOT
from tests.core.bot.conftest import KNOWLEDGE, NOW, Chat, FakeLookup, text_of, widget

BOT = Bot(widget(), KnowledgeIndex(KNOWLEDGE), lambda: NOW)
STATES = [
    BotState.new(),
    BotState.new(language="de", identity_email="alice@example.com", identity_name="Alice"),
    BotState.new().update(pending="order", pending_order="1001", failures=4),
    BotState.new().update(pending="orders", pending_email="alice@example.com"),
    BotState.new().update(failures=5, locked_until=NOW + timedelta(minutes=5)),
    BotState.new().update(verified_emails=("alice@example.com",), handoff="asked"),
]
NASTY = [
    "x" * 2000,
    "1" * 2000,
    "#" * 2000,
    "@" * 2000,
    "a@" * 1000,
    "order " * 333,
    "<script>alert('x')</script> where is my order 1001",
    "‏مرحبا أين طلبي 1001؟‏",
    "🙂🚚📦 #1001 📧 alice@example.com",
    "\x00\x07\x1b[31m order 1001 \u202e moc.elpmaxe@ecila",
    "order\u200b1001",
    "{number} {0} %s {{}}",
    "",
    "   \n\t ",
]


def run(text: str, state: BotState, store: FakeLookup | None, allowed: bool = True):
    return asyncio.run(BOT.respond(text, state, store, lookups_allowed=allowed))


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    text=st.text(max_size=2000),
    state=st.sampled_from(STATES),
    store=st.sampled_from(["ok", "down", "none"]),
    allowed=st.booleans(),
)
def test_any_text_gets_an_answer(text: str, state: BotState, store: str, allowed: bool) -> None:
    lookup = None if store == "none" else FakeLookup(down=store == "down")
    turn = run(text, state, lookup, allowed)
    assert turn.replies and all(r.text for r in turn.replies)
    assert BotState.from_json(json.loads(json.dumps(turn.state.to_json()))) == turn.state
    assert all(0.0 <= (r.confidence or 0.0) <= 1.0 for r in turn.replies)


@pytest.mark.parametrize("text", NASTY)
@pytest.mark.parametrize("state", STATES)
def test_nasty_input_never_raises(text: str, state: BotState) -> None:
    turn = run(text, state, FakeLookup())
    assert turn.replies


def test_html_is_never_echoed_as_order_detail() -> None:
    turn = run("<b>order</b> 1001 <img src=x>", BotState.new(), FakeLookup())
    assert turn.replies[0].cards == ()


def test_the_same_input_gives_the_same_turn() -> None:
    for state in STATES:
        for text in ("order 1001 alice@example.com", "what about returns?", "hola", "#1002"):
            assert run(text, state, FakeLookup()) == run(text, state, FakeLookup())


async def test_the_whole_chat_is_deterministic(bot: Bot) -> None:
    async def transcript() -> list[str]:
        chat = Chat(bot, FakeLookup())
        for text in ("hi", "where is my order 1001", "alice@example.com", "my orders", "thanks"):
            await chat.say(text)
        return [text_of(t) for t in chat.turns]

    assert await transcript() == await transcript()


_SCRIPT = """
import asyncio, json
from tests.core.bot.test_robustness import BOT, STATES
from tests.core.bot.conftest import FakeLookup
from dataclasses import asdict
texts = ["order 1001 alice@example.com", "shipping to switzerland how long", "¿política?",
         "how much is the stoneware mug", "talk to a person", "1001", "returns refund policy"]
out = [asdict(asyncio.run(BOT.respond(t, s, FakeLookup()))) for t in texts for s in STATES]
print(json.dumps(out, sort_keys=True, default=str))
"""


def test_turns_do_not_depend_on_the_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            cwd=ROOT,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
