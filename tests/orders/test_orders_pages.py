"""The checkout page, order history and the order page, with JavaScript off (plain posts)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import CartLine, Order, Payment, Product, Slot
from orders.services.transitions import order_transition
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)

pytestmark = pytest.mark.django_db

S = Order.Status


@pytest.fixture
def customer(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def cart(customer):
    cart = CartFactory(user=customer)
    CartLineFactory(
        cart=cart, product=ProductFactory(name="Seeded rye", price=Decimal("5.20")), quantity=2
    )
    return cart


def _token(response) -> str:
    return re.search(rb'name="token" value="([0-9a-f]+)"', response.content).group(1).decode()


def test_checkout_page_shows_cart_slots_by_day_addresses_and_totals(client, customer, cart):
    AddressFactory(user=customer, label="Home", line1="1 Bakery Lane")
    SlotFactory(kind="pickup")
    full = SlotFactory(kind="delivery", capacity=1)
    Slot.objects.filter(pk=full.pk).update(reserved=1)

    response = client.get("/checkout/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 \u00d7 Seeded rye" in html
    assert "Deliver to Home" in html
    assert "1 Bakery Lane" in html
    assert 'href="?kind=pickup"' in html
    assert ">Full<" in html
    assert "Prices incl. VAT." in html
    assert "£10.40" in html  # subtotal, VAT in it
    assert "£14.90" in html  # 10.40 + 4.50 delivery
    assert 'Includes VAT</th><td class="num muted">£1.73<' in html  # 10.40 x 0.2 / 1.2
    assert 'name="token"' in html
    assert "Place order" in html
    pickup = client.get("/checkout/?kind=pickup").content.decode()
    assert "pick it up in the shop" in pickup
    assert "£10.40" in pickup and "£14.90" not in pickup  # no delivery fee


def test_checkout_page_adds_tax_on_top_when_prices_exclude_it(client, customer, cart, settings):
    settings.PRICES_INCLUDE_TAX = False
    AddressFactory(user=customer)
    SlotFactory(kind="delivery")

    html = client.get("/checkout/").content.decode()

    assert "Prices plus VAT." in html
    assert '<th scope="row">VAT</th><td class="num">£2.08<' in html  # 10.40 x 0.2
    assert "£16.98" in html  # 10.40 + 2.08 VAT + 4.50 delivery
    assert "Includes VAT" not in html


def test_checkout_needs_signing_in(client):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_guest_sent_to_sign_in_from_checkout_is_told_why_and_keeps_the_cart(client):
    product = ProductFactory(name="Seeded rye")
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})

    response = client.get("/checkout/", follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/checkout/")
    assert "Please sign in or create an account to check out" in page
    assert "your cart is kept for you" in page
    assert "Seeded rye" in client.get("/cart/").content.decode()


def test_an_unverified_customer_is_told_to_verify_and_cannot_place(client, cart, customer):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=customer).update(verified=False)
    slot = SlotFactory(kind="pickup")
    page = client.get("/checkout/")
    assert b"verify your email address" in page.content
    assert b'href="/accounts/email/"' in page.content

    response = client.post(
        "/checkout/", {"token": _token(page), "slot": slot.pk, "address": "pickup"}, follow=True
    )
    assert b"verify your email address" in response.content
    assert not Order.objects.exists()


def test_checking_out_on_the_page_places_the_order_and_shows_it(client, cart):
    slot = SlotFactory(kind="pickup")
    token = _token(client.get("/checkout/"))

    response = client.post("/checkout/", {"token": token, "slot": slot.pk, "address": "pickup"})

    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/payments/sandbox/{payment.reference}/?link=")
    page = client.get(response["Location"]).content.decode()
    assert f"Order {order.number}" in page
    assert "is placed" in page
    assert f"Pay £{order.total}" in page
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not CartLine.objects.exists()


def test_a_double_submitted_checkout_form_places_one_order_and_starts_one_payment(client, cart):
    slot = SlotFactory(kind="pickup")
    form = {"token": _token(client.get("/checkout/")), "slot": slot.pk, "address": "pickup"}

    first = client.post("/checkout/", form)
    replays = [client.post("/checkout/", form) for _ in range(3)]

    assert Order.objects.count() == 1
    payment = Payment.objects.get(order=Order.objects.get())
    assert first["Location"].startswith(f"/payments/sandbox/{payment.reference}/?link=")
    assert {replay["Location"].split("?")[0] for replay in replays} == {
        first["Location"].split("?")[0]
    }
    assert Product.objects.get().stock == 48
    assert Slot.objects.get().reserved == 1


def test_a_refused_checkout_shows_why_and_changes_nothing(client, cart):
    slot = SlotFactory(kind="pickup")
    Product.objects.update(stock=1)
    form = {"token": _token(client.get("/checkout/")), "slot": slot.pk, "address": "pickup"}

    response = client.post("/checkout/", form, follow=True)

    assert response.redirect_chain[-1][0] == "/checkout/"
    assert "Seeded rye: only 1 left." in response.content.decode()
    assert not Order.objects.exists()
    assert CartLine.objects.get().quantity == 2
    assert Slot.objects.get().reserved == 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"address": "pickup"}, "Choose a slot."),
        ({"slot": "1"}, "Choose a delivery address, or pickup."),
        ({"slot": "1", "address": "../etc"}, "Choose a delivery address, or pickup."),
    ],
)
def test_an_incomplete_checkout_form_is_answered_with_a_message(client, cart, form, message):
    form = {"token": "abc", **form}
    response = client.post("/checkout/", form, follow=True)
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_page_with_an_empty_cart_says_so(client, customer):
    response = client.get("/checkout/")
    assert b"Your cart is empty" in response.content
    assert b"Place order" not in response.content


def test_order_history_lists_my_orders_only(client, customer):
    mine = place_order(user=customer)
    other = place_order()
    html = client.get("/orders/").content.decode()
    assert mine.number in html
    assert other.number not in html


def test_order_page_shows_lines_totals_timeline_and_a_cancel_button(client, customer):
    order = place_order(user=customer, products=[ProductFactory(name="Baguette")])
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert "Baguette" in html
    assert "Timeline" in html
    assert "Order placed" in html
    assert "Cancel this order" in html


def test_no_cancel_button_when_cancelling_is_not_allowed(client, customer):
    order = order_transition(order=place_order(user=customer), to=S.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert "Cancel this order" not in html


def test_the_cancel_button_asks_first_and_changes_nothing_until_confirmed(client, customer):
    order = order_transition(order=place_order(user=customer), to=S.PAID, by=None)

    page = client.get(f"/orders/{order.number}/cancel/")

    assert page.status_code == 200
    html = page.content.decode()
    assert f"Order {order.number} will be cancelled" in html
    assert f"Your payment of £{order.total} will be refunded in full." in html
    assert 'method="post"' in html
    order.refresh_from_db()
    assert order.status == S.PAID


def test_both_cancel_pages_lead_back_to_the_customers_order_page(client, customer):
    order = place_order(user=customer)
    asking = client.get(f"/orders/{order.number}/cancel/").content.decode()
    assert f'href="/orders/{order.number}/">No, keep it' in asking

    order = order_transition(order=order, to=S.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
    refused = client.get(f"/orders/{order.number}/cancel/").content.decode()
    assert f'href="/orders/{order.number}/">Back to the order' in refused


def test_cancelling_on_the_page_gives_stock_back_and_shows_the_timeline(client, customer):
    product = ProductFactory(stock=5)
    order = place_order(user=customer, products=[product], quantity=2)
    response = client.post(f"/orders/{order.number}/cancel/", follow=True)
    html = response.content.decode()
    assert f"Order {order.number} is cancelled." in html
    assert "Cancelled" in html
    assert Product.objects.get(pk=product.pk).stock == 5


def test_a_refused_cancel_on_the_page_is_a_message(client, customer):
    order = order_transition(order=place_order(user=customer), to=S.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
    response = client.post(f"/orders/{order.number}/cancel/", follow=True)
    assert "can be cancelled within 24 hours" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == S.PAID


def test_the_cancel_page_shows_the_reason_instead_of_promising_a_refund(client, customer):
    order = place_order(user=customer, slot=SlotFactory(kind="delivery"))
    for status in (S.PAID, S.PREPARING, S.OUT_FOR_DELIVERY):
        order = order_transition(order=order, to=status, by=None)

    page = client.get(f"/orders/{order.number}/cancel/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "This order cannot be cancelled" in html
    assert "This order is on its way: please contact the shop." in html
    assert "refunded" not in html
    assert 'method="post"' not in html.split("<main")[1].split("</main>")[0]


def test_another_customers_order_page_and_cancel_are_404(client, customer):
    order = place_order()
    assert client.get(f"/orders/{order.number}/").status_code == 404
    assert client.post(f"/orders/{order.number}/cancel/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == S.PENDING_PAYMENT


def test_signed_in_customers_see_an_orders_link(client, customer):
    assert b'href="/orders/"' in client.get("/").content


def _pickup_at(days, hour, **kwargs):
    day = timezone.localdate() + timedelta(days=days)
    return SlotFactory(
        kind="pickup", starts_at=timezone.make_aware(datetime.combine(day, time(hour))), **kwargs
    )


def test_the_slot_picker_shows_one_days_slots_of_the_chosen_kind(client, cart):
    first = _pickup_at(1, 9)
    later = _pickup_at(3, 11)
    SlotFactory(kind="delivery", starts_at=first.starts_at)

    html = client.get("/checkout/?kind=pickup").content.decode()
    assert f'value="{first.pk}"' in html and f'value="{later.pk}"' not in html
    assert "Tomorrow" in html
    assert "shop time (Europe/London)" in html
    day = timezone.localtime(later.starts_at).date().isoformat()
    assert f"day={day}" in html

    other_day = client.get(f"/checkout/?kind=pickup&day={day}").content.decode()
    assert f'value="{later.pk}"' in other_day and f'value="{first.pk}"' not in other_day
    # A day that is not offered shows the first day instead of an error.
    assert (
        f'value="{first.pk}"'
        in client.get("/checkout/?kind=pickup&day=9999-99-99").content.decode()
    )


def test_the_checkout_page_hides_slots_past_their_cut_off(client, cart):
    closed = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(minutes=59))
    still_open = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(minutes=70))

    html = client.get("/checkout/?kind=pickup").content.decode()

    assert f'value="{still_open.pk}"' in html
    assert f'value="{closed.pk}"' not in html
    assert "Booking closes 60 minutes before a slot starts" in html


def test_a_slot_past_its_cut_off_is_refused_and_the_choices_survive(client, cart):
    slot = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(minutes=70))
    page = client.get("/checkout/?kind=pickup")
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    SlotFactory(kind="pickup", starts_at=slot.starts_at + timedelta(days=1))
    form = {"token": _token(page), "slot": slot.pk, "address": "pickup", "coupon": "SPRING"}

    response = client.post("/checkout/", form, follow=True, HTTP_REFERER="/checkout/?kind=pickup")

    html = response.content.decode()
    assert "orders close 60 minutes before a slot starts" in html
    assert not Order.objects.exists()
    assert 'value="SPRING"' in html
    assert 'name="address" value="pickup" checked' in html


def test_delivery_without_an_address_links_to_adding_one_and_back(client, cart, customer):
    SlotFactory(kind="delivery")
    html = client.get("/checkout/?kind=delivery").content.decode()
    assert "Delivery needs an address." in html
    assert 'href="/account/addresses/new/?next=/checkout/%3Fkind%3Ddelivery"' in html

    response = client.post(
        "/account/addresses/new/",
        {
            "label": "Home",
            "recipient": "Ada",
            "line1": "1 Bakery Lane",
            "city": "London",
            "postcode": "N1 1AA",
            "country": "GB",
            "next": "/checkout/?kind=delivery",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/checkout/?kind=delivery"
    assert "Deliver to Home" in client.get(response["Location"]).content.decode()
