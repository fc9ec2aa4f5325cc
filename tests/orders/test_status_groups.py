"""The status groups of orders.states, shared by the dashboard, the daily report and its CSV."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from notifications.services import daily_report_csv
from orders.models import Order
from orders.services.payments import refund_run
from orders.services.refunds import order_refund
from orders.services.transitions import order_cancel
from orders.states import SOLD
from tests.factories import ProductFactory, place_order
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db


def _paid(price: str) -> Order:
    """An order paid through the sandbox's webhook, as a customer pays."""
    order = place_order(products=[ProductFactory(price=Decimal(price))])
    payment = start_payment(order)
    assert post_sandbox_webhook(Client(), sandbox_body(payment)).status_code == 200
    return Order.objects.get(pk=order.pk)


def test_paid_cancelled_and_refunded_orders_give_one_figure_in_report_csv_and_dashboard(client):
    """Before the groups were shared, the report counted the cancelled order as a sale."""
    manager = role_member("manager")
    kept = _paid("4.00")
    cancelled = _paid("7.00")
    order_cancel(order=cancelled, by=manager, note="Out of flour.")
    refunded = _paid("9.00")
    for refund in order_refund(order=refunded, by=manager):
        refund_run(refund_id=refund.pk)
    place_order()  # unpaid: never a sale
    today = timezone.localdate()

    csv_text, count, total = daily_report_csv(day=today)
    client.force_login(manager)
    today_sales = client.get("/staff/dashboard/").context["today_sales"]

    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    assert cancelled.number not in csv_text
    assert kept.number in csv_text
    assert (count, total) == (today_sales.orders, today_sales.total)
    assert (len(rows) - 2, Decimal(rows[-1][8]) - Decimal(rows[-1][9])) == (count, total)
    sold = Order.objects.filter(status__in=SOLD)
    assert count == sold.count() and total == sum(o.total - o.refunded for o in sold)
    assert kept in sold and refunded not in sold  # a full refund ends the order
