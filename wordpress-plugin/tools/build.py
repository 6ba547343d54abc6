"""Build the plugin's upload zip (``storedesk/`` at the top, as WordPress expects) and its
translation template.

    python wordpress-plugin/tools/build.py zip build/storedesk-wordpress.zip
    python wordpress-plugin/tools/build.py pot    # languages/storedesk.pot, with xgettext
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[1]
SHIPPED = ("storedesk.php", "uninstall.php", "readme.txt", "includes", "languages")
POT = PLUGIN / "languages" / "storedesk.pot"
KEYWORDS = ("__", "_e", "esc_html__", "esc_html_e", "esc_attr__", "esc_attr_e", "_x:1,2c",
            "_n:1,2", "esc_html_x:1,2c", "esc_attr_x:1,2c")  # fmt: skip
# The same moment for every file, so the same sources give the same zip.
_STAMP = (2024, 1, 1, 0, 0, 0)


def shipped_files() -> list[Path]:
    found: list[Path] = []
    for name in SHIPPED:
        path = PLUGIN / name
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return found


def build_zip(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in shipped_files():
            name = "storedesk/" + path.relative_to(PLUGIN).as_posix()
            info = zipfile.ZipInfo(name, _STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return target


def pot_text() -> str:
    """The template xgettext makes from the shipped PHP files (creation date left out)."""
    if shutil.which("xgettext") is None:
        raise SystemExit("xgettext is not installed: apt-get install gettext")
    sources = [str(p.relative_to(PLUGIN)) for p in shipped_files() if p.suffix == ".php"]
    command = ["xgettext", "--language=PHP", "--from-code=UTF-8", "--add-comments=translators:",
               "--package-name=Storedesk", "--package-version=" + version(),
               "--sort-by-file", "--no-wrap", "-o", "-"]  # fmt: skip
    command += [f"--keyword={k}" for k in KEYWORDS] + sources
    out = subprocess.run(command, cwd=PLUGIN, capture_output=True, text=True, check=True).stdout
    out = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", out)
    out = out.replace("CHARSET", "UTF-8")
    return out


def version() -> str:
    match = re.search(r"^\s*\*\s*Version:\s*(\S+)", (PLUGIN / "storedesk.php").read_text(), re.M)
    return match.group(1) if match else "0"


def main(argv: list[str]) -> int:
    if argv[:1] == ["zip"] and len(argv) == 2:
        print(build_zip(Path(argv[1])))
        return 0
    if argv == ["pot"]:
        POT.parent.mkdir(exist_ok=True)
        POT.write_text(pot_text())
        print(POT)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
