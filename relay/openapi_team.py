"""The OpenAPI paths and schemas of the team routes (invites, roles, revocation), merged
into ``relay.openapi``'s document."""

from __future__ import annotations

from typing import Any

from relay.openapi_ops import console_op, path_param
from relay.openapi_schemas import ID, NULLABLE_TEXT, NULLABLE_TIME, ROLE, TIME, Schema, obj, ref

TEAM_MEMBER = obj(
    ["id", "name", "role", "fingerprint", "created_at", "last_seen_at", "revoked_at"],
    {
        "id": ID,
        "name": {"type": "string"},
        "role": ROLE,
        "fingerprint": {"type": "string"},
        "created_at": TIME,
        "last_seen_at": NULLABLE_TIME,
        "revoked_at": NULLABLE_TIME,
    },
)
INVITE_ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{12}$"}
PENDING_INVITE = obj(
    ["id", "role", "name", "created_at", "expires_at", "invited_by"],
    {
        "id": INVITE_ID,
        "role": ROLE,
        "name": NULLABLE_TEXT,
        "created_at": NULLABLE_TIME,
        "expires_at": TIME,
        "invited_by": {"type": ["string", "null"]},
    },
)
"""An invite not used yet: never its code (the relay keeps only the code's HMAC)."""
TEAM_SCHEMAS: dict[str, Schema] = {
    "TeamMember": TEAM_MEMBER,
    "Team": obj(
        ["consoles", "you"],
        {"consoles": {"type": "array", "items": ref("TeamMember")}, "you": ID},
    ),
    "InviteRequest": obj(
        ["role"],
        {
            "role": ROLE,
            "name": {"type": "string", "minLength": 1, "maxLength": 80},
            "expires_in_minutes": {"type": "integer", "minimum": 10, "maximum": 10080},
        },
    ),
    "Invite": obj(
        ["id", "code", "role", "name", "created_at", "expires_at"],
        {
            "id": INVITE_ID,
            "code": {"type": "string", "pattern": "^[A-Z2-9]{4}-[A-Z2-9]{4}$"},
            "role": ROLE,
            "name": NULLABLE_TEXT,
            "created_at": TIME,
            "expires_at": TIME,
        },
    ),
    "PendingInvite": PENDING_INVITE,
    "PendingInvites": obj(
        ["invites"], {"invites": {"type": "array", "items": ref("PendingInvite")}}
    ),
    "InviteCancelled": obj(["invite"], {"invite": ref("PendingInvite")}),
    "RoleRequest": obj(["role"], {"role": ROLE}),
    "TeamChange": obj(["console"], {"console": ref("TeamMember")}),
}


def team_paths() -> dict[str, Any]:
    member = path_param("id", "The console's id (cn_…), from the team list.")
    signed = (400, 401, 403, 415, 422, 429, 503)
    return {
        "/v1/console/team": {
            "get": console_op(
                "The consoles that may use the relay (not the revoked), with their roles.",
                200,
                ref("Team"),
                (401, 403, 429, 503),
            )
        },
        "/v1/console/team/invites": {
            "post": console_op(
                "Make a one-time pairing code for a teammate, carrying their role (admins).",
                201,
                ref("Invite"),
                signed,
                body=ref("InviteRequest"),
            ),
            "get": console_op(
                "The invites not used yet and not expired, without their codes (admins).",
                200,
                ref("PendingInvites"),
                (401, 403, 429, 503),
            ),
        },
        "/v1/console/team/invites/{id}": {
            "delete": console_op(
                "Cancel an invite not used yet: its code no longer pairs (admins).",
                200,
                ref("InviteCancelled"),
                (401, 403, 404, 429, 503),
                params=[path_param("id", "The invite's id, from the list of pending invites.")],
            )
        },
        "/v1/console/team/{id}/role": {
            "put": console_op(
                "Change a console's role (admins); the last admin cannot be demoted (409).",
                200,
                ref("TeamChange"),
                (*signed, 404, 409),
                body=ref("RoleRequest"),
                params=[member],
            )
        },
        "/v1/console/team/{id}": {
            "delete": console_op(
                "Revoke a console at once, on every relay (admins); the last admin cannot be "
                "revoked (409).",
                200,
                ref("TeamChange"),
                (401, 403, 404, 409, 429, 503),
                params=[member],
            )
        },
    }
