"""Delivery areas in the API: the managers' zones, and the check anyone may ask."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from orders.models import DeliveryZone, DeliveryZoneRule
from tests.factories import UserFactory, delivery_zone

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/delivery/zones/"
CHECK = "/api/v1/delivery/check/"

BODY = {
    "name": "Inner East",
    "country": "GB",
    "rules": [{"pattern": "e1", "include": True}, {"pattern": "E1 6AN", "include": False}],
    "fee": "2.50",
    "minimum_order": "15.00",
    "free_delivery_over": "40.00",
    "active": True,
}


def _role(name):
    user = UserFactory()
    if name:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def manager(api_client):
    api_client.force_authenticate(_role("manager"))
    return api_client


def test_a_manager_creates_reads_edits_and_deletes_a_zone_in_the_spec_shape(manager):
    created = manager.post(ZONES, BODY, format="json")
    assert created.status_code == 201, created.json()
    zone = created.json()
    assert zone == {
        "id": zone["id"],
        "name": "Inner East",
        "country": "GB",
        "rules": [{"pattern": "E1", "include": True}, {"pattern": "E1 6AN", "include": False}],
        "fee": "2.50",
        "minimum_order": "15.00",
        "free_delivery_over": "40.00",
        "active": True,
    }
    url = f"{ZONES}{zone['id']}/"
    assert manager.get(url).json() == zone
    assert manager.get(ZONES).json()["results"] == [zone]

    changed = manager.patch(url, {"fee": "3.00", "rules": [{"pattern": "E1-E4"}]}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["fee"] == "3.00"
    assert changed.json()["rules"] == [{"pattern": "E1-E4", "include": True}]
    assert changed.json()["minimum_order"] == "15.00"

    assert manager.patch(url, {"active": False}, format="json").json()["rules"] == [
        {"pattern": "E1-E4", "include": True}
    ]
    assert manager.delete(url).status_code == 204
    assert not DeliveryZone.objects.exists()
    assert not DeliveryZoneRule.objects.exists()


@pytest.mark.parametrize("role", ["staff", "customer", ""])
def test_staff_and_customers_may_not_touch_the_zones(api_client, role):
    zone = delivery_zone("E1")
    api_client.force_authenticate(_role(role))
    for method, url in [
        ("get", ZONES),
        ("post", ZONES),
        ("get", f"{ZONES}{zone.pk}/"),
        ("patch", f"{ZONES}{zone.pk}/"),
        ("delete", f"{ZONES}{zone.pk}/"),
    ]:
        response = getattr(api_client, method)(url, BODY, format="json")
        assert response.status_code == 403, (method, url)
    assert DeliveryZone.objects.get().fee == Decimal("3.00")


def test_anonymous_callers_are_asked_to_sign_in(api_client):
    assert api_client.get(ZONES).status_code == 401
    assert api_client.post(ZONES, BODY, format="json").status_code == 401


@pytest.mark.parametrize("pattern", ["!!", "E1-SW9", "", "E9-E1"])
def test_bad_rules_are_a_400_naming_rules_and_nothing_is_written(manager, pattern):
    body = {**BODY, "rules": [{"pattern": "E1"}, {"pattern": pattern}]}
    response = manager.post(ZONES, body, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "rules"
    assert f"“{pattern}”" in response.json()["detail"]
    assert not DeliveryZone.objects.exists()

    zone = delivery_zone("E1")
    edited = manager.patch(f"{ZONES}{zone.pk}/", {"rules": body["rules"]}, format="json")
    assert edited.status_code == 400
    assert edited.json()["field"] == "rules"
    assert list(zone.rules.values_list("pattern", flat=True)) == ["E1"]


def test_bad_amounts_are_refused_naming_the_field(manager):
    response = manager.post(ZONES, {**BODY, "fee": "-1"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "fee"
    assert manager.post(ZONES, {**BODY, "country": "XX"}, format="json").json()["field"] == (
        "country"
    )


def test_the_check_answers_anyone_with_the_zone_fee_and_threshold(api_client):
    delivery_zone("E1", name="Inner East", fee=Decimal("2.50"), free_delivery_over=Decimal("40"))
    answer = api_client.get(CHECK, {"postcode": " e1 6an ", "country": "GB"})
    assert answer.status_code == 200
    assert answer.json() == {
        "deliverable": True,
        "zone": "Inner East",
        "fee": "2.50",
        "minimum_order": "0.00",
        "free_delivery_over": "40.00",
    }
    assert api_client.get(CHECK, {"postcode": "N1 9GU"}).json() == {
        "deliverable": False,
        "zone": None,
        "fee": None,
        "minimum_order": None,
        "free_delivery_over": None,
    }


def test_with_no_zone_the_check_says_anywhere_for_the_delivery_fee(api_client, settings):
    settings.DELIVERY_FEE = Decimal("4.50")
    answer = api_client.get(CHECK, {"postcode": "N1 9GU", "country": "GB"}).json()
    assert answer["deliverable"] is True
    assert answer["fee"] == "4.50"
    assert answer["zone"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"postcode": "ZZZZ", "country": "GB"}, "postcode"),
        ({"postcode": "1234", "country": "DE"}, "postcode"),
        ({"postcode": "SW1A 1AA", "country": "DE"}, "postcode"),
        ({"postcode": "!!"}, "postcode"),
        ({}, "postcode"),
        ({"postcode": "x" * 40}, "postcode"),
        ({"postcode": "E1 6AN", "country": "XX"}, "country"),
    ],
)
def test_a_malformed_postcode_is_a_400_naming_it(api_client, query, field):
    response = api_client.get(CHECK, query)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_the_schema_describes_the_delivery_endpoints(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/delivery/zones/"])
    assert {"get", "patch", "delete"} <= set(schema["paths"]["/api/v1/delivery/zones/{id}/"])
    check = schema["paths"]["/api/v1/delivery/check/"]["get"]
    assert {p["name"] for p in check["parameters"]} >= {"postcode", "country"}
    assert "delivery" in schema["components"]["schemas"]["Cart"]["properties"]


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "name": 0},
        {**BODY, "rules": [{"pattern": 1}]},
        {**BODY, "rules": "E1"},
        {**BODY, "name": "a\x00b"},
        {**BODY, "name": "two\nlines"},
    ],
)
def test_zone_input_that_is_not_what_the_schema_says_is_a_400(manager, body):
    response = manager.post(ZONES, body, format="json")
    assert response.status_code == 400
    # (a NUL anywhere in a body is refused before parsing, naming the body)
    assert response.json()["field"].split(".")[0] in {"name", "rules", "body"}
    assert not DeliveryZone.objects.exists()


@pytest.mark.parametrize("address", ["abc", "0", "9" * 30])
def test_the_preview_refuses_an_address_that_is_not_an_id(api_client, address):
    api_client.force_authenticate(UserFactory())
    response = api_client.get("/api/v1/checkout/preview/", {"kind": "delivery", "address": address})
    assert response.status_code == 400
    assert response.json()["field"] == "address"
