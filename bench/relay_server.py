"""A relay for the benchmark, served as `storedesk-relay serve` serves it (logs included),
with rate limits off (the load comes from one address) and N published widgets that use
the demo shop."""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import os
from dataclasses import replace

from relay import logs
from relay.cli import serve
from relay.settings import Settings
from relay.storage import RelayStore

KNOWLEDGE = [
    (
        "What is your return policy?",
        "You can return any item within 30 days for a full refund.",
        ["returns", "refund"],
    ),
    (
        "How long does shipping take?",
        "Orders ship within 1 business day; delivery takes 2-4 days.",
        ["shipping", "delivery"],
    ),
    (
        "Which payment methods do you accept?",
        "Visa, Mastercard, PayPal and bank transfer.",
        ["payment", "card", "paypal"],
    ),
    (
        "What are your opening hours?",
        "Our shop in Lyon is open Monday to Saturday, 9:00-18:00.",
        ["hours", "open"],
    ),
    (
        "Do you ship internationally?",
        "Yes, we ship to all EU countries, the UK and Switzerland.",
        ["international", "abroad"],
    ),
]


def widget_key(n: int) -> str:
    return f"wk_bench{n:06d}"


def bundle(widgets: int, entries_per_widget: int) -> dict[str, object]:
    # imported here: the console's modules belong to the seeding process, not to the relay
    from console.commands.store import connection_for_demo

    settings, secrets = connection_for_demo()
    knowledge = []
    for i in range(entries_per_widget):
        question, answer, keywords = KNOWLEDGE[i % len(KNOWLEDGE)]
        suffix = "" if i < len(KNOWLEDGE) else f" (variant {i})"
        knowledge.append(
            {
                "id": f"k_{i}",
                "question": question + suffix,
                "answer": answer,
                "keywords": keywords,
                "enabled": True,
            }
        )
    return {
        "stores": [{"id": "demo", "platform": "sql", "settings": settings, "secrets": secrets}],
        "widgets": [
            {
                "key": widget_key(n),
                "name": f"Widget {n}",
                "store": "demo",
                "config": {"key": widget_key(n), "name": f"Widget {n}", "store": "demo"},
                "identity_secret": base64.b64encode(b"s" * 32).decode(),
                "knowledge": knowledge,
            }
            for n in range(widgets)
        ],
    }


async def seed(settings: Settings, widgets: int, entries: int) -> None:
    store = await RelayStore.open(settings.store_url, relay_key=settings.relay_key)
    try:
        await store.migrate()
        await store.publish(bundle(widgets, entries), dry_run=False)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--widgets", type=int, default=1)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--seed-only", action="store_true", help="publish, then exit")
    args = parser.parse_args()
    settings = Settings.from_env(argparse.Namespace(data_dir=args.data_dir), {})
    settings = replace(
        settings,
        port=args.port,
        ip_requests_per_minute=0,
        conversation_messages_per_minute=0,
        ip_verification_failures=0,
    )
    if args.seed_only:  # a process of its own, so the relay's memory is its own
        asyncio.run(seed(settings, args.widgets, args.entries))
        return
    with open(os.devnull, "w") as sink:  # logged as `serve` logs, then thrown away
        logs.configure(logging.INFO, stream=sink)
        asyncio.run(serve(settings, ready=lambda _: print("ready", flush=True)))


if __name__ == "__main__":
    main()
