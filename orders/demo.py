"""Demo catalogue, opening hours and slots (`manage.py seed_demo`), each function is idempotent."""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.utils.text import slugify

from orders.food import allergen_mask, suitable_for_mask
from orders.models import Category, DeliveryZone, OpeningHours, OptionChoice, OptionGroup, Product
from orders.services.delivery import delivery_zone_create
from orders.services.hours import slots_generate

DEMO_CATEGORIES = [
    ("bread", "Bread", "Loaves baked before dawn, from long-fermented doughs."),
    ("pastries", "Pastries", "Laminated, buttery and best on the day."),
    ("cakes", "Cakes", "Whole cakes and slices for the table or the office."),
    ("drinks", "Drinks", "Coffee beans, teas and juices to go with it all."),
]

# (sku, category slug, name, price, stock, description)
DEMO_PRODUCTS = [
    ("BRD-001", "bread", "Country sourdough", "4.80", 40, "A tangy, open crumb and a dark crust."),
    ("BRD-002", "bread", "Seeded rye", "5.20", 25, "Dense rye with sunflower and pumpkin seeds."),
    ("BRD-003", "bread", "White sandwich loaf", "3.10", 50, "Soft, sliced, made for toast."),
    (
        "BRD-004",
        "bread",
        "Wholemeal tin",
        "3.60",
        35,
        "Stoneground wholemeal flour, honest and nutty.",
    ),
    ("BRD-005", "bread", "Baguette", "2.20", 60, "Crisp crust, baked three times a day."),
    ("BRD-006", "bread", "Focaccia with rosemary", "4.50", 20, "Olive oil, sea salt and rosemary."),
    ("BRD-007", "bread", "Spelt loaf", "5.50", 3, "Light spelt, slightly sweet. Few left today."),
    ("BRD-008", "bread", "Ciabatta", "2.90", 30, "Airy Italian slipper bread."),
    (
        "PST-001",
        "pastries",
        "Butter croissant",
        "1.90",
        80,
        "Twenty-seven layers of French butter.",
    ),
    ("PST-002", "pastries", "Pain au chocolat", "2.20", 70, "Two bars of dark chocolate inside."),
    ("PST-003", "pastries", "Almond croissant", "2.80", 40, "Twice baked with frangipane."),
    ("PST-004", "pastries", "Cinnamon bun", "2.60", 45, "Cardamom dough, cinnamon butter."),
    ("PST-005", "pastries", "Pain aux raisins", "2.40", 35, "Custard and rum-soaked raisins."),
    (
        "PST-006",
        "pastries",
        "Danish with apricot",
        "2.70",
        30,
        "Apricot halves on vanilla custard.",
    ),
    ("PST-007", "pastries", "Morning bun", "2.50", 25, "Orange zest and brown sugar."),
    ("PST-008", "pastries", "Cheese twist", "2.30", 30, "Mature cheddar and a pinch of cayenne."),
    ("CAK-001", "cakes", "Lemon drizzle cake", "14.00", 8, "A whole loaf cake, sharp and syrupy."),
    (
        "CAK-002",
        "cakes",
        "Chocolate fudge cake",
        "22.00",
        6,
        "Serves ten. Dark, rich, unapologetic.",
    ),
    ("CAK-003", "cakes", "Carrot cake slice", "3.80", 20, "Cream cheese frosting and walnuts."),
    ("CAK-004", "cakes", "Victoria sponge", "18.00", 5, "Raspberry jam and vanilla cream."),
    ("CAK-005", "cakes", "Banana bread", "3.20", 24, "Brown butter and dark muscovado."),
    ("CAK-006", "cakes", "Brownie", "2.90", 40, "Fudgy, with a crackly top."),
    ("CAK-007", "cakes", "Cheesecake slice", "4.20", 15, "Baked New York style."),
    ("CAK-008", "cakes", "Pumpkin pie", "16.00", 0, "Back in the autumn."),
    ("DRK-001", "drinks", "House espresso beans 250g", "8.50", 30, "Chocolate and hazelnut notes."),
    ("DRK-002", "drinks", "Earl Grey tea", "5.00", 25, "Loose leaf, bergamot-scented."),
    ("DRK-003", "drinks", "Fresh orange juice 1l", "4.20", 18, "Squeezed this morning."),
    ("DRK-004", "drinks", "Cloudy apple juice 1l", "3.90", 20, "From a Kentish orchard."),
    ("DRK-005", "drinks", "Sparkling elderflower", "2.80", 36, "Lightly sparkling, not too sweet."),
    ("DRK-006", "drinks", "Hot chocolate flakes", "6.50", 12, "Shaved 70% chocolate for milk."),
]

# The German names and descriptions of the demo catalogue, by slug and SKU.
DEMO_CATEGORIES_DE = {
    "bread": ("Brot", "Vor Sonnenaufgang gebacken, aus lange gereiften Teigen."),
    "pastries": ("Feingebäck", "Geblättert, buttrig und am besten am selben Tag."),
    "cakes": ("Kuchen", "Ganze Kuchen und Stücke für den Tisch oder das Büro."),
    "drinks": ("Getränke", "Kaffeebohnen, Tees und Säfte, die zu allem passen."),
}
DEMO_PRODUCTS_DE = {
    "BRD-001": ("Landbrot aus Sauerteig", "Säuerlich, offene Krume und eine dunkle Kruste."),
    "BRD-002": ("Roggenbrot mit Saaten", "Kräftiger Roggen mit Sonnenblumen- und Kürbiskernen."),
    "BRD-003": ("Weißes Kastenbrot", "Weich, geschnitten, wie gemacht für Toast."),
    "BRD-004": ("Vollkornkastenbrot", "Steingemahlenes Vollkornmehl, ehrlich und nussig."),
    "BRD-005": ("Baguette", "Knusprige Kruste, dreimal am Tag gebacken."),
    "BRD-006": ("Focaccia mit Rosmarin", "Olivenöl, Meersalz und Rosmarin."),
    "BRD-007": ("Dinkelbrot", "Leichter Dinkel, leicht süßlich. Heute nur noch wenige."),
    "BRD-008": ("Ciabatta", "Luftiges italienisches Pantoffelbrot."),
    "PST-001": ("Buttercroissant", "Siebenundzwanzig Schichten französischer Butter."),
    "PST-002": ("Schokoladencroissant", "Zwei Stangen dunkle Schokolade im Inneren."),
    "PST-003": ("Mandelcroissant", "Zweimal gebacken, mit Frangipane."),
    "PST-004": ("Zimtschnecke", "Kardamomteig und Zimtbutter."),
    "PST-005": ("Rosinenschnecke", "Vanillecreme und in Rum eingelegte Rosinen."),
    "PST-006": ("Aprikosenplunder", "Aprikosenhälften auf Vanillecreme."),
    "PST-007": ("Morgenschnecke", "Orangenschale und brauner Zucker."),
    "PST-008": ("Käsestange", "Würziger Cheddar und eine Prise Cayennepfeffer."),
    "CAK-001": ("Zitronenkuchen", "Ein ganzer Kastenkuchen, spritzig und saftig."),
    "CAK-002": ("Schokoladentorte", "Für zehn Personen. Dunkel, reichhaltig, kompromisslos."),
    "CAK-003": ("Rüblikuchen, ein Stück", "Frischkäsecreme und Walnüsse."),
    "CAK-004": ("Biskuittorte", "Himbeermarmelade und Vanillecreme."),
    "CAK-005": ("Bananenbrot", "Braune Butter und dunkler Muscovado-Zucker."),
    "CAK-006": ("Brownie", "Saftig, mit knuspriger Oberfläche."),
    "CAK-007": ("Käsekuchen, ein Stück", "Gebacken nach New Yorker Art."),
    "CAK-008": ("Kürbiskuchen", "Im Herbst wieder da."),
    "DRK-001": ("Espressobohnen des Hauses 250 g", "Noten von Schokolade und Haselnuss."),
    "DRK-002": ("Earl-Grey-Tee", "Lose Blätter, mit Bergamotte."),
    "DRK-003": ("Frischer Orangensaft 1 l", "Heute Morgen gepresst."),
    "DRK-004": ("Naturtrüber Apfelsaft 1 l", "Aus einem Obstgarten in Kent."),
    "DRK-005": ("Holunderblütenschorle", "Leicht perlend, nicht zu süß."),
    "DRK-006": ("Trinkschokoladen-Flocken", "Geraspelte 70-%-Schokolade für Milch."),
}

# This one stays in the admin to show what an inactive product looks like.
DEMO_INACTIVE_SKUS = {"CAK-008"}


VEG, VEGAN = ("vegetarian",), ("vegetarian", "vegan")
# sku: (contains, may contain, ingredients, suitable for). A bakery works with wheat, milk,
# eggs, nuts and sesame on the same benches, hence the "may contain" lines.
DEMO_FOOD = {
    "BRD-001": (["gluten"], ["sesame"], "Wheat flour, water, rye flour, salt.", VEGAN),
    "BRD-002": (
        ["gluten"],
        ["sesame", "nuts"],
        "Rye flour, water, wheat flour, sunflower seeds, pumpkin seeds, salt.",
        VEGAN,
    ),
    "BRD-003": (
        ["gluten", "milk"],
        ["sesame", "soya"],
        "Wheat flour, water, milk, butter (milk), sugar, yeast, salt.",
        VEG,
    ),
    "BRD-004": (["gluten"], ["sesame"], "Wholemeal wheat flour, water, yeast, salt.", VEGAN),
    "BRD-005": (["gluten"], ["sesame"], "Wheat flour, water, salt, yeast.", VEGAN),
    "BRD-006": (
        ["gluten"],
        ["sesame"],
        "Wheat flour, water, olive oil, sea salt, rosemary, yeast.",
        VEGAN,
    ),
    "BRD-007": (["gluten"], ["sesame"], "Spelt flour (wheat), water, honey, salt.", VEG),
    "BRD-008": (["gluten"], ["sesame"], "Wheat flour, water, olive oil, salt, yeast.", VEGAN),
    "PST-001": (
        ["gluten", "milk", "eggs"],
        ["nuts", "sesame"],
        "Wheat flour, butter (milk), water, sugar, eggs, yeast, salt.",
        VEG,
    ),
    "PST-002": (
        ["gluten", "milk", "eggs", "soya"],
        ["nuts"],
        "Wheat flour, butter (milk), dark chocolate (cocoa, sugar, soya lecithin), eggs, "
        "sugar, yeast, salt.",
        VEG,
    ),
    "PST-003": (
        ["gluten", "milk", "eggs", "nuts"],
        ["peanuts"],
        "Wheat flour, butter (milk), almonds, sugar, eggs, flaked almonds, yeast, salt.",
        VEG,
    ),
    "PST-004": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Wheat flour, milk, butter (milk), sugar, eggs, cinnamon, cardamom, yeast, salt.",
        VEG,
    ),
    "PST-005": (
        ["gluten", "milk", "eggs", "sulphites"],
        ["nuts"],
        "Wheat flour, butter (milk), raisins (sulphites), custard (milk, eggs, sugar), rum.",
        VEG,
    ),
    "PST-006": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Wheat flour, butter (milk), apricots, custard (milk, eggs, sugar, vanilla).",
        VEG,
    ),
    "PST-007": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Wheat flour, butter (milk), brown sugar, eggs, orange zest, yeast, salt.",
        VEG,
    ),
    "PST-008": (
        ["gluten", "milk", "eggs"],
        ["mustard"],
        "Wheat flour, butter (milk), mature cheddar (milk), egg wash, cayenne.",
        (),
    ),
    "CAK-001": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Wheat flour, sugar, butter (milk), eggs, lemons.",
        VEG,
    ),
    "CAK-002": (
        ["gluten", "milk", "eggs", "soya"],
        ["nuts"],
        "Dark chocolate (cocoa, sugar, soya lecithin), butter (milk), sugar, eggs, wheat "
        "flour, cream (milk).",
        VEG,
    ),
    "CAK-003": (
        ["gluten", "milk", "eggs", "nuts"],
        ["peanuts"],
        "Carrots, wheat flour, sugar, eggs, sunflower oil, walnuts, cream cheese (milk).",
        VEG,
    ),
    "CAK-004": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Wheat flour, butter (milk), sugar, eggs, raspberry jam, cream (milk), vanilla.",
        VEG,
    ),
    "CAK-005": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Bananas, wheat flour, butter (milk), muscovado sugar, eggs.",
        VEG,
    ),
    "CAK-006": (
        ["milk", "eggs", "soya", "gluten"],
        ["nuts", "peanuts"],
        "Dark chocolate (cocoa, sugar, soya lecithin), butter (milk), sugar, eggs, wheat flour.",
        VEG,
    ),
    "CAK-007": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Cream cheese (milk), sugar, eggs, digestive biscuits (wheat), butter (milk).",
        (),
    ),
    "CAK-008": (
        ["gluten", "milk", "eggs"],
        ["nuts"],
        "Pumpkin, wheat flour, butter (milk), eggs, sugar, spices.",
        VEG,
    ),
    "DRK-001": ([], [], "Roasted arabica coffee beans.", VEGAN),
    "DRK-002": ([], [], "Black tea, bergamot oil.", VEGAN),
    "DRK-003": ([], [], "Oranges.", VEGAN),
    "DRK-004": (["sulphites"], [], "Apples, vitamin C.", VEGAN),
    "DRK-005": ([], [], "Water, sugar, elderflower, lemon juice.", VEGAN),
    # Bought in, its supplier's sheet still to come: the demo's "Ask the shop".
    "DRK-006": (None, [], "", ()),
}


def _food(sku: str) -> dict:
    contains, may_contain, ingredients, suitable = DEMO_FOOD[sku]
    return {
        "allergens_contains": None if contains is None else allergen_mask(contains),
        "allergens_may_contain": allergen_mask(may_contain),
        "ingredients": ingredients,
        "suitable_for": suitable_for_mask(suitable),
    }


def seed_catalogue() -> list[str]:
    """Create the demo categories and products; return lines to print."""
    categories = {}
    for position, (slug, name, description) in enumerate(DEMO_CATEGORIES):
        name_de, description_de = DEMO_CATEGORIES_DE[slug]
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name,
                "name_de": name_de,
                "description": description,
                "description_en": description,
                "description_de": description_de,
                "position": position,
            },
        )
    for sku, category_slug, name, price, stock, description in DEMO_PRODUCTS:
        Product.objects.update_or_create(
            sku=sku,
            defaults={
                "category": categories[category_slug],
                "name": name,
                "name_en": name,
                "name_de": DEMO_PRODUCTS_DE[sku][0],
                "slug": slugify(name),
                "description": description,
                "description_en": description,
                "description_de": DEMO_PRODUCTS_DE[sku][1],
                "price": Decimal(price),
                "tax_rate": Decimal("0.0000") if category_slug != "drinks" else Decimal("0.2000"),
                "stock": stock,
                "is_active": sku not in DEMO_INACTIVE_SKUS,
                **_food(sku),
            },
        )
    return [
        f"Catalogue: {len(DEMO_CATEGORIES)} categories, {len(DEMO_PRODUCTS)} products.",
        *seed_options(),
    ]


# sku: [(group, required, [(choice, price change)])]; the products that take a message.
DEMO_OPTIONS = {
    "BRD-001": [("Slicing", True, [("Whole", "0.00"), ("Sliced", "0.00")])],
    "BRD-002": [("Slicing", True, [("Whole", "0.00"), ("Sliced", "0.00")])],
    "CAK-004": [("Size", True, [("6 inch", "0.00"), ("8 inch", "6.00")])],
    "CAK-002": [
        ("Size", True, [("6 inch", "0.00"), ("8 inch", "6.00")]),
        ("Candles", False, [("Number candles", "1.50")]),
    ],
}
DEMO_MESSAGE_SKUS = {"CAK-002", "CAK-004"}


def seed_options() -> list[str]:
    """Give the demo loaves a slicing choice and the celebration cakes a size and a message."""
    products = {p.sku: p for p in Product.objects.filter(sku__in=DEMO_OPTIONS.keys())}
    for sku, groups in DEMO_OPTIONS.items():
        for position, (name, required, choices) in enumerate(groups):
            group, _ = OptionGroup.objects.update_or_create(
                product=products[sku],
                name=name,
                defaults={"required": required, "position": position},
            )
            for choice_position, (choice, change) in enumerate(choices):
                OptionChoice.objects.update_or_create(
                    group=group,
                    name=choice,
                    defaults={"price_change": Decimal(change), "position": choice_position},
                )
    Product.objects.filter(sku__in=DEMO_MESSAGE_SKUS).update(
        allows_message=True, message_max_length=100
    )
    return [
        f"Options: {len(DEMO_OPTIONS)} products with choices, "
        f"{len(DEMO_MESSAGE_SKUS)} take a message."
    ]


# (kind, weekdays, start, end, slot minutes, capacity per slot), in shop time.
DEMO_OPENING_HOURS = [
    ("pickup", range(0, 6), time(8), time(18), 60, 6),
    ("pickup", [6], time(9), time(13), 60, 6),
    ("delivery", range(0, 6), time(10), time(20), 120, 4),
]


def seed_opening_hours() -> list[str]:
    """Give each kind without opening hours the demo weekly pattern, then create the coming
    days' slots from the opening hours; return lines to print."""
    patterned = set(OpeningHours.objects.values_list("kind", flat=True))
    rows = [
        OpeningHours(
            kind=kind,
            weekday=weekday,
            start=start,
            end=end,
            slot_minutes=minutes,
            capacity=capacity,
        )
        for kind, weekdays, start, end, minutes, capacity in DEMO_OPENING_HOURS
        if kind not in patterned
        for weekday in weekdays
    ]
    OpeningHours.objects.bulk_create(rows)
    created = slots_generate()
    return [
        f"Opening hours: {len(rows)} new rows; slots: {created} new, "
        f"for the next {settings.SLOT_HORIZON_DAYS} days."
    ]


# Two zones around the demo shop (EC1A, in the City of London): the centre free over £40,
# a ring further out at a higher fee and with a minimum order. (name, rules, fee,
# minimum, free over)
DEMO_DELIVERY_ZONES = [
    ("Central London", ["EC", "WC", "E1", "N1", ("N1 9GU", False)], "2.50", "10.00", "40.00"),
    ("Inner London", ["E2-E9", "N4-N7", "SE1", "SW1", "W1"], "4.95", "20.00", None),
]


def seed_delivery_zones() -> list[str]:
    """The demo delivery zones, unless the shop has zones already (a manager's are kept)."""
    if DeliveryZone.objects.exists():
        return ["Delivery zones: kept the existing ones."]
    for name, rules, fee, minimum, free_over in DEMO_DELIVERY_ZONES:
        delivery_zone_create(
            name=name,
            country="GB",
            rules=[
                {"pattern": rule, "include": True}
                if isinstance(rule, str)
                else {"pattern": rule[0], "include": rule[1]}
                for rule in rules
            ],
            fee=Decimal(fee),
            minimum_order=Decimal(minimum),
            free_delivery_over=Decimal(free_over) if free_over else None,
        )
    return [f"Delivery zones: {len(DEMO_DELIVERY_ZONES)} (try postcode EC1A 1BB or E5 8AA)."]
