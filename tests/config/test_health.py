from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_a_platform_probe_with_a_host_of_its_own(client):
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert client.get("/readyz/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_readyz_is_200_when_everything_is_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "migrations"}


def test_readyz_is_503_naming_the_database_when_it_is_unreachable(client):
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["failed"]
    assert body["checks"]["database"] == "error: OperationalError"
    assert "connection refused" not in response.content.decode()


def test_readyz_is_503_when_the_cache_loses_what_it_stored(client):
    with mock.patch("config.health.cache.get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_readyz_503_tells_the_platform_when_to_ask_again(client):
    with mock.patch("config.health.cache.get", return_value=None):
        assert client.get("/readyz")["Retry-After"] == "30"
    assert "Retry-After" not in client.get("/readyz")


def test_readyz_is_503_when_migrations_are_unapplied(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("x", False)]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert "1 unapplied migration" in response.json()["checks"]["migrations"]


@pytest.mark.redis
def test_readyz_checks_the_real_broker(client, settings, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", settings.REDIS_URL)
    assert client.get("/readyz").status_code == 200

    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.redis
def test_the_cache_is_redis_when_redis_url_is_set(settings):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "config.cache.FailOpenRedisCache"
    cache.set("probe", "value", timeout=5)
    assert cache.get("probe") == "value"


@pytest.mark.postgres
def test_the_database_is_postgresql_when_database_url_says_so():
    assert connection.vendor == "postgresql"
    assert connection.Database.__name__ == "psycopg"
