"""Storedesk is MIT-licensed: the LICENSE file and the package metadata say the same."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_the_license_file_is_the_mit_license_of_the_storedesk_authors() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 The Storedesk authors" in text
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_the_package_declares_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
