"""Stopping with the process that started the relay (``storedesk-relay serve --parent-pid``).

The console's demo runs the relay as a child process. When the console ends without a word
(SIGKILL, a crash) the relay must not keep its port: on Linux the kernel sends it SIGTERM
(``PR_SET_PDEATHSIG``), and on every system a watchdog thread notices that its parent is
gone (on POSIX the process is handed to another parent; on Windows the parent's handle is
signalled) and asks the relay to stop as if it had been sent SIGTERM.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger("relay")

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def death_signal(signum: int = signal.SIGTERM) -> bool:
    """Linux only: ask the kernel to send ``signum`` when the parent ends. True if it did.

    The kernel counts the parent *thread* that started this process; the console starts
    the relay from its main thread, which lives as long as the console."""
    if not sys.platform.startswith("linux"):
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    return False


def watch_parent(
    parent_pid: int, stop: Callable[[], None], *, poll: float = 0.5, kernel: bool = True
) -> threading.Thread:
    """Call ``stop()`` from a daemon thread once ``parent_pid`` is no longer this process's
    parent (at once if it already is not: the parent may have ended while this one started).
    With ``kernel``, on Linux the kernel also sends SIGTERM when the parent ends."""
    if kernel:
        death_signal()
    wait = _windows_waiter(parent_pid) if sys.platform == "win32" else None

    def watch() -> None:
        if wait is not None:
            wait()
        else:
            while os.getppid() == parent_pid:
                time.sleep(poll)
        log.info("The process that started the relay (pid %s) has ended", parent_pid)
        stop()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def _windows_waiter(parent_pid: int) -> Callable[[], None]:  # pragma: no cover - Windows
    """A call that returns once the Windows process ``parent_pid`` has ended."""
    synchronize, infinite = 0x00100000, 0xFFFFFFFF
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(synchronize, False, parent_pid)

    def wait() -> None:
        if handle:  # no handle: the parent is already gone
            kernel32.WaitForSingleObject(handle, infinite)
            kernel32.CloseHandle(handle)

    return wait
