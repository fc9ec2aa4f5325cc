import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from tests.accounts.helpers import api_get, app_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _browser_login(email):
    browser = Client()
    response = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/account/").status_code == 200
    return browser


def test_logout_all_through_the_api_ends_both_app_tokens_and_the_browser_session():
    user = UserFactory()
    bystander = UserFactory()
    phone, tablet = (
        app_login(Client(), user.email, PASSWORD),
        app_login(Client(), user.email, PASSWORD),
    )
    browser = _browser_login(user.email)
    other_token = app_login(Client(), bystander.email, PASSWORD)
    api = Client()
    assert api_get(api, "/api/v1/me/", phone).status_code == 200
    assert api_get(api, "/api/v1/me/", tablet).status_code == 200

    response = api.post("/api/v1/me/logout-all/", headers={"X-Session-Token": phone})

    assert response.status_code == 204
    assert api_get(api, "/api/v1/me/", phone).status_code == 401
    assert api_get(api, "/api/v1/me/", tablet).status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401
    assert browser.get("/account/").status_code == 302
    assert not UserSession.objects.filter(user=user).exists()
    # Someone else's sessions are untouched.
    assert api_get(api, "/api/v1/me/", other_token).status_code == 200


def test_the_sign_out_everywhere_button_ends_this_browser_and_the_app_tokens():
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    other_browser = _browser_login(user.email)
    browser = _browser_login(user.email)
    sessions_before = Session.objects.count()

    response = browser.post("/account/logout-all/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert browser.get("/account/").status_code == 302
    assert other_browser.get("/account/").status_code == 302
    assert api_get(Client(), "/api/v1/me/", token).status_code == 401
    assert Session.objects.count() < sessions_before


def test_logout_all_needs_a_signed_in_user(client):
    assert client.post("/api/v1/me/logout-all/").status_code == 401


def test_a_browser_session_calls_logout_all_with_its_csrf_token_and_is_signed_out():
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/account/").status_code == 200  # sets the CSRF cookie

    no_csrf = browser.post("/api/v1/me/logout-all/", content_type="application/json")
    assert no_csrf.status_code == 403
    assert api_get(Client(), "/api/v1/me/", token).status_code == 200

    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/me/logout-all/", content_type="application/json", headers={"X-CSRFToken": csrf}
    )

    assert response.status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401
    assert api_get(Client(), "/api/v1/me/", token).status_code == 401
