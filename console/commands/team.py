"""`storedesk team invite|invites|cancel-invite|list|role|revoke`: who may use the paired relay,
and as what.

Roles (``core.team``): an admin does everything; an agent reads and answers conversations;
a viewer reads. Only an admin may invite, list or cancel the invites not used yet, change roles or
revoke; the relay refuses to leave itself without an admin. An invite's code is shown once,
when it is made; afterwards an invite is named by its id.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session, print_json
from core.team import ROLES

if TYPE_CHECKING:
    from console.relay_client import RelayClient
    from console.team import Member


def register(commands: Any) -> None:
    team = commands.add_parser("team", help="invite teammates to the relay, roles, revoke")
    sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    invite = sub.add_parser("invite", help="a one-time pairing code for a teammate")
    invite.add_argument("--role", required=True, choices=ROLES, help="what the teammate may do")
    invite.add_argument("--name", help="how the team list shows them, e.g. 'Sam (support)'")
    invite.add_argument(
        "--expires",
        type=int,
        metavar="MINUTES",
        help="how long the code works (10 to 10080; default one day)",
    )
    invite.add_argument("--json", action="store_true")
    invite.set_defaults(handler=cmd_invite)

    invites = sub.add_parser("invites", help="the invites not used yet (never their codes)")
    invites.add_argument("--json", action="store_true")
    invites.set_defaults(handler=cmd_invites)

    cancel = sub.add_parser("cancel-invite", help="cancel an invite: its code no longer pairs")
    cancel.add_argument("invite", metavar="INVITE", help="its id (or its start), from `invites`")
    cancel.add_argument("--json", action="store_true")
    cancel.set_defaults(handler=cmd_cancel_invite)

    listing = sub.add_parser("list", help="the consoles paired with the relay and their roles")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    role = sub.add_parser("role", help="change a console's role")
    role.add_argument("device", metavar="DEVICE", help="its id, name or key fingerprint")
    role.add_argument("role", metavar="ROLE", help=", ".join(ROLES))
    role.add_argument("--json", action="store_true")
    role.set_defaults(handler=cmd_role)

    revoke = sub.add_parser("revoke", help="refuse a console from now on")
    revoke.add_argument("device", metavar="DEVICE", help="its id, name or key fingerprint")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    revoke.add_argument("--json", action="store_true")
    revoke.set_defaults(handler=cmd_revoke)


def _relay(args: argparse.Namespace) -> tuple[str, bytes]:
    from console.commands.relay import require_link

    with open_session(args) as session:
        link, key = require_link(session)
    return link.url, key


def cmd_invite(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client
    from console.team import pair_command, role_line

    url, key = _relay(args)
    made = run_client(url, key, lambda client: client.invite(args.role, args.name, args.expires))
    if args.json:
        print_json({**made, "pair_command": pair_command(url, made["code"])})
        return EXIT_OK
    who = f" for {made['name']}" if made.get("name") else ""
    print(f"Invite{who} as {role_line(made['role'])}: {made['code']}")
    print(f"It works once, until {made['expires_at']}. On the teammate's computer run:")
    print(f"  {pair_command(url, made['code'])}")
    print("(or paste the address and the code in the console's Settings → Relay pairing).")
    return EXIT_OK


def cmd_invites(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client
    from console.team import invites_of

    url, key = _relay(args)
    rows = run_client(url, key, lambda client: client.invites())
    if args.json:
        print_json({"invites": rows})
        return EXIT_OK
    invites = invites_of(rows)
    if not invites:
        print("No pending invites. `storedesk team invite --role agent` makes one.")
        return EXIT_OK
    for invite in invites:
        made = f"{invite.created_at:%Y-%m-%d %H:%M}" if invite.created_at else "?"
        until = f"{invite.expires_at:%Y-%m-%d %H:%M}" if invite.expires_at else "?"
        print(
            f"{invite.id}  {invite.role:<6}  {invite.name or '—'}  "
            f"created {made}, expires {until} UTC"
        )
    print("Codes are shown only when made; `storedesk team cancel-invite ID` cancels one.")
    return EXIT_OK


def cmd_cancel_invite(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client
    from console.team import TeamError, find_invite, invites_of

    url, key = _relay(args)

    async def work(client: RelayClient) -> dict[str, Any]:
        try:
            invite = find_invite(invites_of(await client.invites()), args.invite)
        except TeamError as err:
            raise CliError(str(err), EXIT_USAGE) from None
        return await client.cancel_invite(invite.id)

    cancelled = run_client(url, key, work)
    if args.json:
        print_json(cancelled)
    else:
        who = f" for {cancelled['name']}" if cancelled.get("name") else ""
        print(
            f"Cancelled invite {cancelled.get('id')}{who} ({cancelled.get('role')}): its code "
            "no longer pairs."
        )
    return EXIT_OK


async def _members(client: RelayClient) -> list[Member]:
    from console.team import members_of

    return members_of(await client.team())


def cmd_list(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client

    url, key = _relay(args)
    answer = run_client(url, key, lambda client: client.team())
    if args.json:
        print_json(answer)
        return EXIT_OK
    from console.team import members_of

    for member in members_of(answer):
        seen = f"{member.last_seen_at:%Y-%m-%d %H:%M}" if member.last_seen_at else "never"
        since = f"{member.created_at:%Y-%m-%d}" if member.created_at else "?"
        mine = "  (this console)" if member.you else ""
        print(
            f"{member.id}  {member.role:<6}  {member.name}  {member.fingerprint}  "
            f"paired {since}, last seen {seen}{mine}"
        )
    return EXIT_OK


async def _resolve(device: str, client: RelayClient) -> Member:
    from console.team import TeamError, find_member

    try:
        return find_member(await _members(client), device)
    except TeamError as err:
        raise CliError(str(err), EXIT_USAGE) from None


def cmd_role(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client
    from console.team import TeamError, read_role, role_line

    try:
        role = read_role(args.role)
    except TeamError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    url, key = _relay(args)

    async def work(client: RelayClient) -> dict[str, Any]:
        member = await _resolve(args.device, client)
        return await client.set_role(member.id, role)

    changed = run_client(url, key, work)
    if args.json:
        print_json(changed)
    else:
        print(f"{changed.get('name')} ({changed.get('id')}) is now {role_line(role)}.")
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from console.commands.relay import run_client

    url, key = _relay(args)

    async def work(client: RelayClient) -> dict[str, Any] | None:
        member = await _resolve(args.device, client)
        if not args.yes:
            mine = " This is THIS console: it will lose access." if member.you else ""
            answer = input(f"Revoke {member.name} ({member.fingerprint})?{mine} [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                return None
        return await client.revoke_console(member.id)

    revoked = run_client(url, key, work)
    if revoked is None:
        print("Nothing was revoked.")
    elif args.json:
        print_json(revoked)
    else:
        print(
            f"Revoked {revoked.get('name')} ({revoked.get('id')}): the relay refuses it from "
            "now on. A new invite lets it pair again."
        )
    return EXIT_OK
