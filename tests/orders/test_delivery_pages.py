"""Delivery areas in the browser: the box without JavaScript and with htmx, the cart's fee
line, checkout greying out the addresses not delivered to, and the managers' admin."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from orders.models import DeliveryZone, Order
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    delivery_zone,
    place_order,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def zones():
    delivery_zone(
        "E1",
        name="Inner East",
        fee=Decimal("2.50"),
        minimum_order=Decimal("10.00"),
        free_delivery_over=Decimal("40.00"),
    )


def _form_action(html: str) -> str:
    form = re.search(r'<form method="get" action="([^"]+)" class="delivery-form"', html)
    assert form, "the box's form is missing"
    return form.group(1)


@pytest.mark.parametrize("page", ["/", "/cart/"])
def test_the_box_on_the_catalogue_and_cart_works_without_javascript(client, zones, page):
    html = client.get(page).content.decode()
    assert "Do you deliver to me?" in html
    action = _form_action(html)
    assert 'name="postcode"' in html and 'name="country"' in html

    yes = client.get(action, {"postcode": "e1 6an", "country": "GB"})
    assert yes.status_code == 200
    text = yes.content.decode()
    assert "Yes, we deliver to E1 6AN." in text
    assert "Delivery costs £2.50." in text
    assert "Free on orders of £40.00 or more." in text
    assert "Minimum order £10.00." in text
    assert "<html" in text  # a whole page, not a fragment

    no = client.get(action, {"postcode": "N1 9GU", "country": "GB"}).content.decode()
    assert "Sorry, we don't deliver to N1 9GU yet." in no


def test_the_box_answers_in_place_with_htmx(client, zones):
    reply = client.get("/delivery/check/", {"postcode": "E1 6AN", "country": "GB"}, **HTMX)
    text = reply.content.decode()
    assert reply.status_code == 200
    assert text.lstrip().startswith('<section class="card delivery-box" id="delivery-box"')
    assert "Yes, we deliver to E1 6AN." in text
    assert "HX-Request" in reply["Vary"]


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_malformed_postcode_is_explained_in_the_box(client, zones, headers):
    reply = client.get("/delivery/check/", {"postcode": "ZZZZ", "country": "GB"}, **headers)
    assert reply.status_code == (200 if headers else 400)
    text = reply.content.decode()
    assert 'aria-invalid="true"' in text
    assert "Enter a valid postcode for this country" in text


def test_the_check_page_without_a_postcode_shows_the_empty_box(client):
    reply = client.get("/delivery/check/")
    assert reply.status_code == 200
    assert "Do you deliver to me?" in reply.content.decode()


def _customer(client, postcode):
    user = UserFactory()
    AddressFactory(user=user, postcode=postcode)
    cart = CartFactory(user=user)
    CartLineFactory(cart=cart, product=ProductFactory(price=Decimal("15.00")), quantity=1)
    client.force_login(user)
    return user


def test_the_cart_page_tells_the_fee_and_what_more_buys_free_delivery(client, zones):
    _customer(client, "E1 6AN")
    html = client.get("/cart/").content.decode()
    assert "Delivery to E1 6AN: £2.50" in html
    assert "£25.00 more for free delivery." in html


def test_the_cart_page_warns_a_customer_outside_every_zone_before_checkout(client, zones):
    _customer(client, "N1 9GU")
    html = client.get("/cart/").content.decode()
    assert "We don't deliver to your address (N1 9GU) yet" in html


def test_checkout_offers_only_deliverable_addresses_and_says_why(client, zones):
    user = _customer(client, "E1 6AN")
    away = AddressFactory(user=user, postcode="N1 9GU", label="Work")
    SlotFactory(kind="delivery")
    html = client.get("/checkout/?kind=delivery").content.decode()
    assert re.search(rf'value="{away.pk}" disabled', html)
    assert "We don't deliver to N1 9GU yet." in html
    home = user.addresses.get(postcode="E1 6AN")
    assert re.search(rf'value="{home.pk}" checked required', html)
    assert "Inner East: delivery £2.50" in html
    assert "£2.50" in html.split("checkout-summary")[1]


def test_checkout_page_refuses_an_address_not_delivered_to_and_keeps_everything(client, zones):
    user = _customer(client, "N1 9GU")
    slot = SlotFactory(kind="delivery")
    address = user.addresses.get()
    response = client.post(
        "/checkout/",
        {"slot": slot.pk, "address": address.pk, "coupon": "", "token": "t1"},
        follow=True,
    )
    assert "we do not deliver to this address" in response.content.decode()
    assert not Order.objects.exists()
    assert user.cart.lines.count() == 1


def test_the_order_page_names_the_delivery_area_and_a_pickup_shows_none(client, zones):
    user = _customer(client, "E1 6AN")
    delivered = place_order(
        user=user, slot=SlotFactory(kind="delivery"), address=user.addresses.get()
    )
    picked_up = place_order(user=user)

    html = client.get(f"/orders/{delivered.number}/").content.decode()
    assert "Delivery area" in html
    assert '<dd class="delivery-area">Inner East</dd>' in html
    assert "Delivery area" not in client.get(f"/orders/{picked_up.number}/").content.decode()


@pytest.fixture
def manager_client(client):
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name="manager"))
    client.force_login(manager)
    return client


def _admin_form(**rules):
    data = {
        "name": "Inner East",
        "country": "GB",
        "fee": "2.50",
        "minimum_order": "0.00",
        "free_delivery_over": "",
        "active": "on",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, (pattern, include) in enumerate(rules.values()):
        data[f"rules-{index}-pattern"] = pattern
        if include:
            data[f"rules-{index}-include"] = "on"
    return data


def test_a_manager_keeps_zones_in_admin_with_rules_inline(manager_client):
    assert manager_client.get("/admin/orders/deliveryzone/add/").status_code == 200
    response = manager_client.post(
        "/admin/orders/deliveryzone/add/", _admin_form(a=("e1", True), b=("e1 6an", False))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zone = DeliveryZone.objects.get()
    assert [(r.pattern, r.include) for r in zone.rules.all()] == [("E1", True), ("E1 6AN", False)]
    listing = manager_client.get("/admin/orders/deliveryzone/").content.decode()
    assert "+E1, -E1 6AN" in listing


def test_admin_refuses_a_bad_rule_naming_it_and_saves_nothing(manager_client):
    response = manager_client.post(
        "/admin/orders/deliveryzone/add/", _admin_form(a=("E1", True), b=("E1-SW9", True))
    )
    assert response.status_code == 200
    assert "Rule “E1-SW9”" in response.content.decode()
    assert not DeliveryZone.objects.exists()


def test_staff_cannot_open_the_zones_admin(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="staff"))
    client.force_login(staff)
    assert client.get("/admin/orders/deliveryzone/").status_code == 403
