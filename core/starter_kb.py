"""The starter knowledge base a new widget begins with: shipping, returns, payment and
contact, in the widget's language, with the shop's own facts left as placeholders such as
``[your returns window]`` for the merchant to fill in.

An answer that still has a placeholder is kept out of the bot's answers when publishing
(``has_placeholder``): a shopper never reads "[your returns window]".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{3,80}\](?!\()")  # not a Markdown link's [text](url)


@dataclass(frozen=True, slots=True)
class StarterEntry:
    topic: str  # shipping, returns, payment, contact
    question: str
    answer: str
    keywords: tuple[str, ...]


def placeholders(text: str) -> list[str]:
    """The ``[…]`` placeholders still in ``text``."""
    return _PLACEHOLDER.findall(text)


def has_placeholder(text: str) -> bool:
    return _PLACEHOLDER.search(text) is not None


def starter_entries(language: str) -> tuple[StarterEntry, ...]:
    """The starter entries in ``language`` (English where there is no translation)."""
    return tuple(
        StarterEntry(topic, q, a, tuple(k.split(", ")))
        for topic, q, a, k in _STARTER.get(language, _STARTER["en"])
    )


_STARTER: dict[str, list[tuple[str, str, str, str]]] = {
    "en": [
        (
            "shipping",
            "How long does shipping take?",
            "Orders leave our warehouse within [your processing time, e.g. 1-2 business days]."
            " Delivery then takes [your delivery time, e.g. 3-5 business days] within "
            "[your country].",
            "shipping, delivery, how long, dispatch, arrive",
        ),
        (
            "shipping",
            "How much does shipping cost?",
            "Shipping costs [your shipping rates]. Orders over [your free shipping threshold] "
            "ship free.",
            "shipping cost, postage, free shipping, delivery fee",
        ),
        (
            "shipping",
            "Do you ship internationally?",
            "We ship to [the countries you ship to]. International delivery takes "
            "[your international delivery time]; customs duties are [who pays duties].",
            "international, abroad, countries, customs, worldwide",
        ),
        (
            "returns",
            "What is your return policy?",
            "You can return unused items within [your returns window, e.g. 30 days] of "
            "delivery. [Any exceptions, e.g. sale items are final].",
            "return, returns, return policy, send back",
        ),
        (
            "returns",
            "How do I return an item?",
            "Write to [your returns email] with your order number; we send you "
            "[a return label / the return address]. Return shipping is [free / paid by you].",
            "return item, return label, how to return",
        ),
        (
            "returns",
            "When will I get my refund?",
            "We refund to your original payment method within [your refund time, e.g. 5 "
            "business days] of receiving the return.",
            "refund, money back, reimbursement",
        ),
        (
            "payment",
            "Which payment methods do you accept?",
            "We accept [your payment methods, e.g. Visa, Mastercard, PayPal].",
            "payment, pay, credit card, paypal, payment methods",
        ),
        (
            "payment",
            "Is it safe to pay on your website?",
            "Yes: payments are processed by [your payment provider] over an encrypted "
            "connection; we never see or store your full card number.",
            "secure payment, safe, card details",
        ),
        (
            "contact",
            "How can I contact you?",
            "Write to [your support email] or call [your phone number], [your opening "
            "hours]. You can also ask for a person right here in the chat.",
            "contact, email, phone, call, support, opening hours",
        ),
        (
            "contact",
            "Where are you located?",
            "We are based in [your city and country]. [Whether customers can visit or "
            "collect orders].",
            "address, location, where, shop, visit, pick up",
        ),
    ],
    "es": [
        (
            "shipping",
            "¿Cuánto tarda el envío?",
            "Los pedidos salen de nuestro almacén en [tu plazo de preparación, p. ej. 1-2 días"
            " laborables]. La entrega tarda [tu plazo de entrega, p. ej. 3-5 días laborables]"
            " en [tu país].",
            "envío, entrega, cuánto tarda, plazo, llegar",
        ),
        (
            "shipping",
            "¿Cuánto cuesta el envío?",
            "El envío cuesta [tus tarifas de envío]. Los pedidos de más de [tu importe para "
            "envío gratis] se envían gratis.",
            "gastos de envío, coste de envío, envío gratis",
        ),
        (
            "returns",
            "¿Cuál es vuestra política de devoluciones?",
            "Puedes devolver artículos sin usar en [tu plazo de devolución, p. ej. 30 días] "
            "desde la entrega. [Excepciones, p. ej. las rebajas no se devuelven].",
            "devolución, devoluciones, devolver, política de devoluciones",
        ),
        (
            "returns",
            "¿Cuándo recibiré mi reembolso?",
            "Reembolsamos al método de pago original en [tu plazo de reembolso, p. ej. 5 "
            "días laborables] tras recibir la devolución.",
            "reembolso, devolución del dinero",
        ),
        (
            "payment",
            "¿Qué formas de pago aceptáis?",
            "Aceptamos [tus formas de pago, p. ej. Visa, Mastercard, PayPal, Bizum].",
            "pago, pagar, tarjeta, paypal, formas de pago",
        ),
        (
            "contact",
            "¿Cómo puedo contactar con vosotros?",
            "Escríbenos a [tu email de atención] o llama al [tu teléfono], [tu horario]. "
            "También puedes pedir hablar con una persona aquí en el chat.",
            "contacto, email, teléfono, llamar, horario",
        ),
    ],
    "fr": [
        (
            "shipping",
            "Quels sont les délais de livraison ?",
            "Les commandes quittent notre entrepôt sous [votre délai de préparation, ex. 1 à 2"
            " jours ouvrés]. La livraison prend ensuite [votre délai de livraison, ex. 3 à 5 "
            "jours ouvrés] en [votre pays].",
            "livraison, expédition, délai, combien de temps",
        ),
        (
            "shipping",
            "Combien coûte la livraison ?",
            "La livraison coûte [vos tarifs de livraison]. Elle est offerte dès [votre seuil "
            "de livraison gratuite].",
            "frais de port, frais de livraison, livraison gratuite",
        ),
        (
            "returns",
            "Quelle est votre politique de retour ?",
            "Vous pouvez retourner un article non utilisé sous [votre délai de retour, ex. 30 "
            "jours] après la livraison. [Exceptions, ex. les soldes ne sont pas reprises].",
            "retour, retours, renvoyer, politique de retour",
        ),
        (
            "returns",
            "Quand serai-je remboursé ?",
            "Nous remboursons sur le moyen de paiement d'origine sous [votre délai de "
            "remboursement, ex. 5 jours ouvrés] après réception du retour.",
            "remboursement, rembourser",
        ),
        (
            "payment",
            "Quels moyens de paiement acceptez-vous ?",
            "Nous acceptons [vos moyens de paiement, ex. carte bancaire, PayPal].",
            "paiement, payer, carte, paypal, moyens de paiement",
        ),
        (
            "contact",
            "Comment vous contacter ?",
            "Écrivez-nous à [votre e-mail de service client] ou appelez le [votre téléphone], "
            "[vos horaires]. Vous pouvez aussi demander un conseiller ici dans le chat.",
            "contact, e-mail, téléphone, appeler, horaires",
        ),
    ],
    "de": [
        (
            "shipping",
            "Wie lange dauert der Versand?",
            "Bestellungen verlassen unser Lager innerhalb von [Ihre Bearbeitungszeit, z. B. "
            "1-2 Werktagen]. Die Zustellung dauert dann [Ihre Lieferzeit, z. B. 3-5 Werktage] "
            "innerhalb [Ihr Land].",
            "versand, lieferung, lieferzeit, wie lange",
        ),
        (
            "shipping",
            "Was kostet der Versand?",
            "Der Versand kostet [Ihre Versandkosten]. Ab [Ihre Grenze für kostenlosen "
            "Versand] liefern wir versandkostenfrei.",
            "versandkosten, porto, kostenloser versand",
        ),
        (
            "returns",
            "Wie sind Ihre Rückgabebedingungen?",
            "Unbenutzte Artikel können Sie innerhalb von [Ihre Rückgabefrist, z. B. 30 Tagen] "
            "nach Lieferung zurückgeben. [Ausnahmen, z. B. reduzierte Ware].",
            "rückgabe, retoure, zurückschicken, widerruf",
        ),
        (
            "returns",
            "Wann bekomme ich mein Geld zurück?",
            "Wir erstatten auf die ursprüngliche Zahlungsart innerhalb von [Ihre "
            "Erstattungsfrist, z. B. 5 Werktagen] nach Eingang der Rücksendung.",
            "erstattung, geld zurück, rückerstattung",
        ),
        (
            "payment",
            "Welche Zahlungsarten akzeptieren Sie?",
            "Wir akzeptieren [Ihre Zahlungsarten, z. B. Kreditkarte, PayPal, Klarna].",
            "zahlung, bezahlen, kreditkarte, paypal, zahlungsarten",
        ),
        (
            "contact",
            "Wie kann ich Sie erreichen?",
            "Schreiben Sie an [Ihre Support-E-Mail] oder rufen Sie [Ihre Telefonnummer] an, "
            "[Ihre Öffnungszeiten]. Sie können auch hier im Chat nach einem Menschen fragen.",
            "kontakt, e-mail, telefon, anrufen, öffnungszeiten",
        ),
    ],
}
