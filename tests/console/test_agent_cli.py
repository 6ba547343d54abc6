"""`storedesk widget ai` against a real relay and a fake OpenAI-compatible endpoint: the
settings are checked, the key read from stdin is sealed (workspace and relay) and never
printed, publishing restores what the relay lost, and `--test` sends one prompt."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, paired, relay, widget_key  # noqa: F401
from tests.relay.fake_openai import InThread, status, text

KEY = "sk-local-0123456789"


@pytest.fixture
def model() -> Iterator[InThread]:
    served = InThread()
    try:
        yield served
    finally:
        served.close()


def test_the_agent_from_the_command_line(
    paired: Cli,  # noqa: F811
    relay: Relay,  # noqa: F811
    model: InThread,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from relay.keys import AGENTS

    key = widget_key(paired)
    assert paired("relay", "publish")[0] == 0
    code, out, _ = paired("widget", "ai", key)
    assert code == 0 and "has no agent" in out
    code, _, err = paired("widget", "ai", key, "--enable", "--base-url", "localhost:11434")
    assert code == 2 and "--base-url" in err
    given = ["--base-url", model.url, "--model", "m", "--timeout", "0"]
    code, _, err = paired("widget", "ai", key, *given)
    assert code == 2 and "timeout must be from 1 to 120" in err

    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    args = ["widget", "ai", key, "--enable", "--base-url", model.url + "/"]
    args += ["--model", "llama3.1:8b"]
    code, out, err = paired(*args, "--api-key-stdin", "--persona", "Maya", "--token-budget", "5000")
    assert code == 0, err
    assert "on" in out and "Maya" in out and "API key: set" in out and KEY not in out + err
    agent = relay.served._call(relay.app[AGENTS].settings(key))
    assert agent is not None and agent.api_key == KEY and agent.base_url == model.url
    assert agent.token_budget == 5000 and agent.model == "llama3.1:8b"
    assert KEY.encode() not in (paired.data_dir / "workspace.sqlite").read_bytes()

    model.call(lambda: model.fake.then(text("Hello there, welcome!"), status(401)))
    code, out, err = paired("widget", "ai", key, "--test")
    assert code == 0 and "Hello there, welcome!" in out and "60 tokens" in out
    assert model.fake.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"
    code, _, err = paired("widget", "ai", key, "--test")
    assert code == 5 and "refused the API key (HTTP 401)" in err and KEY not in err

    relay.served._call(relay.app[AGENTS].remove(key))  # the relay lost it: publish restores
    assert paired("relay", "publish")[0] == 0
    assert relay.served._call(relay.app[AGENTS].settings(key)) is not None

    code, out, _ = paired("widget", "ai", key, "--disable")
    assert code == 0 and "off" in out
    assert relay.served._call(relay.app[AGENTS].settings(key)) is None  # kept, but off
    code, out, _ = paired("widget", "ai", key, "--remove")
    assert code == 0 and "removed" in out
    assert paired("widget", "ai", key)[1].count("has no agent") == 1
