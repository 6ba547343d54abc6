"""Settings → Team against a live relay: an admin invites a teammate (the code and the
command to pair shown), changes a role, revokes after confirming, and is kept an admin when
it is the last; a console paired as an agent finds publish, widget and store edits off,
each saying why."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from console.context import ConsoleContext, utc_now
from console.pairing import pair
from console.relay_client import RelayClient, RelayError
from console.views.privacy import PrivacyView
from console.views.settings import SettingsView
from console.views.stores import StoresView
from console.views.widgets import WidgetsView
from core.signing import new_private_key
from core.team import TeamRole
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code
from relay.storage import Grant
from tests.console.gui.helpers import Shot, pair_with, wait_until
from tests.relay.live import LiveRelay


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[SettingsView]:
    screen = SettingsView(ctx)
    screen.resize(1000, 1000)
    screen.show()
    yield screen
    screen.close()


def invite_code(relay: LiveRelay, role: TeamRole) -> str:
    app = relay.app
    settings = app[SETTINGS]
    return relay.run(
        lambda: issue_code(app[STORE], settings.relay_key, settings.now(), grant=Grant(role, None))
    )


async def teammate_pairs(relay: LiveRelay, code: str) -> None:
    """Another computer pairs with the code the admin was shown."""
    async with httpx.AsyncClient() as http:
        await RelayClient(relay.base_url, new_private_key(), http, utc_now).pair(code, "laptop")


def names(view: SettingsView) -> dict[str, str]:
    return {m.name: m.role for m in view.team.model.rows()}


async def test_an_admin_invites_changes_a_role_and_revokes(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    await pair_with(ctx, relay)
    await view.refresh()
    await wait_until(lambda: names(view) == {"Test console": "admin"})
    assert view.team.invite_button.isEnabled() and view.publish_button.isEnabled()

    view.team.invite_role.setCurrentIndex(view.team.invite_role.findData("viewer"))
    view.team.invite_name.setText("Front desk")
    view.team.invite_button.click()
    await wait_until(lambda: "Invite code" in view.team.result.text())
    command = view.team.code_edit.text()
    assert command.startswith(f"storedesk relay pair {relay.base_url} ")
    assert "Front desk" in view.team.result.text() and "viewer" in view.team.result.text()
    screenshot(view, "settings-team-invite")

    await teammate_pairs(relay, command.rsplit(" ", 1)[1])
    view.team.refresh_button.click()
    await wait_until(lambda: names(view).get("Front desk") == "viewer")

    row = [m.name for m in view.team.model.rows()].index("Front desk")
    view.team.table.selectRow(row)
    view.team.new_role.setCurrentIndex(view.team.new_role.findData("agent"))
    view.team.role_button.click()
    await wait_until(lambda: names(view).get("Front desk") == "agent")

    asked: list[str] = []

    async def refuse(title: str, text: str) -> bool:
        asked.append(title)
        return False

    view.team.confirm = refuse
    row = [m.name for m in view.team.model.rows()].index("Front desk")
    view.team.table.selectRow(row)
    view.team.revoke_button.click()
    await wait_until(lambda: view.team.result.text() == "Nothing was revoked.")
    assert asked == ["Revoke Front desk?"] and "Front desk" in names(view)

    async def agree(title: str, text: str) -> bool:
        return True

    view.team.confirm = agree
    view.team.revoke_button.click()
    await wait_until(lambda: names(view) == {"Test console": "admin"})
    assert "Revoked Front desk" in view.team.result.text()


async def test_the_last_admin_is_kept(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    await pair_with(ctx, relay)
    await view.refresh()
    await wait_until(lambda: names(view) == {"Test console": "admin"})
    view.team.table.selectRow(0)
    view.team.new_role.setCurrentIndex(view.team.new_role.findData("viewer"))
    view.team.role_button.click()
    await wait_until(lambda: view.team.result.text().startswith("Not changed:"))
    assert "last admin" in view.team.result.text()
    assert names(view) == {"Test console": "admin"}


async def test_an_agent_console_is_told_what_its_role_cannot_do(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    await pair(ctx.links, ctx.http, relay.base_url, invite_code(relay, "agent"), name="Sam")
    widgets, stores, privacy = WidgetsView(ctx), StoresView(ctx), PrivacyView(ctx)
    await view.refresh()
    view.health_button.click()  # the relay's status names this console's role
    await wait_until(lambda: ctx.role == "agent")
    await wait_until(lambda: names(view) == {"Sam": "agent"})

    assert not view.publish_button.isEnabled()
    assert "paired as an agent" in view.publish_note.text()
    assert not view.team.invite_button.isEnabled() and not view.team.revoke_button.isEnabled()
    assert "only an admin may invite teammates" in view.team.role_label.text()
    assert view.team.invites_table.isHidden() and view.team.invites.rows() == []
    assert not widgets.new_button.isEnabled() and not widgets.publish_button.isEnabled()
    assert not widgets.editor.save_button.isEnabled()
    assert "change or publish widgets" in widgets.role_note.text()
    assert not widgets.role_note.isHidden()
    assert not stores.connect_button.isEnabled()
    assert "connect, change or remove stores" in stores.role_note.text()
    assert not privacy.retention_button.isEnabled() and not privacy.erase_button.isEnabled()
    assert "erase shoppers' data or change retention" in privacy.role_note.text()
    assert not privacy.role_note.isHidden()
    screenshot(view, "settings-team-agent")


async def test_an_admin_console_edits_everything(ctx: ConsoleContext, relay: LiveRelay) -> None:
    await pair_with(ctx, relay)
    ctx.learn_role({"console": {"role": "admin"}})
    widgets, stores, privacy = WidgetsView(ctx), StoresView(ctx), PrivacyView(ctx)
    assert privacy.retention_button.isEnabled() and privacy.role_note.isHidden()
    assert widgets.new_button.isEnabled() and widgets.role_note.isHidden()
    assert stores.connect_button.isEnabled() and stores.role_note.isHidden()


def cells(view: SettingsView) -> list[list[str]]:
    model = view.team.invites_table.model()
    return [
        [str(model.index(row, col).data()) for col in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


async def test_an_admin_sees_pending_invites_and_cancels_one(
    view: SettingsView, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    await pair_with(ctx, relay)
    await view.refresh()
    await wait_until(lambda: names(view) == {"Test console": "admin"})
    await wait_until(lambda: "No pending invites" in view.team.invites_label.text())
    codes: list[str] = []
    for role, name in (("viewer", "Front desk"), ("agent", "Sam")):
        view.team.invite_role.setCurrentIndex(view.team.invite_role.findData(role))
        view.team.invite_name.setText(name)
        view.team.invite_button.click()
        await wait_until(lambda n=name: f"for {n} as" in view.team.result.text())
        codes.append(view.team.code_edit.text().rsplit(" ", 1)[1])
        count = len(codes)
        await wait_until(lambda k=count: len(view.team.invites.rows()) == k)
    assert not view.team.invites_table.isHidden()
    shown = cells(view)
    assert sorted(row[1:3] for row in shown) == [["Front desk", "viewer"], ["Sam", "agent"]]
    assert all(row[3] != "?" and row[4] != "?" for row in shown)  # created, expires
    flat = " ".join(" ".join(row) for row in shown) + view.team.invites_label.text()
    assert not any(code in flat or code.replace("-", "") in flat for code in codes)
    screenshot(view, "settings-team-invites")

    view.team.cancel_button.click()  # nothing selected yet
    await wait_until(lambda: "Select an invite" in view.team.result.text())
    row = [i.name for i in view.team.invites.rows()].index("Front desk")
    view.team.invites_table.selectRow(row)
    view.team.cancel_button.click()
    await wait_until(lambda: [i.name for i in view.team.invites.rows()] == ["Sam"])
    assert "Cancelled the invite for Front desk (viewer)" in view.team.result.text()
    async with httpx.AsyncClient() as http:
        client = RelayClient(relay.base_url, new_private_key(), http, utc_now)
        with pytest.raises(RelayError, match="wrong, used or expired"):
            await client.pair(codes[0], "laptop")
