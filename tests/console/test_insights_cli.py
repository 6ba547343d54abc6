"""`storedesk leads …`, `privacy …`, `retention …` and `activity` as people use them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import insert

from core.workspace import Workspace
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, paired, relay  # noqa: F401 (fixtures)

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def seed(cli: Cli) -> None:
    assert cli("activity")[0] == 0  # creates the workspace
    workspace = Workspace.open(cli.data_dir)
    with workspace.engine.begin() as db:
        db.execute(
            insert(ConversationRow).values(
                id="c1", channel="widget", started_at=AT, updated_at=AT,
                customer_email="ann@example.com",
            )
        )  # fmt: skip
        db.execute(
            insert(MessageRow).values(
                id="m1", conversation_id="c1", role="shopper", text="call me", created_at=AT
            )
        )
        db.execute(
            insert(LeadRow).values(
                id="l_ann", kind="contact", conversation_id="c1", name="Ann",
                email="ann@example.com", created_at=AT,
            )
        )  # fmt: skip
    workspace.close()


def test_leads_list_set_status_and_export(cli: Cli) -> None:
    seed(cli)
    code, out, _ = cli("leads", "list")
    assert code == 0 and "l_ann  new" in out and "Ann" in out
    code, out, err = cli("leads", "set-status", "l_ann", "won", "--notes", "bought the kettle")
    assert code == 0, err
    assert out.strip() == "l_ann is now won."
    code, _, err = cli("leads", "set-status", "l_ann", "maybe")
    assert code == 2 and "use one of new, contacted, won, lost" in err
    code, _, err = cli("leads", "set-status", "l_nope", "won")
    assert code == 3 and "no lead" in err
    code, out, _ = cli("leads", "export", "-", "--status", "won")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["id"], row["status"], row["notes"]) == ("l_ann", "won", "bought the kettle")
    code, out, _ = cli("leads", "list", "--json", "--search", "kettle")
    assert json.loads(out)[0]["id"] == "l_ann"
    code, out, _ = cli("activity", "--action", "lead.")
    assert code == 0 and "Changed a lead Ann" in out


def test_privacy_without_a_relay_and_retention(cli: Cli, tmp_path: object) -> None:
    seed(cli)
    code, out, _ = cli("privacy", "find", "--email", "ANN@example.com")
    assert code == 0
    assert "This workspace: 1 conversation, 1 message, 1 lead" in out
    assert "no relay is paired" in out
    code, _, err = cli("privacy", "find", "--email", "ann")
    assert code == 2 and "is not an email address" in err
    code, out, _ = cli("privacy", "erase", "--email", "ann@example.com", "--yes")
    assert code == 0 and "No relay is paired" in out and "1 conversation," in out
    code, out, _ = cli("privacy", "find", "--email", "ann@example.com", "--json")
    assert json.loads(out)["workspace"]["leads"] == []

    code, _, err = cli("retention", "set", "0")
    assert code == 2 and "from 1 to 3650 days" in err
    code, _, err = cli("retention", "set", "soon")
    assert code == 2 and "not a number of days" in err
    code, out, _ = cli("retention", "set", "30")
    assert code == 0 and "Kept 30 days here" in out
    assert cli("retention", "show")[1].strip() == "30 days."


def test_erasing_with_a_stopped_relay_erases_nothing(paired: Cli, relay: Relay) -> None:  # noqa: F811
    seed(paired)
    code, out, _ = paired("privacy", "find", "--email", "ann@example.com")
    assert code == 0 and "Relay: 0 conversations" in out
    relay.served.close()
    relay.served.close = lambda: None  # type: ignore[method-assign]  # already closed
    code, out, err = paired("privacy", "erase", "--email", "ann@example.com", "--yes")
    assert code == 1 and err.startswith("storedesk: Nothing was erased: the relay did not confirm")
    code, out, _ = paired("privacy", "find", "--email", "ann@example.com")
    assert "This workspace: 1 conversation," in out and "could not be asked" in out
