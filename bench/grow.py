"""Grow the demo data to a size where a query that grows with the rows would show.

Adds 2,000 products, fills the demo customer's cart with 15 lines and gives the
customer 300 past orders of 3 lines each. Safe to run again: what exists stays.
"""

import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from orders.models import (  # noqa: E402
    Cart,
    CartLine,
    Category,
    Order,
    OrderLine,
    Product,
    Slot,
)

PRODUCTS = 2000
CART_LINES = 15
ORDERS = 300
WORDS = ["rye", "spelt", "seeded", "honey", "walnut", "olive", "malted", "oat", "fig", "cocoa"]


@transaction.atomic
def grow() -> None:
    categories = list(Category.objects.all())
    existing = Product.objects.filter(sku__startswith="BENCH-").count()
    Product.objects.bulk_create(
        Product(
            category=categories[n % len(categories)],
            sku=f"BENCH-{n:05d}",
            name=f"{WORDS[n % len(WORDS)].title()} {WORDS[n // 10 % len(WORDS)]} bread {n}",
            slug=f"bench-{n:05d}",
            description="A loaf made for the load run.",
            price=Decimal("1.00") + Decimal(n % 400) / 100,
            stock=1000,
        )
        for n in range(existing, PRODUCTS)
    )

    customer = User.objects.get(email="customer@orderly.local")
    cart, _ = Cart.objects.get_or_create(user=customer)
    products = list(Product.objects.filter(sku__startswith="BENCH-").order_by("pk")[:CART_LINES])
    CartLine.objects.bulk_create(
        [CartLine(cart=cart, product=product, quantity=2) for product in products],
        ignore_conflicts=True,
    )

    slot = Slot.objects.filter(kind=Slot.Kind.PICKUP).order_by("-starts_at").first()
    placed = Order.objects.filter(user=customer, number__startswith="ORD-BENCH-").count()
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            number=f"ORD-BENCH-{n:06d}",
            user=customer,
            status=Order.Status.COMPLETED,
            kind=slot.kind,
            slot=slot,
            contact_email=customer.email,
            subtotal=Decimal("7.50"),
            tax=Decimal("1.50"),
            delivery_fee=Decimal("0.00"),
            total=Decimal("9.00"),
            prices_include_tax=False,
            currency="GBP",
            placed_at=now - timedelta(hours=n + 1),
        )
        for n in range(placed, ORDERS)
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=product,
            product_name=product.name,
            sku=product.sku,
            unit_price=Decimal("2.50"),
            tax_rate=Decimal("0.2000"),
            quantity=1,
            line_total=Decimal("2.50"),
            net=Decimal("2.50"),
            tax=Decimal("0.50"),
            gross=Decimal("3.00"),
        )
        for order in orders
        for product in products[:3]
    )


if __name__ == "__main__":
    grow()
    print(
        f"bench data: {Product.objects.count()} products, "
        f"{Order.objects.filter(number__startswith='ORD-BENCH-').count()} bench orders"
    )
