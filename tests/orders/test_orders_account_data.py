"""A customer's orders in their data export, and what account deletion leaves on them."""

import json

import pytest

from accounts.services import user_delete, user_export
from orders.models import Order
from tests.factories import PASSWORD, ProductFactory, SlotFactory, place_order

pytestmark = pytest.mark.django_db


def test_the_data_export_carries_the_customers_orders_as_json():
    order = place_order(slot=SlotFactory(kind="delivery"), products=[ProductFactory(name="Rye")])
    place_order()  # someone else's

    data = user_export(user=order.user)

    json.dumps(data)
    assert [o["number"] for o in data["orders"]] == [order.number]
    exported = data["orders"][0]
    assert exported["total"] == str(order.total)
    assert exported["delivery_address"] == order.delivery_address != ""
    assert exported["lines"][0]["product_name"] == "Rye"
    line = order.lines.get()
    assert exported["prices_include_tax"] is True
    assert [exported["lines"][0][k] for k in ("discount", "net", "tax", "gross")] == [
        str(line.discount),
        str(line.net),
        str(line.tax),
        str(line.gross),
    ]
    assert exported["events"][0]["to_status"] == "pending_payment"


def test_deleting_the_account_keeps_the_orders_without_personal_data():
    order = place_order(slot=SlotFactory(kind="delivery"))
    assert order.contact_email

    user_delete(user=order.user, password=PASSWORD)

    order = Order.objects.get(pk=order.pk)
    assert (order.delivery_address, order.contact_name, order.contact_email) == ("", "", "")
    assert order.contact_phone == ""
    assert order.total > 0
    assert order.lines.count() == 1
