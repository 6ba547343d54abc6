"""Settings → Team: the consoles paired with the relay and their roles; an admin invites a
teammate (a one-time code carrying a role), sees the invites not used yet (role, created,
expires; never their codes, which the relay keeps only hashed) and cancels them, changes roles
and revokes consoles. Another role sees the list and is told why the rest is closed to it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.dialogs import ask
from console.models.rows import Column, RowsModel
from console.relay_client import RelayError
from console.team import (
    Invite,
    Member,
    invites_of,
    may,
    members_of,
    pair_command,
    role_line,
    why_not,
)
from console.ui import named
from console.views.dashboard import when
from console.views.tables import current_record, proxy_for, table_for
from core.team import ROLES, WHAT_THEY_DO

COLUMNS: list[Column[Member]] = [
    Column("Name", lambda m: f"{m.name} (this console)" if m.you else m.name),
    Column("Role", lambda m: m.role),
    Column("Key fingerprint", lambda m: m.fingerprint),
    Column("Paired", lambda m: when(m.created_at, "?"), sort=lambda m: m.created_at),
    Column("Last seen", lambda m: when(m.last_seen_at), sort=lambda m: when(m.last_seen_at)),
]
INVITE_COLUMNS: list[Column[Invite]] = [
    Column("Invite", lambda i: i.id),
    Column("For", lambda i: i.name or "—"),
    Column("Role", lambda i: i.role),
    Column("Created", lambda i: when(i.created_at, "?"), sort=lambda i: when(i.created_at)),
    Column("Expires", lambda i: when(i.expires_at, "?"), sort=lambda i: when(i.expires_at)),
]
Confirm = Callable[[str, str], Awaitable[bool]]


def _roles_box(name: str) -> QComboBox:
    box = named(QComboBox(), name)
    for role in ROLES:
        box.addItem(f"{role} — {WHAT_THEY_DO[role]}", role)
    box.setCurrentIndex(ROLES.index("agent"))
    return box


class TeamPanel(QGroupBox):
    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__("Team", parent)
        self.ctx = ctx
        self.confirm: Confirm = lambda title, text: ask(self, title, text, yes="Revoke")
        self.model: RowsModel[Member] = RowsModel(COLUMNS, self)
        self.table = named(table_for(proxy_for(self.model), (180, 70, 240, 120)), "teamTable")
        self.table.setMinimumHeight(140)
        self.role_label = named(QLabel("", wordWrap=True), "teamRoleLabel")
        self.result = named(QLabel("", wordWrap=True), "teamResult")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.invite_role = _roles_box("inviteRole")
        self.invite_name = named(QLineEdit(placeholderText="Name (optional)"), "inviteName")
        self.invite_button = named(QPushButton("Invite teammate…"), "inviteButton")
        self.code_edit = named(QLineEdit(readOnly=True), "inviteCode")
        self.code_edit.setVisible(False)
        self.new_role = _roles_box("newRole")
        self.role_button = named(QPushButton("Change role"), "changeRoleButton")
        self.revoke_button = named(QPushButton("Revoke…"), "revokeButton")
        self.refresh_button = named(QPushButton("Refresh"), "teamRefresh")
        self.invites: RowsModel[Invite] = RowsModel(INVITE_COLUMNS, self)
        self.invites_table = named(
            table_for(proxy_for(self.invites), (110, 160, 70, 130)), "invitesTable"
        )
        self.invites_table.setMinimumHeight(90)
        self.invites_label = named(QLabel("Pending invites", wordWrap=True), "invitesLabel")
        self.cancel_button = named(QPushButton("Cancel invite"), "cancelInviteButton")
        self._lay_out()
        self.invite_button.clicked.connect(self._invite_clicked)
        self.role_button.clicked.connect(self._role_clicked)
        self.revoke_button.clicked.connect(self._revoke_clicked)
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self.refresh_button.clicked.connect(self.reload)
        ctx.role_changed.connect(self._show_role)
        ctx.relay_changed.connect(self.reload)
        self._show_role()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.role_label)
        layout.addWidget(self.table)
        change = QHBoxLayout()
        change.addWidget(QLabel("Selected console:"))
        change.addWidget(self.new_role)
        change.addWidget(self.role_button)
        change.addWidget(self.revoke_button)
        change.addStretch(1)
        change.addWidget(self.refresh_button)
        layout.addLayout(change)
        invite = QHBoxLayout()
        invite.addWidget(QLabel("Invite as"))
        invite.addWidget(self.invite_role)
        invite.addWidget(self.invite_name, 1)
        invite.addWidget(self.invite_button)
        layout.addLayout(invite)
        layout.addWidget(self.code_edit)
        layout.addWidget(self.invites_label)
        layout.addWidget(self.invites_table)
        pending = QHBoxLayout()
        pending.addStretch(1)
        pending.addWidget(self.cancel_button)
        layout.addLayout(pending)
        layout.addWidget(self.result)

    # -- what this console may do --------------------------------------------------------

    def _show_role(self) -> None:
        role, linked = self.ctx.role, self.ctx.relay_link() is not None
        admin = linked and may(role, "admin")
        for widget in (
            self.invite_button,
            self.invite_role,
            self.invite_name,
            self.role_button,
            self.new_role,
            self.revoke_button,
            self.cancel_button,
        ):
            widget.setEnabled(admin)
        for shown in (self.invites_label, self.invites_table, self.cancel_button):
            shown.setVisible(admin)  # only admins may see the invites
        self.refresh_button.setEnabled(linked)
        if not linked:
            self.role_label.setText("Pair with your relay first: the team is the relay's.")
        elif role is None:
            self.role_label.setText("Who may use your relay, and as what.")
        elif admin:
            self.role_label.setText(f"This console is an {role_line(role)}.")
        else:
            self.role_label.setText(why_not(role, "invite teammates, change roles or revoke"))

    # -- behaviour -----------------------------------------------------------------------

    def reload(self) -> None:
        self._show_role()
        if self.ctx.relay_link() is not None:
            self.ctx.spawn(self.load(), what="Loading the team")
        else:
            self.model.set_rows([])

    async def load(self) -> None:
        client = self.ctx.relay_client()
        if client is None:
            return
        try:
            answer = await client.team()
        except RelayError as err:
            self.result.setText(f"The team could not be loaded: {err}")
            return
        self.model.set_rows(members_of(answer))
        mine = next((m for m in self.model.rows() if m.you), None)
        if mine is not None:
            self.ctx.learn_role({"role": mine.role, "id": mine.id})
        if may(self.ctx.role, "admin"):
            await self.load_invites()
        else:
            self.invites.set_rows([])

    async def load_invites(self) -> None:
        client = self.ctx.relay_client()
        if client is None:
            return
        try:
            rows = await client.invites()
        except RelayError as err:
            self.invites_label.setText(f"The pending invites could not be loaded: {err}")
            return
        self.invites.set_rows(invites_of(rows))
        count = len(rows)
        self.invites_label.setText(
            f"Pending invites: {count} not used yet. Their codes were shown once, when made."
            if count
            else "No pending invites."
        )

    def _selected(self) -> Member | None:
        member = current_record(self.table)
        if member is None:
            self.result.setText("Select a console in the list first.")
        return member if isinstance(member, Member) else None

    def _invite_clicked(self) -> None:
        self.invite_button.setEnabled(False)
        self.result.setText("Asking the relay for an invite…")
        self.ctx.spawn(self.invite(), what="Inviting a teammate")

    async def invite(self) -> None:
        client = self.ctx.relay_client()
        role, name = self.invite_role.currentData(), self.invite_name.text().strip() or None
        try:
            if client is None:
                return
            made = await client.invite(role, name)
        except RelayError as err:
            self.result.setText(f"No invite: {err}")
            return
        finally:
            self._show_role()
        command = pair_command(client.url, made["code"])
        self.code_edit.setText(command)
        self.code_edit.setVisible(True)
        self.result.setText(
            f"Invite code <b>{made['code']}</b> for {made.get('name') or 'a teammate'} as "
            f"{role_line(made['role'])}. It works once, until {made['expires_at']}. On their "
            "computer: paste your relay's address and the code in Settings → Relay pairing, "
            "or run the command above."
        )
        self.invite_name.clear()
        await self.load_invites()

    def _cancel_clicked(self) -> None:
        invite = current_record(self.invites_table)
        if not isinstance(invite, Invite):
            self.result.setText("Select an invite in the list of pending invites first.")
            return
        self.ctx.spawn(self.cancel_invite(invite), what="Cancelling an invite")

    async def cancel_invite(self, invite: Invite) -> None:
        client = self.ctx.relay_client()
        if client is None:
            return
        try:
            await client.cancel_invite(invite.id)
        except RelayError as err:
            self.result.setText(f"Not cancelled: {err}")
            await self.load_invites()
            return
        self.result.setText(f"Cancelled the invite for {invite.label()}: its code no longer pairs.")
        await self.load_invites()

    def _role_clicked(self) -> None:
        member = self._selected()
        if member is not None:
            self.ctx.spawn(self.change_role(member, self.new_role.currentData()), what="Roles")

    async def change_role(self, member: Member, role: str) -> None:
        client = self.ctx.relay_client()
        if client is None:
            return
        try:
            await client.set_role(member.id, role)
        except RelayError as err:
            self.result.setText(f"Not changed: {err}")
            return
        self.result.setText(f"{member.name} is now {role}.")
        await self.load()

    def _revoke_clicked(self) -> None:
        member = self._selected()
        if member is not None:
            self.ctx.spawn(self.revoke(member), what="Revoking a console")

    async def revoke(self, member: Member) -> None:
        warning = " This is THIS console: it will lose access to the relay." if member.you else ""
        question = (
            f"{member.name} ({member.fingerprint}) will be refused by the relay from now on."
            f"{warning} A new invite lets it pair again."
        )
        if not await self.confirm(f"Revoke {member.name}?", question):
            self.result.setText("Nothing was revoked.")
            return
        client = self.ctx.relay_client()
        if client is None:
            return
        try:
            await client.revoke_console(member.id)
        except RelayError as err:
            self.result.setText(f"Not revoked: {err}")
            return
        self.result.setText(f"Revoked {member.name}: the relay refuses it from now on.")
        await self.load()
