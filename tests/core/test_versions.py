"""Version comparison for the console's "your relay is older" note."""

from __future__ import annotations

import pytest

from core.versions import is_older, relay_update_note, version_key

ORDERED = [
    "0.1.0.dev1",
    "0.1.0a1",
    "0.1.0b2",
    "0.1.0rc1.dev2",
    "0.1.0rc1",
    "0.1.0",
    "0.1.0.post1",
    "0.1.1",
    "0.2.0",
    "0.9.9",
    "0.10.0",
    "1.0.0",
]


@pytest.mark.parametrize("index", range(len(ORDERED) - 1))
def test_each_version_is_older_than_every_later_one(index: int) -> None:
    older = ORDERED[index]
    for newer in ORDERED[index + 1 :]:
        assert is_older(older, newer), (older, newer)
        assert not is_older(newer, older), (newer, older)


def test_trailing_zeros_and_local_labels_are_the_same_release() -> None:
    assert version_key("1.0") == version_key("1.0.0") == version_key("v1.0.0+build.7")
    assert not is_older("1.0", "1.0.0") and not is_older("1.0.0", "1.0")


@pytest.mark.parametrize("bad", ["", "?", "latest", "1.0-beta", "1..2", "0.1.0; rm -rf"])
def test_what_is_not_a_version_is_never_called_older(bad: str) -> None:
    assert version_key(bad) is None
    assert not is_older(bad, "0.1.0") and not is_older("0.1.0", bad)


def test_the_note_names_both_versions_only_when_the_relay_is_older() -> None:
    note = relay_update_note("0.1.0", "0.2.0")
    assert note is not None
    assert "0.1.0" in note and "0.2.0" in note and "docs/deploy.md" in note
    assert relay_update_note("0.2.0", "0.2.0") is None
    assert relay_update_note("0.3.0", "0.2.0") is None  # a newer relay is fine
    assert relay_update_note(None, "0.2.0") is None
    assert relay_update_note("", "0.2.0") is None
