"""Cold start of the console to its first painted main window, side by side with a bare
PySide6 ``QMainWindow`` started the same way, in one run.

    python -m bench.console_start [--runs 7]

Each run is a fresh process (``QT_QPA_PLATFORM=offscreen``); `storedesk` gets an empty
workspace in a new temporary folder each time (so it creates and migrates it) and a master
key from the environment (no OS keyring is asked). Both print the wall-clock time of their
first paint; the time from spawning the process to it is the start time. The console paints
its window first and opens the workspace after, off the UI thread; the time until the
Dashboard is filled is reported too. Runs alternate bare/console; medians are reported with
their ratio (budget: at most 3×).
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 3.0
BARE = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.quit)
            watched.removeEventFilter(self)
        return False

app = QApplication([])
window = QMainWindow()
window.resize(1100, 720)
probe = FirstPaint()
window.installEventFilter(probe)
window.show()
app.exec()
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        STOREDESK_EXIT_AFTER_PAINT="1",
        STOREDESK_KEYRING="off",
        STOREDESK_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    return env


def times(command: list[str]) -> dict[str, float]:
    """Seconds from spawning ``command`` to each moment it reports (``first-paint``, ``ready``)."""
    started = time.time()
    done = subprocess.run(
        command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    found = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in ("first-paint", "ready"):
            found[name] = float(value) - started
    if "first-paint" not in found:
        raise SystemExit(
            f"{command[:3]} never painted (exit {done.returncode}): {done.stderr[-400:]}"
        )
    return found


def bare() -> dict[str, float]:
    return times([sys.executable, "-c", BARE])


def console() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="storedesk-start-") as folder:
        workspace = str(Path(folder) / "workspace")
        return times([sys.executable, "-m", "console.cli", "--data-dir", workspace])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bare(), console()  # warm the OS file cache; not counted
    bares, paints, readies = [], [], []
    for _ in range(args.runs):
        bares.append(bare()["first-paint"])
        run = console()
        paints.append(run["first-paint"])
        readies.append(run.get("ready", float("nan")))
    b, p, r = (statistics.median(values) for values in (bares, paints, readies))
    ratio = p / b
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"console cold start, {args.runs} interleaved runs each (medians, offscreen):")
    print(f"  bare PySide6 QMainWindow, first paint      {b * 1000:6.0f} ms")
    print(f"  storedesk main window, first paint         {p * 1000:6.0f} ms")
    print(f"  ratio {ratio:.2f}× ({verdict} the {BUDGET:.0f}× budget)")
    print(f"  storedesk workspace created and Dashboard filled {r * 1000:6.0f} ms ({r / b:.1f}×)")


if __name__ == "__main__":
    main()
