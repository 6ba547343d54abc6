"""The Settings screen (placeholder until built)."""

from __future__ import annotations

from console.views.base import View


class SettingsView(View):
    title = "Settings"
