"""Publishing: diff by digest, dry run, counters kept, secrets sealed, state in memory."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from sqlalchemy import select, text

from relay.storage import BundleError, Feedback, RelayStore, StorageError
from relay.storage.models import knowledge_entries, stores, widgets
from tests.relay.storage.conftest import Clock, Database, message, start_conversation

KEY_A = "wk_aaaaaaaaaaaaaaaa"
KEY_B = "wk_bbbbbbbbbbbbbbbb"


def bundle() -> dict[str, Any]:
    return {
        "stores": [
            {
                "id": "Main shop",
                "platform": "shopify",
                "settings": {"shop": "main.myshopify.com"},
                "secrets": {"access_token": "shpat_secret_1"},
            }
        ],
        "widgets": [
            {
                "key": KEY_A,
                "name": "Main",
                "store": "Main shop",
                "config": {"title": "Chat with Main", "allowed_origins": ["https://main.example"]},
                "identity_secret": base64.b64encode(b"identity-secret-a").decode(),
                "knowledge": [
                    {"id": "1", "question": "Shipping?", "answer": "3 days.", "keywords": ["ship"]},
                    {"id": "2", "question": "Returns?", "answer": "30 days.", "enabled": True},
                ],
            },
            {"key": KEY_B, "name": "Blog", "store": None, "config": {}, "knowledge": []},
        ],
    }


async def test_first_publish_adds_everything_and_serves_it_from_memory(
    store: RelayStore,
) -> None:
    changes = await store.publish(bundle(), dry_run=False)
    assert changes == {
        "widgets": {"added": [KEY_A, KEY_B], "updated": [], "removed": [], "unchanged": 0},
        "knowledge": {"added": 2, "updated": 0, "removed": 0},
        "stores": {"added": ["Main shop"], "updated": [], "removed": [], "unchanged": 0},
    }
    widget = store.widget(KEY_A)
    assert widget is not None
    assert (widget.name, widget.store_id, widget.version) == ("Main", "Main shop", 1)
    assert widget.identity_secret == b"identity-secret-a"
    assert widget.settings.title == "Chat with Main"
    assert [e.id for e in widget.knowledge] == ["1", "2"]
    assert widget.knowledge[0].keywords == ("ship",)
    shop = store.store("Main shop")
    assert shop is not None
    assert shop.secrets == {"access_token": "shpat_secret_1"}
    assert "shpat" not in repr(shop) and "identity-secret" not in repr(widget)
    assert (store.widget_count(), store.store_count()) == (2, 1)
    assert store.widget("wk_unknown") is None


async def test_secrets_are_sealed_in_the_database(store: RelayStore) -> None:
    await store.publish(bundle(), dry_run=False)
    async with store._engines.read.connect() as connection:
        blob = (await connection.execute(select(stores.c.secrets))).scalar_one()
        secret = (await connection.execute(select(widgets.c.identity_secret))).scalars().all()
    assert b"shpat_secret_1" not in bytes(blob)
    assert all(s is None or b"identity-secret" not in bytes(s) for s in secret)


async def test_publishing_the_same_bundle_again_rewrites_nothing(store: RelayStore) -> None:
    await store.publish(bundle(), dry_run=False)
    async with store._engines.read.connect() as connection:
        before = (await connection.execute(select(widgets.c.updated_at))).scalars().all()
    store._now.advance(hours=1)  # type: ignore[attr-defined]
    changes = await store.publish(bundle(), dry_run=False)
    assert changes["widgets"] == {"added": [], "updated": [], "removed": [], "unchanged": 2}
    assert changes["stores"]["unchanged"] == 1
    assert changes["knowledge"] == {"added": 0, "updated": 0, "removed": 0}
    async with store._engines.read.connect() as connection:
        after = (await connection.execute(select(widgets.c.updated_at))).scalars().all()
    assert after == before
    assert store.widget(KEY_A).version == 1  # type: ignore[union-attr]


async def test_changes_are_diffed_and_counters_survive_for_kept_entries(
    store: RelayStore,
) -> None:
    await store.publish(bundle(), dry_run=False)
    conversation_id = await start_conversation(store, KEY_A)
    answer = message("bot", "3 days.", knowledge_entry_id="1", confidence=0.9)
    await store.add_turn(conversation_id, [message(), answer])
    await store.add_turn(conversation_id, [], feedback=Feedback(message_id=answer.id, helpful=True))

    changed = bundle()
    widget = changed["widgets"][0]
    widget["knowledge"][0]["answer"] = "2 to 3 days."  # updated, keeps its counters
    widget["knowledge"][1:] = [{"id": "3", "question": "Hours?", "answer": "9 to 5."}]
    changed["widgets"] = [widget]  # the blog widget is removed
    changed["stores"][0]["secrets"] = {"access_token": "shpat_secret_2"}
    changes = await store.publish(changed, dry_run=False)

    assert changes == {
        "widgets": {
            "added": [],
            "updated": [KEY_A],
            "removed": [KEY_B],
            "unchanged": 0,
            "names": {KEY_B: "Blog"},
        },
        "knowledge": {"added": 1, "updated": 1, "removed": 1},
        "stores": {"added": [], "updated": ["Main shop"], "removed": [], "unchanged": 0},
    }
    assert store.widget(KEY_B) is None
    kept = store.widget(KEY_A)
    assert kept is not None and kept.version == 2
    assert [(e.id, e.answer) for e in kept.knowledge] == [("1", "2 to 3 days."), ("3", "9 to 5.")]
    assert store.store("Main shop").secrets == {"access_token": "shpat_secret_2"}  # type: ignore[union-attr]
    async with store._engines.read.connect() as connection:
        rows = await connection.execute(
            select(
                knowledge_entries.c.id,
                knowledge_entries.c.helpful,
                knowledge_entries.c.uses,
            ).order_by(knowledge_entries.c.id)
        )
        assert [tuple(r) for r in rows] == [("1", 1, 1), ("3", 0, 0)]


async def test_a_reload_keeps_what_did_not_change_and_reads_what_did(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    await store.publish(bundle(), dry_run=False)
    main, blog, shop = store.widget(KEY_A), store.widget(KEY_B), store.store("Main shop")
    await store.migrate()  # as the relay starts: open, then migrate (state is not read twice)
    assert store.widget(KEY_A) is main and store.store("Main shop") is shop
    changed = bundle()
    changed["widgets"][1]["name"] = "Blog (new)"
    await store.publish(changed, dry_run=False)
    assert store.widget(KEY_A) is main and store.store("Main shop") is shop
    renamed = store.widget(KEY_B)
    assert renamed is not None and renamed is not blog
    assert (renamed.name, renamed.version, renamed.settings.name) == ("Blog (new)", 2, "Blog (new)")
    other = await RelayStore.open(database.url, relay_key=store._key, now=clock)
    try:  # another relay on the same database (PostgreSQL) publishes; this one reloads
        again = bundle()
        again["widgets"][0]["knowledge"][0]["answer"] = "2 days."
        again["widgets"][1]["name"] = "Blog (new)"
        await other.publish(again, dry_run=False)
    finally:
        await other.close()
    await store.reload()
    reloaded = store.widget(KEY_A)
    assert reloaded is not None and reloaded is not main and reloaded.version == 2
    assert [e.answer for e in reloaded.knowledge] == ["2 days.", "30 days."]
    assert store.widget(KEY_B) is renamed and store.store("Main shop") is shop


async def test_a_dry_run_reports_the_changes_and_writes_nothing(store: RelayStore) -> None:
    await store.publish(bundle(), dry_run=False)
    changed = bundle()
    changed["widgets"] = []
    changed["stores"] = []
    changes = await store.publish(changed, dry_run=True)
    assert changes["widgets"]["removed"] == [KEY_A, KEY_B]
    assert changes["stores"]["removed"] == ["Main shop"]
    assert changes["knowledge"]["removed"] == 2
    assert store.widget_count() == 2
    async with store._engines.read.connect() as connection:
        count = (await connection.execute(text("SELECT COUNT(*) FROM knowledge_entries"))).scalar()
    assert count == 2


async def test_a_partial_publish_adds_and_updates_and_removes_nothing_else(
    store: RelayStore,
) -> None:
    """One client's widgets (agency mode): the others stay exactly as they were."""
    await store.publish(bundle(), dry_run=False)
    only_blog = bundle()
    only_blog["stores"] = []
    only_blog["widgets"] = [{**only_blog["widgets"][1], "name": "Blog chat"}]
    changes = await store.publish(only_blog, dry_run=False, partial=True)
    assert changes["widgets"] == {"added": [], "updated": [KEY_B], "removed": [], "unchanged": 0}
    assert changes["stores"]["removed"] == [] and changes["knowledge"]["removed"] == 0
    kept = store.widget(KEY_A)
    assert kept is not None and kept.store_id == "Main shop"
    blog = store.widget(KEY_B)
    assert blog is not None and blog.name == "Blog chat"
    assert store.store_count() == 1 and store.widget_count() == 2


KEY_C = "wk_cccccccccccccccc"


def agency_bundle() -> dict[str, Any]:
    """Client Acme has the Main and Blog widgets; client Beta has the Outlet widget."""
    full = bundle()
    full["widgets"][0]["scope"] = "acme"
    full["widgets"][1]["scope"] = "acme"
    outlet = {"key": KEY_C, "name": "Outlet", "store": None, "scope": "beta", "knowledge": []}
    full["widgets"].append(outlet)
    return full


def only(full: dict[str, Any], scope: str, keep: list[str] | None = None) -> dict[str, Any]:
    """One client's part of ``full``, as the console sends it."""
    part = copy.deepcopy(full)
    part["widgets"] = [w for w in part["widgets"] if w.get("scope") == scope]
    used = {w["store"] for w in part["widgets"]}
    part["stores"] = [s for s in part["stores"] if s["id"] in used]
    part["scope"] = scope
    part["keep"] = keep or []
    return part


async def test_a_scoped_partial_publish_removes_only_that_clients_missing_widgets(
    store: RelayStore,
) -> None:
    """Acme's Blog widget was deleted: publishing Acme removes it (and its knowledge) in one
    go; Beta's Outlet, missing from the bundle too, is left exactly as it was."""
    full = agency_bundle()
    full["widgets"][1]["knowledge"] = [{"id": "9", "question": "Hi?", "answer": "Hello."}]
    await store.publish(full, dry_run=False)
    outlet = store.widget(KEY_C)
    acme = only(full, "acme")
    acme["widgets"] = acme["widgets"][:1]  # Blog deleted in the workspace

    dry = await store.publish(acme, dry_run=True, partial=True)
    assert dry["widgets"]["removed"] == [KEY_B]
    assert dry["widgets"]["names"] == {KEY_B: "Blog"}
    assert dry["knowledge"]["removed"] == 1
    assert store.widget(KEY_B) is not None and store.widget_count() == 3  # a dry run

    changes = await store.publish(acme, dry_run=False, partial=True)
    assert changes == dry
    assert changes["widgets"] == {
        "added": [],
        "updated": [],
        "removed": [KEY_B],
        "unchanged": 1,
        "names": {KEY_B: "Blog"},
    }
    assert store.widget(KEY_B) is None
    assert store.widget(KEY_C) is outlet and store.widget(KEY_A) is not None
    async with store._engines.read.connect() as connection:
        left = (await connection.execute(select(knowledge_entries.c.widget_key))).scalars().all()
    assert KEY_B not in left
    again = await store.publish(acme, dry_run=False, partial=True)
    assert again["widgets"]["removed"] == [] and "names" not in again["widgets"]


async def test_a_clients_empty_scope_takes_all_its_widgets_off_and_nothing_else(
    store: RelayStore,
) -> None:
    """A removed client's scope published empty: its widgets go, Beta's stay."""
    await store.publish(agency_bundle(), dry_run=False)
    changes = await store.publish(
        {"stores": [], "widgets": [], "scope": "acme"}, dry_run=False, partial=True
    )
    assert changes["widgets"]["removed"] == [KEY_A, KEY_B]
    assert changes["stores"]["removed"] == []  # stores are only removed by a full publish
    assert store.widget(KEY_C) is not None and store.widget_count() == 1


async def test_a_clients_store_goes_with_its_last_widget_unless_another_uses_it(
    store: RelayStore,
) -> None:
    """Acme's store is removed once no published widget uses it; while Beta's Outlet (given
    to Beta on its own) uses it, or the console keeps it for another client, it stays."""
    full = agency_bundle()
    full["stores"][0]["scope"] = "acme"
    full["widgets"][2]["store"] = "Main shop"  # Outlet (Beta's) uses Acme's store
    await store.publish(full, dry_run=False)
    empty_acme = {"stores": [], "widgets": [], "scope": "acme"}
    changes = await store.publish(empty_acme, dry_run=True, partial=True)
    assert changes["widgets"]["removed"] == [KEY_A, KEY_B]
    assert changes["stores"]["removed"] == []  # the Outlet still uses it

    del full["widgets"][2]["store"]
    await store.publish(full, dry_run=False)
    kept = await store.publish(
        {**empty_acme, "keep_stores": ["Main shop"]}, dry_run=True, partial=True
    )
    assert kept["stores"]["removed"] == []
    changes = await store.publish(empty_acme, dry_run=False, partial=True)
    assert changes["stores"]["removed"] == ["Main shop"]
    assert store.store("Main shop") is None and store.widget(KEY_C) is not None


async def test_a_widget_moved_to_another_client_is_kept_until_that_client_publishes(
    store: RelayStore,
) -> None:
    """Blog moved from Acme to Beta: publishing Acme first keeps it live (the console lists
    it in ``keep``); publishing Beta then records it under Beta, and Acme no longer speaks
    for it."""
    await store.publish(agency_bundle(), dry_run=False)
    moved = agency_bundle()
    moved["widgets"][1]["scope"] = "beta"
    acme = only(moved, "acme", keep=[KEY_B, KEY_C])
    changes = await store.publish(acme, dry_run=False, partial=True)
    assert changes["widgets"]["removed"] == [] and changes["widgets"]["kept"] == [KEY_B]
    assert store.widget(KEY_B) is not None

    beta = only(moved, "beta", keep=[KEY_A])
    changes = await store.publish(beta, dry_run=False, partial=True)
    assert changes["widgets"]["updated"] == [KEY_B]  # now published under Beta
    assert changes["widgets"]["removed"] == []
    changes = await store.publish(only(moved, "acme"), dry_run=False, partial=True)
    assert changes["widgets"]["removed"] == [] and "kept" not in changes["widgets"]
    assert store.widget_count() == 3


async def test_a_partial_publish_without_a_scope_removes_nothing(store: RelayStore) -> None:
    """What an older console sends: nothing it does not hold is compared."""
    await store.publish(agency_bundle(), dry_run=False)
    acme = only(agency_bundle(), "acme")
    del acme["scope"], acme["keep"]
    for widget in acme["widgets"]:
        del widget["scope"]
    acme["widgets"] = acme["widgets"][:1]
    changes = await store.publish(acme, dry_run=False, partial=True)
    assert changes["widgets"]["removed"] == [] and store.widget_count() == 3


async def test_widgets_published_without_a_scope_keep_their_digest(store: RelayStore) -> None:
    """A workspace without clients publishes as before: nothing reads as updated."""
    await store.publish(bundle(), dry_run=False)
    changes = await store.publish(bundle(), dry_run=False)
    assert changes["widgets"]["updated"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scope": ""}, "scope"),
        ({"scope": "x" * 65}, "scope"),
        ({"keep": "wk_x"}, "keep"),
        ({"keep": [1]}, "keep"),
        ({"keep_stores": ["x" * 256]}, "keep_stores"),
        ({"stores": [{"id": "s", "platform": "sql", "scope": 3}]}, "stores[0].scope"),
    ],
)
async def test_a_bad_scope_or_keep_is_refused(
    store: RelayStore, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(BundleError) as caught:
        await store.publish({"widgets": [], **change}, dry_run=True, partial=True)
    assert caught.value.field == field


async def test_a_widget_of_another_scope_in_a_scoped_bundle_is_refused(
    store: RelayStore,
) -> None:
    acme = only(agency_bundle(), "acme")
    acme["widgets"][0]["scope"] = "beta"
    with pytest.raises(BundleError) as caught:
        await store.publish(acme, dry_run=True, partial=True)
    assert caught.value.field == "widgets[0].scope"


async def test_the_published_state_is_loaded_when_the_relay_starts_again(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    await store.publish(bundle(), dry_run=False)
    again = await RelayStore.open(database.url, relay_key=store._key, now=clock)
    try:
        widget = again.widget(KEY_A)
        assert widget is not None and widget.identity_secret == b"identity-secret-a"
        assert again.store("Main shop").secrets["access_token"] == "shpat_secret_1"  # type: ignore[union-attr]
    finally:
        await again.close()


async def test_a_large_state_loads_whole_and_equal_knowledge_is_kept_once(
    store: RelayStore, database: Database, clock: Clock
) -> None:
    shared = [
        {"id": f"{n:04d}", "question": f"Question {n}?", "answer": "Same.", "keywords": ["k"]}
        for n in range(450)
    ]
    big = bundle()
    big["widgets"] = [
        {"key": f"wk_{n:016d}", "name": f"W{n}", "config": {}, "knowledge": shared}
        for n in range(3)
    ] + [
        {
            "key": KEY_B,
            "name": "Own",
            "config": {},
            "knowledge": [*shared[:2], {"id": "0002", "question": "Mine?", "answer": "Mine."}],
        }
    ]
    await store.publish(big, dry_run=False)  # 1,353 rows: more than one batch
    again = await RelayStore.open(database.url, relay_key=store._key, now=clock)
    try:
        loaded = [again.widget(f"wk_{n:016d}") for n in range(3)]
        own = again.widget(KEY_B)
        assert all(w is not None for w in loaded) and own is not None
        first = loaded[0].knowledge  # type: ignore[union-attr]
        assert [e.id for e in first] == [f"{n:04d}" for n in range(450)]
        assert first[7].question == "Question 7?" and first[7].keywords == ("k",)
        assert all(w.knowledge is first for w in loaded)  # type: ignore[union-attr]
        assert [e.question for e in own.knowledge] == ["Question 0?", "Question 1?", "Mine?"]
        assert own.knowledge[0] is first[0] and own.knowledge[2].answer == "Mine."
    finally:
        await again.close()


async def test_another_relay_key_is_reported_in_a_sentence(
    store: RelayStore, database: Database
) -> None:
    await store.publish(bundle(), dry_run=False)
    with pytest.raises(StorageError, match="The relay key does not match the one these"):
        await RelayStore.open(database.url, relay_key=b"\x07" * 32)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b["widgets"][0].update(store="Elsewhere"), "widgets[0].store"),
        (lambda b: b["widgets"].append(copy.deepcopy(b["widgets"][0])), "widgets[2].key"),
        (lambda b: b["widgets"][0]["config"].update(color="red"), "widgets[0].config.color"),
        (lambda b: b["widgets"][0]["knowledge"][0].pop("answer"), "widgets[0].knowledge[0].answer"),
        (lambda b: b["widgets"][0].update(identity_secret="%%%"), "widgets[0].identity_secret"),
        (lambda b: b["stores"][0].update(secrets=[1]), "stores[0].secrets"),
        (lambda b: b.update(widgets={}), "widgets"),
    ],
)
async def test_a_bad_bundle_is_refused_before_anything_changes(
    store: RelayStore, mutate: Any, field: str
) -> None:
    await store.publish(bundle(), dry_run=False)
    bad = bundle()
    mutate(bad)
    with pytest.raises(BundleError) as caught:
        await store.publish(bad, dry_run=False)
    assert caught.value.field == field
    assert store.widget_count() == 2
