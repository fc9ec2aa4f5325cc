"""Demo catalogue, opening hours and slots (`manage.py seed_demo`), each function is idempotent."""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.utils.text import slugify

from orders.models import Category, DeliveryZone, OpeningHours, Product
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

# This one stays in the admin to show what an inactive product looks like.
DEMO_INACTIVE_SKUS = {"CAK-008"}


def seed_catalogue() -> list[str]:
    """Create the demo categories and products; return lines to print."""
    categories = {}
    for position, (slug, name, description) in enumerate(DEMO_CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for sku, category_slug, name, price, stock, description in DEMO_PRODUCTS:
        Product.objects.update_or_create(
            sku=sku,
            defaults={
                "category": categories[category_slug],
                "name": name,
                "slug": slugify(name),
                "description": description,
                "price": Decimal(price),
                "tax_rate": Decimal("0.0000") if category_slug != "drinks" else Decimal("0.2000"),
                "stock": stock,
                "is_active": sku not in DEMO_INACTIVE_SKUS,
            },
        )
    return [f"Catalogue: {len(DEMO_CATEGORIES)} categories, {len(DEMO_PRODUCTS)} products."]


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
