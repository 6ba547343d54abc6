"""The Inbox: conversations as they happen (newest activity first, filters and search), one
conversation's thread with the shopper's profile, and replies that reach the shopper live.

New conversations, messages and handoffs arrive through ``LiveInbox`` (the relay's live
stream, then a pull), never a manual refresh; handoffs and new leads raise a desktop
notification (``ctx.notify``, titled with the shopper's client in agency mode) unless muted
in Settings. Replies go through ``ReplySender``: kept in the workspace until the relay
confirms them, shown as pending, retried while the relay is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.inbox_live import LiveInbox, ReplySender
from console.models.inbox import STATUS_TEXT, ConversationsModel
from console.relay_client import RelayError, still_matching
from console.team import VIEWER_INBOX, may
from console.ui import named
from console.views.base import View
from console.views.inbox_reply import CannedDialog
from console.views.inbox_thread import ThreadPanel
from console.views.store_browsers import SEARCH_PAUSE_MS, lazy_table
from core.spam import SpamMatch
from core.workspace.inbox_browse import InboxFilter, InboxReader
from core.workspace.inbox_profile import ProfileLookup
from core.workspace.inbox_replies import CannedReplies

TYPING_EVERY = 3.0  # seconds between "agent is typing" notices to the shopper
AGENT_NAME = "inbox/agent_name"
SPAM_FILTER = "spam"
"""The status filter's item for conversations taken for spam (left out of the others)."""


def still_spam_text(found: SpamMatch, widget: str | None) -> str:
    """What "Not spam" says when the widget's own rule still catches the conversation: it is
    restored, and which rule takes it for spam again (nothing is changed behind the
    merchant's back: the rule stays until they remove it)."""
    when = {
        "ip": "its next message will be taken for spam again",
        "word": "a message with that word will be taken for spam again",
        "regex": "a message matching that expression will be taken for spam again",
    }.get(found.kind, "it will be taken for spam again")
    where = f"Widgets → {widget} → Spam" if widget else "the widget's Spam tab (Widgets)"
    return (
        f"Restored, but this conversation still matches the rule “{found.kind} {found.rule}”: "
        f"{when}. To let it through, remove that rule in {where} and publish."
    )


def _shopper(event: dict[str, Any], reader: InboxReader) -> str:
    conversation_id = event.get("conversation_id")
    line = reader.conversation(conversation_id) if isinstance(conversation_id, str) else None
    return line.shopper if line is not None else "A shopper"


class InboxView(View):
    title = "Inbox"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        workspace = ctx.session.workspace
        self.reader = InboxReader(workspace)
        self.profiles = ProfileLookup(workspace)
        self.canned = CannedReplies(workspace)
        self.live = LiveInbox(ctx, parent=self)
        self.replies = ReplySender(ctx, parent=self)
        self.filter = InboxFilter(widget_ids=ctx.client_widget_ids())
        self.model = ConversationsModel(self.reader.browser(self.filter))
        self._typed_at = 0.0
        self._courtesies: set[asyncio.Task[Any]] = set()  # "typing" notices under way
        self._build()
        self._connect()
        self.live.start()
        if self.replies.queue.waiting():
            self.replies.retry_soon()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.status_filter = named(QComboBox(), "statusFilter")
        self.status_filter.addItem("All conversations", None)
        for status, text in STATUS_TEXT.items():
            self.status_filter.addItem(text, status)
        self.status_filter.addItem("Spam", SPAM_FILTER)
        self.widget_filter = named(QComboBox(), "widgetFilter")
        self.channel_filter = named(QComboBox(), "channelFilter")
        self.search = named(
            QLineEdit(placeholderText="Search: text, email, order number"), "inboxSearch"
        )
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self.agent_name = named(QLineEdit(), "agentName")
        self.agent_name.setPlaceholderText("Your name")
        self.agent_name.setMaximumWidth(140)
        self.agent_name.setText(str(self.ctx.preferences().value(AGENT_NAME, "Support")))
        self.table = named(lazy_table(self.model), "conversations")
        self.model.setParent(self.table)  # deleted after the table that shows it
        self.table.setSortingEnabled(False)  # always newest activity first
        self.count = named(QLabel(""), "inboxCount")
        self.connection = named(QLabel(""), "inboxConnection")
        self.connection.setWordWrap(True)
        self.panel = named(ThreadPanel(self.canned), "threadPanel")
        filters = QHBoxLayout()
        for widget in (self.status_filter, self.widget_filter, self.channel_filter):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel("Reply as"))
        filters.addWidget(self.agent_name)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.count)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.connection)
        self._fill_filters()

    def _connect(self) -> None:
        for combo in (self.status_filter, self.widget_filter, self.channel_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._filters_changed)
        self.agent_name.editingFinished.connect(self._name_changed)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.currentRowChanged.connect(self._row_chosen)
        self.live.arrived.connect(self._arrived)
        self.live.shopper_typing.connect(self._shopper_typing)
        self.live.connection.connect(self._connection)
        self.replies.changed.connect(self._replies_changed)
        self.replies.problem.connect(self.panel.notice.setText)
        self.panel.send_requested.connect(self._send)
        self.panel.status_requested.connect(self._set_status)
        self.panel.assign_requested.connect(self._assign)
        self.panel.spam_requested.connect(self._set_spam)
        self.panel.lookup_requested.connect(self._lookup)
        self.panel.card_requested.connect(self._send_card)
        self.panel.canned_button.clicked.connect(self.edit_canned)
        self.panel.reply.typing.connect(self._agent_typing)
        self.ctx.relay_changed.connect(self._relay_changed)
        self.ctx.widgets_changed.connect(self._fill_filters)
        self.ctx.role_changed.connect(self._role_changed)
        self._role_changed()

    def _fill_filters(self) -> None:
        for combo, items, everything in (
            (
                self.widget_filter,
                [(w.name, w.id) for w in self.ctx.widgets.list(client_id=self.ctx.client_id)],
                "All widgets",
            ),
            (self.channel_filter, [(c, c) for c in self.reader.channels()], "All channels"),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, data in items:
                combo.addItem(str(text), data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    # -- the list ----------------------------------------------------------------------------

    async def refresh(self) -> None:
        self._fill_filters()
        if self.filter.widget_ids != self.ctx.client_widget_ids():
            self._filters_changed()  # another client was chosen
        else:
            self.reload()

    def _filters_changed(self, *_: object) -> None:
        status = self.status_filter.currentData()
        self.filter = InboxFilter(
            status=None if status == SPAM_FILTER else status,
            spam=status == SPAM_FILTER,
            widget_id=self.widget_filter.currentData(),
            channel=self.channel_filter.currentData(),
            widget_ids=self.ctx.client_widget_ids(),
        )
        old = self.model
        self.model = ConversationsModel(self.reader.browser(self.filter), self.table)
        self.model.set_search(self.search.text())
        self.table.setModel(self.model)
        old.deleteLater()
        selection = self.table.selectionModel()
        assert selection is not None
        selection.currentRowChanged.connect(self._row_chosen)
        self._show_count()

    def reload(self) -> None:
        """The conversations changed: read the list again, keeping the open one selected."""
        current = self.panel.conversation.id if self.panel.conversation else None
        self.model.reload()
        self._show_count()
        if current is not None:
            row = self.model.row_of(current)
            selection = self.table.selectionModel()
            if row >= 0 and selection is not None:
                selection.blockSignals(True)
                self.table.selectRow(row)
                selection.blockSignals(False)
            self.open_conversation(current)

    def _show_count(self) -> None:
        total = self.model.row_total()
        self.count.setText(f"{total:,} conversation{'s' if total != 1 else ''}")

    def _row_chosen(self, current: QModelIndex, _: QModelIndex) -> None:
        line = self.model.record(current.row()) if current.isValid() else None
        if line is not None:
            self.open_conversation(line.id)
            self._lookup_for(line.id)

    def open_conversation(self, conversation_id: str) -> None:
        line = self.reader.conversation(conversation_id)
        if line is None:
            self.panel.gone("This conversation is no longer in the workspace (it was erased).")
            return
        if line.unread and self.isVisible():
            self.reader.mark_read(conversation_id)
            self.ctx.inbox_changed.emit()
        messages = self.reader.thread(conversation_id)
        pending = self.replies.queue.of(conversation_id)
        self.panel.show_conversation(line, messages, pending)

    def _lookup_for(self, conversation_id: str) -> None:
        line = self.reader.conversation(conversation_id)
        email = self.profiles.shopper_email(line.customer_email if line else None, conversation_id)
        profile = self.profiles.find(email=email) if email else None
        if line is not None and line.customer_email is None and profile is not None:
            # verified through an order the bot showed them: name the conversation after them
            self.reader.set_state(conversation_id, customer_email=email, customer_name=profile.name)
            self.reload()
        self.panel.show_profile(profile)

    def _lookup(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if "@" in text:
            profile = self.profiles.find(email=text)
        elif sum(ch.isdigit() for ch in text) >= 6 and not text.isalnum():
            profile = self.profiles.find(phone=text)
        else:
            profile = self.profiles.find(customer_id=text) or self.profiles.find(phone=text)
        self.panel.show_profile(profile, searched=text)

    # -- what the relay sends ----------------------------------------------------------------

    def _arrived(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            kind = event.get("type")
            if kind == "handoff.requested":
                self._notify(event, "A shopper asks for a person", _shopper(event, self.reader))
            elif kind == "lead":
                lead = event.get("data", {}).get("lead", {})
                who = lead.get("name") or lead.get("email") or lead.get("phone") or "A shopper"
                what = "appointment request" if lead.get("kind") == "appointment" else "lead"
                self._notify(event, f"New {what}", str(who))
        self._fill_filters()
        self.reload()
        self.ctx.inbox_changed.emit()

    def _notify(self, event: dict[str, Any], title: str, text: str) -> None:
        """A desktop notification; in agency mode titled with the shopper's client, for every
        client whichever is chosen (an operator must not miss another client's shopper)."""
        client = self._client_of(event)
        self.ctx.notify.emit(f"{client}: {title}" if client else title, text)

    def _client_of(self, event: dict[str, Any]) -> str | None:
        """The client of the event's conversation's widget (None outside agency mode)."""
        if not self.ctx.clients.exists():
            return None
        conversation_id, key = event.get("conversation_id"), event.get("widget_key")
        line = (
            self.reader.conversation(conversation_id) if isinstance(conversation_id, str) else None
        )
        widget_id = line.widget_id if line is not None else None
        for widget in self.ctx.widgets.list():
            if widget.id == widget_id or (widget_id is None and widget.key == key):
                return widget.client
        return None

    def _relay_changed(self) -> None:
        self.live.start()

    def _role_changed(self) -> None:
        """What the relay says this console is: its own replies become "You"; a viewer reads
        conversations but its reply box and actions are off, with the reason shown."""
        answering = may(self.ctx.role, "agent")
        self.panel.me = self.ctx.console_id
        self.panel.allow_answers(answering, VIEWER_INBOX)
        self.agent_name.setEnabled(answering)
        if self.panel.conversation is not None:
            self.open_conversation(self.panel.conversation.id)

    def _shopper_typing(self, conversation_id: str) -> None:
        if self.panel.conversation is not None and self.panel.conversation.id == conversation_id:
            self.panel.shopper_is_typing()

    def _connection(self, live: bool, sentence: str) -> None:
        self.connection.setText("" if live else sentence)
        if live and self.replies.queue.waiting():
            self.replies.retry_soon()

    # -- the merchant's actions --------------------------------------------------------------

    def author(self) -> str:
        return self.agent_name.text().strip()[:80] or "Support"

    def _name_changed(self) -> None:
        self.ctx.preferences().setValue(AGENT_NAME, self.author())

    def _replies_changed(self, conversation_id: str) -> None:
        if self.panel.conversation is not None and self.panel.conversation.id == conversation_id:
            self.open_conversation(conversation_id)

    def _send(self) -> None:
        self.ctx.spawn(self.send_reply(), what="Sending the reply")

    async def send_reply(self) -> None:
        line = self.panel.conversation
        text = self.panel.reply.toPlainText()
        problem = self.replies.check(text) if self.panel.answering else VIEWER_INBOX
        if line is None or problem:
            self.panel.notice.setText(problem or "")
            return
        self.panel.reply.clear()  # kept in the workspace from here on: shown as pending
        self.panel.notice.clear()
        if await self.replies.send(line.id, text, self.author()):
            self.reload()

    def _send_card(self, order_id: int) -> None:
        self.ctx.spawn(self.send_card(order_id), what="Sending the order card")

    async def send_card(self, order_id: int) -> None:
        line = self.panel.conversation
        card = self.profiles.order_card(order_id)
        if line is None or card is None:
            return
        text = self.panel.reply.toPlainText().strip() or f"Here is your order #{card['number']}."
        if problem := self.replies.check(text):
            self.panel.notice.setText(problem)
            return
        self.panel.reply.clear()
        if await self.replies.send(line.id, text, self.author(), [card]):
            self.reload()

    def _set_status(self, status: str) -> None:
        self.ctx.spawn(self.set_status(status), what="Changing the conversation")

    async def set_status(self, status: str) -> None:
        line = self.panel.conversation
        client = self.ctx.relay_client()
        if line is None or client is None:
            return
        try:
            await client.set_status(line.id, status, self.author())
        except RelayError as err:
            self.panel.notice.setText(str(err))
            return
        self.reader.set_state(line.id, status=status)
        await self.live.pull(client)  # the notice sent to the shopper, into the thread
        self.reload()

    def _set_spam(self, spam: bool) -> None:
        self.ctx.spawn(self.set_spam(spam), what="Marking the conversation")

    async def set_spam(self, spam: bool) -> None:
        """Take the open conversation for spam, or restore it ("Not spam") on the relay, so
        that the bot answers (or stops answering) its next messages too."""
        line = self.panel.conversation
        client = self.ctx.relay_client()
        if line is None:
            return
        if client is None:
            self.panel.notice.setText("Pair a relay in Settings first: it decides what is spam.")
            return
        try:
            state = await client.set_spam(line.id, spam, self.author())
        except RelayError as err:
            self.panel.notice.setText(str(err))
            return
        self.reader.set_state(line.id, spam=state.get("spam"))
        await self.live.pull(client)
        self.reload()
        self._show_count()
        again = None if spam else still_matching(state)
        if again is not None:
            self.panel.notice.setText(still_spam_text(again, self._widget_name(line.widget_id)))

    def _widget_name(self, widget_id: int | None) -> str | None:
        widgets = self.ctx.widgets.list(client_id=self.ctx.client_id)
        return next((w.name for w in widgets if w.id == widget_id), None)

    def _assign(self) -> None:
        self.ctx.spawn(self.assign(), what="Assigning the conversation")

    async def assign(self) -> None:
        line = self.panel.conversation
        client = self.ctx.relay_client()
        if line is None or client is None:
            return
        try:
            await client.assign(line.id, self.author())
        except RelayError as err:
            self.panel.notice.setText(str(err))
            return
        self.reader.set_state(line.id, assignee=self.author())
        await self.live.pull(client)
        self.reload()

    def _agent_typing(self) -> None:
        line, client = self.panel.conversation, self.ctx.relay_client()
        now = time.monotonic()
        if line is None or client is None or now - self._typed_at < TYPING_EVERY:
            return
        self._typed_at = now
        task = self.ctx.spawn(self._typing(client, line.id), what="Telling the shopper you type")
        self._courtesies.add(task)
        task.add_done_callback(self._courtesies.discard)

    async def _typing(self, client: Any, conversation_id: str) -> None:
        with contextlib.suppress(RelayError):  # a courtesy: the reply is what must arrive
            await client.typing(conversation_id, self.author())

    def edit_canned(self) -> CannedDialog:
        dialog = CannedDialog(self.canned, self)
        dialog.open()
        return dialog

    async def aclose(self) -> None:
        """Stop following the relay and retrying (the console is closing)."""
        await asyncio.gather(*self._courtesies, return_exceptions=True)  # short: let them end
        await self.live.aclose()
        await self.replies.aclose()

    def unread(self) -> int:
        return self.reader.unread(self.ctx.client_widget_ids())
