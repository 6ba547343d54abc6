"""What each team role may do through the console API: one table, route name → the least
role that may call it (and what the route does, for the refusal's sentence).

``require`` runs for every signed request (``relay.routes.console.signed``). A signed route
missing from the table is refused to everyone, so a new route is closed until someone
decides who may use it (``tests/relay/test_roles.py`` checks every console route is here).
"""

from __future__ import annotations

from typing import NamedTuple

from core.team import TeamRole, allows
from relay.responses import ApiError
from relay.storage.records import ConsoleRecord


class Rule(NamedTuple):
    role: TeamRole
    what: str  # "publish widgets and stores": completes "Only … may …"


ROUTE_ROLES: dict[str, Rule] = {
    # reading: every role
    "console.status": Rule("viewer", "see the relay's status"),
    "console.events": Rule("viewer", "read conversations"),
    "console.ack": Rule("viewer", "acknowledge conversations received"),
    "console.stream": Rule("viewer", "follow conversations live"),
    "console.retention": Rule("viewer", "see the retention period"),
    "console.team.list": Rule("viewer", "see the team"),
    "console.installations": Rule("viewer", "see where widgets are installed"),
    # answering shoppers: agents and admins
    "console.reply": Rule("agent", "answer shoppers"),
    "console.status_set": Rule("agent", "open or close conversations"),
    "console.assign": Rule("agent", "assign conversations"),
    "console.typing": Rule("agent", "show shoppers that someone is typing"),
    "console.spam": Rule("agent", "mark conversations as spam"),
    # changing what the relay serves, its secrets, shoppers' data and the team: admins
    "console.publish": Rule("admin", "publish widgets, answers and stores"),
    "console.privacy.find": Rule("admin", "look up a shopper's personal data"),
    "console.privacy.erase": Rule("admin", "erase a shopper's data"),
    "console.retention.set": Rule("admin", "change the retention period"),
    "connect.woo": Rule("admin", "connect stores"),
    "connect.shopify": Rule("admin", "connect stores"),
    "connect.pick_up": Rule("admin", "connect stores"),
    "connect.cancel": Rule("admin", "connect stores"),
    "connect.access_token": Rule("admin", "read store credentials"),
    "api_keys.create": Rule("admin", "manage API keys"),
    "api_keys.list": Rule("admin", "manage API keys"),
    "api_keys.revoke": Rule("admin", "manage API keys"),
    "whatsapp.configure": Rule("admin", "change the WhatsApp channel"),
    "whatsapp.remove": Rule("admin", "change the WhatsApp channel"),
    "ai.configure": Rule("admin", "change the AI agent"),
    "ai.remove": Rule("admin", "change the AI agent"),
    "console.team.invite": Rule("admin", "invite teammates"),
    "console.team.invites": Rule("admin", "see the pending invites"),
    "console.team.invite_cancel": Rule("admin", "cancel invites"),
    "console.team.role": Rule("admin", "change teammates' roles"),
    "console.team.revoke": Rule("admin", "revoke consoles"),
}

ARTICLE: dict[TeamRole, str] = {"admin": "an admin", "agent": "an agent", "viewer": "a viewer"}


def require(route: str | None, console: ConsoleRecord) -> None:
    """Refuse (403, ``role_required``) unless ``console``'s role may call ``route``."""
    rule = ROUTE_ROLES.get(route or "")
    if rule is None:
        raise ApiError(
            403,
            "role_required",
            f"No console role may call {route or 'this route'} yet; update the relay.",
        )
    if allows(console.role, rule.role):
        return
    needed = "an admin" if rule.role == "admin" else "an agent or an admin"
    raise ApiError(
        403,
        "role_required",
        f"Only {needed} may {rule.what}; this console ({console.name}) is "
        f"{ARTICLE[console.role]}. Ask an admin to change its role (storedesk team role).",
    )
