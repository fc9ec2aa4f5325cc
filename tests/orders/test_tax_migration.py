"""Orders placed before tax per line keep their figures: the migration fills the lines; the
database refuses impossible lines."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from orders.models import OrderLine
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orders.migrations.0004_order_line_tax_amounts")


def _old_line(order, *, price, rate, quantity):
    """A line as checkout wrote it before: no discount, net, tax or gross of its own."""
    return OrderLine.objects.create(
        order=order,
        product_name="Old",
        sku="OLD",
        unit_price=Decimal(price),
        tax_rate=Decimal(rate),
        quantity=quantity,
        line_total=Decimal(price) * quantity,
        net=Decimal(0),
        tax=Decimal(0),
        gross=Decimal(0),
    )


def test_existing_orders_keep_their_figures_spread_over_their_lines():
    # The old rules: 3 x 3.33 at 20% and 1.05 at 5%, subtotal 11.04; tax on the full
    # price, 1.998 + 0.0525 = 2.0505 -> 2.05; a fixed 1.00 coupon; delivery 4.50;
    # total 11.04 + 2.05 + 4.50 - 1.00 = 16.59.
    order = OrderFactory(
        subtotal=Decimal("11.04"),
        tax=Decimal("2.05"),
        discount=Decimal("1.00"),
        delivery_fee=Decimal("4.50"),
        total=Decimal("16.59"),
    )
    _old_line(order, price="3.33", rate="0.2", quantity=3)
    _old_line(order, price="1.05", rate="0.05", quantity=1)
    other = OrderFactory()  # an order without lines is left alone

    migration.backfill_lines(apps, None)

    lines = list(order.lines.values_list("discount", "net", "tax", "gross"))
    # The coupon by amount: 9.99 and 1.05 of 11.04 -> 0.9049 and 0.0951 -> 0.90 + 0.10.
    # The tax by amount x rate: 205 cents x 1.998 / 2.0505 = 199.75 and 5.25 -> 2.00 + 0.05.
    assert lines == [
        (Decimal("0.90"), Decimal("9.09"), Decimal("2.00"), Decimal("11.09")),
        (Decimal("0.10"), Decimal("0.95"), Decimal("0.05"), Decimal("1.00")),
    ]
    order.refresh_from_db()
    assert (order.subtotal, order.tax, order.discount, order.total) == (
        Decimal("11.04"),
        Decimal("2.05"),
        Decimal("1.00"),
        Decimal("16.59"),
    )
    assert sum(line[3] for line in lines) + order.delivery_fee == order.total
    assert sum(line[2] for line in lines) == order.tax
    assert not other.lines.exists()


def test_running_the_backfill_twice_changes_nothing():
    order = OrderFactory(
        subtotal=Decimal("10.00"),
        tax=Decimal("2.00"),
        discount=Decimal("0"),
        total=Decimal("16.50"),
    )
    _old_line(order, price="5.00", rate="0.2", quantity=2)
    migration.backfill_lines(apps, None)
    first = list(order.lines.values_list("discount", "net", "tax", "gross"))
    migration.backfill_lines(apps, None)
    assert (
        list(order.lines.values_list("discount", "net", "tax", "gross"))
        == first
        == [(Decimal("0.00"), Decimal("10.00"), Decimal("2.00"), Decimal("12.00"))]
    )


def test_the_database_refuses_a_negative_line_or_a_discount_bigger_than_its_line():
    order = OrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order,
            product_name="Bad",
            sku="BAD",
            unit_price=Decimal("5.00"),
            tax_rate=Decimal("0.2"),
            quantity=1,
            line_total=Decimal("5.00"),
            net=Decimal("5.00"),
            tax=Decimal("-1.00"),
            gross=Decimal("4.00"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order,
            product_name="Bad",
            sku="BAD",
            unit_price=Decimal("5.00"),
            tax_rate=Decimal("0"),
            quantity=1,
            line_total=Decimal("5.00"),
            discount=Decimal("6.00"),
            net=Decimal("0.00"),
            tax=Decimal("0.00"),
            gross=Decimal("0.00"),
        )
    assert not order.lines.exists()
