"""GET/POST /api/v1/orders/...: who sees which order, cancelling, staff transitions, filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, Product, Slot
from orders.services.transitions import order_transition
from tests.factories import (
    OrderFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
    fulfilment_staff,
    place_order,
)

pytestmark = pytest.mark.django_db

S = Order.Status


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_customers_list_only_their_own_orders(api_client):
    mine = place_order()
    place_order()
    response = _as(api_client, mine.user).get("/api/v1/orders/")
    assert response.status_code == 200
    assert [o["number"] for o in response.json()["results"]] == [mine.number]


def test_a_customer_reads_their_order_by_number(api_client):
    order = place_order()
    body = _as(api_client, order.user).get(f"/api/v1/orders/{order.number}/").json()
    assert body["number"] == order.number
    assert body["can_cancel"] is True
    assert body["pay_url"] == f"/api/v1/orders/{order.number}/pay/"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "cancel/", {}),
        ("post", "transition/", {"to": "preparing"}),
        ("post", "pay/", {}),
    ],
)
def test_another_customers_order_is_a_404_on_every_path(api_client, method, suffix, body):
    order = place_order()
    intruder = UserFactory()
    response = getattr(_as(api_client, intruder), method)(
        f"/api/v1/orders/{order.number}/{suffix}", body, format="json"
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert order.events.count() == 1


def test_an_unknown_order_number_is_a_404(api_client):
    response = _as(api_client, UserFactory()).get("/api/v1/orders/ORD-2026-999999/")
    assert response.status_code == 404


def test_a_customer_cancels_through_the_api_and_gets_the_order_back(api_client):
    product = ProductFactory(stock=4)
    order = place_order(products=[product], quantity=2)
    response = _as(api_client, order.user).post(
        f"/api/v1/orders/{order.number}/cancel/", {"note": "Oops"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["can_cancel"] is False
    assert response.json()["events"][-1]["note"] == "Oops"
    assert Product.objects.get(pk=product.pk).stock == 4
    assert Slot.objects.get(pk=order.slot_id).reserved == 0


def test_a_refused_cancel_is_a_409_with_the_reason(api_client):
    order = order_transition(order=place_order(), to=S.PAID, by=None)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(days=2))
    response = _as(api_client, order.user).post(f"/api/v1/orders/{order.number}/cancel/")
    assert response.status_code == 409
    assert response.json()["code"] == "cancel_not_allowed"
    assert Order.objects.get(pk=order.pk).status == S.PAID


def test_staff_move_an_order_and_a_move_outside_the_table_is_a_409(api_client):
    staff = fulfilment_staff()
    order = order_transition(order=place_order(), to=S.PAID, by=None)
    client = _as(api_client, staff)
    url = f"/api/v1/orders/{order.number}/transition/"

    ok = client.post(url, {"to": "preparing", "note": "Oven on"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "preparing"
    assert ok.json()["events"][-1] == {
        **ok.json()["events"][-1],
        "from_status": "paid",
        "to_status": "preparing",
        "by": "staff",
        "note": "Oven on",
    }

    refused = client.post(url, {"to": "paid"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_not_allowed"
    assert refused.json()["field"] == "to"
    assert Order.objects.get(pk=order.pk).status == S.PREPARING


def test_transition_to_an_unknown_status_is_a_400_naming_to(api_client):
    order = place_order()
    response = _as(api_client, fulfilment_staff()).post(
        f"/api/v1/orders/{order.number}/transition/", {"to": "shipped"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "to"


def test_customers_may_not_use_the_staff_transition_on_their_own_order(api_client):
    """The API once answered 403 where the service (and so the page and admin) answer 409:
    one policy, one refusal, one status."""
    order = order_transition(order=place_order(), to=S.PAID, by=None)
    response = _as(api_client, order.user).post(
        f"/api/v1/orders/{order.number}/transition/", {"to": "preparing"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["detail"] == "Only shop staff move orders through fulfilment."
    assert Order.objects.get(pk=order.pk).status == S.PAID


def test_staff_see_every_order_filtered_by_status_slot_and_date(api_client):
    staff = fulfilment_staff()
    tomorrow = SlotFactory(starts_at=timezone.now() + timedelta(days=1, hours=1))
    later = SlotFactory(starts_at=timezone.now() + timedelta(days=3))
    a = OrderFactory(slot=tomorrow)
    b = OrderFactory(slot=tomorrow, status=S.PAID)
    c = OrderFactory(slot=later, status=S.PAID)
    client = _as(api_client, staff)

    def numbers(query):
        response = client.get(f"/api/v1/orders/{query}")
        assert response.status_code == 200, response.json()
        return {o["number"] for o in response.json()["results"]}

    assert numbers("") == {a.number, b.number, c.number}
    assert numbers("?status=paid") == {b.number, c.number}
    assert numbers(f"?slot={tomorrow.pk}") == {a.number, b.number}
    day = timezone.localtime(later.starts_at).date().isoformat()
    assert numbers(f"?date={day}") == {c.number}
    assert numbers(f"?status=paid&slot={tomorrow.pk}") == {b.number}


@pytest.mark.parametrize(
    "query",
    ["?status=lost", "?date=tomorrow", "?slot=x", "?slot=99999999999999999999", "?slot=0"],
)
def test_bad_filters_are_a_400_naming_the_filter(api_client, query):
    response = _as(api_client, fulfilment_staff()).get(f"/api/v1/orders/{query}")
    assert response.status_code == 400
    assert response.json()["field"] == query[1:].split("=")[0]


@pytest.mark.parametrize("count", [1, 25])
def test_order_list_query_count_is_flat(api_client, django_assert_num_queries, count):
    user = UserFactory()
    slot = SlotFactory(kind="pickup", capacity=100)
    for _ in range(count):
        order = place_order(user=user, slot=slot, products=[ProductFactory(), ProductFactory()])
        order_transition(order=order, to=S.PAID, by=None)
    client = _as(api_client, type(user).objects.get(pk=user.pk))
    with django_assert_num_queries(6):
        response = client.get("/api/v1/orders/")
    assert response.json()["count"] == count


def test_order_detail_query_count_is_flat(api_client, django_assert_num_queries):
    order = place_order(products=ProductFactory.create_batch(10))
    client = _as(api_client, type(order.user).objects.get(pk=order.user_id))
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/orders/{order.number}/")
    assert len(response.json()["lines"]) == 10
