"""Team roles rank admin over agent over viewer; migrations' named revision ids are known."""

from __future__ import annotations

import pytest

from core.team import ROLES, allows, is_role
from core.workspace.database import HEAD_REVISION, known_revisions


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("admin", "admin", True),
        ("admin", "viewer", True),
        ("agent", "agent", True),
        ("agent", "admin", False),
        ("viewer", "viewer", True),
        ("viewer", "agent", False),
    ],
)
def test_roles_are_ranked(role: str, needed: str, allowed: bool) -> None:
    assert is_role(role) and is_role(needed)
    assert allows(role, needed) is allowed


def test_only_the_three_roles_are_roles() -> None:
    assert ROLES == ("admin", "agent", "viewer")
    assert not is_role("owner") and not is_role(None) and not is_role("Admin")


def test_a_workspace_at_a_named_revision_is_known() -> None:
    """``0005_insights``, not ``0005``: an older workspace is upgraded, not refused."""
    assert HEAD_REVISION in known_revisions()
