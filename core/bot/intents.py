"""What a shopper wants from one message, in English, Spanish, French or German."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.bot.extract import Found, find_email, find_order_number, postcode_candidate
from core.bot.text import fold

Intent = Literal[
    "greeting",
    "order_status",
    "my_orders",
    "product_question",
    "faq",
    "human",
    "contact",
    "appointment",
    "thanks_bye",
    "provide_email",
    "provide_postcode",
    "fallback",
]
#: Intents that look an order up: the ones verification and lookup limits apply to.
LOOKUP_INTENTS: frozenset[str] = frozenset(
    {"order_status", "my_orders", "provide_email", "provide_postcode"}
)
#: A shopper's message that asks for an order lookup (the follow-up giving an email or a
#: postcode is part of the same lookup): what "order lookups today" counts.
ORDER_QUESTIONS: frozenset[str] = frozenset({"order_status", "my_orders"})


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# All patterns run on folded text (lower case, no accents).
_HUMAN = _any(
    r"\b(talk|speak|chat)(ing)? (to|with) (a |an |the |some |your |real |live )*"
    r"(human|person|agent|someone|somebody|representative|operator|staff|team|people)\b",
    r"\b(real person|live agent|human agent|customer service agent|representative)\b",
    r"^(human|agent|operator)\W*$",
    r"\bhablar con (una |un |el |la |alguien|alguna )*(persona|humano|agente|asesor|operador)",
    r"\b(persona real|agente humano)\b",
    r"\bparler (a|avec) (un |une |quelqu'?un|le |la )*(conseill|humain|personne|agent|vrai)",
    r"\b(un conseiller|une conseillere|un humain|une vraie personne)\b",
    r"\b(menschen|mitarbeiter\w*|berater\w*|person) (sprechen|reden)\b",
    r"\b(mit einem menschen|echten menschen)\b",
)
_APPOINTMENT = _any(
    r"\bappointments?\b",
    r"\b(book|schedule|arrange) (a |an )?(call|visit|meeting|consultation|fitting)\b",
    r"\b(una |la |mi )?cita\b",
    r"\bagendar\b",
    r"\brendez[ -]?vous\b",
    r"\brdv\b",
    r"\btermin(e|s|vereinbarung)?\b",
)
_CONTACT = _any(
    r"\b(contact|call|email|ring|phone|text) me\b",
    r"\bcall ?back\b",
    r"\b(get back to|reach) me\b",
    r"\bget in touch\b",
    r"\bleave (my|a|your) (details|message|number|contact)",
    r"\b(contactad|contacten|contactame|contacteme|contactarme|llamame|llamadme|llameme)\b",
    r"\bme (llamen|contacten|llamais|llamas|contactais|devuelvan la llamada)\b",
    r"\b(rappelez|contactez|appelez|recontactez)[ -]?moi\b",
    r"\bme (rappeler|contacter|recontacter)\b",
    r"\b(rufen|ruft|kontaktieren) sie mich\b",
    r"\bruckruf\b",
    r"\bmich (zuruckrufen|kontaktieren|anrufen)\b",
)
_MY_ORDERS = _any(
    r"\bmy (recent |last |latest |previous |past |other |all )?(orders|purchases)\b",
    r"\b(order|purchase) history\b",
    r"\bmis (ultimos |otros )?(pedidos|compras)\b",
    r"\bhistorial de (pedidos|compras)\b",
    r"\bmes (dernieres |autres )?commandes\b",
    r"\bhistorique (de|des) commandes\b",
    r"\bmeine (letzten |anderen )?bestellungen\b",
    r"\bbestellverlauf\b",
)
_ORDER_NOUN = _any(
    r"\b(order|package|parcel|shipment|delivery|purchase|tracking)\b",
    r"\b(pedido|paquete|envio|compra|seguimiento)\b",
    r"\b(commande|colis|livraison|suivi)\b",
    r"\b(bestellung|paket|lieferung|sendung|sendungsverfolgung)\b",
)
_ORDER_STATUS = _any(
    r"\b(where|track|tracking|status|arrive[ds]?|shipped|when|update|late|delayed)\b",
    r"\b(donde|estado|seguir|rastrear|seguimiento|llega|llegara|cuando|retrasado)\b",
    r"\b(ou|suivre|suivi|statut|etat|arrive|arrivera|quand|retard)\b",
    r"\b(wo|verfolgen|status|stand|ankommen|kommt|wann|versandt|verspatet)\b",
)
_PRODUCT = _any(
    r"\bhow much\b",
    r"\b(price|prices|priced|cost|costs)\b",
    r"\b(in|out of|back in) stock\b",
    r"\b(available|availability)\b",
    r"\bdo you (have|sell|carry|stock)\b",
    r"\bcuanto (cuesta|cuestan|vale|valen)\b",
    r"\b(precio|precios|disponible|disponibles|agotado|quedan)\b",
    r"\b(en|hay) stock\b",
    r"\b(tienen|teneis|vendeis|venden)\b",
    r"\bcombien (coute|coutent|vaut|valent)\b",
    r"\b(prix|disponibles?|rupture)\b",
    r"\ben stock\b",
    r"\bavez[ -]vous\b",
    r"\bwie ?viel (kostet|kosten)\b",
    r"\b(preis|preise|kostet|vorratig|verfugbar|lieferbar)\b",
    r"\bauf lager\b",
    r"\b(habt ihr|haben sie|gibt es)\b",
)
# A question about the shop as a place (a branch, a showroom, visiting, the address): not a
# product search, even when it asks "do you have …".
_PLACE = _any(
    r"\b(shops?|stores?|branch(es)?|showrooms?|outlets?|premises|warehouse)\b"
    r"( \w+)?( \w+)? (in|near|around|close to|at)\b",
    r"\b(physical|real|bricks and mortar|local) (shop|store)",
    r"\b(visit|come to|come by|pop in|drop by|find) (you|your (shop|store|showroom))",
    r"\b(where are you|your address|located|location|opening (hours|times))\b",
    r"\b(tiendas?|locales?|sucursal(es)?) (fisicas?|en|cerca)\b",
    r"\b(donde estais|donde estan|direccion|visitar)\b",
    r"\b(magasins?|boutiques?|showroom) (physiques?|a|en|pres)\b",
    r"\b(ou etes[ -]vous|adresse|vous rendre visite)\b",
    r"\b(geschaft|laden|filiale|ladengeschaft)\w* (in|bei|vor ort)\b",
    r"\b(wo sind sie|wo seid ihr|adresse|besuchen)\b",
)
_THANKS = _any(
    r"\b(thanks|thank you|thx|ty|cheers|bye|goodbye|see you)\b",
    r"\b(gracias|adios|hasta luego)\b",
    r"\b(merci|au revoir|a bientot)\b",
    r"\b(danke|tschuss|auf wiedersehen)\b",
)
_OK = re.compile(r"^\W*(ok|okay|great|perfect|awesome|genial|perfecto|parfait|super|perfekt)\b")
_GREETING = re.compile(
    r"^\W*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|hola|buenas|"
    r"buenos dias|buenas (tardes|noches)|bonjour|bonsoir|salut|coucou|hallo|"
    r"guten (morgen|tag|abend)|servus|moin|gruss gott)\b"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """One message understood: the intent and what it carries."""

    intent: Intent
    found: Found
    email: str | None = None
    postcode: str | None = None


def classify(text: str, *, awaiting_verification: bool) -> Reading:
    """The intent of a message. ``faq`` means "ask the knowledge base" (or fall back)."""
    folded = fold(text)
    found = find_order_number(text)
    email = find_email(text)
    postcode = postcode_candidate(text) if awaiting_verification and not email else None
    intent = _intent(folded, found, email, postcode)
    return Reading(intent, found, email, postcode if intent == "provide_postcode" else None)


def _intent(folded: str, found: Found, email: str | None, postcode: str | None) -> Intent:
    if _HUMAN.search(folded):
        return "human"
    if _APPOINTMENT.search(folded):
        return "appointment"
    if _CONTACT.search(folded):
        return "contact"
    if postcode and found.strength < 3:
        return "provide_postcode"
    if _MY_ORDERS.search(folded):
        return "my_orders"
    if _is_order_question(folded, found, email):
        return "order_status"
    if email:
        return "provide_email"
    talk = _small_talk(folded)
    if talk:
        return talk
    product = _PRODUCT.search(folded) and not _PLACE.search(folded)
    return "product_question" if product else "faq"


def _is_order_question(folded: str, found: Found, email: str | None) -> bool:
    noun = bool(_ORDER_NOUN.search(folded))
    if found.strength == 3 or found.alone:
        return True
    if found.strength > 0 and (noun or email):
        return True
    return noun and bool(_ORDER_STATUS.search(folded)) and not _PRODUCT.search(folded)


def _small_talk(folded: str) -> Intent | None:
    count = len(re.findall(r"\w+", folded))
    if (count <= 6 and _THANKS.search(folded)) or (count <= 2 and _OK.search(folded)):
        return "thanks_bye"
    if count <= 4 and _GREETING.search(folded):
        return "greeting"
    return None
