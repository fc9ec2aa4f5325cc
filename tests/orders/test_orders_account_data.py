"""A customer's orders in their data export, and what account deletion leaves on them."""

import json

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import user_delete, user_export
from orders.models import Order
from orders.services.transitions import order_transition
from tests.accounts.helpers import app_login
from tests.factories import (
    PASSWORD,
    CartFactory,
    CartLineFactory,
    OptionChoiceFactory,
    OptionGroupFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)

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


def test_the_data_export_carries_each_lines_options_and_message():
    user = UserFactory()
    cake = ProductFactory(name="Sponge cake", allows_message=True)
    size = OptionChoiceFactory(group=OptionGroupFactory(product=cake, name="Size"), name="Large")
    CartLineFactory(
        cart=CartFactory(user=user), product=cake, choices_key=str(size.pk), message="Happy 7th"
    )
    place_order(user=user, products=[ProductFactory(name="Bun")])

    lines = user_export(user=user)["orders"][0]["lines"]

    cake_line, bun_line = lines
    assert cake_line["product_name"] == "Sponge cake"
    assert [(o["group"], o["choice"]) for o in cake_line["options"]] == [("Size", "Large")]
    assert cake_line["message"] == "Happy 7th"
    assert (bun_line["options"], bun_line["message"]) == ([], "")


def test_deleting_the_account_keeps_the_orders_without_personal_data():
    order = place_order(slot=SlotFactory(kind="delivery"))
    assert order.contact_email
    order_transition(order=order, to=Order.Status.CANCELLED, by=order.user)

    user_delete(user=order.user, password=PASSWORD)

    order = Order.objects.get(pk=order.pk)
    assert (order.delivery_address, order.contact_name, order.contact_email) == ("", "", "")
    assert order.contact_phone == ""
    assert order.total > 0
    assert order.lines.count() == 1


@pytest.fixture
def busy_customer():
    """A paid pickup and a delivery out for delivery, and a completed order."""
    pickup = order_transition(order=place_order(), to=Order.Status.PAID, by=None)
    user = pickup.user
    delivery = place_order(user=user, slot=SlotFactory(kind="delivery"))
    for status in (Order.Status.PAID, Order.Status.PREPARING, Order.Status.OUT_FOR_DELIVERY):
        delivery = order_transition(order=delivery, to=status, by=None)
    done = place_order(user=user)
    order_transition(order=done, to=Order.Status.CANCELLED, by=user)
    return user, [pickup, delivery], done


def test_an_account_with_live_orders_is_not_deleted_and_is_told_which(busy_customer, client):
    user, live, done = busy_customer
    token = app_login(Client(), user.email, PASSWORD)

    response = Client().delete(
        "/api/v1/me/",
        {"password": PASSWORD},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "account_in_use"
    for order in live:
        assert order.number in body["detail"]
    assert done.number not in body["detail"]
    assert "Cancel each one on its page" in body["detail"]
    user.refresh_from_db()
    assert user.is_active
    for order in live:
        order.refresh_from_db()
        assert order.contact_email == user.email


def test_the_delete_page_names_the_live_orders_instead_of_asking(busy_customer, client):
    user, live, _ = busy_customer
    client.force_login(user)

    page = client.get("/account/delete/").content.decode()
    posted = client.post("/account/delete/", {"password": PASSWORD})

    assert live[1].number in page and "orders in progress" in page
    assert "Delete my account</button>" not in page
    assert posted.status_code == 200
    assert User.objects.get(pk=user.pk).is_active
