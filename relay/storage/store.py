"""``RelayStore``: the one object the relay app talks to for anything it keeps.

Published state (widgets with their knowledge, stores with decrypted credentials, paired
consoles) lives in memory and is replaced as a whole after each publish, so reading it is
free. Every write goes through one group writer and is durable before its call returns.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.ids import new_id
from core.team import TeamRole
from relay.crypto import seal
from relay.storage import attempts as attempt_db
from relay.storage import consoles as console_db
from relay.storage import conversations as conversation_db
from relay.storage import events as event_db
from relay.storage import notify as notify_db
from relay.storage import privacy as privacy_db
from relay.storage import webhooks as webhook_db
from relay.storage.attempts import AttemptLimit, Reservation
from relay.storage.bundle import read_bundle
from relay.storage.cache import ConversationCache
from relay.storage.consoles import OPERATOR, Grant
from relay.storage.engine import (
    HEAD_REVISION,
    Engines,
    check_revision,
    create_engines,
    migrate,
    schema_revision,
)
from relay.storage.errors import StorageError
from relay.storage.models import relay_meta, stores
from relay.storage.publish import apply_publish
from relay.storage.published import load_published, store_ad
from relay.storage.records import (
    ConsoleRecord,
    ConversationRecord,
    Delivery,
    Event,
    Feedback,
    NewConversation,
    NewDelivery,
    NewEvent,
    NewLead,
    NewMessage,
    Published,
    PublishedStore,
    PublishedWidget,
    SpamFlag,
    StoredMessage,
    WriterStats,
)
from relay.storage.writer import GroupWriter

T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RelayStore:
    def __init__(
        self,
        engines: Engines,
        relay_key: bytes,
        now: Callable[[], datetime],
        *,
        cache_conversations: bool | None = None,
    ) -> None:
        self._engines = engines
        self._key = relay_key
        self._now = now
        self._published = Published.empty()
        self._consoles: Mapping[str, ConsoleRecord] = {}
        self._relay_id: str | None = None
        self.instance = new_id("ri")  # this process, among the relays sharing the database
        self.url = engines.write.url.render_as_string(hide_password=False)
        self._publish_lock = asyncio.Lock()
        self._bucket_key = hmac.new(relay_key, b"attempt buckets", hashlib.sha256).digest()
        if cache_conversations is None:
            cache_conversations = not engines.is_postgresql
        self._cache = ConversationCache() if cache_conversations else None
        steps = conversation_db.STEPS if engines.is_postgresql else conversation_db.SQLITE_STEPS
        self._writer = GroupWriter(
            engines.write,
            [*steps, *webhook_db.steps(engines.is_postgresql)],
            before_batch=event_db.lock_for_events if engines.is_postgresql else None,
        )

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        relay_key: bytes,
        now: Callable[[], datetime] | None = None,
        cache_conversations: bool | None = None,
    ) -> RelayStore:
        """Connect; load the published state if the schema is current (else after migrate).

        ``cache_conversations`` (default: on for SQLite, off for PostgreSQL, where several
        relays may share the database) keeps recent conversations in memory."""
        if len(relay_key) != 32:
            raise StorageError("The relay key must be 32 bytes long.")
        engines = create_engines(url)
        try:
            revision = await schema_revision(engines.write)
            check_revision(revision)
            store = cls(
                engines, relay_key, now or _utc_now, cache_conversations=cache_conversations
            )
            if revision == HEAD_REVISION:
                await store.reload()
        except BaseException:
            await engines.dispose()
            raise
        store._writer.start()
        return store

    async def migrate(self) -> None:
        """Bring the schema to head (the relay's own Alembic migrations), then load."""
        await migrate(self._engines)
        await self.reload()

    async def reload(self) -> None:
        """Read the published state and the paired consoles again; each is swapped in whole.
        (With several relays on one PostgreSQL database, call it to see another's publish.)"""
        await self._reload_published()
        async with self._engines.read.connect() as connection:
            self._consoles = await console_db.load_consoles(connection)

    async def _reload_published(self) -> None:
        async with self._engines.read.connect() as connection:
            self._published = await load_published(connection, self._key, self._published)

    async def close(self) -> None:
        """Finish the writes already asked for, then disconnect."""
        await self._writer.close()
        await self._engines.dispose()

    async def ping(self) -> None:
        try:
            async with self._engines.read.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise StorageError(f"The relay database does not answer ({exc.orig}).") from None

    @property
    def is_postgresql(self) -> bool:
        return self._engines.is_postgresql

    @property
    def writer_stats(self) -> WriterStats:
        return self._writer.stats

    # -- published state (in memory) -------------------------------------------------------

    @property
    def published(self) -> Published:
        return self._published

    def widget(self, key: str) -> PublishedWidget | None:
        return self._published.widgets.get(key)

    def store(self, store_id: str) -> PublishedStore | None:
        return self._published.stores.get(store_id)

    def widget_count(self) -> int:
        return len(self._published.widgets)

    def store_count(self) -> int:
        return len(self._published.stores)

    async def publish(
        self, bundle: Mapping[str, Any], *, dry_run: bool = False, partial: bool = False
    ) -> dict[str, Any]:
        """Replace the published state with ``bundle`` (``partial``: only what it holds);
        the changes, as the console shows them. A bad bundle raises ``BundleError`` (a
        ``StorageError`` with ``.field``)."""
        spec = read_bundle(bundle, self._key)
        relay_id = await self.relay_id() if self.is_postgresql else ""

        async def work(connection: AsyncConnection) -> dict[str, Any]:
            found = await apply_publish(
                connection,
                spec,
                relay_key=self._key,
                now=self._now(),
                dry_run=dry_run,
                partial=partial,
            )
            if relay_id and not dry_run and _changed(found):  # the other relays reload
                await notify_db.notify(connection, relay_id, self.instance, "published")
            return found

        async with self._publish_lock:
            changes: dict[str, Any] = await self._writer.exclusive(work)
            if not dry_run and _changed(changes):
                await self._reload_published()
        return changes

    async def save_store_secrets(self, store_id: str, secrets: Mapping[str, Any]) -> None:
        """Keep credentials a connector rotated (a refreshed Shopify token): sealed in the
        database and in memory, without changing what the console published (its digest)."""
        sealed = seal(self._key, store_ad(store_id), orjson.dumps(dict(secrets)))
        await self._writer.exclusive(
            lambda connection: connection.execute(
                update(stores).where(stores.c.id == store_id).values(secrets=sealed)
            )
        )
        published = self._published
        current = published.stores.get(store_id)
        if current is not None:
            changed = replace(current, secrets=dict(secrets))
            self._published = replace(published, stores={**published.stores, store_id: changed})

    # -- conversations ---------------------------------------------------------------------

    async def create_conversation(
        self,
        conversation: NewConversation,
        messages: Sequence[NewMessage] = (),
        events: Sequence[NewEvent] = (),
    ) -> None:
        ops = conversation_db.new_conversation_ops(conversation, messages, events)
        after = self._cache.after_create(conversation) if self._cache is not None else None
        await self._writer.write(ops, after=after)

    async def add_turn(
        self,
        conversation_id: str,
        messages: Sequence[NewMessage],
        *,
        bot_state: dict[str, Any] | None = None,
        status: str | None = None,
        events: Sequence[NewEvent] = (),
        lead: NewLead | None = None,
        feedback: Feedback | None = None,
        spam: SpamFlag | None = None,
    ) -> None:
        """Store a turn in one group-committed write; ``spam`` changes the spam flag."""
        now = self._now()
        ops = conversation_db.turn_ops(
            conversation_id,
            messages,
            now=now,
            bot_state=bot_state,
            status=status,
            events=events,
            lead=lead,
            feedback=feedback,
            spam=spam,
        )
        after = None
        if self._cache is not None:
            after = self._cache.after_turn(
                conversation_id,
                now=now,
                bot_state=bot_state,
                status=status,
                feedback=feedback,
                spam=spam,
            )
        await self._writer.write(ops, after=after)

    async def conversation(self, conversation_id: str) -> ConversationRecord | None:
        """The conversation (treat its ``bot_state`` as read-only: it may be shared)."""
        cache = self._cache
        if cache is None:
            async with self._engines.read.connect() as connection:
                return await conversation_db.get_conversation(connection, conversation_id)
        found = cache.get(conversation_id)
        if found is not None:
            return found

        async def read(connection: AsyncConnection) -> ConversationRecord | None:
            # On the writer's connection, in turn with the writes: what is cached is current.
            record = await conversation_db.get_conversation(connection, conversation_id)
            if record is not None:
                cache.put(record)
            return record

        result: ConversationRecord | None = await self._writer.exclusive(read)
        return result

    async def messages_after(
        self, conversation_id: str, after: str | None, limit: int = 100
    ) -> list[StoredMessage]:
        async with self._engines.read.connect() as connection:
            return await conversation_db.get_messages(connection, conversation_id, after, limit)

    async def message(self, conversation_id: str, message_id: str) -> StoredMessage | None:
        async with self._engines.read.connect() as connection:
            return await conversation_db.get_message(connection, conversation_id, message_id)

    async def open_conversations(self) -> int:
        """Conversations not closed (open or waiting for a human)."""
        async with self._engines.read.connect() as connection:
            return await conversation_db.count_open(connection)

    async def today_counts(self, now: datetime) -> dict[str, int]:
        """Conversations started, messages, leads and order lookups since midnight UTC of
        ``now``, of the conversations not taken for spam; ``spam``: those that were."""
        async with self._engines.read.connect() as connection:
            return await conversation_db.count_today(connection, now)

    # -- privacy and retention ------------------------------------------------------------

    async def find_shopper(self, email: str | None, phone: str | None) -> dict[str, Any]:
        async with self._engines.read.connect() as connection:
            return await privacy_db.find(connection, email, phone)

    async def erase_shopper(self, email: str | None, phone: str | None) -> dict[str, int]:
        """Delete the shopper's conversations, messages, leads and events; the counts."""
        ids, counts = await self._writer.exclusive(
            lambda connection: privacy_db.erase(connection, email, phone)
        )
        self._forget(ids)
        return dict(counts)

    async def retention_days(self) -> int | None:
        async with self._engines.read.connect() as connection:
            return await privacy_db.retention_days(connection)

    async def set_retention(self, days: int | None) -> dict[str, int]:
        """Keep conversations ``days`` after their last activity (None: no limit), then
        apply it at once; the counts deleted."""
        await self._writer.exclusive(lambda c: privacy_db.set_retention(c, days))
        return await self.apply_retention()

    async def apply_retention(self) -> dict[str, int]:
        """Apply the relay's retention period, and each published widget's own; the counts."""
        now = self._now()
        own = {
            key: widget.settings.retention_days
            for key, widget in self._published.widgets.items()
            if widget.settings.retention_days is not None
        }
        ids, counts = await self._writer.exclusive(
            lambda connection: privacy_db.apply_retention(connection, now, own)
        )
        self._forget(ids)
        return dict(counts)

    def _forget(self, conversation_ids: Sequence[str]) -> None:
        if self._cache is not None:
            for conversation_id in conversation_ids:
                self._cache.evict(conversation_id)

    # -- events outbox ---------------------------------------------------------------------

    async def events_after_ack(self, console_id: str, limit: int = 500) -> list[Event]:
        async with self._engines.read.connect() as connection:
            return await event_db.events_after(connection, console_id, limit)

    async def ack(self, console_id: str, seq: int) -> int:
        """Acknowledge events up to ``seq``; the cursor only moves forward. Returns it."""
        now = self._now()
        result: int = await self._writer.exclusive(
            lambda connection: event_db.ack(connection, console_id, seq, now)
        )
        return result

    async def acked_cursor(self, console_id: str) -> int:
        """The seq the console acknowledged last (0 before its first ack)."""
        async with self._engines.read.connect() as connection:
            return await event_db.cursor(connection, console_id)

    async def pending_events(self, console_id: str) -> int:
        async with self._engines.read.connect() as connection:
            return await event_db.pending(connection, console_id)

    # -- store webhooks ----------------------------------------------------------------------

    async def add_delivery(self, delivery: NewDelivery) -> bool:
        """Keep a verified delivery (durable on return); ``False`` for a duplicate. Writes
        arriving together share one commit; two copies of one delivery racing each other
        may both read as new, but only one is kept (and processed)."""
        async with self._engines.read.connect() as connection:
            if await webhook_db.known(connection, delivery.dedupe_key):
                return False
        await self._writer.write([("webhook.insert", delivery)])
        return True

    async def due_deliveries(self, limit: int = 200) -> list[Delivery]:
        """Deliveries to process now. On PostgreSQL, where several relays may share the
        inbox, each is claimed by one relay (``webhooks.claim``)."""
        now = self._now()
        if self.is_postgresql:
            claimed: list[Delivery] = await self._writer.exclusive(
                lambda connection: webhook_db.claim(connection, now, limit)
            )
            return claimed
        async with self._engines.read.connect() as connection:
            return await webhook_db.due(connection, now, limit)

    async def finish_delivery(
        self, seq: int, outcome: str, events: Sequence[NewEvent] = ()
    ) -> bool:
        """Mark processed and add its console events, together and once."""
        now, postgresql = self._now(), self.is_postgresql
        done: bool = await self._writer.exclusive(
            lambda connection: webhook_db.finish(
                connection, seq, now, outcome, events, postgresql=postgresql
            )
        )
        return done

    async def finish_deliveries(self, done: Sequence[tuple[int, str, Sequence[NewEvent]]]) -> int:
        """``finish_delivery`` for several, in one transaction (one disk flush)."""
        now, postgresql = self._now(), self.is_postgresql
        finished: int = await self._writer.exclusive(
            lambda connection: webhook_db.finish_many(connection, done, now, postgresql=postgresql)
        )
        return finished

    async def retry_delivery(self, seq: int, error: str, next_at: datetime | None) -> None:
        now = self._now()
        await self._writer.exclusive(
            lambda connection: webhook_db.retry_later(connection, seq, error, next_at, now)
        )

    async def prune_deliveries(self) -> int:
        now = self._now()
        pruned: int = await self._writer.exclusive(
            lambda connection: webhook_db.prune(connection, now)
        )
        return pruned

    async def webhook_counts(self) -> dict[str, int]:
        async with self._engines.read.connect() as connection:
            return await webhook_db.counts(connection)

    async def erase_conversations(
        self,
        widget_keys: Sequence[str],
        email: str | None = None,
        *,
        store_id: str | None = None,
        keep: int | None = None,
    ) -> int:
        """Delete the conversations of these widgets (only ``email``'s, when given); with
        ``store_id``, also drop that store's deliveries still waiting (but ``keep``). How
        many conversations went."""
        now = self._now()

        async def erase(connection: AsyncConnection) -> list[str]:
            if store_id is not None:
                await webhook_db.forget_store(connection, store_id, now, keep)
            return await webhook_db.erase_conversations(connection, widget_keys, email)

        ids: list[str] = await self._writer.exclusive(erase)
        if self._cache is not None:
            for conversation_id in ids:
                self._cache.evict(conversation_id)
        return len(ids)

    # -- pairing, consoles, nonces ---------------------------------------------------------

    async def add_pairing_code(
        self,
        code_hash: str,
        expires_at: datetime,
        grant: Grant = OPERATOR,
        invited_by: str | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        """``now``: when the code was made (the caller's clock; default the store's)."""
        made = now or self._now()
        await self._writer.exclusive(
            lambda connection: console_db.add_pairing_code(
                connection, code_hash, expires_at, made, grant, invited_by
            )
        )

    async def pending_invites(self) -> list[console_db.InviteRecord]:
        """Pairing codes not used yet and not expired (read from the database)."""
        now = self._now()
        async with self._engines.read.connect() as connection:
            return await console_db.pending_invites(connection, now)

    async def cancel_invite(self, invite_id: str) -> console_db.InviteRecord:
        """Raises ``TeamError`` (``not_found``)."""
        now = self._now()
        found: console_db.InviteRecord = await self._writer.exclusive(
            lambda connection: console_db.cancel_invite(connection, invite_id, now)
        )
        return found

    async def use_pairing_code(self, code_hash: str, now: datetime) -> bool:
        return await self.spend_pairing_code(code_hash, now) is not None

    async def spend_pairing_code(self, code_hash: str, now: datetime) -> Grant | None:
        """What the code grants (its role, a name), once; ``None`` when it cannot be used."""
        grant: Grant | None = await self._writer.exclusive(
            lambda connection: console_db.use_pairing_code(connection, code_hash, now)
        )
        return grant

    async def add_console(
        self, public_key: bytes, name: str, role: TeamRole = "admin"
    ) -> ConsoleRecord:
        now = self._now()
        record: ConsoleRecord = await self._writer.exclusive(
            lambda connection: console_db.add_console(connection, public_key, name, now, role)
        )
        self._consoles = {**self._consoles, record.fingerprint: record}
        return record

    async def team(self) -> list[ConsoleRecord]:
        """The consoles that may use the relay, oldest first (read from the database: another
        relay may have paired or revoked one)."""
        async with self._engines.read.connect() as connection:
            return await console_db.team(connection)

    async def set_role(self, console_id: str, role: TeamRole) -> ConsoleRecord:
        """Raises ``TeamError`` (``not_found``, ``last_admin``)."""
        return await self._change_team(
            lambda connection: console_db.set_role(connection, console_id, role)
        )

    async def revoke_console(self, console_id: str) -> ConsoleRecord:
        """Raises ``TeamError`` (``not_found``, ``last_admin``)."""
        now = self._now()
        return await self._change_team(
            lambda connection: console_db.revoke(connection, console_id, now)
        )

    async def _change_team(
        self, change: Callable[[AsyncConnection], Awaitable[ConsoleRecord]]
    ) -> ConsoleRecord:
        relay_id = await self.relay_id()

        async def work(connection: AsyncConnection) -> ConsoleRecord:
            record = await change(connection)
            if self.is_postgresql:  # the other relays reload their consoles
                await notify_db.notify(connection, relay_id, self.instance, "consoles")
            return record

        record: ConsoleRecord = await self._writer.exclusive(work)
        self._consoles = {**self._consoles, record.fingerprint: record}
        return record

    # -- attempts counted against limits (shared by every relay on the database) -----------

    async def reserve_attempt(self, *limits: AttemptLimit) -> Reservation:
        """Count one attempt against every limit before it is made, or refuse it (with the
        seconds to wait) when any is reached. Addresses are kept only as keyed hashes."""
        buckets = [(self._bucket(limit), limit) for limit in limits]
        now = self._now()
        reservation: Reservation = await self._writer.exclusive(
            lambda connection: attempt_db.reserve(connection, buckets, now)
        )
        return reservation

    async def refund_attempt(self, reservation: Reservation) -> None:
        """Take back a reserved attempt that turned out not to count."""
        if reservation.ids:
            await self._writer.exclusive(
                lambda connection: attempt_db.refund(connection, reservation.ids)
            )

    def _bucket(self, limit: AttemptLimit) -> str:
        message = f"{limit.name}:{limit.key}".encode()
        return hmac.new(self._bucket_key, message, hashlib.sha256).hexdigest()

    def console(self, fingerprint: str) -> ConsoleRecord | None:
        return self._consoles.get(fingerprint)

    async def find_console(self, fingerprint: str) -> ConsoleRecord | None:
        """``console()``; on PostgreSQL, where several relays may share the database, a
        console paired (or paired again after a revocation) through another relay is
        looked up there and remembered."""
        found = self._consoles.get(fingerprint)
        if not self.is_postgresql or (found is not None and found.revoked_at is None):
            return found
        async with self._engines.read.connect() as connection:
            found = await console_db.find_console(connection, fingerprint)
        if found is not None:
            self._consoles = {**self._consoles, fingerprint: found}
        return found

    async def check_in(
        self, fingerprint: str, nonce: str, expires_at: datetime
    ) -> tuple[bool, ConsoleRecord | None]:
        """Spend a signed request's nonce and read its console as the database has it now
        (role, revoked); ``(False, …)`` for a replay. The copy in memory is refreshed."""
        now = self._now()
        fresh, found = await self._writer.exclusive(
            lambda connection: console_db.check_in(connection, fingerprint, nonce, expires_at, now)
        )
        if found is not None:
            self._consoles = {**self._consoles, fingerprint: found}
        return fresh, found

    def active_console_ids(self) -> set[str]:
        """The consoles this relay knows and that are not revoked (for their live streams)."""
        return {c.id for c in self._consoles.values() if c.revoked_at is None}

    async def remember_nonce(self, fingerprint: str, nonce: str, expires_at: datetime) -> bool:
        now = self._now()
        fresh: bool = await self._writer.exclusive(
            lambda connection: console_db.remember_nonce(
                connection, fingerprint, nonce, expires_at, now
            )
        )
        return fresh

    # -- anything else: one exclusive write, or one read ------------------------------------

    async def write(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """Run ``work`` in the group writer's own transaction (durable when it returns)."""
        result: T = await self._writer.exclusive(work)
        return result

    async def read(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        async with self._engines.read.connect() as connection:
            return await work(connection)

    async def relay_id(self) -> str:
        if self._relay_id is None:
            async with self._engines.read.connect() as connection:
                found = (await connection.execute(select(relay_meta.c.relay_id))).scalar()
            if found is None:
                raise StorageError("The relay database is not set up: run storedesk-relay migrate.")
            self._relay_id = found
        return self._relay_id


def _changed(changes: Mapping[str, Any]) -> bool:
    for part in ("widgets", "stores"):
        diff = changes[part]
        if diff["added"] or diff["updated"] or diff["removed"]:
            return True
    return False
