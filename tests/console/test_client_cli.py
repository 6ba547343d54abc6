"""`storedesk client …`, `--client` on the listing commands, and `storedesk relay publish
--client` publishing one client's widgets while the relay keeps every other client's."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert

from core.workspace import Workspace
from core.workspace.models import ConversationRow, LeadRow
from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, relay, relay_get  # noqa: F401 (fixture)


def _agency(cli: Cli) -> dict[str, str]:
    """Two clients, each with a store and a widget; returns widget name → key."""
    for args in (
        ("client", "add", "Acme", "--email", "ops@acme.example"),
        ("client", "add", "Bolt Bikes"),
        ("store", "add", "sql", "--name", "acme-shop", "--demo"),
        ("store", "add", "sql", "--name", "bolt-shop", "--demo"),
        ("client", "assign", "Acme", "--store", "acme-shop"),
        ("client", "assign", "bolt bikes", "--store", "bolt-shop"),
    ):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    keys = {}
    for name, store in (("Acme chat", "acme-shop"), ("Bolt chat", "bolt-shop")):
        code, out, err = cli("widget", "create", "--name", name, "--store", store)
        assert code == 0, err
        keys[name] = next(word for word in out.split() if word.startswith("wk_"))
    return keys


def test_clients_are_added_listed_renamed_and_own_stores_and_widgets(cli: Cli) -> None:
    keys = _agency(cli)
    code, out, _ = cli("client", "list")
    assert code == 0
    assert "Acme" in out and "1 store, 1 widget  <ops@acme.example>" in out

    listed = json.loads(cli("client", "list", "--json")[1])
    assert [(c["name"], c["stores"], c["widgets"]) for c in listed] == [
        ("Acme", 1, 1),
        ("Bolt Bikes", 1, 1),
    ]
    stores = json.loads(cli("store", "list", "--client", "Acme", "--json")[1])
    assert [(s["name"], s["client"]) for s in stores] == [("acme-shop", "Acme")]
    widgets = json.loads(cli("widget", "list", "--client", "Bolt Bikes", "--json")[1])
    assert [w["name"] for w in widgets] == ["Bolt chat"]
    assert len(json.loads(cli("widget", "list", "--json")[1])) == 2

    assert cli("client", "assign", "Acme", "--widget", keys["Bolt chat"])[0] == 0
    widgets = json.loads(cli("widget", "list", "--client", "Acme", "--json")[1])
    assert sorted(w["name"] for w in widgets) == ["Acme chat", "Bolt chat"]

    code, out, _ = cli("client", "rename", "Bolt Bikes", "Bolt Cycles")
    assert code == 0 and "'Bolt Cycles'" in out
    assert "[Bolt Cycles]" in cli("store", "list")[1]


def test_bad_client_input_is_one_sentence_and_changes_nothing(cli: Cli) -> None:
    _agency(cli)
    code, _, err = cli("client", "add", "acme")
    assert code == 2 and "already exists" in err
    code, _, err = cli("store", "list", "--client", "Nobody")
    assert code == 3 and "no client named 'Nobody'" in err and "Acme, Bolt Bikes" in err
    code, _, err = cli("client", "assign", "Acme", "--store", "no-such-shop")
    assert code == 3 and "no store named" in err
    code, _, err = cli("client", "add", "Cobalt", "--email", "nope")
    assert code == 2 and "not an email" in err
    assert "Traceback" not in err


def test_removing_a_client_says_what_it_owns_and_moves_or_releases_it(cli: Cli) -> None:
    _agency(cli)
    code, _, err = cli("client", "remove", "Acme")
    assert code == 2
    assert "still has 1 store (acme-shop) and 1 widget (Acme chat)" in err
    assert "--move-to CLIENT or --release" in err and "nothing was removed" in err
    assert "Acme" in cli("client", "list")[1]

    code, out, _ = cli("client", "remove", "Acme", "--move-to", "Bolt Bikes")
    assert code == 0 and "now belong to 'Bolt Bikes'" in out
    stores = json.loads(cli("store", "list", "--client", "Bolt Bikes", "--json")[1])
    assert sorted(s["name"] for s in stores) == ["acme-shop", "bolt-shop"]

    code, out, _ = cli("client", "remove", "Bolt Bikes", "--release")
    assert code == 0 and "now have no client" in out
    assert len(json.loads(cli("widget", "list", "--json")[1])) == 2  # nothing was deleted
    assert "No clients yet" in cli("client", "list")[1]


def _lead_for(data_dir: Path, widget_key: str, name: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from core.workspace.models import Widget

    workspace = Workspace.open(data_dir)
    at = datetime(2026, 12, 6, 10, tzinfo=UTC)
    try:
        with workspace.engine.begin() as connection:
            widget_id = connection.scalar(select(Widget.id).where(Widget.key == widget_key))
            connection.execute(
                insert(ConversationRow).values(
                    id=f"c-{name}", widget_id=widget_id, channel="web", status="open",
                    started_at=at, updated_at=at,
                )
            )  # fmt: skip
            connection.execute(
                insert(LeadRow).values(
                    id=f"l-{name}", kind="contact", conversation_id=f"c-{name}", name=name,
                    status="new", created_at=at,
                )
            )  # fmt: skip
    finally:
        workspace.close()


def test_leads_list_and_export_narrow_to_one_client(cli: Cli, tmp_path: Path) -> None:
    keys = _agency(cli)
    _lead_for(cli.data_dir, keys["Acme chat"], "Ann")
    _lead_for(cli.data_dir, keys["Bolt chat"], "Bob")
    listed = json.loads(cli("leads", "list", "--client", "Acme", "--json")[1])
    assert [item["name"] for item in listed] == ["Ann"]
    assert len(json.loads(cli("leads", "list", "--json")[1])) == 2
    code, out, _ = cli("leads", "export", "-", "--client", "Bolt Bikes")
    assert code == 0 and "Bob" in out and "Ann" not in out


def test_activity_narrows_to_one_client(cli: Cli) -> None:
    _agency(cli)
    acme = json.loads(cli("activity", "--client", "acme", "--json")[1])
    assert {(a["action"], a["subject"]) for a in acme} == {
        ("client.added", "Acme"),
        ("client.store_assigned", "acme-shop"),
        ("store.connected", "acme-shop"),
        ("widget.created", "Acme chat"),
    }
    code, out, _ = cli("activity", "--client", "Bolt Bikes", "--action", "widget.")
    assert code == 0 and "Created a widget Bolt chat" in out and "Acme" not in out
    everyone = json.loads(cli("activity", "--json")[1])
    assert len(everyone) == 8
    code, _, err = cli("activity", "--client", "Nobody")
    assert code != 0 and "There is no client named 'Nobody'" in err


def test_publish_for_one_client_leaves_the_other_clients_widgets_on_the_relay(
    cli: Cli,
    relay: Relay,  # noqa: F811 (the fixture imported above)
) -> None:
    keys = _agency(cli)
    code, _, err = cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "agency")
    assert code == 0, err

    code, out, _ = cli("relay", "publish", "--client", "Acme", "--dry-run")
    assert code == 0 and "Publishing the widgets of Acme would do this" in out
    assert f"1 added ({keys['Acme chat']} 'Acme chat')" in out and "Bolt" not in out

    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert code == 0 and "Published the widgets of Acme" in out
    assert relay_get(relay, f"/v1/widgets/{keys['Acme chat']}/config").status_code == 200
    assert relay_get(relay, f"/v1/widgets/{keys['Bolt chat']}/config").status_code == 404
    assert "not published yet" in cli("widget", "list", "--client", "Bolt Bikes")[1]

    assert cli("relay", "publish", "--client", "Bolt Bikes")[0] == 0
    assert cli("widget", "set", "Acme chat", "--title", "Acme help")[0] == 0
    code, out, _ = cli("relay", "publish", "--client", "Bolt Bikes")
    assert code == 0 and "nothing changed" in out  # Acme's change waits for Acme's publish
    assert relay_get(relay, f"/v1/widgets/{keys['Bolt chat']}/config").status_code == 200
    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert "0 removed" in out  # Bolt's widget stays
    config = relay_get(relay, f"/v1/widgets/{keys['Acme chat']}/config").json()
    assert config["title"] == "Acme help"
    assert relay_get(relay, f"/v1/widgets/{keys['Bolt chat']}/config").status_code == 200


def _published(relay: Relay, key: str) -> bool:  # noqa: F811 (the fixture's class)
    status = relay_get(relay, f"/v1/widgets/{key}/config").status_code
    assert status in (200, 404)
    return status == 200


def _second_widget(cli: Cli, name: str, store: str) -> str:
    code, out, err = cli("widget", "create", "--name", name, "--store", store)
    assert code == 0, err
    return next(word for word in out.split() if word.startswith("wk_"))


def test_publishing_a_client_removes_its_deleted_widgets_and_no_other_clients(
    cli: Cli,
    relay: Relay,  # noqa: F811 (the fixture imported above)
) -> None:
    keys = _agency(cli)
    old = _second_widget(cli, "Acme old", "acme-shop")
    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "agency")[0] == 0
    assert cli("relay", "publish")[0] == 0  # everything, each widget under its client
    assert cli("widget", "remove", "Acme old")[0] == 0
    code, _, err = cli("widget", "remove", "Bolt chat")  # not Acme's: stays live
    assert code == 0, err

    code, out, _ = cli("relay", "publish", "--client", "Acme", "--dry-run")
    assert code == 0 and f"Removes 1 widget: 'Acme old' ({old})." in out
    assert f"1 removed ({old} 'Acme old')" in out
    assert _published(relay, old)  # a dry run changes nothing

    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert code == 0 and f"Removes 1 widget: 'Acme old' ({old})." in out
    assert not _published(relay, old)
    assert _published(relay, keys["Acme chat"]) and _published(relay, keys["Bolt chat"])
    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert "nothing changed" in out and "Removes" not in out

    assert cli("widget", "remove", "Acme chat")[0] == 0  # Acme's last widget, then its store
    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert code == 0 and "stores    0 added, 0 updated, 1 removed (acme-shop)" in out
    assert _published(relay, keys["Bolt chat"])


def test_a_widget_moved_to_another_client_stays_live_until_that_client_publishes(
    cli: Cli,
    relay: Relay,  # noqa: F811 (the fixture imported above)
) -> None:
    keys = _agency(cli)
    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "agency")[0] == 0
    assert cli("relay", "publish", "--client", "Acme")[0] == 0
    assert cli("relay", "publish", "--client", "Bolt Bikes")[0] == 0
    assert cli("client", "assign", "Bolt Bikes", "--widget", "Acme chat")[0] == 0

    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert code == 0 and "Removes" not in out
    moved = f"now belonging to another client or none ({keys['Acme chat']}) stay as they are"
    assert moved in out
    assert _published(relay, keys["Acme chat"])
    code, out, _ = cli("relay", "publish", "--client", "Bolt Bikes")
    assert f"1 updated ({keys['Acme chat']} 'Acme chat')" in out  # now Bolt's on the relay
    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert "nothing changed" in out and _published(relay, keys["Acme chat"])


def test_a_removed_clients_widgets_come_off_the_relay_by_publishing_its_name(
    cli: Cli,
    relay: Relay,  # noqa: F811 (the fixture imported above)
) -> None:
    keys = _agency(cli)
    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "agency")[0] == 0
    assert cli("relay", "publish")[0] == 0
    assert cli("widget", "remove", "Acme chat")[0] == 0
    code, out, _ = cli("client", "remove", "Acme", "--release")
    assert code == 0 and "storedesk relay publish --client Acme takes off" in out
    assert _published(relay, keys["Acme chat"])

    code, out, _ = cli("relay", "publish", "--client", "acme", "--dry-run")
    assert code == 0 and "the scope of the removed client Acme" in out
    assert f"Removes 1 widget: 'Acme chat' ({keys['Acme chat']})." in out
    code, out, _ = cli("relay", "publish", "--client", "Acme")
    assert code == 0 and not _published(relay, keys["Acme chat"])
    assert _published(relay, keys["Bolt chat"])

    code, _, err = cli("relay", "publish", "--client", "Nobody")  # never a client
    assert code == 3 and "no client named 'Nobody'" in err


def test_removing_a_client_with_unpublish_takes_its_deleted_widgets_off(
    cli: Cli,
    relay: Relay,  # noqa: F811 (the fixture imported above)
) -> None:
    keys = _agency(cli)
    code, _, err = cli("client", "remove", "Bolt Bikes", "--release", "--unpublish")
    assert code == 2 and "not paired" in err  # refused before anything is removed
    assert "Bolt Bikes" in cli("client", "list")[1]

    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "agency")[0] == 0
    assert cli("relay", "publish")[0] == 0
    old = _second_widget(cli, "Bolt old", "bolt-shop")
    assert cli("relay", "publish", "--client", "Bolt Bikes")[0] == 0
    assert cli("widget", "remove", "Bolt old")[0] == 0
    code, out, err = cli("client", "remove", "Bolt Bikes", "--release", "--unpublish")
    assert code == 0, err
    assert f"Removes 1 widget: 'Bolt old' ({old})." in out
    assert "stay as they are" in out  # Bolt chat, released, stays live
    assert not _published(relay, old)
    assert _published(relay, keys["Bolt chat"]) and _published(relay, keys["Acme chat"])
