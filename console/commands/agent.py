"""`storedesk widget ai WIDGET …`: the widget's language-model agent (off by default).

The settings (the API key among them) are sealed in the vault and sent to the paired relay;
the key is read from standard input (``--api-key-stdin``) or ``$STOREDESK_AI_API_KEY``, never
from the command line, and never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from console.runtime import EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE, CliError, open_session, warn

if TYPE_CHECKING:
    from core.agent.settings import AgentSettings

ENV_KEY = "STOREDESK_AI_API_KEY"
_FIELDS = {
    "base_url": "base_url",
    "model": "model",
    "persona": "persona",
    "temperature": "temperature",
    "token_budget": "token_budget",
    "timeout": "timeout",
}


def register(widget_sub: Any) -> None:
    ai = widget_sub.add_parser(
        "ai", help="answer shoppers with a language model (any OpenAI-compatible endpoint)"
    )
    ai.add_argument("widget", metavar="WIDGET", help="its name or key")
    on = ai.add_mutually_exclusive_group()
    on.add_argument("--enable", action="store_true", help="turn the agent on")
    on.add_argument("--disable", action="store_true", help="turn it off (settings kept)")
    on.add_argument("--remove", action="store_true", help="forget the settings and the key")
    ai.add_argument("--base-url", help="before /chat/completions, e.g. http://localhost:11434/v1")
    ai.add_argument("--model", help="the model's name at that endpoint, e.g. llama3.1:8b")
    ai.add_argument(
        "--api-key-stdin", action="store_true", help=f"read the API key from stdin (or ${ENV_KEY})"
    )
    ai.add_argument("--persona", help="the name the agent signs with (default Emma)")
    ai.add_argument("--temperature", type=float, help="0 to 2 (default 0.3)")
    ai.add_argument("--token-budget", type=int, help="tokens per conversation (default 20000)")
    ai.add_argument("--timeout", type=float, help="seconds to the first token (default 8)")
    ai.add_argument("--test", action="store_true", help="send the model one test prompt")
    ai.set_defaults(handler=cmd_ai)


def _api_key(args: argparse.Namespace) -> str | None:
    if args.api_key_stdin:
        return sys.stdin.readline().strip()
    return os.environ.get(ENV_KEY) or None


def _merged(current: AgentSettings | None, args: argparse.Namespace) -> AgentSettings | None:
    """``current`` with the options given; ``None`` when nothing asks for a change."""
    from core.agent.settings import AgentSettingsError, agent_settings

    given = {k: getattr(args, a) for a, k in _FIELDS.items() if getattr(args, a) is not None}
    key = _api_key(args)
    if not given and key is None and not (args.enable or args.disable):
        return None
    data: dict[str, Any] = current.to_json() if current is not None else {"enabled": False}
    data.update(given)
    if key is not None:
        data["api_key"] = key
    if args.enable or args.disable:
        data["enabled"] = bool(args.enable)
    if not data.get("base_url") or not data.get("model"):
        raise CliError("Give the endpoint's --base-url and the --model to use.", EXIT_USAGE)
    try:
        return agent_settings(data)
    except AgentSettingsError as exc:
        raise CliError(f"--{exc.field.replace('_', '-')}: {exc}", EXIT_USAGE) from None


def cmd_ai(args: argparse.Namespace) -> int:
    from console.commands.widget import require_widget
    from core.workspace.channels import ChannelRepository

    with open_session(args) as session:
        widget = require_widget(session, args.widget)
        channels = ChannelRepository(session.workspace, session.vault)
        current = channels.agent(widget)
        settings = None if args.remove else _merged(current, args)
        if args.remove:
            channels.set_agent(widget, None)
        elif settings is not None:
            channels.set_agent(widget, settings)
        shown = settings or (None if args.remove else current)
        relay = _relay_of(session)
    if args.remove or settings is not None:
        _tell_relay(relay, widget.key, None if args.remove else settings)
    if args.remove:
        print(f"The agent of {widget.name!r} is removed; the bot answers alone.")
        return EXIT_OK
    if shown is None:
        print(f"{widget.name!r} has no agent; set one with --base-url, --model and --enable.")
        return EXIT_OK
    _describe(widget.name, shown)
    return _test(shown) if args.test else EXIT_OK


def _relay_of(session: Any) -> tuple[str, bytes] | None:
    from console.commands.relay import links_of

    links = links_of(session)
    link = links.current()
    key = links.private_key(link) if link is not None else None
    return (link.url, key) if link is not None and key is not None else None


def _tell_relay(relay: tuple[str, bytes] | None, widget_key: str, settings: Any) -> None:
    from console.commands.relay import run_client

    if relay is None:
        warn("saved; pair with your relay and run `storedesk relay publish` to use it there.")
        return
    url, key = relay
    if settings is not None:
        try:
            run_client(url, key, lambda client: client.put_agent(widget_key, settings))
        except CliError as exc:
            if "no published widget" not in str(exc):
                raise
            warn("saved; run `storedesk relay publish` to publish the widget and its agent.")
        return
    try:
        run_client(url, key, lambda client: client.remove_agent(widget_key))
    except CliError as exc:
        if "no agent" not in str(exc):  # already gone on the relay: fine
            raise


def _describe(name: str, settings: AgentSettings) -> None:
    state = "on" if settings.enabled else "off (--enable turns it on)"
    print(f"Agent of {name!r}: {state}")
    print(f"  persona {settings.persona}, model {settings.model} at {settings.base_url}")
    print(f"  API key: {'set' if settings.api_key else 'none'}")
    print(
        f"  temperature {settings.temperature:g}, budget {settings.token_budget} tokens per "
        f"conversation, first token within {settings.timeout:g} s"
    )


def _test(settings: AgentSettings) -> int:
    from connectors.llm.client import try_model
    from console.commands.relay import run_http
    from core.agent.model import ModelError

    try:
        answer, used = run_http(lambda http: try_model(http, settings))
    except ModelError as exc:
        raise CliError(
            f"The model did not answer: {exc.reason}. Check the base URL (it ends before "
            "/chat/completions), the model's name and the API key.",
            EXIT_UNAVAILABLE,
        ) from None
    print(f"The model answered ({used or 'unknown'} tokens): {answer[:300]}")
    return EXIT_OK
