"""One CLI invocation's workspace, vault and connectors."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from connectors import registry
from connectors.base import Connector, ConnectorContext, StoreInfo
from connectors.http import make_client
from connectors.sync import SyncEngine, SyncResult
from console.borrowed_token import borrowed, borrows
from console.runtime import EXIT_NOT_FOUND, CliError, data_dir_arg, exit_code_for, warn
from core.contacts import same_email
from core.orders import clean_order_number
from core.records import Customer, Order
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.activity import record as record_activity
from core.workspace.paths import resolve_data_dir
from core.workspace.schedule import Outcome, ScheduleRepository
from core.workspace.stores import StoreEntry, StoreRepository
from core.workspace.sync_lock import SyncBusy, SyncLocks

T = TypeVar("T")
HOLDER_CLI = "storedesk sync in a terminal"
HOLDER_CONSOLE = "Sync now in the console"
HOLDER_SCHEDULE = "the console's schedule"


class CliSession:
    """``with CliSession(args) as s:`` opens the workspace (migrated) and the vault."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.data_dir = resolve_data_dir(data_dir_arg(args))

    def __enter__(self) -> CliSession:
        self.workspace = Workspace.open(self.data_dir)
        try:
            self.vault = Vault.open(self.data_dir)
            note_key_source(self.data_dir, self.vault.source)
            # (the repository also finishes a key rotation a crash interrupted)
            self.stores = StoreRepository(self.workspace, self.vault)
        except BaseException:
            self.workspace.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.workspace.close()

    def require_store(self, name: str) -> StoreEntry:
        entry = self.stores.get(name)
        if entry is None:
            raise CliError(
                f"there is no store named {name!r}; `storedesk store list` shows yours.",
                EXIT_NOT_FOUND,
            )
        return entry

    async def _with(
        self,
        platform: str,
        settings: Mapping[str, Any],
        secrets: Mapping[str, str],
        work: Callable[[Connector], Awaitable[T]],
        saved: Callable[[dict[str, str]], None] | None = None,
    ) -> T:
        verify = settings.get("verify_ssl", True) is not False
        async with make_client(verify=verify) as http:
            context = ConnectorContext(http=http, secrets_changed=saved)
            connector = registry.build(platform, settings, secrets, context)
            try:
                return await work(connector)
            finally:
                await connector.aclose()

    async def _with_store(self, entry: StoreEntry, work: Callable[[Connector], Awaitable[T]]) -> T:
        secrets = self.stores.secrets(entry)
        settings: Mapping[str, Any] = entry.settings
        if borrows(entry.platform, settings):  # the relay alone renews this store's token
            settings, secrets = await borrowed(
                self.workspace, self.vault, entry.name, settings, secrets
            )

        def saved(rotated: dict[str, str]) -> None:  # a refreshed token replaces the old one
            self.stores.update_secrets(entry, rotated)

        return await self._with(entry.platform, settings, secrets, work, saved)

    async def test_connection(
        self, platform: str, settings: Mapping[str, Any], secrets: Mapping[str, str]
    ) -> StoreInfo:
        return await self._with(platform, settings, secrets, lambda c: c.test())

    async def test_store(self, entry: StoreEntry) -> StoreInfo:
        return await self._with_store(entry, lambda c: c.test())

    async def lookup_order(
        self, entry: StoreEntry, number: str, *, email: str | None = None
    ) -> Order | None:
        order = await self._with_store(entry, lambda c: c.get_order(clean_order_number(number)))
        if order is None or email is None:
            return order
        return order if same_email(order.customer.email, email) else None

    async def lookup_customer(
        self,
        entry: StoreEntry,
        *,
        email: str | None = None,
        phone: str | None = None,
        id: str | None = None,
    ) -> tuple[Customer | None, list[Order]]:
        async def work(connector: Connector) -> tuple[Customer | None, list[Order]]:
            customer = await connector.get_customer(email=email, phone=phone, id=id)
            if customer is not None:
                orders = await connector.find_orders(customer_id=customer.id)
                if not orders and customer.email:
                    orders = await connector.find_orders(email=customer.email)
            else:
                orders = await connector.find_orders(email=email, phone=phone) if not id else []
            return customer, orders

        return await self._with_store(entry, work)

    async def sync_store(
        self,
        entry: StoreEntry,
        *,
        full: bool,
        progress: Callable[[str, int, int | None], None] | None = None,
        cancel: Any = None,
        holder: str = HOLDER_CLI,
    ) -> SyncResult:
        """Sync under the store's lock (``SyncBusy`` when another sync holds it, in this
        process or another); the outcome is kept for the schedule and its alerts."""

        async def work(connector: Connector) -> SyncResult:
            engine = SyncEngine(self.workspace, entry, connector)
            result = await engine.run(full=full, progress=progress, cancel=cancel)
            details = {
                "full": full,
                "created": result.created,
                "updated": result.updated,
                "errors": len(result.errors),
                "cancelled": result.cancelled,
            }
            record_activity(self.workspace, "store.synced", entry.name, details)
            return result

        schedules = ScheduleRepository(self.workspace)
        try:
            async with SyncLocks(self.workspace).hold(entry.id, entry.name, holder):
                result = await self._with_store(entry, work)
        except SyncBusy as busy:
            schedules.record(entry.id, full=full, outcome="busy", message=str(busy))
            raise
        except Exception as error:
            schedules.record(entry.id, full=full, outcome="failed", message=_reason(error))
            raise
        outcome: Outcome = "cancelled" if result.cancelled else "completed"
        schedules.record(entry.id, full=full, outcome=outcome)
        return result


def _reason(error: Exception) -> str:
    return exit_code_for(error)[1]


def note_key_source(data_dir: Any, source: str) -> None:
    """Say once (per workspace and source) where the master key comes from."""
    if source == "OS keyring":
        return
    marker = data_dir / ".key-source"
    try:
        if marker.exists() and marker.read_text(encoding="utf-8") == source:
            return
        marker.write_text(source, encoding="utf-8")
    except OSError:
        pass
    warn(
        f"no secure OS keyring here; the master key that encrypts store credentials "
        f"comes from {source}. Keep it safe and back it up with the workspace."
    )
