"""Every error reply under /api/ and /_allauth/ has a JSON body, also those a library makes
as HTML or text: a method a view does not take (405), a CSRF refusal (403), the schema and
docs pages (issue 35)."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/_allauth/app/v1/auth/session"),
        ("post", "/_allauth/app/v1/config"),
        ("post", "/api/v1/schema/"),
        ("delete", "/api/v1/docs/"),
        ("post", "/api/v1/docs/sign-in/"),
    ],
)
def test_a_method_a_view_does_not_take_is_a_json_405_naming_what_it_takes(client, method, path):
    response = getattr(client, method)(path, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]
    body = response.json()
    if path.startswith("/_allauth/"):
        assert body["status"] == 405
        assert body["errors"][0]["code"] == "method_not_allowed"
    else:
        assert body["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/schema/", "CSRF Failed"),
        ("/api/v1/docs/", "CSRF Failed"),
        ("/_allauth/browser/v1/auth/login", "You are not allowed"),
    ],
)
def test_a_csrf_refusal_is_a_json_403(path, detail):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    response = browser.post(path, data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    body = response.json()
    message = body["errors"][0]["message"] if "errors" in body else body["detail"]
    assert message.startswith(detail)


def test_the_docs_and_schema_pages_still_answer_a_get_as_before(client):
    assert client.get("/api/v1/docs/")["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")
