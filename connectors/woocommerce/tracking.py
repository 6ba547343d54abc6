"""Tracking numbers from the Shipment Tracking extension's ``_wc_shipment_tracking_items`` meta.

Each item is ``{tracking_provider, custom_tracking_provider, custom_tracking_link,
tracking_number, date_shipped, tracking_id}``. ``tracking_provider`` is the slug of one of
the extension's predefined carriers (``usps``, ``dhl``, ``royal-mail``…); for a carrier of
the merchant's own, it is empty and ``custom_tracking_provider`` / ``custom_tracking_link``
are filled in instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote

from core.records import Tracking

META_KEY: Final = "_wc_shipment_tracking_items"

# slug → (carrier name, tracking URL template with {n} for the number)
CARRIERS: Final[dict[str, tuple[str, str]]] = {
    "ups": ("UPS", "https://www.ups.com/track?tracknum={n}"),
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={n}"),
    "dhl": ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={n}"),
    "dhl-us": ("DHL", "https://www.dhl.com/us-en/home/tracking.html?tracking-id={n}"),
    "dhl-express": (
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    ),
    "dhl-parcel-uk": ("DHL Parcel UK", "https://track.dhlparcel.co.uk/?con={n}"),
    "royal-mail": ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{n}"),
    "parcelforce": ("Parcelforce", "https://www.parcelforce.com/track-trace?trackNumber={n}"),
    "canada-post": (
        "Canada Post",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    ),
    "australia-post": ("Australia Post", "https://auspost.com.au/mypost/track/#/details/{n}"),
    "postnl": ("PostNL", "https://jouw.postnl.nl/track-and-trace/{n}"),
    "colissimo": ("Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code={n}"),
    "la-poste": ("La Poste", "https://www.laposte.fr/outils/suivre-vos-envois?code={n}"),
    "correos": (
        "Correos",
        "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number={n}",
    ),
    "deutsche-post": (
        "Deutsche Post",
        "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={n}",
    ),
    "deutsche-post-dhl": (
        "Deutsche Post DHL",
        "https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode={n}",
    ),
    "dhl-intraship-de": (
        "DHL",
        "https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode={n}",
    ),
    "dpd": ("DPD", "https://tracking.dpd.de/status/en_US/parcel/{n}"),
    "dpd-de": ("DPD", "https://tracking.dpd.de/status/de_DE/parcel/{n}"),
    "dpd-co-uk": ("DPD", "https://track.dpd.co.uk/parcels/{n}"),
    "gls": ("GLS", "https://gls-group.com/track/{n}"),
    "hermes": ("Evri", "https://www.evri.com/track/parcel/{n}"),
    "evri": ("Evri", "https://www.evri.com/track/parcel/{n}"),
    "hermes-de": ("Hermes", "https://www.myhermes.de/empfangen/sendungsverfolgung/?suche={n}"),
    "tnt": ("TNT", "https://www.tnt.com/express/en_gb/site/shipping-tools/tracking.html?cons={n}"),
    "ontrac": ("OnTrac", "https://www.ontrac.com/tracking/?number={n}"),
    "purolator": ("Purolator", "https://www.purolator.com/en/shipping/tracker?pin={n}"),
    "an-post": ("An Post", "https://www.anpost.com/Post-Parcels/Track/History?item={n}"),
    "bpost": ("bpost", "https://track.bpost.cloud/btr/web/#/search?itemCode={n}"),
    "postnord": ("PostNord", "https://tracking.postnord.com/en/?id={n}"),
    "nz-post": ("NZ Post", "https://www.nzpost.co.nz/tools/tracking?trackid={n}"),
    "correios": ("Correios", "https://rastreamento.correios.com.br/app/index.php?objeto={n}"),
    "inpost": ("InPost", "https://inpost.pl/sledzenie-przesylek?number={n}"),
}

# Other spellings of the same carriers (the extension's older slugs, AST's, merchants' own).
_ALIASES: Final[dict[str, str]] = {
    "united-states-postal-service": "usps",
    "fedex-sameday": "fedex",
    "dhl-de": "dhl-intraship-de",
    "dhlexpress": "dhl-express",
    "royalmail": "royal-mail",
    "canadapost": "canada-post",
    "auspost": "australia-post",
    "post-nl": "postnl",
    "laposte": "la-poste",
    "hermes-uk": "hermes",
    "myhermes": "hermes",
    "dpd-uk": "dpd-co-uk",
    "deutschepost": "deutsche-post",
    "gls-de": "gls",
}


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Roughly WordPress's ``sanitize_title``: lower case, runs of other characters → ``-``."""
    return _NOT_SLUG.sub("-", text.strip().lower()).strip("-")


@lru_cache(maxsize=512)
def carrier_for(provider: str) -> tuple[str, str] | None:
    slug = slugify(provider)
    slug = _ALIASES.get(slug, slug)
    return CARRIERS.get(slug)


def tracking_from_item(item: Mapping[str, Any]) -> Tracking | None:
    number = str(item.get("tracking_number") or "").strip()
    if not number:
        return None
    custom_name = str(item.get("custom_tracking_provider") or "").strip()
    custom_link = str(item.get("custom_tracking_link") or "").strip()
    known = carrier_for(str(item.get("tracking_provider") or "")) if not custom_name else None
    name = known[0] if known else (custom_name or None)
    url = custom_link or (known[1].format(n=quote(number, safe="")) if known else None)
    return Tracking(number=number, carrier=name, url=url or None)


def tracking_items(meta_data: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The raw tracking items stored in an order's ``meta_data``."""
    items: list[Mapping[str, Any]] = []
    for meta in meta_data:
        if isinstance(meta, Mapping) and meta.get("key") == META_KEY:
            value = meta.get("value")
            if isinstance(value, list):
                items.extend(v for v in value if isinstance(v, Mapping))
    return items


def parse_tracking(meta_data: Iterable[Any]) -> tuple[Tracking, ...]:
    return tracking_of(tracking_items(meta_data))


def tracking_of(items: list[Mapping[str, Any]]) -> tuple[Tracking, ...]:
    """``parse_tracking`` for items already read from ``meta_data`` by ``tracking_items``."""
    if not items:
        return ()
    found = (tracking_from_item(item) for item in items)
    return tuple(t for t in found if t is not None)


def first_shipped_of(items: list[Mapping[str, Any]]) -> datetime | None:
    """The earliest ``date_shipped`` (a Unix timestamp string) among ``tracking_items``."""
    if not items:
        return None
    stamps = [str(i.get("date_shipped") or "") for i in items]
    seconds = [int(s) for s in stamps if s.isdigit()]
    return datetime.fromtimestamp(min(seconds), UTC) if seconds else None
