"""Run the CLI in-process against emulators served from a background event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from console.cli import main
from tests.emulators import shopify, woocommerce
from tests.emulators.shopify_seed import seeded_shop


class Served:
    """An async context manager (an emulator) kept open on its own loop in a thread."""

    def __init__(self, factory: Callable[[], AbstractAsyncContextManager[Any]]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._cm = factory()
        self.value = self._call(self._cm.__aenter__())

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self._call(self._cm.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def woo() -> Iterator[Any]:
    served = Served(lambda: woocommerce.running(woocommerce.ShopState.seeded()))
    yield served.value
    served.close()


@pytest.fixture
def woo_tls() -> Iterator[Any]:
    """The WooCommerce emulator over HTTPS with a self-signed certificate."""
    served = Served(lambda: woocommerce.running(woocommerce.ShopState.seeded(), tls=True))
    yield served.value
    served.close()


@pytest.fixture
def shop_state() -> Any:
    return seeded_shop()


@pytest.fixture
def shopify_url(shop_state: Any) -> Iterator[str]:
    served = Served(lambda: shopify.running(shop_state))
    yield served.value
    served.close()


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir = data_dir
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "workspace", capsys)
