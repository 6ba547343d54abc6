"""An order in words: its status, dates, money and parcels, in the shopper's language."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from core.bot.language import SUPPORTED
from core.records import STATUS_LABELS, Order, OrderStatus, Tracking

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

_LABELS: dict[str, tuple[str, ...]] = {
    # pending, processing, on_hold, shipped, partially_shipped, delivered, completed,
    # cancelled, refunded, failed
    "es": (
        "Pendiente de pago", "En preparación", "En espera", "Enviado", "Enviado en parte",
        "Entregado", "Completado", "Cancelado", "Reembolsado", "Pago fallido",
    ),
    "fr": (
        "En attente de paiement", "En préparation", "En attente", "Expédiée",
        "Partiellement expédiée", "Livrée", "Terminée", "Annulée", "Remboursée",
        "Paiement échoué",
    ),
    "de": (
        "Wartet auf Zahlung", "In Vorbereitung", "Zurückgestellt", "Versandt",
        "Teilweise versandt", "Zugestellt", "Abgeschlossen", "Storniert", "Erstattet",
        "Zahlung fehlgeschlagen",
    ),
}  # fmt: skip

# status → (en, es, fr, de). ``{shipment}`` is filled by ``_shipment``.
_SENTENCES: dict[str, tuple[str, str, str, str]] = {
    "shipped": (
        "Your order #{number} shipped{shipment}.",
        "Tu pedido #{number} se envió{shipment}.",
        "Votre commande #{number} a été expédiée{shipment}.",
        "Ihre Bestellung #{number} wurde{shipment}.",
    ),
    "partially_shipped": (
        "Part of your order #{number} shipped{shipment}. The rest is still being prepared.",
        "Parte de tu pedido #{number} se envió{shipment}. El resto aún se está preparando.",
        "Une partie de votre commande #{number} a été expédiée{shipment}. Le reste est encore "
        "en préparation.",
        "Ein Teil Ihrer Bestellung #{number} wurde{shipment}. Der Rest wird noch vorbereitet.",
    ),
    "delivered": (
        "Your order #{number} has been delivered.",
        "Tu pedido #{number} ya se ha entregado.",
        "Votre commande #{number} a été livrée.",
        "Ihre Bestellung #{number} wurde zugestellt.",
    ),
    "completed": (
        "Your order #{number} is complete.",
        "Tu pedido #{number} está completado.",
        "Votre commande #{number} est terminée.",
        "Ihre Bestellung #{number} ist abgeschlossen.",
    ),
    "after": (
        "It shipped{shipment}.",
        "Se envió{shipment}.",
        "Elle a été expédiée{shipment}.",
        "Sie wurde{shipment}.",
    ),
    "processing": (
        "Your order #{number} is being prepared and hasn't shipped yet. You'll get an email "
        "with tracking as soon as it's on its way.",
        "Tu pedido #{number} se está preparando y aún no se ha enviado. Recibirás un correo "
        "con el seguimiento en cuanto salga.",
        "Votre commande #{number} est en préparation et n'a pas encore été expédiée. Vous "
        "recevrez un e-mail avec le suivi dès son envoi.",
        "Ihre Bestellung #{number} wird vorbereitet und wurde noch nicht versandt. Sie "
        "erhalten eine E-Mail mit der Sendungsverfolgung, sobald sie unterwegs ist.",
    ),
    "pending": (
        "Your order #{number} is waiting for payment. We'll prepare it once the payment has "
        "gone through.",
        "Tu pedido #{number} está pendiente de pago. Lo prepararemos en cuanto se confirme "
        "el pago.",
        "Votre commande #{number} est en attente de paiement. Nous la préparerons dès que le "
        "paiement sera confirmé.",
        "Ihre Bestellung #{number} wartet auf die Zahlung. Wir bereiten sie vor, sobald die "
        "Zahlung eingegangen ist.",
    ),
    "on_hold": (
        "Your order #{number} is on hold for now. If we need anything from you, we'll be in touch.",
        "Tu pedido #{number} está en espera por ahora. Si necesitamos algo de ti, te escribiremos.",
        "Votre commande #{number} est en attente pour le moment. Si nous avons besoin de "
        "quoi que ce soit, nous vous contacterons.",
        "Ihre Bestellung #{number} ist vorerst zurückgestellt. Falls wir etwas von Ihnen "
        "brauchen, melden wir uns.",
    ),
    "cancelled": (
        "Your order #{number} has been cancelled.",
        "Tu pedido #{number} ha sido cancelado.",
        "Votre commande #{number} a été annulée.",
        "Ihre Bestellung #{number} wurde storniert.",
    ),
    "cancelled_refunded": (
        "The payment has been refunded.",
        "El pago ha sido reembolsado.",
        "Le paiement a été remboursé.",
        "Die Zahlung wurde erstattet.",
    ),
    "refunded": (
        "Your order #{number} has been refunded ({total}). The money goes back to your "
        "original payment method; your bank may take a few days to show it.",
        "Tu pedido #{number} ha sido reembolsado ({total}). El dinero vuelve a tu método de "
        "pago original; tu banco puede tardar unos días en reflejarlo.",
        "Votre commande #{number} a été remboursée ({total}). Le montant revient sur votre "
        "moyen de paiement d'origine ; votre banque peut mettre quelques jours à l'afficher.",
        "Ihre Bestellung #{number} wurde erstattet ({total}). Der Betrag geht auf Ihre "
        "ursprüngliche Zahlungsmethode zurück; Ihre Bank zeigt ihn eventuell erst nach "
        "einigen Tagen an.",
    ),
    "failed": (
        "The payment for your order #{number} didn't go through, so the order hasn't been "
        "processed. You can place it again, or ask us for help.",
        "El pago de tu pedido #{number} no se completó, así que el pedido no se ha "
        "procesado. Puedes volver a hacerlo o pedirnos ayuda.",
        "Le paiement de votre commande #{number} n'a pas abouti, la commande n'a donc pas "
        "été traitée. Vous pouvez la passer à nouveau ou nous demander de l'aide.",
        "Die Zahlung für Ihre Bestellung #{number} ist nicht durchgegangen, daher wurde die "
        "Bestellung nicht bearbeitet. Sie können sie erneut aufgeben oder uns um Hilfe "
        "bitten.",
    ),
}
# (date " on {d}", one carrier, several parcels, tracking word, German verb at the end)
_SHIP_PARTS = {
    "en": (" on {d}", " with {c}", " in {n} parcels", ", tracking {t}", ""),
    "es": (" el {d}", " con {c}", " en {n} paquetes", ", número de seguimiento {t}", ""),
    "fr": (" le {d}", " avec {c}", " en {n} colis", ", numéro de suivi {t}", ""),
    "de": (" am {d}", " mit {c}", " in {n} Paketen", ", Sendungsnummer {t}", " versandt"),
}

# an order's line: one item, several of an item (unit price and line total), the total
_ITEM_PARTS = {
    "en": ("{q} × {name}: {line}", "{q} × {name}: {unit} each, {line}", "Total: {total}"),
    "es": ("{q} × {name}: {line}", "{q} × {name}: {unit} cada uno, {line}", "Total: {total}"),
    "fr": ("{q} × {name} : {line}", "{q} × {name} : {unit} l'unité, {line}", "Total : {total}"),
    "de": ("{q} × {name}: {line}", "{q} × {name}: je {unit}, zusammen {line}", "Summe: {total}"),
}


def _lang(lang: str) -> str:
    return lang if lang in SUPPORTED else "en"


def format_date(moment: datetime, lang: str, *, zone: tzinfo, now: datetime) -> str:
    """``3 March``, ``3 de marzo``, ``3 mars`` (``1er mars``), ``3. März``; with the year
    when it is not this year."""
    lang = _lang(lang)
    local = moment.astimezone(zone)
    month = _MONTHS[lang].split()[local.month - 1]
    year = local.year if local.year != now.astimezone(zone).year else None
    if lang == "es":
        text = f"{local.day} de {month}" + (f" de {year}" if year else "")
    elif lang == "de":
        text = f"{local.day}. {month}" + (f" {year}" if year else "")
    else:
        day = "1er" if lang == "fr" and local.day == 1 else str(local.day)
        text = f"{day} {month}" + (f" {year}" if year else "")
    return text


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """``€59.00`` in English, ``59,00 €`` in Spanish, French and German."""
    number = format(amount, "f")
    symbol = _SYMBOLS.get(currency.upper(), "")
    if _lang(lang) == "en":
        return f"{symbol}{number}" if symbol else f"{number} {currency}".strip()
    return f"{number.replace('.', ',')} {symbol or currency}".strip()


def status_label(status: OrderStatus, lang: str) -> str:
    """The status as a short label in the shopper's language."""
    lang = _lang(lang)
    if lang == "en":
        return STATUS_LABELS[status]
    return _LABELS[lang][list(STATUS_LABELS).index(status)]


def _shipment(order: Order, lang: str, *, zone: tzinfo, now: datetime) -> str:
    on_date, one, several, tracking_word, verb = _SHIP_PARTS[lang]
    date = order.shipped_at
    text = on_date.format(d=format_date(date, lang, zone=zone, now=now)) if date else ""
    parcels = [t for t in order.tracking if t.number]
    if len(parcels) > 1:
        listed = ", ".join(_parcel(t) for t in parcels)
        separator = " : " if lang == "fr" else ": "
        return f"{text}{several.format(n=len(parcels))}{verb}{separator}{listed}"
    if parcels and parcels[0].carrier:
        text += one.format(c=parcels[0].carrier)
    text += verb
    if parcels:
        text += tracking_word.format(t=parcels[0].number)
    return text


def _parcel(tracking: Tracking) -> str:
    return f"{tracking.carrier} {tracking.number}" if tracking.carrier else tracking.number


def describe_order(order: Order, lang: str, *, zone: tzinfo, now: datetime) -> str:
    """One or two sentences on where the order is, for a verified shopper."""
    lang = _lang(lang)
    index = SUPPORTED.index(lang)
    shipment = _shipment(order, lang, zone=zone, now=now)
    fields = {
        "number": order.number,
        "shipment": shipment,
        "total": format_money(order.total, order.currency, lang),
    }
    text = _SENTENCES[order.status][index].format(**fields)
    if order.status in ("delivered", "completed") and (order.shipped_at or order.tracking):
        text += " " + _SENTENCES["after"][index].format(**fields)
    if order.status == "cancelled" and (order.financial_status or "").lower() == "refunded":
        text += " " + _SENTENCES["cancelled_refunded"][index]
    return text


def describe_items(order: Order, lang: str) -> str:
    """The order's items, one per line, then its total: ``2 × Stoneware Mug: €18.00 each,
    €36.00`` — a quantity above one names the unit price and the line's total."""
    one, several, total = _ITEM_PARTS[_lang(lang)]
    lines = []
    for item in order.items:
        name = item.name.strip() or "?"
        if item.price is None:
            lines.append(f"{item.quantity} × {name}")
            continue
        unit = format_money(item.price, order.currency, lang)
        line = format_money(item.price * item.quantity, order.currency, lang)
        template = several if item.quantity > 1 else one
        lines.append(template.format(q=item.quantity, name=name, unit=unit, line=line))
    lines.append(total.format(total=format_money(order.total, order.currency, lang)))
    return "\n".join(f"• {line}" for line in lines[:-1]) + "\n" + lines[-1]


def order_line(order: Order, lang: str, *, zone: tzinfo, now: datetime) -> str:
    """``#1001 · Shipped · 1 March · €59.00`` for a list of orders."""
    date = format_date(order.created_at, lang, zone=zone, now=now)
    total = format_money(order.total, order.currency, lang)
    return f"#{order.number} · {status_label(order.status, lang)} · {date} · {total}"
