"""The Stores screen (placeholder until built)."""

from __future__ import annotations

from console.views.base import View


class StoresView(View):
    title = "Stores"
