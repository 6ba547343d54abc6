"""Everything the bot says to shoppers, in English, Spanish, French and German.

Order wording (statuses, dates, money) lives in ``core.bot.wording``.
"""

from __future__ import annotations

from core.bot.language import SUPPORTED

# key → (en, es, fr, de); ``{name}`` fields are filled by ``say``.
TEXTS: dict[str, tuple[str, str, str, str]] = {
    "hello": ("Hi!", "¡Hola!", "Bonjour !", "Hallo!"),
    "hello_name": ("Hi {name}!", "¡Hola, {name}!", "Bonjour {name} !", "Hallo {name}!"),
    "how_help": (
        "How can I help you today?",
        "¿En qué puedo ayudarte?",
        "Comment puis-je vous aider ?",
        "Wie kann ich Ihnen helfen?",
    ),
    "chip_track": (
        "Track my order",
        "Seguir mi pedido",
        "Suivre ma commande",
        "Meine Bestellung verfolgen",
    ),
    "chip_human": (
        "Talk to a person",
        "Hablar con una persona",
        "Parler à un conseiller",
        "Mit einem Menschen sprechen",
    ),
    "ask_email": (
        "To keep your order details private, please send me the email address you used for "
        "order #{number} (or its billing postcode).",
        "Para proteger los datos de tu pedido, envíame el correo electrónico que usaste en el "
        "pedido #{number} (o su código postal de facturación).",
        "Pour protéger les informations de votre commande, envoyez-moi l'adresse e-mail "
        "utilisée pour la commande #{number} (ou son code postal de facturation).",
        "Zum Schutz Ihrer Bestelldaten senden Sie mir bitte die E-Mail-Adresse, die Sie für "
        "die Bestellung #{number} verwendet haben (oder die Postleitzahl der Rechnungsadresse).",
    ),
    "ask_number": (
        "Sure! What's your order number? You'll find it in your order confirmation email.",
        "¡Claro! ¿Cuál es tu número de pedido? Lo encontrarás en el correo de confirmación.",
        "Bien sûr ! Quel est votre numéro de commande ? Vous le trouverez dans l'e-mail de "
        "confirmation.",
        "Gern! Wie lautet Ihre Bestellnummer? Sie finden sie in Ihrer Bestellbestätigung.",
    ),
    "ask_number_and_email": (
        "Sure! Please send me your order number and the email address you used for the "
        "order, for example: #1001 name@example.com",
        "¡Claro! Envíame tu número de pedido y el correo electrónico que usaste en el pedido, "
        "por ejemplo: #1001 nombre@example.com",
        "Bien sûr ! Envoyez-moi votre numéro de commande et l'adresse e-mail utilisée pour la "
        "commande, par exemple : #1001 nom@example.com",
        "Gern! Senden Sie mir bitte Ihre Bestellnummer und die E-Mail-Adresse, die Sie für die "
        "Bestellung verwendet haben, zum Beispiel: #1001 name@example.com",
    ),
    "ask_number_for_email": (
        "Thanks! Now please send me the order number too. You'll find it in your order "
        "confirmation email.",
        "¡Gracias! Ahora envíame también el número de pedido. Lo encontrarás en el correo de "
        "confirmación.",
        "Merci ! Envoyez-moi maintenant aussi le numéro de commande. Vous le trouverez dans "
        "l'e-mail de confirmation.",
        "Danke! Senden Sie mir jetzt bitte auch die Bestellnummer. Sie finden sie in Ihrer "
        "Bestellbestätigung.",
    ),
    "not_found": (
        "I couldn't find an order with that number and email (or postcode). Please check both "
        "and try again; they're in your order confirmation email.",
        "No he encontrado ningún pedido con ese número y ese correo (o código postal). Revisa "
        "ambos e inténtalo de nuevo; están en el correo de confirmación del pedido.",
        "Je n'ai trouvé aucune commande avec ce numéro et cet e-mail (ou code postal). "
        "Vérifiez les deux et réessayez ; ils figurent dans l'e-mail de confirmation.",
        "Ich konnte keine Bestellung mit dieser Nummer und E-Mail-Adresse (oder Postleitzahl) "
        "finden. Bitte prüfen Sie beides und versuchen Sie es erneut; beides steht in Ihrer "
        "Bestellbestätigung.",
    ),
    "not_found_known": (
        "I couldn't find order #{number} under your email address. If you used another email "
        "address for it, please send me that address.",
        "No he encontrado el pedido #{number} con tu correo electrónico. Si usaste otro "
        "correo para ese pedido, envíamelo.",
        "Je n'ai pas trouvé la commande #{number} avec votre adresse e-mail. Si vous avez "
        "utilisé une autre adresse pour cette commande, envoyez-la-moi.",
        "Ich konnte die Bestellung #{number} unter Ihrer E-Mail-Adresse nicht finden. Falls "
        "Sie dafür eine andere E-Mail-Adresse verwendet haben, senden Sie mir bitte diese.",
    ),
    "locked": (
        "Sorry, there have been too many attempts to look up an order in this chat, so I "
        "can't check orders right now. Please try again later.",
        "Lo siento, ha habido demasiados intentos de consultar un pedido en este chat, así "
        "que ahora no puedo consultar pedidos. Inténtalo de nuevo más tarde.",
        "Désolé, il y a eu trop de tentatives de recherche de commande dans cette "
        "conversation : je ne peux pas consulter de commandes pour le moment. Réessayez plus "
        "tard.",
        "Entschuldigung, in diesem Chat gab es zu viele Versuche, eine Bestellung abzurufen, "
        "daher kann ich gerade keine Bestellungen prüfen. Bitte versuchen Sie es später erneut.",
    ),
    "no_store": (
        "Sorry, I can't look up orders in this chat.",
        "Lo siento, no puedo consultar pedidos en este chat.",
        "Désolé, je ne peux pas consulter les commandes dans cette conversation.",
        "Entschuldigung, in diesem Chat kann ich keine Bestellungen abrufen.",
    ),
    "no_store_products": (
        "Sorry, I can't check products and prices in this chat.",
        "Lo siento, no puedo consultar productos ni precios en este chat.",
        "Désolé, je ne peux pas consulter les produits et les prix dans cette conversation.",
        "Entschuldigung, in diesem Chat kann ich keine Produkte und Preise abrufen.",
    ),
    "store_unavailable": (
        "Sorry, I can't reach our shop system right now. Please try again in a few minutes.",
        "Lo siento, ahora mismo no puedo acceder al sistema de la tienda. Inténtalo de nuevo "
        "en unos minutos.",
        "Désolé, je n'arrive pas à joindre le système de la boutique pour le moment. "
        "Réessayez dans quelques minutes.",
        "Entschuldigung, ich erreiche unser Shopsystem gerade nicht. Bitte versuchen Sie es "
        "in ein paar Minuten erneut.",
    ),
    "offer_lead": (
        "You can also leave your details below and we'll get back to you.",
        "También puedes dejarnos tus datos abajo y te responderemos.",
        "Vous pouvez aussi laisser vos coordonnées ci-dessous et nous vous recontacterons.",
        "Sie können uns auch unten Ihre Kontaktdaten hinterlassen, dann melden wir uns.",
    ),
    "offer_team": (
        "A member of our team will reply here as soon as they can.",
        "Alguien de nuestro equipo te responderá aquí lo antes posible.",
        "Un membre de notre équipe vous répondra ici dès que possible.",
        "Jemand aus unserem Team antwortet Ihnen hier so bald wie möglich.",
    ),
    "offer_later": (
        "Our team will reply here when they're back.",
        "Nuestro equipo te responderá aquí cuando vuelva.",
        "Notre équipe vous répondra ici à son retour.",
        "Unser Team antwortet Ihnen hier, sobald es wieder da ist.",
    ),
    "offer_email": (
        "Leave your details below and we'll reply by email.",
        "Déjanos tus datos abajo y te responderemos por correo electrónico.",
        "Laissez vos coordonnées ci-dessous et nous vous répondrons par e-mail.",
        "Hinterlassen Sie unten Ihre Kontaktdaten, dann antworten wir Ihnen per E-Mail.",
    ),
    "handoff_away": (
        "Of course. No one from our team is in the chat right now.",
        "Por supuesto. Ahora mismo no hay nadie de nuestro equipo en el chat.",
        "Bien sûr. Personne de notre équipe n'est dans le chat pour le moment.",
        "Natürlich. Gerade ist niemand aus unserem Team im Chat.",
    ),
    "handoff_passed": (
        "I've already passed your request on to our team.",
        "Ya he pasado tu solicitud a nuestro equipo.",
        "J'ai déjà transmis votre demande à notre équipe.",
        "Ich habe Ihre Anfrage bereits an unser Team weitergegeben.",
    ),
    "handoff_asked": (
        "Of course, I've let our team know you'd like to talk to a person.",
        "Por supuesto, he avisado a nuestro equipo de que quieres hablar con una persona.",
        "Bien sûr, j'ai prévenu notre équipe que vous souhaitez parler à un conseiller.",
        "Natürlich, ich habe unserem Team Bescheid gegeben, dass Sie mit einem Menschen "
        "sprechen möchten.",
    ),
    "handoff_already": (
        "Our team already knows you'd like to talk to a person.",
        "Nuestro equipo ya sabe que quieres hablar con una persona.",
        "Notre équipe sait déjà que vous souhaitez parler à un conseiller.",
        "Unser Team weiß bereits, dass Sie mit einem Menschen sprechen möchten.",
    ),
    "contact": (
        "Of course! Leave your details below and we'll get back to you.",
        "¡Por supuesto! Déjanos tus datos abajo y te responderemos.",
        "Bien sûr ! Laissez vos coordonnées ci-dessous et nous vous recontacterons.",
        "Natürlich! Hinterlassen Sie unten Ihre Kontaktdaten, dann melden wir uns bei Ihnen.",
    ),
    "appointment": (
        "Of course! Choose a date and time that suits you below and we'll confirm it.",
        "¡Por supuesto! Elige abajo el día y la hora que te vengan bien y te lo confirmaremos.",
        "Bien sûr ! Choisissez ci-dessous la date et l'heure qui vous conviennent et nous "
        "vous les confirmerons.",
        "Natürlich! Wählen Sie unten einen passenden Tag und eine Uhrzeit, und wir bestätigen "
        "den Termin.",
    ),
    "low_confidence": (
        "Sorry, I'm not sure about that one.",
        "Lo siento, no estoy seguro de eso.",
        "Désolé, je ne suis pas sûr de pouvoir répondre à cela.",
        "Entschuldigung, da bin ich mir nicht sicher.",
    ),
    "thanks_bye": (
        "You're welcome! If anything else comes up, just write here.",
        "¡De nada! Si necesitas algo más, escríbeme aquí.",
        "Avec plaisir ! Si vous avez besoin d'autre chose, écrivez-moi ici.",
        "Gern geschehen! Wenn Sie noch etwas brauchen, schreiben Sie einfach hier.",
    ),
    "lead_thanks": (
        "Thanks! We've received your details and will get back to you soon.",
        "¡Gracias! Hemos recibido tus datos y te responderemos pronto.",
        "Merci ! Nous avons bien reçu vos coordonnées et vous recontacterons bientôt.",
        "Danke! Wir haben Ihre Kontaktdaten erhalten und melden uns bald bei Ihnen.",
    ),
    "appointment_thanks": (
        "Thanks! We've received your appointment request and will confirm the time with you soon.",
        "¡Gracias! Hemos recibido tu solicitud de cita y te confirmaremos la hora pronto.",
        "Merci ! Nous avons bien reçu votre demande de rendez-vous et vous confirmerons "
        "l'horaire bientôt.",
        "Danke! Wir haben Ihre Terminanfrage erhalten und bestätigen Ihnen die Uhrzeit bald.",
    ),
    "orders_intro": (
        "Here are your most recent orders:",
        "Estos son tus pedidos más recientes:",
        "Voici vos commandes les plus récentes :",
        "Hier sind Ihre letzten Bestellungen:",
    ),
    "orders_none": (
        "I couldn't find any orders for your email address.",
        "No he encontrado pedidos con tu correo electrónico.",
        "Je n'ai trouvé aucune commande pour votre adresse e-mail.",
        "Ich konnte keine Bestellungen zu Ihrer E-Mail-Adresse finden.",
    ),
    "products_intro": (
        "Here's what I found:",
        "Esto es lo que he encontrado:",
        "Voici ce que j'ai trouvé :",
        "Das habe ich gefunden:",
    ),
    "product_price": (
        "{title} costs {price}.",
        "{title} cuesta {price}.",
        "{title} coûte {price}.",
        "{title} kostet {price}.",
    ),
    "product_title": ("{title}.", "{title}.", "{title}.", "{title}."),
    "in_stock": ("In stock.", "Disponible.", "Disponible en stock.", "Auf Lager."),
    "low_stock": (
        "Only {count} left in stock.",
        "Solo quedan {count}.",
        "Plus que {count} en stock.",
        "Nur noch {count} auf Lager.",
    ),
    "out_of_stock": (
        "Out of stock right now.",
        "Agotado por ahora.",
        "Actuellement en rupture de stock.",
        "Derzeit nicht auf Lager.",
    ),
    "no_product": (
        "We don't sell “{query}”: I couldn't find it among our products. You can ask me about "
        "something else too.",
        "No vendemos «{query}»: no lo he encontrado entre nuestros productos. También puedes "
        "preguntarme otra cosa.",
        "Nous ne vendons pas « {query} » : je ne l'ai pas trouvé parmi nos produits. Vous "
        "pouvez aussi me poser une autre question.",
        "„{query}“ führen wir nicht: Ich habe es unter unseren Produkten nicht gefunden. Sie "
        "können mich auch etwas anderes fragen.",
    ),
    "which_product": (
        "Which product do you mean? Tell me its name and I'll check the price and stock.",
        "¿Qué producto? Dime su nombre y te diré el precio y si hay existencias.",
        "Quel produit ? Donnez-moi son nom et je vérifie le prix et le stock.",
        "Welches Produkt meinen Sie? Nennen Sie mir den Namen, dann prüfe ich Preis und "
        "Verfügbarkeit.",
    ),
}


def say(lang: str, key: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` (English if the bot does not speak it), fields filled."""
    index = SUPPORTED.index(lang) if lang in SUPPORTED else 0
    template = TEXTS[key][index]
    return template.format(**fields) if fields else template


def join(*parts: str) -> str:
    """Sentences joined by one space, empty ones left out."""
    return " ".join(part for part in parts if part)
