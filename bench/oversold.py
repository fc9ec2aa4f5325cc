"""After the checkout runs: units sold beyond the stock (must be 0). Every product started
with 1,000,000 units; what was sold and what is left must add up to that. Prints JSON."""

import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db.models import Sum  # noqa: E402

from orders.models import Order, OrderLine, Product  # noqa: E402

STARTING_STOCK = 1_000_000
sold = dict(
    OrderLine.objects.exclude(order__status__in=[Order.Status.CANCELLED, Order.Status.EXPIRED])
    .values("product_id")
    .annotate(units=Sum("quantity"))
    .values_list("product_id", "units")
)
left = dict(Product.objects.filter(pk__in=sold).values_list("pk", "stock"))
print(
    json.dumps(
        {
            "orders_placed": Order.objects.exclude(number__startswith="ORD-PAST-").count(),
            "units_sold": sum(sold.values()),
            "oversold_units": sum(max(0, sold[pk] + left[pk] - STARTING_STOCK) for pk in sold),
            "products_whose_stock_does_not_add_up": sum(
                1 for pk in sold if sold[pk] + left[pk] != STARTING_STOCK
            ),
        }
    )
)
