"""A signed-in browser's activity (allauth's session list: last seen, address, browser) is
recorded once a minute per client, not on every request (accounts.middleware)."""

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _usersession_statements(client, **headers) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me/", **headers).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "usersession" in q["sql"]]


@pytest.fixture
def browser():
    client = Client()
    client.force_login(UserFactory())
    return client


def test_a_browser_session_is_recorded_once_a_minute_not_on_every_request(browser):
    assert _usersession_statements(browser)  # the first request records the session
    row = UserSession.objects.get()
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=timezone.now() - timedelta(hours=1))
    assert _usersession_statements(browser) == []
    assert _usersession_statements(browser) == []
    row.refresh_from_db()
    assert row.last_seen_at < timezone.now() - timedelta(minutes=59)

    cache.clear()  # the minute has passed
    assert _usersession_statements(browser)
    row.refresh_from_db()
    assert row.last_seen_at > timezone.now() - timedelta(minutes=1)


def test_a_new_address_or_browser_is_recorded_at_once(browser):
    _usersession_statements(browser)
    assert _usersession_statements(browser, REMOTE_ADDR="192.0.2.7")
    assert UserSession.objects.get().ip == "192.0.2.7"
    assert _usersession_statements(browser, REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Phone/2")
    assert UserSession.objects.get().user_agent == "Phone/2"


def test_every_session_is_listed_so_sign_out_everywhere_reaches_it():
    user = UserFactory()
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    laptop.get("/api/v1/me/")
    phone.get("/api/v1/me/")
    assert UserSession.objects.filter(user=user).count() == 2
    assert laptop.post("/api/v1/me/logout-all/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
