"""The app session token: one read of the session per request, and every dead token a 401."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.helpers import api_get, app_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _session_reads(queries) -> int:
    return sum('FROM "django_session"' in q["sql"] for q in queries.captured_queries)


def test_a_token_is_read_from_the_database_once_when_the_cache_has_lost_it():
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = api_get(Client(), "/api/v1/me/", token)

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    # allauth's own lookup asks whether the session exists, then loads it: two reads.
    assert _session_reads(queries) == 1


def test_a_token_whose_session_has_expired_is_refused_with_401():
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    Session.objects.filter(session_key=token).update(expire_date=timezone.now() - timedelta(1))
    cache.clear()

    response = api_get(Client(), "/api/v1/me/", token)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert "invalid or has expired" in response.json()["detail"]


@pytest.mark.parametrize("token", ["", "short", "x" * 41, "no-such-session-key-at-all"])
def test_a_token_that_names_no_session_is_refused_with_401_and_makes_none(token):
    sessions = Session.objects.count()

    response = api_get(Client(), "/api/v1/me/", token)

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The session token is invalid or has expired: sign in again."
    )
    assert Session.objects.count() == sessions


def test_a_request_without_a_token_is_told_it_sent_none():
    response = Client().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_works_again_after_the_cache_is_refilled_from_the_database():
    user = UserFactory()
    token = app_login(Client(), user.email, PASSWORD)
    cache.clear()
    assert api_get(Client(), "/api/v1/me/", token).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert api_get(Client(), "/api/v1/me/", token).status_code == 200

    assert _session_reads(queries) == 0
