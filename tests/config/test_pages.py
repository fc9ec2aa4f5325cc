"""Business errors on pages become a message and a redirect back (config.pages), in one place."""

import pytest

from orders.models import Order
from orders.services.transitions import order_transition
from tests.factories import UserFactory, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused_cancel(client):
    """A paid order placed long ago: cancelling it on the page is refused by the service."""
    user = UserFactory()
    client.force_login(user)
    order = order_transition(order=place_order(user=user), to=Order.Status.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at.replace(year=2020))
    return order


def test_a_refusal_goes_back_to_the_same_site_page_it_came_from(client, refused_cancel):
    response = client.post(
        f"/orders/{refused_cancel.number}/cancel/", HTTP_REFERER="http://testserver/orders/"
    )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/orders/"
    page = client.get("/orders/").content.decode()
    assert "can be cancelled within 24 hours" in page


def test_a_refusal_never_follows_a_referer_to_another_site(client, refused_cancel):
    response = client.post(
        f"/orders/{refused_cancel.number}/cancel/", HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{refused_cancel.number}/"
    assert Order.objects.get(pk=refused_cancel.pk).status == Order.Status.PAID


def test_an_api_refusal_stays_json(client, refused_cancel):
    response = client.post(
        f"/api/v1/orders/{refused_cancel.number}/cancel/", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cancel_not_allowed"
