"""The API does what its OpenAPI schema says (schemathesis found where it did not): a page is
a whole number from 1, a string field takes a JSON string only, and a too-long address (414)
is documented."""

import pytest

from accounts.models import Address
from tests.factories import ProductFactory, UserFactory, place_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["", "abc", "0", "-1", "last", "1.5", "²", "9" * 30])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_naming_page(client, page):
    client.force_login(UserFactory())
    response = client.get("/api/v1/orders/", {"page": page})
    assert response.status_code == 400
    assert response.json()["field"] == "page"


def test_a_real_page_is_served_and_a_page_after_the_last_is_a_404(client):
    ProductFactory()
    assert client.get("/api/v1/products/", {"page": "1"}).status_code == 200
    assert client.get("/api/v1/products/", {"page": "2"}).status_code == 404


@pytest.mark.parametrize("value", [0, 1.5, True, None, {"a": 1}])
def test_a_name_that_is_not_a_json_string_is_a_400_naming_it(client, value):
    user = UserFactory(name="Ada")
    client.force_login(user)
    response = client.patch("/api/v1/me/", {"name": value}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    user.refresh_from_db()
    assert user.name == "Ada"


def test_an_address_line_that_is_a_number_is_a_400_naming_it(client):
    client.force_login(UserFactory())
    response = client.post(
        "/api/v1/me/addresses/",
        {"recipient": "Ada", "line1": 10, "city": "London", "postcode": "EC1A 1BB"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "line1"
    assert not Address.objects.exists()


def test_a_cancel_note_that_is_a_number_is_a_400_naming_note(client):
    order = place_order()
    client.force_login(order.user)
    response = client.post(
        f"/api/v1/orders/{order.number}/cancel/", {"note": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "note"


def test_the_schema_documents_414_wherever_a_parameter_can_make_the_address_long(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    with_parameters = [
        (path, method, operation)
        for path, method, operation in operations
        if any(p["in"] in {"path", "query"} for p in operation.get("parameters", []))
    ]
    assert len(with_parameters) > 10
    for path, method, operation in with_parameters:
        assert "414" in operation["responses"], (method, path)
    page = next(
        p for p in schema["paths"]["/api/v1/orders/"]["get"]["parameters"] if p["name"] == "page"
    )
    assert page["schema"]["minimum"] == 1
