"""Relay throughput, side by side with a bare aiohttp JSON handler, in one run.

    python -m bench.relay            # or: make bench-relay

Each server runs in its own process and the load generator in a third (2 cores: the
server under test gets one). Rounds alternate bare/relay; medians are reported.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import httpx
import orjson

from bench.emulated import ROOT, _free_port
from bench.loadgen import LoadResult, load, request_bytes
from bench.relay_server import widget_key

BUDGETS = {"config": 0.7, "faq": 0.15, "order": 0.1}


def seed(data_dir: str, widgets: int, entries: int = 20) -> None:
    args = ["-m", "bench.relay_server", "--data-dir", data_dir, "--seed-only"]
    args += ["--widgets", str(widgets), "--entries", str(entries)]
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True)


@contextlib.contextmanager
def server(args: list[str]) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-u", *args, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        while "ready" not in (line := proc.stdout.readline()):
            if not line and proc.poll() is not None:
                raise SystemExit(f"server {args} did not start")
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


MIB = 1024 * 1024


def rss_mib(proc: subprocess.Popen[str]) -> float:
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def get_factory(path: str, worker: int, n: int) -> bytes:
    return request_bytes("GET", path)


def message_factory(conversations: list[tuple[str, str]], text: str, worker: int, n: int) -> bytes:
    conversation, token = conversations[worker % len(conversations)]
    return request_bytes(
        "POST",
        f"/v1/conversations/{conversation}/messages",
        body=orjson.dumps({"text": text}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def open_conversations(port: int, count: int, *, verify_order: bool) -> list[tuple[str, str]]:
    made = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for _ in range(count):
            answer = http.post(f"/v1/widgets/{widget_key(0)}/conversations", json={}).json()
            conversation, token = answer["conversation_id"], answer["token"]
            if verify_order:
                headers = {"Authorization": f"Bearer {token}"}
                for text in ("where is my order 1001", "alice@example.com"):
                    reply = http.post(
                        f"/v1/conversations/{conversation}/messages",
                        json={"text": text},
                        headers=headers,
                    )
                    reply.raise_for_status()
                cards = reply.json()["messages"][-1]["cards"]
                assert cards and cards[0]["number"] == "1001", reply.text
            made.append((conversation, token))
    return made


def _fmt(result: LoadResult) -> str:
    bad = sum(n for status, n in result.statuses.items() if status >= 300)
    return (
        f"{result.rps:8.0f} req/s  p50 {result.p50:6.1f} ms  p99 {result.percentile(0.99):6.1f} ms"
        + (f"  non-2xx {bad}" if bad else "")
    )


def measure(
    name: str,
    *,
    bare_port: int,
    relay_port: int,
    bare_factory: Callable[[int, int], bytes],
    relay_factory: Callable[[int, int], bytes],
    rounds: int,
    seconds: float,
    concurrency: int,
) -> float:
    bare_rps, relay_rps = [], []
    for _ in range(rounds):
        bare = load(bare_port, bare_factory, concurrency=concurrency, seconds=seconds)
        relay = load(relay_port, relay_factory, concurrency=concurrency, seconds=seconds)
        bare_rps.append(bare.rps)
        relay_rps.append(relay.rps)
        print(f"  {name:7s} bare  {_fmt(bare)}")
        print(f"  {name:7s} relay {_fmt(relay)}")
    ratio = statistics.median(relay_rps) / statistics.median(bare_rps)
    verdict = "ok" if ratio >= BUDGETS[name] else "OVER BUDGET"
    print(f"{name}: relay/bare throughput {ratio:.2f}x (budget >= {BUDGETS[name]}x) {verdict}\n")
    return ratio


def memory(widgets: int, entries: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        seed(data_dir, widgets, entries)
        with server(["-m", "bench.relay_server", "--data-dir", data_dir]) as (port, proc):
            idle = rss_mib(proc)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                for n in range(widgets):
                    http.get(f"/v1/widgets/{widget_key(n)}/config").raise_for_status()
                    made = http.post(f"/v1/widgets/{widget_key(n)}/conversations", json={})
                    answer = made.json()
                    http.post(
                        f"/v1/conversations/{answer['conversation_id']}/messages",
                        json={"text": "What is your return policy?"},
                        headers={"Authorization": f"Bearer {answer['token']}"},
                    ).raise_for_status()
            used = rss_mib(proc)
    # the budget is read in MiB, as the figures it was set from were; in decimal MB too
    verdict = "ok" if used <= 80 else "OVER TARGET"
    decimal = "ok" if used * MIB / 1e6 <= 80 else "over"
    print(
        f"memory: {widgets} widgets x {entries} entries: RSS {idle:.1f} MiB after start, "
        f"{used:.1f} MiB after one conversation on every widget (target <= 80 MiB) {verdict}; "
        f"= {used * MIB / 1e6:.1f} MB decimal ({decimal} against 80 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--widgets", type=int, default=1000)
    parser.add_argument("--only", choices=("config", "faq", "order", "memory"))
    args = parser.parse_args()
    wanted = {args.only} if args.only else {"config", "faq", "order", "memory"}
    if wanted - {"memory"}:
        throughput(args, wanted)
    if "memory" in wanted:
        memory(args.widgets, 20)


def throughput(args: argparse.Namespace, wanted: set[str]) -> None:
    faq_text, order_text = "What is your return policy?", "where is my order 1001"
    with tempfile.TemporaryDirectory() as data_dir, contextlib.ExitStack() as stack:
        bare_port, _ = stack.enter_context(server(["-m", "bench.bare"]))
        seed(data_dir, 1)
        relay_args = ["-m", "bench.relay_server", "--data-dir", data_dir]
        relay_port, _ = stack.enter_context(server(relay_args))
        print(f"{args.concurrency} concurrent keep-alive clients, {args.seconds:.0f} s per run\n")
        run = partial(
            measure,
            bare_port=bare_port,
            relay_port=relay_port,
            rounds=args.rounds,
            seconds=args.seconds,
            concurrency=args.concurrency,
        )
        if "config" in wanted:
            config = partial(get_factory, f"/v1/widgets/{widget_key(0)}/config")
            run("config", bare_factory=config, relay_factory=config)
        faq = open_conversations(relay_port, args.concurrency, verify_order=False)
        bare_post = partial(message_factory, faq, faq_text)
        if "faq" in wanted:
            run("faq", bare_factory=bare_post, relay_factory=bare_post)
        if "order" in wanted:
            started = time.perf_counter()
            verified = open_conversations(relay_port, args.concurrency, verify_order=True)
            print(
                f"  ({len(verified)} conversations verified for order 1001 in "
                f"{time.perf_counter() - started:.1f} s)"
            )
            run(
                "order",
                bare_factory=bare_post,
                relay_factory=partial(message_factory, verified, order_text),
            )


if __name__ == "__main__":
    main()
