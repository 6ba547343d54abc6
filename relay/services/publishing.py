"""Publishing from the console: the bundle is checked (every widget config through
``core.widgets``, store platforms known to this relay, knowledge entries complete) and then
replaces the published state as a whole; a bad part is a 422 naming it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.registry import available_platforms
from relay.responses import ApiError, invalid
from relay.storage.errors import BundleError

if TYPE_CHECKING:
    from relay.storage import RelayStore

PARTIAL_ONLY = ("scope", "keep", "keep_stores")


def _check_platforms(body: Mapping[str, Any]) -> None:
    stores = body.get("stores", [])
    if not isinstance(stores, list):
        raise invalid("stores", '"stores" must be a list.')
    known = available_platforms()
    for i, item in enumerate(stores):
        platform = item.get("platform") if isinstance(item, Mapping) else None
        if isinstance(platform, str) and platform not in known:
            raise invalid(
                f"stores[{i}].platform",
                f"This relay has no connector for {platform!r}; it knows {', '.join(known)}.",
            )


def _flag(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise invalid(name, f"{name} must be true or false.")
    return value


async def publish(store: RelayStore, body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``changes`` of publishing ``body`` (nothing is written when ``dry_run``). A
    ``partial`` bundle (one client's widgets) adds and updates; with a ``scope`` it also
    removes the widgets published under that scope that it no longer holds (except those it
    ``keep``s: the console has them under another client), and that scope's stores no widget
    uses any more (except ``keep_stores``), and nothing else."""
    dry_run, partial = _flag(body, "dry_run"), _flag(body, "partial")
    for name in PARTIAL_ONLY:
        if name in body and not partial:
            raise invalid(name, f'{name} goes with a partial publish ("partial": true).')
    _check_platforms(body)
    bundle = {"stores": body.get("stores", []), "widgets": body.get("widgets", [])}
    bundle |= {name: body[name] for name in PARTIAL_ONLY if name in body}
    try:
        return await store.publish(bundle, dry_run=dry_run, partial=partial)
    except BundleError as exc:
        raise ApiError(422, "invalid", str(exc), fields={exc.field: str(exc)}) from None
