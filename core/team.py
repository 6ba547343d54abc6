"""Team roles: who may do what through a relay shared by several consoles.

A relay's first console (paired with ``storedesk-relay pairing-code``) is an ``admin``;
an admin invites teammates with a code that carries their role. Roles are ranked: each
may do everything the ones below it may.

- ``admin``: everything, including publishing, stores, keys, privacy and the team;
- ``agent``: read and answer conversations (reply, close, assign, typing);
- ``viewer``: read only.
"""

from __future__ import annotations

from typing import Literal, TypeGuard

TeamRole = Literal["admin", "agent", "viewer"]
ROLES: tuple[TeamRole, ...] = ("admin", "agent", "viewer")
RANK: dict[TeamRole, int] = {"viewer": 0, "agent": 1, "admin": 2}

WHAT_THEY_DO: dict[TeamRole, str] = {
    "admin": "everything: publish, stores, keys, privacy, the team",
    "agent": "read and answer conversations",
    "viewer": "read only",
}


def is_role(value: object) -> TypeGuard[TeamRole]:
    return isinstance(value, str) and value in RANK


def allows(role: TeamRole, needed: TeamRole) -> bool:
    """Whether a console with ``role`` may do what needs ``needed``."""
    return RANK[role] >= RANK[needed]
