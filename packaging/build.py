"""Build the desktop bundle: icons, then PyInstaller (``storedesk.spec``), then on Linux the
.deb, then the smoke test of what was built.

    python packaging/build.py [--if-changed] [--no-deb] [--no-smoke]

The bundle lands in ``build/dist/storedesk/`` (``Storedesk.app`` beside it on macOS), the
.deb in ``build/deb/``. With ``--if-changed`` nothing is rebuilt while the sources, the
packaging files and the build tools are the ones the last build used (``make test`` relies
on it: the first run builds, the next ones only smoke-test).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DIST = BUILD / "dist"
BUNDLE = DIST / "storedesk"
STAMP = BUILD / "package.stamp"
SOURCES = ("core", "connectors", "relay", "console", "widget", "packaging")
SOURCE_FILES = ("pyproject.toml", "examples/rest-api.toml")


def fingerprint() -> str:
    """What the bundle is built from: every source file, the Python and PyInstaller versions."""
    import PyInstaller

    digest = hashlib.sha256(f"{sys.version} {PyInstaller.__version__}".encode())
    files = [ROOT / name for name in SOURCE_FILES]
    for folder in SOURCES:
        files += (
            path
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        )
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def up_to_date(stamp: str) -> bool:
    executable = BUNDLE / ("storedesk.exe" if sys.platform == "win32" else "storedesk")
    try:
        return executable.is_file() and STAMP.read_text().strip() == stamp
    except OSError:
        return False


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT)


def build_bundle() -> None:
    icons = BUILD / "icons"
    run(sys.executable, ROOT / "packaging" / "icons.py", icons)
    run(
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        DIST,
        "--workpath",
        BUILD / "pyinstaller",
        ROOT / "packaging" / "storedesk.spec",
        "--",
        "--icons",
        icons,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-changed", action="store_true", help="skip an up-to-date build")
    parser.add_argument("--no-deb", action="store_true", help="no .deb (Linux only anyway)")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke test")
    args = parser.parse_args(argv)
    stamp = fingerprint()
    if args.if_changed and up_to_date(stamp):
        print(f"The bundle in {BUNDLE} is up to date.", flush=True)
    else:
        STAMP.unlink(missing_ok=True)
        build_bundle()
        if sys.platform.startswith("linux") and not args.no_deb:
            run(sys.executable, ROOT / "packaging" / "linux" / "deb.py", BUNDLE, BUILD / "deb")
        STAMP.write_text(stamp + "\n")
    if not args.no_smoke:
        run(sys.executable, ROOT / "packaging" / "smoke.py", BUNDLE)
    print(f"Built Storedesk for {platform.system()} in {BUNDLE}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
