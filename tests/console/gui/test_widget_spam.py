"""The widget editor's Spam tab: rules saved with the widget, a bad rule shown by its list
(nothing saved), and the tester saying which rule a message breaks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.context import ConsoleContext
from console.views.widget_editor import SPAM_TAB
from console.views.widgets import WidgetsView
from core.records import SpamRules
from tests.console.gui.helpers import Shot


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[WidgetsView]:
    screen = WidgetsView(ctx)
    screen.resize(1280, 820)
    screen.show()
    screen.new_widget()
    screen.editor.name.setText("Shop chat")
    screen.editor.save_button.click()
    yield screen
    screen.close()


async def test_rules_are_saved_with_the_widget(view: WidgetsView, screenshot: Shot) -> None:
    spam = view.editor.spam
    spam.ips.setPlainText("203.0.113.0/24\n\n2001:DB8::/32")
    spam.words.setPlainText("casino\nfree money")
    spam.regexes.setPlainText(r"crypto\s+invest")
    spam.rate.setValue(12)
    spam.honeypot.setChecked(False)
    view.editor.save_button.click()
    entry = view.ctx.widgets.get("Shop chat")
    assert entry is not None
    assert entry.config.spam == SpamRules(
        ips=("203.0.113.0/24", "2001:db8::/32"),
        words=("casino", "free money"),
        regexes=(r"crypto\s+invest",),
        rate_per_minute=12,
        honeypot=False,
    )
    view.editor.load(entry)  # what is shown again is what was saved
    assert spam.ips.toPlainText() == "203.0.113.0/24\n2001:db8::/32"
    assert spam.rate.value() == 12 and not spam.honeypot.isChecked()
    view.editor.tabs.setCurrentIndex(SPAM_TAB)
    screenshot(view.editor, "widget-editor-spam")


@pytest.mark.parametrize(
    ("box", "text", "field", "sentence"),
    [
        ("ips", "shop.example.com", "spam.ips", "not an IP address or range"),
        ("regexes", "(a", "spam.regexes", "does not compile"),
    ],
)
async def test_a_bad_rule_is_shown_by_its_list_and_nothing_is_saved(
    view: WidgetsView, box: str, text: str, field: str, sentence: str
) -> None:
    before = view.ctx.widgets.get("Shop chat")
    view.editor.tabs.setCurrentIndex(0)
    getattr(view.editor.spam, box).setPlainText(text)
    view.editor.save_button.click()
    assert sentence in view.editor.error_text(field)
    assert view.editor.tabs.tabText(view.editor.tabs.currentIndex()) == "Spam"
    assert view.ctx.widgets.get("Shop chat") == before


async def test_the_tester_names_the_rule_a_message_breaks(view: WidgetsView) -> None:
    spam = view.editor.spam
    spam.ips.setPlainText("2001:db8::/32")
    spam.words.setPlainText("casino")
    spam.sample.setText("Big Casino night")
    assert "blocked word 'casino'" in spam.run_test()
    spam.sample.setText("hello")
    spam.sample_ip.setText("2001:db8::7")
    assert "address is blocked (2001:db8::/32)" in spam.run_test()
    spam.sample_ip.setText("2001:db9::7")
    assert "No rule matches" in spam.run_test()
    spam.sample_ip.setText("somewhere")
    assert "is not an IP address" in spam.run_test()
    spam.regexes.setPlainText("(a")
    assert "Fix the rules first" in spam.run_test()
