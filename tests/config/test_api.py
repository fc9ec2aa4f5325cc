import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_json_and_valid(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Orderly API"


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert (tmp_path / "s.yaml").read_text().startswith("openapi: 3")


def test_docs_are_served_from_our_own_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html.split("<body", 1)[1].split("</body>", 1)[0].replace(
        "https://swagger.io", ""
    )


@pytest.mark.urls("tests.config.echo_urls")
def test_malformed_json_is_a_400_naming_the_problem(client):
    response = client.post("/api/v1/echo/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert response.json()["code"] == "parse_error"


@pytest.mark.urls("tests.config.echo_urls")
def test_business_errors_become_a_4xx_with_detail_code_and_field(client):
    response = client.post("/api/v1/echo/", data={"break": "rule"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Quantity must be at most 99.",
        "code": "too_many",
        "field": "quantity",
    }


def test_validation_errors_name_the_first_field_and_keep_every_message(api_client):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/cart/items/", {"quantity": "abc"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "product"
    assert body["code"] == "required"
    assert body["detail"] == "product: This field is required."
    assert body["errors"] == {
        "product": ["This field is required."],
        "quantity": ["A valid integer is required."],
    }


def test_drf_errors_have_the_same_shape_as_business_errors(api_client):
    unauthenticated = api_client.get("/api/v1/cart/")
    assert unauthenticated.status_code == 401
    assert set(unauthenticated.json()) == {"detail", "code", "field"}
    assert unauthenticated.json()["code"] == "not_authenticated"

    wrong_method = api_client.delete("/api/v1/products/")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "method_not_allowed"


@pytest.mark.urls("tests.config.echo_urls")
def test_a_body_over_the_limit_is_a_413_and_never_reaches_the_view(client, settings):
    big = json.dumps({"padding": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/v1/echo/", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"

    small = client.post("/api/v1/echo/", data={"a": 1}, content_type="application/json")
    assert small.json() == {"echo": {"a": 1}}


def test_a_large_form_post_to_a_page_gets_the_413_page(client):
    response = client.post(
        "/accounts/login/",
        data="x=" + "y" * (2 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert b"Too large" in response.content


def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_pages_get_the_shops_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"There is nothing at this address." in response.content


def test_the_api_docs_offer_the_headless_sign_in_spec_served_here(client):
    spec = client.get("/_allauth/openapi.json")
    assert spec.status_code == 200
    assert "/auth/login" in spec.json()["paths"].keys().__str__()
    docs_script = client.get("/api/v1/docs/sign-in/", {"script": ""}).content.decode()
    assert "/_allauth/openapi.json" in docs_script
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/docs/sign-in/" in schema["info"]["description"]
    # allauth's own page would load Redoc from a CDN: it sends readers to our docs instead.
    assert client.get("/_allauth/openapi.html")["Location"] == "/api/v1/docs/sign-in/"
