"""A bounded soak: 50 shoppers on loopback against a real relay for minutes on end.

    python -m bench.soak                 # 10 minutes (or: make bench)
    python -m bench.soak --minutes 2     # a shorter run

Each shopper visits again and again: reads the widget's config, starts a conversation,
opens its event stream (SSE), asks a knowledge question, asks where an order is and
verifies it with their email, asks one more question, closes the stream, and comes back
after a short pause. The relay is ``bench.relay_server`` (``storedesk-relay serve`` with
logs, rate limits off: the load comes from one address) on the demo shop, in a process of
its own; its resident memory is sampled every few seconds.

Reported: answers with status 5xx (and requests with no answer), p50/p95/p99 latency per
kind of request, and RSS over time (the last quarter's mean over the first quarter's: flat
is close to 1). Beside it, the same shoppers against a bare aiohttp handler (``bench.bare``)
for a short window before and after the soak, as bench/relay.py does, so the latencies read
as a ratio on whatever machine runs this.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from bench.relay import rss_mib, seed, server
from bench.relay_server import widget_key

QUESTIONS = (
    "What is your return policy?",
    "How long does shipping take?",
    "Which payment methods do you accept?",
    "Do you ship internationally?",
)
ORDER, EMAIL = "where is my order 1001", "alice@example.com"
RSS_TARGET = 1.25  # the last quarter's RSS over the first quarter's
KINDS = ("config", "start", "stream", "faq", "order", "verify")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    unanswered: int = 0
    events: int = 0
    visits: int = 0

    def record(self, kind: str, started: float, status: int) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        self.statuses[status] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


class Shopper:
    """One shopper's visits, over one keep-alive session, until ``deadline``."""

    def __init__(self, session: aiohttp.ClientSession, tally: Tally, rng: random.Random) -> None:
        self.session = session
        self.tally = tally
        self.rng = rng

    async def call(self, kind: str, method: str, path: str, **options: Any) -> Any:
        started = time.perf_counter()
        try:
            async with self.session.request(method, path, **options) as response:
                body = await response.read()
                self.tally.record(kind, started, response.status)
                if response.status >= 300 or response.content_type != "application/json":
                    return None
                return orjson.loads(body)
        except (aiohttp.ClientError, TimeoutError):
            self.tally.unanswered += 1
            return None

    async def visit(self) -> None:
        key = widget_key(0)
        await self.call("config", "GET", f"/v1/widgets/{key}/config")
        chat = await self.call("start", "POST", f"/v1/widgets/{key}/conversations", json={})
        if not isinstance(chat, dict):
            return
        # the bare handler answers every path with the same document: the same requests
        # go to it, for a conversation it never made
        path = f"/v1/conversations/{chat.get('conversation_id', 'c_baseline')}"
        auth = {"Authorization": f"Bearer {chat.get('token', 'baseline')}"}
        stream = asyncio.ensure_future(self.listen(f"{path}/stream", auth))
        try:
            for kind, text in (
                ("faq", self.rng.choice(QUESTIONS)),
                ("order", ORDER),
                ("verify", EMAIL),
                ("faq", self.rng.choice(QUESTIONS)),
            ):
                await self.call(kind, "POST", f"{path}/messages", json={"text": text}, headers=auth)
                await asyncio.sleep(self.rng.uniform(0.05, 0.3))  # reading, typing
        finally:
            stream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stream
        self.tally.visits += 1

    async def listen(self, path: str, auth: dict[str, str]) -> None:
        """Hold the conversation's event stream open; its latency is the time to headers."""
        started = time.perf_counter()
        try:
            async with self.session.get(path, headers=auth) as response:
                self.tally.record("stream", started, response.status)
                async for line in response.content:
                    if line.startswith(b"event:"):
                        self.tally.events += 1
        except (aiohttp.ClientError, TimeoutError):
            self.tally.unanswered += 1

    async def run(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            await self.visit()
            await asyncio.sleep(self.rng.uniform(0.1, 0.5))  # the next shopper arrives


async def shoppers(port: int, count: int, seconds: float, tally: Tally, seed_: int) -> None:
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        base_url=f"http://127.0.0.1:{port}", timeout=timeout, connector=connector
    ) as session:
        deadline = time.perf_counter() + seconds
        rngs = [random.Random(seed_ + n) for n in range(count)]
        await asyncio.gather(*(Shopper(session, tally, rng).run(deadline) for rng in rngs))


async def soak(port: int, pid_rss: Any, args: argparse.Namespace) -> tuple[Tally, list[Any]]:
    tally = Tally()
    samples: list[tuple[float, float]] = []
    seconds = args.minutes * 60
    load = asyncio.ensure_future(shoppers(port, args.shoppers, seconds, tally, 1))
    started = time.perf_counter()
    while not load.done():
        samples.append((time.perf_counter() - started, pid_rss()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(load), args.sample_seconds)
    await load
    samples.append((time.perf_counter() - started, pid_rss()))
    return tally, samples


def report_latency(name: str, tally: Tally) -> None:
    print(f"  {name}: {sum(tally.statuses.values()):,} answers, {tally.visits:,} visits")
    for kind in KINDS:
        values = tally.latencies.get(kind, [])
        if values:
            print(
                f"    {kind:7s} p50 {percentile(values, 0.5):7.1f} ms  "
                f"p95 {percentile(values, 0.95):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms"
                f"  ({len(values):,})"
            )


def report_memory(samples: list[tuple[float, float]]) -> float:
    quarter = max(1, len(samples) // 4)
    first = statistics.mean(rss for _, rss in samples[:quarter])
    last = statistics.mean(rss for _, rss in samples[-quarter:])
    step = max(1, len(samples) // 12)
    shown = ", ".join(f"{t / 60:.1f} min {rss:.1f}" for t, rss in samples[::step])
    print(f"  RSS (MiB) over time: {shown}")
    half = samples[len(samples) // 2 :]
    print(f"  RSS growth over the second half: {half[-1][1] - half[0][1]:+.1f} MiB")
    ratio = last / first
    verdict = "ok" if ratio <= RSS_TARGET else "GROWING"
    print(
        f"  RSS first quarter {first:.1f} MiB, last quarter {last:.1f} MiB: "
        f"{ratio:.2f}x (target <= {RSS_TARGET}x) {verdict}"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10.0, help="soak length (default 10)")
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="RSS sampling period")
    parser.add_argument(
        "--baseline-seconds", type=float, default=20.0, help="bare handler, before and after"
    )
    args = parser.parse_args()
    if args.minutes <= 0 or args.shoppers <= 0:
        parser.error("--minutes and --shoppers must be positive")
    with tempfile.TemporaryDirectory() as data_dir, contextlib.ExitStack() as stack:
        bare_port, _ = stack.enter_context(server(["-m", "bench.bare"]))
        seed(data_dir, 1)
        relay_port, relay = stack.enter_context(
            server(["-m", "bench.relay_server", "--data-dir", data_dir])
        )
        print(
            f"{args.shoppers} shoppers, {args.minutes:g} min against the relay; the bare "
            f"handler {args.baseline_seconds:g} s before and after\n"
        )
        bare = Tally()
        half = args.baseline_seconds / 2
        asyncio.run(shoppers(bare_port, args.shoppers, half, bare, 1))
        tally, samples = asyncio.run(soak(relay_port, lambda: rss_mib(relay), args))
        asyncio.run(shoppers(bare_port, args.shoppers, half, bare, 2))
    failed = summarise(bare, tally, samples)
    sys.exit(1 if failed else 0)


def summarise(bare: Tally, tally: Tally, samples: list[tuple[float, float]]) -> bool:
    report_latency("relay", tally)
    report_latency("bare ", bare)
    relay_all, bare_all = tally.all_latencies(), bare.all_latencies()
    for p in (0.5, 0.95, 0.99):
        ratio = percentile(relay_all, p) / percentile(bare_all, p)
        print(f"  all requests p{round(p * 100)}: relay/bare {ratio:.1f}x")
    errors = tally.server_errors
    print(
        f"  5xx answers: {errors} {'ok' if errors == 0 else 'FAILED'}; requests without an "
        f"answer: {tally.unanswered}; stream events received: {tally.events:,}"
    )
    ratio = report_memory(samples)
    return errors > 0 or tally.unanswered > 0 or ratio > RSS_TARGET


if __name__ == "__main__":
    main()
