"""The fixed ingredients of the demo shop: its brand, people, products, carriers, status
values. The storefront (``widget/demo/shop.html``), the demo widget and the knowledge base
(``knowledge.csv``) say the same; ``tests/core/test_demo_brand.py`` checks they agree."""

from __future__ import annotations

from typing import Final

BRAND: Final = "Northwind Coffee Co."
CURRENCY: Final = "EUR"  # every price, order and answer of the demo shop
SHOP_ADDRESS: Final = "Oudegracht 112, Utrecht"
SHOP_HOURS: Final = "Mon–Sat 9:30–17:30 · Sun 11:00–16:00"
SHIPPING: Final = "4.90"  # standard shipping within the EU
FREE_SHIPPING_FROM: Final = "50"

# (first name, last name, email, phone, country, postcode); customer ids follow this order.
CUSTOMERS: Final = (
    ("Alice", "Martin", "alice@example.com", "+44 20 7946 0018", "GB", "SW1A 1AA"),
    ("José", "Álvarez", "jose.alvarez@example.com", "+34 912 345 678", "ES", "28013"),
    ("Zoë", "Müller", "zoe.mueller@example.de", "+49 30 901820", "DE", "10115"),
    ("太郎", "山田", "taro.yamada@example.jp", "+81 3-1234-5678", "JP", "100-0001"),
    ("Łukasz", "Wójcik", "lukasz.wojcik@example.pl", "+48 22 123 45 67", "PL", "00-001"),
    ("Siobhán", "O'Connor", "siobhan.oconnor@example.ie", "+353 1 234 5678", "IE", "D02 X285"),
    ("Bob", "Johnson", "bob@example.com", "+1 212-555-0147", "US", "10001"),
    ("Chloé", "Dubois", "chloe.dubois@example.fr", "+33 1 23 45 67 89", "FR", "75003"),
    ("Søren", "Kierkegård", "soren.k@example.dk", "+45 32 12 34 56", "DK", "1050"),
    ("Ana", "Pereira", "ana.pereira@example.pt", "+351 21 123 4567", "PT", "1100-148"),
    ("Giulia", "Rossi", "giulia.rossi@example.it", "+39 06 1234 5678", "IT", "00184"),
    ("Björn", "Andersson", "bjorn.andersson@example.se", "+46 8 123 456 78", "SE", "111 22"),
    ("Nguyễn", "Thị Mai", "mai.nguyen@example.net", "+84 28 3822 1234", "VN", "700000"),
    ("Priya", "Sharma", "priya.sharma@example.in", "+91 22 2345 6789", "IN", "400001"),
    ("Олег", "Петренко", "oleg.petrenko@example.org", "+380 44 123 4567", "UA", "01001"),
    ("Fatima", "Zahra", "fatima.zahra@example.ma", "+212 522-123456", "MA", "20250"),
    ("Mateo", "González", "mateo.gonzalez@example.mx", "+52 55 1234 5678", "MX", "06000"),
    ("Emma", "de Vries", "emma.devries@example.nl", "+31 20 123 4567", "NL", "1012 AB"),
    ("François", "Lefèvre", "francois.lefevre@example.fr", "+33 4 72 12 34 56", "FR", "69002"),
    ("Ingrid", "Øvrebø", "ingrid.ovrebo@example.no", "+47 22 12 34 56", "NO", "0150"),
    ("Dimitris", "Papadopoulos", "dimitris.p@example.gr", "+30 21 0123 4567", "GR", "105 57"),
    ("Aoife", "Ní Bhriain", "aoife.nibhriain@example.ie", "+353 91 123 456", "IE", "H91 E2K3"),
    ("Kemal", "Yılmaz", "kemal.yilmaz@example.com.tr", "+90 212 123 45 67", "TR", "34110"),
    ("Hannah", "Schmidt", "hannah.schmidt@example.at", "+43 1 234 5678", "AT", "1010"),
    ("Lucas", "Silva", "lucas.silva@example.com.br", "+55 11 3123-4567", "BR", "01310-100"),
    ("Mei", "Chen", "mei.chen@example.com", "+1 415-555-0199", "US", "94103"),
    ("Tomás", "Novák", "tomas.novak@example.cz", "+420 221 234 567", "CZ", "110 00"),
    ("Eszter", "Kovács", "eszter.kovacs@example.hu", "+36 1 234 5678", "HU", "1051"),
    ("Jan", "Kowalski", "jan.kowalski@example.pl", "+48 12 345 67 89", "PL", "31-001"),
    ("Olivia", "Brown", "olivia.brown@example.co.uk", "+44 161 496 0123", "GB", "M1 1AE"),
    ("Noah", "Williams", "noah.williams@example.com", "+1 312-555-0134", "US", "60601"),
    ("Amélie", "Girard", "amelie.girard@example.be", "+32 2 123 45 67", "BE", "1000"),
    ("Rafał", "Zieliński", "rafal.zielinski@example.pl", "+48 61 123 45 67", "PL", "60-001"),
    ("Sinéad", "Murphy", "sinead.murphy@example.ie", "+353 21 123 4567", "IE", "T12 X70A"),
    ("Jürgen", "Weiß", "juergen.weiss@example.de", "+49 89 1234567", "DE", "80331"),
    ("Camille", "Laurent", "camille.laurent@example.fr", "+33 5 56 12 34 56", "FR", "33000"),
    ("Hiroshi", "Tanaka", "hiroshi.tanaka@example.jp", "+81 6-1234-5678", "JP", "530-0001"),
    ("Ayşe", "Demir", "ayse.demir@example.com.tr", "+90 312 123 45 67", "TR", "06420"),
    ("William", "Taylor", "will.taylor@example.com.au", "+61 2 5550 1234", "AU", "2000"),
    ("Maja", "Horvat", "maja.horvat@example.hr", "+385 1 234 5678", "HR", "10000"),
)

# Guest checkouts: (name, email, phone, postcode); no customer row.
GUESTS: Final = (
    ("Marta Nowak", "marta.nowak@example.org", "+48 600 100 200", "50-001"),
    ("Pedro Sánchez", "pedro.sanchez@example.es", "+34 600 123 456", "08001"),
    ("Léa Fontaine", "lea.fontaine@example.fr", "+33 6 12 34 56 78", "13001"),
    ("Sam Carter", "sam.carter@example.net", "+1 646-555-0188", "11201"),
    ("Yuki Sato", "yuki.sato@example.jp", "+81 90-1234-5678", "150-0002"),
    ("Réka Szabó", "reka.szabo@example.hu", "+36 30 123 4567", "6720"),
)

# (sku, name, price in CURRENCY, stock)
PRODUCTS: Final = (
    ("SD-KET-001", "Gooseneck Kettle 1 L", "59.00", 14),
    ("SD-DRP-002", "Ceramic Pour-Over Dripper", "24.50", 32),
    ("SD-FLT-003", "Paper Filters (100 pack)", "6.90", 210),
    ("SD-GRN-004", "Hand Coffee Grinder", "79.00", 8),
    ("SD-BNS-005", "Ethiopia Yirgacheffe Beans 250 g", "13.50", 64),
    ("SD-BNS-006", "Colombia Huila Beans 250 g", "12.00", 0),
    ("SD-MUG-007", "Stoneware Mug, Sand", "18.00", 45),
    ("SD-MUG-008", "Stoneware Mug, Slate", "18.00", 3),
    ("SD-SCL-009", "Coffee Scale with Timer", "39.90", 21),
    ("SD-PRS-010", "French Press 800 ml", "34.00", 17),
    ("SD-TEA-011", "Sencha Green Tea 100 g", "9.80", 52),
    ("SD-TEA-012", "Earl Grey Loose Leaf 100 g", "8.50", 0),
    ("SD-POT-013", "Cast Iron Teapot 0.9 L", "64.00", 6),
    ("SD-CAN-014", "Airtight Coffee Canister", "22.00", 28),
    ("SD-TWL-015", "Linen Tea Towel", "14.00", 40),
    ("SD-BRD-016", "Olive Wood Serving Board", "42.00", 9),
    ("SD-CUP-017", "Double-Wall Glass Cups (set of 2)", "26.00", 19),
    ("SD-MLK-018", "Milk Frother", "29.00", 11),
    ("SD-CHM-019", "Glass Carafe Brewer 6 cups", "47.00", 5),
    ("SD-AER-020", "Travel Press", "32.00", 23),
    ("SD-SYR-021", "Vanilla Syrup 250 ml", "7.50", 70),
    ("SD-CHO-022", "Drinking Chocolate 300 g", "11.90", 36),
    ("SD-GFT-023", "Gift Card", "25.00", 999),
    ("SD-DSC-024", "Descaler (3 sachets)", "9.00", 88),
    ("SD-SPN-025", "Brass Measuring Spoon", "12.50", 0),
)

# carrier → (tracking number pattern: # digit, @ letter; tracking URL template)
CARRIERS: Final = {
    "UPS": ("1Z@@@#############", "https://www.ups.com/track?tracknum={number}"),
    "DHL": (
        "##########",
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={number}",
    ),
    "USPS": (
        "9400111#################"[:22],
        "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    ),
    "Royal Mail": (
        "@@#########GB",
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    ),
}

# normalised status → the value the shop's database stores (two need the mapping's table)
STATUS_VALUES: Final = {
    "pending": "awaiting_payment",
    "processing": "paid",
    "on_hold": "on_hold",
    "shipped": "shipped",
    "partially_shipped": "part_shipped",
    "delivered": "delivered",
    "completed": "completed",
    "cancelled": "canceled",
    "refunded": "refunded",
    "failed": "payment_failed",
}
