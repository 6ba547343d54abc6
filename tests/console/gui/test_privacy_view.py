"""The Privacy screen against a live relay: find a shopper on both sides, export JSON, erase
(the relay confirms first; a relay that is down leaves everything), retention; and the
Activity screen listing what was done."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.context import ConsoleContext
from console.views.activity import ActivityView
from console.views.privacy import PrivacyView
from core.workspace.settings import WorkspaceSettings
from tests.console.gui.helpers import Shot
from tests.console.gui.insights_helpers import Shopper, demo_workspace, publish_to, pull
from tests.relay.live import LiveRelay

EMAIL = "marta.nowak@example.org"


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[PrivacyView]:
    screen = PrivacyView(ctx)
    screen.resize(1100, 700)
    screen.show()
    yield screen
    screen.close()


async def yes(_: str) -> bool:
    return True


async def marta(ctx: ConsoleContext, relay: LiveRelay) -> Shopper:
    widget = await demo_workspace(ctx)
    await publish_to(ctx, relay)
    shopper = await Shopper(ctx, relay, widget).start()
    await shopper.say("Do you have decaf beans?")
    await shopper.post("lead", {"name": "Marta Nowak", "email": EMAIL, "phone": "+48 600 100 200"})
    await pull(ctx)
    return shopper


async def test_find_export_and_erase_on_both_sides(
    view: PrivacyView, ctx: ConsoleContext, relay: LiveRelay, tmp_path: Path, screenshot: Shot
) -> None:
    shopper = await marta(ctx, relay)
    view.phone.setText("+48 600-100-200")
    found = await view.find_shopper()
    assert found is not None and found.relay is not None
    assert found.local.counts()["leads"] >= 1 and found.relay_counts()["conversations"] == 1
    assert shopper.id in {c["id"] for c in found.local.conversations}
    assert {"this workspace", "relay"} <= {row[0] for row in view.model.rows()}
    assert view.erase_button.isEnabled()
    view.choose_export = lambda name: str(tmp_path / name)
    path = view.export()
    assert path is not None
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["shopper"]["phone"] == "+48600100200"
    assert any(m["text"] == "Do you have decaf beans?" for m in data["relay"]["messages"])
    screenshot(view, "privacy")

    view.confirm = yes
    erased = await view.erase()
    assert erased is not None and erased.relay is not None
    assert erased.relay["conversations"] == 1 and erased.relay["leads"] == 1
    assert erased.local["conversations"] >= 1
    assert "The relay confirmed" in view.summary.text()
    again = await view.find_shopper()
    assert again is not None and again.local.counts()["leads"] == 0
    assert again.relay_counts() == {"conversations": 0, "messages": 0, "leads": 0}

    activity = ActivityView(ctx)
    activity.resize(1100, 600)
    activity.show()
    await activity.refresh()
    actions = [a.action for a in activity.model.rows()]
    for expected in ("privacy.erased", "privacy.exported", "published", "relay.paired",
                     "widget.created", "store.synced", "store.connected"):  # fmt: skip
        assert expected in actions
    activity.kind.setCurrentIndex(activity.kind.findText("Privacy and retention"))
    assert {a.action for a in activity.model.rows()} == {"privacy.erased", "privacy.exported"}
    activity.kind.setCurrentIndex(0)
    screenshot(activity, "activity")
    activity.close()


async def test_a_relay_that_is_down_erases_nothing(
    view: PrivacyView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    await marta(ctx, relay)
    relay.stop()
    relay.stop = lambda: None  # type: ignore[method-assign]  # already stopped
    view.email.setText(EMAIL)
    found = await view.find_shopper()
    assert found is not None and found.relay_error and "not reachable" in found.relay_error
    assert "the relay could not be asked" in view.summary.text()
    view.confirm = yes
    assert await view.erase() is None
    assert view.summary.text().startswith("Nothing was erased: the relay did not confirm")
    assert view.findings is not None
    assert (await view.find_shopper()).local.counts()["leads"] >= 1  # type: ignore[union-attr]


async def test_retention_and_bad_input(
    view: PrivacyView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    await publish_to(ctx, relay)
    view.email.setText("not an address")
    assert await view.find_shopper() is None
    assert "is not an email address" in view.summary.text()
    view.retention.setText("0")
    assert await view.apply_retention() is None
    assert "from 1 to 3650" in view.retention_note.text()
    view.retention.setText("90")
    said = await view.apply_retention()
    assert said is not None and "the relay applies it too" in said
    assert WorkspaceSettings(ctx.session.workspace).retention_days == 90
    await view.refresh()
    assert view.retention.text() == "90" and view.retention_note.text() == "Kept 90 days."


async def test_publishing_tells_a_newly_paired_relay_the_retention(
    ctx: ConsoleContext, relay: LiveRelay
) -> None:
    from relay.keys import STORE

    WorkspaceSettings(ctx.session.workspace).set("retention_days", 45)
    await publish_to(ctx, relay)
    app = relay.app
    assert relay.run(lambda: app[STORE].retention_days()) == 45
