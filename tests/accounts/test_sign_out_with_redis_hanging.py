"""Ending a session never fails open (issue 35): with the session cache timing out, "sign
out everywhere", logout and account deletion are refused with a 503, and once they
succeed no token or browser session answers 200 again."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from config import cache as breaker_module
from tests.accounts.helpers import api_get, app_login
from tests.config.redis_helpers import hanging_server, redis_cache_at
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_hangs(settings):
    """Yield a function that points the cache at a Redis that accepts and never answers,
    and one that brings the real one back; the sessions cached meanwhile stay in it."""
    real = settings.CACHES
    with hanging_server() as port:

        def hang():
            settings.CACHES = redis_cache_at(f"redis://127.0.0.1:{port}/0")

        def back():
            settings.CACHES = real

        yield hang, back
        breaker_module._breakers.pop(("127.0.0.1", port), None)


def _browser(email):
    browser = Client(raise_request_exception=False)
    signed_in = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert browser.get("/account/").status_code == 200  # its session is now cached in Redis
    return browser


def test_sign_out_everywhere_while_redis_hangs_is_refused_then_ends_for_good(redis_hangs):
    hang, back = redis_hangs
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    browser = _browser(user.email)
    api = Client(raise_request_exception=False)
    assert api_get(api, "/api/v1/me/", token).status_code == 200  # cached in Redis

    hang()
    refused = api.post("/api/v1/me/logout-all/", headers={"X-Session-Token": token})
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert refused.json()["code"] == "service_unavailable"
    page = browser.post("/account/logout-all/")
    assert page.status_code == 503
    assert b"Back in a moment" in page.content
    assert UserSession.objects.filter(user=user).count() == 2  # nothing ended half-way

    back()
    assert api.post("/api/v1/me/logout-all/", headers={"X-Session-Token": token}).status_code == 204
    for _ in range(3):
        assert api_get(api, "/api/v1/me/", token).status_code == 401
        assert browser.get("/api/v1/me/").status_code == 401
        assert browser.get("/account/").status_code == 302


def test_logout_and_account_deletion_while_redis_hangs_are_refused_and_change_nothing(
    redis_hangs,
):
    hang, back = redis_hangs
    user = UserFactory()
    browser = _browser(user.email)

    hang()
    assert browser.post("/accounts/logout/").status_code == 503
    deleting = browser.post("/account/delete/", {"password": PASSWORD})
    assert deleting.status_code == 503
    user.refresh_from_db()
    assert user.is_active

    back()
    assert browser.get("/account/").status_code == 200
    assert browser.post("/accounts/logout/").status_code == 302
    assert browser.get("/account/").status_code == 302


def test_signing_in_while_redis_hangs_still_works(redis_hangs):
    hang, _ = redis_hangs
    user = UserFactory()
    visitor = Client(raise_request_exception=False)
    visitor.get("/cart/")  # an anonymous session of its own, replaced at sign-in
    hang()
    signed_in = visitor.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert visitor.get("/account/").status_code == 200
