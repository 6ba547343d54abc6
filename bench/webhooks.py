"""Store webhook intake, side by side with a bare aiohttp handler, in one run.

    python -m bench.webhooks [--rounds 3] [--seconds 3] [--concurrency 50]

Each WooCommerce delivery is a different order (its own delivery id), signed like
WooCommerce: the relay verifies it, commits it to its inbox (SQLite, synchronous=FULL)
and answers; processing follows in the background on the same core. The bare handler
reads the body and answers a small JSON document. Afterwards the relay's /metrics tell
how long it took to process everything it accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import hmac
import re
import statistics
import tempfile
import time
from functools import partial

import httpx
import orjson

from bench.loadgen import LoadResult, load, request_bytes
from bench.relay import server
from relay.settings import Settings
from relay.storage import RelayStore

HOOK, SECRET = "wh_bench_hook_000001", "bench-webhook-secret"
PATH = f"/v1/webhooks/woocommerce/{HOOK}"
BUDGET = 0.2  # relay/bare throughput: a durable commit per delivery costs a disk flush


def delivery(worker: int, n: int) -> bytes:
    order = {
        "id": worker * 1_000_000 + n,
        "number": f"{worker}-{n}",
        "status": "processing",
        "currency": "EUR",
        "total": "29.00",
        "date_created_gmt": "2026-12-06T10:00:00",
        "date_modified_gmt": "2026-12-06T10:00:00",
        "billing": {"first_name": "Ann", "last_name": "Lee", "email": f"a{worker}@example.com"},
        "line_items": [{"name": "Tee", "quantity": 1, "sku": "T", "price": 29.0}],
        "meta_data": [],
    }
    body = orjson.dumps(order)
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": hashlib.md5(f"{worker}/{n}".encode()).hexdigest(),
        "X-WC-Webhook-Signature": signature.decode(),
    }
    return request_bytes("POST", PATH, body=body, headers=headers)


async def seed(data_dir: str) -> None:
    settings = Settings.from_env(argparse.Namespace(data_dir=data_dir), {})
    store = await RelayStore.open(settings.store_url, relay_key=settings.relay_key)
    try:
        await store.migrate()
        woo = {
            "id": "woo",
            "platform": "woocommerce",
            "settings": {"url": "http://127.0.0.1:9", "webhook_key": HOOK},
            "secrets": {"key": "ck_x", "secret": "cs_x", "webhook_secret": SECRET},
        }
        await store.publish({"stores": [woo], "widgets": []})
    finally:
        await store.close()


def _fmt(result: LoadResult) -> str:
    bad = sum(n for status, n in result.statuses.items() if status >= 300)
    return (
        f"{result.rps:8.0f} req/s  p50 {result.p50:6.1f} ms  p99 {result.percentile(0.99):6.1f} ms"
        + (f"  non-2xx {bad}" if bad else "")
    )


def _counted(port: int, result: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
    pattern = rf'storedesk_relay_webhooks_total{{platform="woocommerce",result="{result}"}} (\S+)'
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir, contextlib.ExitStack() as stack:
        asyncio.run(seed(data_dir))
        bare_port, _ = stack.enter_context(server(["-m", "bench.bare"]))
        relay_port, _ = stack.enter_context(
            server(["-m", "bench.relay_server", "--data-dir", data_dir])
        )
        print(f"{args.concurrency} concurrent keep-alive clients, {args.seconds:.0f} s per run\n")
        bare_rps, relay_rps = [], []
        for round_ in range(args.rounds):
            factory = partial(_offset, round_)
            bare = load(bare_port, factory, concurrency=args.concurrency, seconds=args.seconds)
            relay = load(relay_port, factory, concurrency=args.concurrency, seconds=args.seconds)
            bare_rps.append(bare.rps)
            relay_rps.append(relay.rps)
            print(f"  webhook bare  {_fmt(bare)}")
            print(f"  webhook relay {_fmt(relay)}")
        ratio = statistics.median(relay_rps) / statistics.median(bare_rps)
        verdict = "ok" if ratio >= BUDGET else "OVER BUDGET"
        print(f"webhook: relay/bare throughput {ratio:.2f}x (budget >= {BUDGET}x) {verdict}")
        started = time.perf_counter()
        accepted = _counted(relay_port, "accepted")
        while _counted(relay_port, "processed") < accepted and time.perf_counter() - started < 120:
            time.sleep(0.5)
        processed = _counted(relay_port, "processed")
        print(
            f"processing: {processed:.0f} of {accepted:.0f} accepted deliveries processed, "
            f"backlog cleared {time.perf_counter() - started:.1f} s after the load stopped"
        )


def _offset(round_: int, worker: int, n: int) -> bytes:
    return delivery(worker + 1000 * round_, n)


if __name__ == "__main__":
    main()
