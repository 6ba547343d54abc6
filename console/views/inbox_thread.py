"""One conversation in the Inbox: the thread, the shopper's profile and recent orders, the
reply box with canned replies and the order card picker, and assign / close / reopen."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.models.inbox import STATUS_TEXT, thread_html
from console.models.orders import local_time, money, status_label
from console.ui import named
from console.views.inbox_reply import ReplyBox

if TYPE_CHECKING:
    from core.workspace.inbox_browse import ConversationLine, ThreadMessage
    from core.workspace.inbox_profile import Profile
    from core.workspace.inbox_replies import CannedReplies, Pending

TYPING_SHOWN_MS = 5000


class ThreadPanel(QWidget):
    send_requested = Signal()
    status_requested = Signal(str)  # open / closed
    assign_requested = Signal()
    lookup_requested = Signal(str)  # email, phone or customer id typed by the merchant
    card_requested = Signal(int)  # an order id for the order card picker
    spam_requested = Signal(bool)  # True: mark as spam; False: "Not spam"

    def __init__(self, canned: CannedReplies, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversation: ConversationLine | None = None
        self.me: str | None = None  # this console's id on the relay: its replies are "You"
        self.answering = True  # False for a viewer: it reads, the relay refuses its answers
        self._orders = True  # the shown profile has orders to send as cards
        self.header = named(QLabel("Choose a conversation."), "threadHeader")
        self.header.setWordWrap(True)
        self.assign = named(QPushButton("Assign to me"), "assignButton")
        self.close_button = named(QPushButton("Close"), "closeButton")
        self.reopen = named(QPushButton("Reopen"), "reopenButton")
        self.assign.clicked.connect(self.assign_requested.emit)
        self.close_button.clicked.connect(self._close_clicked)
        self.reopen.clicked.connect(self._reopen_clicked)
        self.spam_button = named(QPushButton("Spam"), "spamButton")
        self.spam_button.setToolTip("Take this conversation for spam: the bot stops answering it")
        self.not_spam = named(QPushButton("Not spam"), "notSpamButton")
        self.not_spam.setToolTip(
            "Restore this conversation: the bot answers it again (its message rate starts afresh)"
        )
        self.spam_button.clicked.connect(lambda: self.spam_requested.emit(True))
        self.not_spam.clicked.connect(lambda: self.spam_requested.emit(False))
        self.transcript = named(QTextBrowser(), "thread")
        self.transcript.setOpenExternalLinks(False)
        self.typing = named(QLabel(""), "shopperTyping")
        self.typing.setStyleSheet("color: gray; font-style: italic;")
        self._typing_timer = QTimer(self, singleShot=True, interval=TYPING_SHOWN_MS)
        self._typing_timer.timeout.connect(self.typing.clear)
        self.reply = named(ReplyBox(canned), "replyBox")
        self.reply.submitted.connect(self.send_requested.emit)
        self.notice = named(QLabel(""), "threadNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)  # relay sentences, spam rules: text
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b45309")
        self.role_note = named(QLabel(""), "inboxRoleNote")
        self.role_note.setWordWrap(True)
        self.role_note.setVisible(False)
        self.canned_button = named(QPushButton("Canned replies…"), "cannedButton")
        self.card_button = named(QPushButton("Order card"), "orderCardButton")
        self.card_menu = QMenu(self)
        self.card_menu.triggered.connect(self._card_chosen)
        self.card_button.setMenu(self.card_menu)
        self.send = named(QPushButton("Send"), "sendButton")
        self.send.clicked.connect(self.send_requested.emit)
        self.page = named(QLabel(""), "pageUrl")
        self.page.setWordWrap(True)
        self.page.setTextFormat(Qt.TextFormat.RichText)
        self.page.setOpenExternalLinks(True)
        self.profile = named(QLabel(""), "profile")
        self.profile.setWordWrap(True)
        self.profile.setTextFormat(self.profile.textFormat().RichText)
        self.lookup = named(
            QLineEdit(placeholderText="Find a customer: email, phone or id"), "lookup"
        )
        self.lookup.returnPressed.connect(self._lookup_entered)
        self._layout()
        self.show_conversation(None, [], [])

    def _close_clicked(self) -> None:
        self.status_requested.emit("closed")

    def _reopen_clicked(self) -> None:
        self.status_requested.emit("open")

    def _lookup_entered(self) -> None:
        self.lookup_requested.emit(self.lookup.text())

    def _card_chosen(self, action: QAction) -> None:
        self.card_requested.emit(int(action.data()))

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        actions = (self.assign, self.close_button, self.reopen, self.spam_button, self.not_spam)
        for button in actions:
            top.addWidget(button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.canned_button)
        buttons.addWidget(self.card_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.transcript, 1)
        column.addWidget(self.typing)
        column.addWidget(self.notice)
        column.addWidget(self.role_note)
        column.addWidget(self.reply)
        column.addLayout(buttons)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(6, 0, 0, 0)
        side.addWidget(QLabel("<b>Shopper</b>"))
        side.addWidget(self.page)
        side.addWidget(self.profile)
        side.addWidget(self.lookup)
        side.addStretch(1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def show_conversation(
        self,
        line: ConversationLine | None,
        messages: list[ThreadMessage],
        pending: list[Pending],
    ) -> None:
        changed = line is None or self.conversation is None or line.id != self.conversation.id
        self.conversation = line
        self._enable()
        self.not_spam.setVisible(line is not None and line.spam is not None)
        self.spam_button.setVisible(line is None or line.spam is None)
        if line is None:
            self.header.setText("Choose a conversation.")
            self.transcript.setHtml("")
            self.profile.setText("")
            self.page.setText("")
            return
        self.page.setText(page_html(line.page_url))
        status = escape(STATUS_TEXT.get(line.status, line.status))
        who = f" · assigned to {escape(line.assignee)}" if line.assignee else ""
        spam = f" · <b>spam</b> ({escape(line.spam)})" if line.spam else ""
        self.header.setText(f"<b>{escape(line.shopper)}</b> · {status}{who}{spam}")
        self.close_button.setVisible(line.status != "closed")
        self.reopen.setVisible(line.status == "closed")
        bar = self.transcript.verticalScrollBar()
        at_end = bar is None or bar.value() >= bar.maximum() - 4
        self.transcript.setHtml(thread_html(line, messages, pending, self.me))
        if (changed or at_end) and bar is not None:
            bar.setValue(bar.maximum())
        if changed:
            self.typing.clear()
            self.notice.clear()

    def allow_answers(self, allowed: bool, note: str = "") -> None:
        """Whether this console may answer (an agent or an admin): a viewer reads the thread,
        its reply box and actions are off and ``note`` says why."""
        self.answering = allowed
        self.role_note.setText("" if allowed else note)
        self.role_note.setVisible(not allowed)
        self._enable()

    def _enable(self) -> None:
        can = self.conversation is not None and self.answering
        actions = (self.assign, self.close_button, self.reopen, self.spam_button, self.not_spam)
        for widget in (*actions, self.reply, self.send):
            widget.setEnabled(can)
        self.canned_button.setEnabled(self.answering)
        self.card_button.setEnabled(can and self._orders)

    def gone(self, sentence: str) -> None:
        """The conversation was erased while open: say so; the reply box keeps its text."""
        self.conversation = None
        self.header.setText(escape(sentence))
        self.transcript.setHtml("")
        for widget in (self.assign, self.close_button, self.reopen, self.send, self.card_button):
            widget.setEnabled(False)
        self.spam_button.setEnabled(False)
        self.not_spam.setVisible(False)

    def show_profile(self, profile: Profile | None, searched: str | None = None) -> None:
        self.card_menu.clear()
        if profile is None:
            text = (
                f"No customer matches {escape(searched)}."
                if searched
                else "Not verified: no customer record is linked to this chat."
            )
            self.profile.setText(f"<span style='color: gray'>{text}</span>")
            self._orders = False
            self.card_button.setEnabled(False)
            return
        lines = [f"<b>{escape(profile.name or profile.email or 'Customer')}</b>"]
        lines += [escape(v) for v in (profile.email, profile.phone, profile.store) if v]
        if profile.total_orders is not None:
            spent = escape(money(profile.lifetime_value, profile.currency))
            lines.append(f"{profile.total_orders} orders · {spent}")
        lines.append("<br><b>Recent orders</b>")
        for order in profile.orders:
            lines.append(
                f"#{escape(order.number)} · {escape(status_label(order.status))} · "
                f"{escape(money(order.total, order.currency))} · "
                f"{local_time(order.created_at)[:10]}"
            )
            action = self.card_menu.addAction(f"Send order #{order.number} ({order.status})")
            action.setData(order.id)
        if not profile.orders:
            lines.append("<span style='color: gray'>None synced.</span>")
        self.profile.setText("<br>".join(lines))
        self._orders = bool(profile.orders)
        self.card_button.setEnabled(
            self.conversation is not None and self.answering and self._orders
        )

    def shopper_is_typing(self) -> None:
        self.typing.setText("The shopper is typing…")
        self._typing_timer.start()


def page_html(url: str | None) -> str:
    """The page the chat started on, as a link (the workspace keeps only http and https
    addresses, without query strings); a note when the channel has no page."""
    if not url:
        return "<span style='color: gray'>Started on: no page reported</span>"
    return f"Started on: <a href='{escape(url, quote=True)}'>{escape(url)}</a>"
