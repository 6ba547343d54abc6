"""Comparing Storedesk versions (PEP 440's common forms: ``1.2.3``, ``1.2.3rc1``,
``1.2.3.post1``, ``1.2.3.dev4``, ``1.2.3+local``), so the console can tell the merchant
when their relay is older than the console."""

from __future__ import annotations

import re

_VERSION = re.compile(
    r"^v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|rc)(?P<pre_n>\d+))?"
    r"(?:[-_.]?post(?P<post>\d+))?"
    r"(?:[-_.]?dev(?P<dev>\d+))?"
    r"(?:\+[a-z0-9.]+)?$",
    re.IGNORECASE,
)
_PRE_ORDER = {"a": 0, "b": 1, "rc": 2}
# a final release sorts after its pre-releases; a dev release before everything else of it
_FINAL = 3

Key = tuple[tuple[int, ...], tuple[int, int], int, int]


def version_key(text: str) -> Key | None:
    """A sortable key for ``text``, or None when it is not a version."""
    found = _VERSION.match(text.strip())
    if found is None:
        return None
    release = tuple(int(part) for part in found["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    pre = found["pre"]
    dev = found["dev"]
    if pre:
        stage = (_PRE_ORDER[pre.lower()], int(found["pre_n"]))
    elif dev is not None and found["post"] is None:
        stage = (-1, 0)
    else:
        stage = (_FINAL, 0)
    post = int(found["post"]) if found["post"] is not None else -1
    return release, stage, post, int(dev) if dev is not None else 1 << 62


def is_older(version: str, than: str) -> bool:
    """True when ``version`` is strictly older than ``than``; False when either is unknown."""
    mine, theirs = version_key(version), version_key(than)
    return mine is not None and theirs is not None and mine < theirs


def relay_update_note(relay_version: str | None, console_version: str) -> str | None:
    """The sentence telling the merchant to update the relay, or None when it is current."""
    if not relay_version or not is_older(relay_version, console_version):
        return None
    return (
        f"Your relay runs Storedesk {relay_version}, older than this console "
        f"({console_version}): update it so new features work (docs/deploy.md, “Updating”)."
    )
