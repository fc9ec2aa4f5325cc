"""Each order line stores its discount, net, tax and gross; orders their delivery tax and mode.

Orders placed before this migration were priced with tax added on top and the coupon not
reducing the tax. They keep exactly the figures they were placed with: the order's stored
discount and tax are spread over its lines (in cents that add up, largest remainder), the
discount by line amount and the tax by line amount x rate, so that each line's
net + tax = gross and the lines add up to the order's subtotal, discount, tax and total.
"""

from decimal import ROUND_DOWN, Decimal

from django.db import migrations, models

CENT = Decimal("0.01")


def _allocate(amount, weights):
    """Split amount into cents by weights, adding up exactly (a frozen copy of the rule in
    orders/pricing.py, so later edits there cannot change this migration)."""
    cents = int(amount / CENT)
    total_weight = sum(weights, Decimal(0))
    if total_weight == 0:
        return [amount] + [Decimal("0.00")] * (len(weights) - 1)
    exact = [Decimal(cents) * w / total_weight for w in weights]
    shares = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    missing = cents - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))[:missing]:
        shares[i] += 1
    return [Decimal(share) * CENT for share in shares]


def backfill_lines(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    orders = Order.objects.prefetch_related(
        models.Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    ).order_by("pk")
    for order in orders.iterator(chunk_size=500):
        lines = list(order.lines.all())
        if not lines:
            continue
        discounts = _allocate(order.discount, [line.line_total for line in lines])
        taxes = _allocate(order.tax, [line.line_total * line.tax_rate for line in lines])
        for line, discount, tax in zip(lines, discounts, taxes, strict=True):
            line.discount = discount
            line.net = line.line_total - discount
            line.tax = tax
            line.gross = line.net + tax
        OrderLine.objects.bulk_update(lines, ["discount", "net", "tax", "gross"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_payments_and_refunds"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="delivery_tax",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="The tax in (or on) the delivery fee; part of tax.",
                max_digits=10,
            ),
        ),
        # Orders placed so far had tax added on top; new ones follow PRICES_INCLUDE_TAX.
        migrations.AddField(
            model_name="order",
            name="prices_include_tax",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="order",
            name="prices_include_tax",
            field=models.BooleanField(
                default=True,
                help_text="Placed with tax-inclusive prices (incl. VAT) or with tax added on top.",
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="total",
            field=models.DecimalField(
                decimal_places=2,
                help_text="What the customer pays, tax and fee included.",
                max_digits=10,
            ),
        ),
        migrations.AlterField(
            model_name="orderline",
            name="line_total",
            field=models.DecimalField(
                decimal_places=2,
                help_text="Unit price x quantity, before the discount.",
                max_digits=10,
            ),
        ),
        migrations.AddField(
            model_name="orderline",
            name="discount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="This line's share of the coupon.",
                max_digits=10,
            ),
        ),
        migrations.AddField(
            model_name="orderline",
            name="net",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="After the discount.",
                max_digits=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="orderline",
            name="tax",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="orderline",
            name="gross",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="What the customer pays for this line.",
                max_digits=10,
            ),
            preserve_default=False,
        ),
        # Before the backfill: the zeros of existing rows already satisfy them.
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(
                condition=models.Q(("gross__gte", 0), ("net__gte", 0), ("tax__gte", 0)),
                name="order_line_amounts_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(
                condition=models.Q(("discount__gte", 0), ("discount__lte", models.F("line_total"))),
                name="order_line_discount_within_line_total",
            ),
        ),
        migrations.RunPython(backfill_lines, migrations.RunPython.noop, elidable=True),
    ]
