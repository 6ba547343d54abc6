"""The team behind the paired relay, as the console sees it: the consoles that may use the
relay and their roles (``core.team``), finding one by what a person types, and what this
console's own role lets it do here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.team import ROLES, WHAT_THEY_DO, TeamRole, allows, is_role


class TeamError(Exception):
    """A teammate could not be found or named unambiguously; ``str()`` is the sentence."""


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    role: TeamRole
    fingerprint: str
    created_at: datetime | None
    last_seen_at: datetime | None
    you: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any], you: str | None) -> Member:
        role = data.get("role")
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name", "")),
            role=role if is_role(role) else "viewer",
            fingerprint=str(data.get("fingerprint", "")),
            created_at=_moment(data.get("created_at")),
            last_seen_at=_moment(data.get("last_seen_at")),
            you=data.get("id") == you,
        )


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite not used yet, as the relay lists it: an id, never its code."""

    id: str
    role: TeamRole
    name: str | None
    created_at: datetime | None
    expires_at: datetime | None
    invited_by: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Invite:
        role, name, by = data.get("role"), data.get("name"), data.get("invited_by")
        return cls(
            id=str(data.get("id", "")),
            role=role if is_role(role) else "viewer",
            name=name if isinstance(name, str) and name else None,
            created_at=_moment(data.get("created_at")),
            expires_at=_moment(data.get("expires_at")),
            invited_by=by if isinstance(by, str) and by else None,
        )

    def label(self) -> str:
        """``"Sam (agent)"``, ``"an admin code (storedesk-relay pairing-code)"``."""
        if self.name:
            return f"{self.name} ({self.role})"
        if self.invited_by is None and self.role == "admin":
            return "an admin code (storedesk-relay pairing-code)"
        return f"a teammate ({self.role})"


def invites_of(rows: list[dict[str, Any]]) -> list[Invite]:
    return [Invite.from_json(row) for row in rows]


def find_invite(invites: list[Invite], text: str) -> Invite:
    """The pending invite ``text`` names: its id, or the start of it (4 characters or more)."""
    wanted = text.strip().lower()
    if len(wanted) < 4:
        raise TeamError(
            "name the invite by its id (at least 4 characters): storedesk team invites."
        )
    found = [i for i in invites if i.id.startswith(wanted)]
    if len(found) > 1:
        ids = ", ".join(i.id for i in found)
        raise TeamError(f"{text.strip()!r} starts several invites ({ids}); give more of the id.")
    if not found:
        raise TeamError(
            f"no pending invite has the id {text.strip()!r} (used, expired or cancelled?); "
            "`storedesk team invites` lists them."
        )
    return found[0]


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def members_of(answer: dict[str, Any]) -> list[Member]:
    """The relay's ``GET /v1/console/team`` answer as members."""
    you = answer.get("you")
    rows = answer.get("consoles")
    return [
        Member.from_json(row, you if isinstance(you, str) else None)
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict)
    ]


def find_member(members: list[Member], text: str) -> Member:
    """The member ``text`` names: its id, its name (any case) or the start of its key
    fingerprint (``SHA256:…``, at least 8 characters)."""
    wanted = text.strip()
    if not wanted:
        raise TeamError("name the console: its id, its name or its key fingerprint.")
    for exact in (
        [m for m in members if m.id == wanted],
        [m for m in members if m.name.casefold() == wanted.casefold()],
        [m for m in members if len(wanted) >= 8 and _fingerprint_starts(m, wanted)],
    ):
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            ids = ", ".join(m.id for m in exact)
            raise TeamError(f"{wanted!r} names several consoles ({ids}); use its id.")
    raise TeamError(f"no paired console is called {wanted!r}; `storedesk team list` shows them.")


def _fingerprint_starts(member: Member, text: str) -> bool:
    bare = member.fingerprint.removeprefix("SHA256:")
    return member.fingerprint.startswith(text) or bare.startswith(text)


def read_role(text: str) -> TeamRole:
    role = text.strip().lower()
    if not is_role(role):
        raise TeamError(f"{text!r} is not a role; choose {', '.join(ROLES)}.")
    return role


def role_line(role: TeamRole) -> str:
    return f"{role} ({WHAT_THEY_DO[role]})"


def pair_command(url: str, code: str) -> str:
    return f"storedesk relay pair {url} {code}"


def may(role: TeamRole | None, needed: TeamRole) -> bool:
    """Whether this console may do what needs ``needed`` (an unknown role: yes, the relay
    has the last word)."""
    return role is None or allows(role, needed)


def why_not(role: TeamRole | None, what: str) -> str:
    """The sentence shown beside what this console's role cannot do."""
    return (
        f"This console is paired as {'an' if role == 'agent' else 'a'} {role}: only an admin "
        f"may {what}. Ask an admin to change its role (Settings → Team)."
    )


VIEWER_INBOX = (
    "Your role on this relay is Viewer: you can read conversations but not answer them. "
    "Ask an admin to make this console an agent (Settings → Team)."
)
"""Shown in the Inbox of a viewer, whose reply box and actions are off."""
