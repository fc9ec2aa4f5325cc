"""Single-line text fields refuse control characters (a line break, a tab, NEL...): a 400 or
a form error naming the field, and nothing is written, through pages, the API and admin."""

import pytest

from accounts.models import Address
from orders.models import Order
from tests.factories import (
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    place_order,
)
from tests.orders.staff_helpers import change_form_data, role_member

pytestmark = pytest.mark.django_db

CONTROLS = [
    "Tart\r\nBcc: all@example.com",
    "Tart\nx",
    "Tart\tx",
    "Tart\x1b[31m",
    "Tart\x85x",
    "Tart\u2028x",
]


@pytest.mark.parametrize("name", CONTROLS)
def test_a_product_name_with_a_control_character_is_refused_in_the_admin(client, name):
    client.force_login(role_member("manager"))
    product = ProductFactory(name="Plum tart")
    page = client.get(f"/admin/orders/product/{product.pk}/change/")
    response = client.post(
        f"/admin/orders/product/{product.pk}/change/", change_form_data(page, name_en=name)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name_en"] == [
        "Enter one line of text, without line breaks, tabs or other control characters."
    ]
    product.refresh_from_db()
    assert product.name == "Plum tart"


@pytest.mark.parametrize("name", CONTROLS)
def test_a_profile_name_with_a_control_character_is_a_400_naming_it(client, name):
    user = UserFactory(name="Ada")
    client.force_login(user)
    response = client.patch("/api/v1/me/", {"name": name}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    user.refresh_from_db()
    assert user.name == "Ada"


@pytest.mark.parametrize(
    "field", ["label", "recipient", "line1", "line2", "city", "postcode", "instructions"]
)
def test_an_address_line_with_a_line_break_is_refused_by_the_api_and_the_page(client, field):
    client.force_login(UserFactory())
    address = {
        "recipient": "Ada Lovelace",
        "line1": "1 Analytical Row",
        "city": "London",
        "postcode": "EC1A 1BB",
        "country": "GB",
    }
    hostile = {**address, field: "EC1A\n1BB"}
    response = client.post("/api/v1/me/addresses/", hostile, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == field
    page = client.post("/account/addresses/new/", hostile)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert not Address.objects.exists()


def test_a_coupon_code_with_a_line_break_is_a_400_naming_coupon(client):
    customer = UserFactory()
    client.force_login(customer)
    CartLineFactory(cart=CartFactory(user=customer), product=ProductFactory())
    slot = SlotFactory(kind="pickup")
    response = client.post(
        "/api/v1/orders/",
        {"slot": slot.pk, "coupon": "SAVE\r\n10"},
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "coupon"
    assert not Order.objects.exists()


def test_a_cancel_note_with_a_line_break_is_a_400_naming_note(client):
    order = place_order()
    client.force_login(order.user)
    response = client.post(
        f"/api/v1/orders/{order.number}/cancel/", {"note": "a\nb"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "note"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_plain_text_with_accents_and_spaces_is_still_accepted(client):
    user = UserFactory()
    client.force_login(user)
    response = client.patch(
        "/api/v1/me/", {"name": "Zoë  O'Brien-Łukasz"}, content_type="application/json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.name == "Zoë  O'Brien-Łukasz"
