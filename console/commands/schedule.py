"""`storedesk store schedule NAME --every 15m|off [--nightly 03:00|off]`: a store's
automatic sync (run by the console while it is open)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from console.runtime import EXIT_OK, EXIT_USAGE, CliError, open_session
from core.workspace.schedule import (
    Schedule,
    ScheduleRepository,
    ScheduleState,
    next_run,
    parse_every,
    parse_nightly,
)


def register_schedule(sub: Any) -> None:
    schedule = sub.add_parser(
        "schedule",
        help="set a store's automatic sync (run by the console while it is open)",
        description="Without --every or --nightly, show the store's schedule.",
    )
    schedule.add_argument("name")
    schedule.add_argument("--every", metavar="5m|15m|30m|1h|off", help="sync changes this often")
    schedule.add_argument(
        "--nightly", metavar="HH:MM|off", help="full re-read at this local time each night"
    )
    schedule.set_defaults(handler=cmd_schedule)


def _parse(args: argparse.Namespace, current: Schedule) -> Schedule:
    try:
        every = current.every_minutes if args.every is None else parse_every(args.every)
        nightly = current.nightly if args.nightly is None else parse_nightly(args.nightly)
    except ValueError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    return Schedule(every, nightly)


def cmd_schedule(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entry = session.require_store(args.name)
        schedules = ScheduleRepository(session.workspace)
        state = schedules.state(entry.id)
        if args.every is not None or args.nightly is not None:
            state = schedules.set(entry.id, _parse(args, state.schedule))
    print(f"{entry.name}: automatic sync {describe_schedule(state)}.")
    return EXIT_OK


def describe_schedule(state: ScheduleState, now: datetime | None = None) -> str:
    """``every 15 min, full at 03:00; next 14:15 local; last sync failed 3× in a row``"""
    now = now or datetime.now(UTC)
    text = state.schedule.describe()
    coming = next_run(state, now, datetime.now().astimezone().tzinfo or UTC)
    if coming is not None:
        kind = "full sync " if coming.plan == "full" else ""
        text += (
            f"; next {kind}{coming.at.astimezone():%Y-%m-%d %H:%M} local (while the console runs)"
        )
    if state.failing:
        text += f"; the last {state.failures} syncs failed"
    elif state.last_result:
        text += f"; last {state.last_result}"
    return text


def schedule_json(state: ScheduleState) -> dict[str, Any]:
    schedule = state.schedule
    return {
        "every_minutes": schedule.every_minutes,
        "nightly": None if schedule.nightly is None else f"{schedule.nightly:%H:%M}",
        "last_result": state.last_result,
        "failures": state.failures,
    }
