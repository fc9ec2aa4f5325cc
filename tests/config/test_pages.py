"""Business errors on pages become a message and a redirect back (config.pages), in one place."""

import pytest

from accounts.models import MAX_ADDRESSES, Address
from orders.models import Order
from orders.services.transitions import order_transition
from tests.factories import AddressFactory, UserFactory, place_order

pytestmark = pytest.mark.django_db

ADDRESS = {"recipient": "Ada", "line1": "1 Analytical Row", "city": "London", "postcode": "N1 9GU"}


@pytest.fixture
def full_address_book(client):
    """A customer with every address place taken: saving one more is refused by the service."""
    user = UserFactory()
    client.force_login(user)
    AddressFactory.create_batch(MAX_ADDRESSES, user=user)
    return user


def test_a_refusal_goes_back_to_the_same_site_page_it_came_from(client, full_address_book):
    back = "http://testserver/account/addresses/new/"
    response = client.post(
        "/account/addresses/new/", {**ADDRESS, "country": "GB"}, HTTP_REFERER=back
    )

    assert response.status_code == 302
    assert response["Location"] == back
    page = client.get(back).content.decode()
    assert f"at most {MAX_ADDRESSES} addresses" in page
    assert Address.objects.filter(user=full_address_book).count() == MAX_ADDRESSES


def test_a_refusal_never_follows_a_referer_to_another_site(client, full_address_book):
    response = client.post(
        "/account/addresses/new/",
        {**ADDRESS, "country": "GB"},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_a_refused_cancel_goes_to_the_order_not_back_to_the_confirmation(client):
    user = UserFactory()
    client.force_login(user)
    order = order_transition(order=place_order(user=user), to=Order.Status.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
    confirm = f"http://testserver/orders/{order.number}/cancel/"

    response = client.post(f"/orders/{order.number}/cancel/", HTTP_REFERER=confirm)

    assert response["Location"] == f"/orders/{order.number}/"
    assert "can be cancelled within 24 hours" in client.get(response["Location"]).content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_an_api_refusal_stays_json(client, full_address_book):
    response = client.post(
        "/api/v1/me/addresses/", {**ADDRESS, "country": "GB"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "address_limit"
