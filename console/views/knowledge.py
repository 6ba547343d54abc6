"""The Knowledge base screen (placeholder until built)."""

from __future__ import annotations

from console.views.base import View


class KnowledgeView(View):
    title = "Knowledge base"
