"""Help → Documentation: Storedesk's README, the guide to everything the console does.

A source checkout has it beside the code; an installed copy carries it in its package
metadata, and it is written into the workspace to be opened from there.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
COPY_NAME = "Storedesk README.md"


def documentation_file(data_dir: Path | None, readme: Path = README) -> Path | None:
    """The README to open, or None when this copy of Storedesk has none."""
    if readme.is_file():
        return readme
    text = packaged_readme()
    if not text or data_dir is None:
        return None
    copy = data_dir / COPY_NAME
    try:
        if not copy.is_file() or copy.read_text(encoding="utf-8") != text:
            copy.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return copy


def packaged_readme() -> str:
    try:
        found = importlib.metadata.metadata("storedesk").json.get("description", "")
    except importlib.metadata.PackageNotFoundError:
        return ""
    return found if isinstance(found, str) else ""
