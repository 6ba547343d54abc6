"""The relay stops with the process that started it (``serve --parent-pid``): a parent that
is killed outright (SIGKILL) cannot stop its relay itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from relay.parent import watch_parent

ROOT = Path(__file__).resolve().parents[2]

# A child that waits for its parent's end: by the watchdog alone, or by the kernel's signal.
CHILD = {
    "watchdog": """
        import os, sys, time
        from relay.parent import watch_parent
        watch_parent(os.getppid(), lambda: os._exit(7), poll=0.05, kernel=False)
        print("watching", flush=True)
        time.sleep(60)
    """,
    "kernel": """
        import os, sys, time
        from relay.parent import death_signal
        assert death_signal()
        print("watching", flush=True)
        time.sleep(60)
    """,
}

# The parent: starts the child, says its pid, then waits to be killed.
PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "watching"
print(child.pid, flush=True)
time.sleep(60)
"""


def ended(pid: int, within: float) -> bool:
    """The process ended (or is a zombie nobody reaped) before ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
@pytest.mark.parametrize(
    "how",
    [
        "watchdog",
        pytest.param(
            "kernel",
            marks=pytest.mark.skipif(
                not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's"
            ),
        ),
    ],
)
def test_the_child_ends_when_its_parent_is_killed(how: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = textwrap.dedent(CHILD[how])
    with subprocess.Popen(
        [sys.executable, "-c", PARENT, code], stdout=subprocess.PIPE, text=True, env=env
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        try:
            parent.kill()
            parent.wait()
            assert ended(child, 10), f"the child outlived its parent ({how})"
        finally:
            if not ended(child, 0):
                os.kill(child, signal.SIGKILL)


def test_a_parent_that_is_already_gone_stops_the_relay_at_once() -> None:
    stopped = threading.Event()
    not_my_parent = os.getppid() + 1_000_000  # never this process's parent
    watch_parent(not_my_parent, stopped.set, poll=0.05, kernel=False).join(timeout=10)
    assert stopped.is_set()
