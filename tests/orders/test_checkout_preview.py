"""The coupon is seen before payment: checkout previews it (page and API), and the discount
line is on every page and email that shows the total."""

from decimal import Decimal

import pytest

from notifications.models import Notification
from orders.models import Coupon, Order
from tests.factories import (
    CartFactory,
    CartLineFactory,
    CouponFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.payment_helpers import start_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    user = UserFactory()
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=ProductFactory(price=Decimal("6.00"), stock=9), quantity=3)
    CouponFactory(code="WELCOME10", kind="percent", value=Decimal("10"), max_uses=5)
    SlotFactory(kind="pickup")
    client.force_login(user)
    return user


def test_the_checkout_page_previews_the_coupon_in_the_totals(client, customer):
    applied = client.post(
        "/checkout/", {"coupon": "welcome10", "address": "pickup", "preview": "coupon"}, follow=True
    )

    page = applied.content.decode()
    assert "Coupon WELCOME10" in page
    assert "\u2212£1.80" in page
    assert "£16.20" in page  # £18.00 of goods less 10%, for pickup
    assert not Order.objects.exists()
    assert Coupon.objects.get().uses == 0


def test_the_checkout_page_says_why_a_coupon_would_be_refused(client, customer):
    page = client.post(
        "/checkout/", {"coupon": "NOPE", "address": "pickup", "preview": "coupon"}, follow=True
    ).content.decode()

    assert "The coupon NOPE does not exist." in page
    assert "£18.00" in page
    assert not Order.objects.exists()


def test_the_api_previews_the_coupon_and_the_delivery_fee(client, customer, settings):
    settings.DELIVERY_FEE = Decimal("4.50")

    delivery = client.get("/api/v1/checkout/preview/", {"kind": "delivery", "coupon": "WELCOME10"})
    pickup = client.get("/api/v1/checkout/preview/", {"kind": "pickup"})

    assert delivery.status_code == 200, delivery.content
    assert delivery.json() | {"tax": None} == {
        "kind": "delivery",
        "coupon": "WELCOME10",
        "subtotal": "18.00",
        "discount": "1.80",
        "delivery_fee": "4.50",
        "deliverable": None,
        "zone": None,
        "tax": None,
        "total": "20.70",
        "prices_include_tax": True,
        "currency": "GBP",
    }
    assert (pickup.json()["discount"], pickup.json()["total"]) == ("0.00", "18.00")
    assert Coupon.objects.get().uses == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [({"kind": "pickup", "coupon": "NOPE"}, "coupon"), ({"kind": "boat"}, "kind"), ({}, "kind")],
)
def test_the_api_preview_refuses_bad_input_naming_the_field(client, customer, query, field):
    response = client.get("/api/v1/checkout/preview/", query)

    assert response.status_code == 400
    assert response.json()["field"] == field


@pytest.fixture
def discounted(customer):
    order = place_order(
        user=customer, products=[], slot=SlotFactory(kind="pickup"), coupon_code="WELCOME10"
    )
    return order


def test_the_payment_page_shows_the_discount_line(client, discounted):
    payment = start_payment(discounted)

    page = client.get(f"/payments/sandbox/{payment.reference}/").content.decode()

    assert "Subtotal" in page and "£18.00" in page
    assert "Coupon WELCOME10" in page and "\u2212£1.80" in page
    assert "Pay £16.20" in page


def test_the_order_page_shows_the_discount_and_no_delivery_row_for_pickup(client, discounted):
    page = client.get(f"/orders/{discounted.number}/").content.decode()

    assert "Coupon WELCOME10" in page and "\u2212£1.80" in page
    assert "Delivery</th>" not in page


def test_the_order_email_names_the_discount(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(user=customer, products=[], coupon_code="WELCOME10")

    placed = Notification.objects.get(recipient=order.user, title__contains="is placed")
    assert "£16.20 incl." in placed.body
    assert "(£1.80 off with coupon WELCOME10)" in placed.body
    assert any("£1.80 off with coupon WELCOME10" in mail.body for mail in mailoutbox)
