"""The requests that were 500s (issue 35): each a 4xx naming the field, nothing changed."""

import json

import pytest

from accounts.models import Address
from orders.models import PaymentEvent, Product
from tests.factories import UserFactory, place_order
from tests.orders.staff_helpers import role_member
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

ADDRESS = {
    "label": "Work",
    "recipient": "Ada Lovelace",
    "line1": "1 Analytical Row",
    "city": "London",
    "postcode": "EC1A 1BB",
    "country": "GB",
}


@pytest.mark.parametrize("target", ["abc", "0", "NaN", "orders", "https://evil.example/"])
def test_a_new_address_with_a_next_that_is_not_ours_is_a_400_and_saves_nothing(client, target):
    client.force_login(UserFactory())
    for _retry in range(2):
        response = client.post("/account/addresses/new/", {**ADDRESS, "next": target})
        assert response.status_code == 400
        assert "next" in response.content.decode()
    assert not Address.objects.exists()


def test_a_new_address_with_a_path_as_next_goes_back_there(client):
    client.force_login(UserFactory())
    response = client.post("/account/addresses/new/", {**ADDRESS, "next": "/checkout/"})
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert Address.objects.count() == 1


def test_an_api_address_in_a_country_that_is_not_a_code_is_a_400_naming_country(client):
    client.force_login(UserFactory())
    response = client.post(
        "/api/v1/me/addresses/", {**ADDRESS, "country": "²"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "country"
    assert not Address.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_board_on_a_day_at_the_edge_of_the_calendar_is_a_400_naming_the_date(client, day):
    client.force_login(role_member("staff"))
    response = client.get("/staff/board/", {"date": day})
    assert response.status_code == 400
    assert "date: Ensure this value is" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-30", "0001-01-02"])
def test_the_board_shows_the_days_next_to_the_edge_of_the_calendar(client, day):
    client.force_login(role_member("staff"))
    assert client.get("/staff/board/", {"date": day}).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "evt_" + "x" * 300}, "id"),
        ({"data.amount": "NaN"}, "amount"),
        ({"data.amount": "Infinity"}, "amount"),
        ({"data.amount": "1e999999"}, "amount"),
        ({"data.extra": "NaN"}, "body"),
    ],
    ids=["long-id", "nan", "infinity", "huge-exponent", "nan-elsewhere"],
)
def test_a_signed_webhook_with_an_event_that_cannot_be_stored_is_a_400(client, change, field):
    payment = start_payment(place_order())
    event = json.loads(sandbox_body(payment))
    # Bare JSON constants (NaN) and numbers, as a client can write them.
    raw = {}
    for key, value in change.items():
        if key.startswith("data."):
            event["data"][key[5:]] = f"@@{key[5:]}@@"
            raw[f'"@@{key[5:]}@@"'] = value
        else:
            event[key] = value
    body = json.dumps(event)
    for placeholder, value in raw.items():
        body = body.replace(placeholder, value)
    response = post_sandbox_webhook(client, body.encode())
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not PaymentEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == "pending"


@pytest.mark.parametrize(
    "query",
    [
        "placed_at__year=99999999999999999999999",
        "placed_at__year=9999&placed_at__month=12&placed_at__day=31",
        "placed_at__year=9999&placed_at__month=12",
        "placed_at__year=9999",
        "placed_at__year=2025&placed_at__month=99999999999999999999999",
        "placed_at__year=-1",
    ],
)
@pytest.mark.parametrize("page", ["/admin/orders/order/", "/admin/orders/order/export.csv"])
def test_an_admin_date_hierarchy_off_the_calendar_is_a_400_naming_the_field(client, page, query):
    client.force_login(role_member("staff"))
    response = client.get(page, QUERY_STRING=query)
    assert response.status_code == 400
    assert "placed_at__" in response.content.decode()


def test_an_admin_date_hierarchy_on_a_real_day_still_filters(client):
    client.force_login(role_member("staff"))
    response = client.get(
        "/admin/orders/order/",
        {"placed_at__year": 2026, "placed_at__month": 2, "placed_at__day": 28},
    )
    assert response.status_code == 200


def test_an_x_forwarded_for_shorter_than_the_trusted_proxies_is_a_400_naming_it(client, settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": "a@example.com", "password": "x"},
        content_type="application/json",
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "X-Forwarded-For"
    page = client.get("/", headers={"X-Forwarded-For": "203.0.113.7"})
    assert page.status_code == 400
    through_both = client.get("/", headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.2"})
    assert through_both.status_code == 200


@pytest.mark.parametrize("value", ["abc", "9999-12-31", str(10**30)])
def test_a_product_category_that_is_no_id_is_a_form_error_not_a_crash(client, value):
    client.force_login(role_member("manager"))
    posted = client.post("/admin/orders/product/add/", {"category": value, "name": "Tart"})
    assert posted.status_code == 200
    assert "category" in posted.context["adminform"].form.errors
    assert client.get("/admin/orders/product/add/", {"category": value}).status_code in {200, 400}
    assert not Product.objects.exists()
