"""Connector and sync budgets, each measured side by side with its baseline in one run.

    python -m bench.connectors            (or: make bench)
    python -m bench.connectors --only sync --rounds 3     (one part: lookup, sync or memory)

1. Order lookup through the WooCommerce connector vs. a bare httpx GET of the same
   emulator URL (budget ≤ 1.3×).
2. Syncing 5,000 orders from the WooCommerce emulator into a fresh workspace vs. just
   fetching (and decoding) the very pages the sync fetched, one after the other, rounds
   interleaved, medians compared (budget ≤ 1.25×). The sync pages by keyset, so it knows
   its next request only from the page before; it asks for it while it stores that page:
   fetching two at a time is printed beside it for reference.
3. Peak memory of a sync of 50,000 orders vs. 5,000, each in a fresh process
   (budget ≤ 1.5×: pages are streamed, not held).

The emulator runs in its own process, as a real store runs on another machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import resource
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx

from bench.emulated import ROOT, Emulator, woocommerce

SYNC_IN_FLIGHT = 2  # the page being stored and the next one asked for
PARTS = ("lookup", "sync", "memory")

os.environ.setdefault("STOREDESK_KEYRING", "off")
os.environ.setdefault("STOREDESK_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())


def _client(emu: Emulator, **kwargs: Any) -> httpx.AsyncClient:
    verify: Any = ssl.create_default_context(cafile=emu.cafile) if emu.cafile else True
    return httpx.AsyncClient(verify=verify, timeout=60.0, **kwargs)


def _connector(emu: Emulator, http: httpx.AsyncClient) -> Any:
    from connectors.base import ConnectorContext
    from connectors.woocommerce import create

    return create(
        {"url": emu.url}, {"key": emu.key, "secret": emu.secret}, ConnectorContext(http=http)
    )


# --- 1. lookup ----------------------------------------------------------------------------
async def bench_lookup(emu: Emulator, rounds: int) -> dict[str, float]:
    async with _client(emu) as http:
        auth = (emu.key, emu.secret)
        first = (
            await http.get(f"{emu.url}/wp-json/wc/v3/orders", params={"per_page": 100}, auth=auth)
        ).json()
        order = next(o for o in first if str(o["id"]) == str(o["number"]))
        url = f"{emu.url}/wp-json/wc/v3/orders/{order['id']}"
        connector = _connector(emu, http)
        bare: list[float] = []
        ours: list[float] = []
        for i in range(rounds + 20):
            for kind in ("bare", "ours") if i % 2 else ("ours", "bare"):
                started = time.perf_counter()
                if kind == "bare":
                    (await http.get(url, auth=auth)).json()
                else:
                    found = await connector.get_order(str(order["number"]))
                    assert found is not None
                if i >= 20:  # warm-up rounds are not counted
                    (bare if kind == "bare" else ours).append(time.perf_counter() - started)
    b, o = statistics.median(bare), statistics.median(ours)
    return {"bare_ms": b * 1000, "connector_ms": o * 1000, "ratio": o / b}


# --- 2. sync vs fetch ---------------------------------------------------------------------
async def sync_once(emu: Emulator, data_dir: Path) -> tuple[float, list[str], Any]:
    from connectors.sync import SyncEngine
    from core.vault import Vault
    from core.workspace import Workspace
    from core.workspace.stores import StoreRepository

    workspace = Workspace.open(data_dir)
    stores = StoreRepository(workspace, Vault.open(data_dir))
    entry = stores.add(
        "bench", "woocommerce", {"url": emu.url}, {"key": emu.key, "secret": emu.secret}
    )
    urls: list[str] = []

    async def record(request: httpx.Request) -> None:
        urls.append(str(request.url))

    try:
        async with _client(emu, event_hooks={"request": [record]}) as http:
            connector = _connector(emu, http)
            started = time.perf_counter()
            result = await SyncEngine(workspace, entry, connector).run(full=True)
            return time.perf_counter() - started, urls, result
    finally:
        workspace.close()


async def fetch_same(emu: Emulator, urls: list[str], in_flight: int = 1) -> float:
    """Fetch and decode ``urls`` in order, with up to ``in_flight`` requests at a time."""
    gate = asyncio.Semaphore(in_flight)
    async with _client(emu) as http:

        async def get(url: str) -> None:
            async with gate:
                response = await http.get(url, auth=(emu.key, emu.secret))
                response.raise_for_status()
                response.json()

        started = time.perf_counter()
        await asyncio.gather(*(get(url) for url in urls))
        return time.perf_counter() - started


async def bench_sync(emu: Emulator, rounds: int) -> dict[str, float]:
    syncs: list[float] = []
    fetches: list[float] = []
    ahead: list[float] = []
    orders = 0
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, urls, result = await sync_once(emu, Path(tmp))
        orders = result.counts["orders"].created
        syncs.append(seconds)
        fetches.append(await fetch_same(emu, urls))
        ahead.append(await fetch_same(emu, urls, in_flight=SYNC_IN_FLIGHT))
    s, f, a = statistics.median(syncs), statistics.median(fetches), statistics.median(ahead)
    return {"orders": orders, "pages": len(urls), "fetch_s": f, "ahead_s": a, "sync_s": s}


# --- 3. memory ----------------------------------------------------------------------------
def memory_child(url: str, key: str, secret: str, cafile: str | None) -> None:
    emu = Emulator(url, key, secret, cafile)
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as tmp:
        _, _, result = asyncio.run(sync_once(emu, Path(tmp)))
    peak = tracemalloc.get_traced_memory()[1]
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"orders": result.counts["orders"].created, "peak": peak, "rss": rss_kib * 1024})
    )


def measure_memory(orders: int) -> dict[str, int]:
    with woocommerce(orders) as emu:
        args = [
            sys.executable,
            "-m",
            "bench.connectors",
            "--memory-child",
            emu.url,
            emu.key,
            emu.secret,
        ]
        args.append(emu.cafile or "")
        out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# --- report -------------------------------------------------------------------------------
def verdict(ratio: float, budget: float) -> str:
    return f"{ratio:.2f}×  (budget ≤ {budget}×: {'met' if ratio <= budget else 'MISSED'})"


def _mem(run: dict[str, int]) -> str:
    mib = 2**20
    peak, rss = run["peak"] / mib, run["rss"] / mib
    return f"{run['orders']} orders: peak {peak:.1f} MiB (RSS {rss:.0f} MiB)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--big", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (may be repeated)"
    )
    parser.add_argument("--memory-child", nargs=4, metavar=("URL", "KEY", "SECRET", "CAFILE"))
    args = parser.parse_args()
    if args.memory_child:
        url, key, secret, cafile = args.memory_child
        memory_child(url, key, secret, cafile or None)
        return

    parts = set(args.only or PARTS)
    if parts & {"lookup", "sync"}:
        with woocommerce(args.orders) as emu:
            if "lookup" in parts:
                report_lookup(emu)
            if "sync" in parts:
                report_sync(emu, args.rounds)
    if "memory" in parts:
        report_memory(args.orders, args.big)


def report_lookup(emu: Emulator) -> None:
    lookup = asyncio.run(bench_lookup(emu, 200))
    print(
        f"lookup   bare httpx {lookup['bare_ms']:.2f} ms · "
        f"connector {lookup['connector_ms']:.2f} ms → {verdict(lookup['ratio'], 1.3)}"
    )


def report_sync(emu: Emulator, rounds: int) -> None:
    sync = asyncio.run(bench_sync(emu, rounds))
    ratio = sync["sync_s"] / sync["fetch_s"]
    print(
        f"sync     {sync['orders']:.0f} orders in {sync['pages']:.0f} requests: "
        f"fetch only {sync['fetch_s']:.2f} s · sync {sync['sync_s']:.2f} s "
        f"→ {verdict(ratio, 1.25)}"
    )
    print(
        f"         (fetching those pages {SYNC_IN_FLIGHT} at a time: "
        f"{sync['ahead_s']:.2f} s → sync {sync['sync_s'] / sync['ahead_s']:.2f}×)"
    )


def report_memory(orders: int, big: int) -> None:
    small, large = measure_memory(orders), measure_memory(big)
    ratio = large["peak"] / small["peak"]
    print(f"memory   {_mem(small)} · {_mem(large)} → {verdict(ratio, 1.5)}")


if __name__ == "__main__":
    main()
