"""Faults: with Redis unreachable the shop keeps selling; with the database unreachable
every request gets a 503 with Retry-After.

Services are never stopped: each test points the settings at a dead port.
"""

import re

import pytest
from django.db import connection
from django.test import Client

from config.celery import app as celery_app
from orders.models import Order
from tests.config.redis_helpers import redis_cache_at
from tests.factories import (
    PASSWORD,
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    """The cache and the Celery broker both at a port where nothing answers."""
    settings.CACHES = redis_cache_at(DEAD_REDIS)
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,5/5m/key"}
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.update(broker_url=DEAD_REDIS, task_always_eager=False)
    celery_app._pool = celery_app.amqp._producer_pool = None  # made again for the dead broker
    yield
    conf.update(broker_url=saved[0], task_always_eager=saved[1])
    celery_app._pool = celery_app.amqp._producer_pool = None


@pytest.fixture
def cart():
    customer = UserFactory()
    CartLineFactory(cart=CartFactory(user=customer), product=ProductFactory(stock=5), quantity=1)
    return customer


pytestmark = pytest.mark.django_db


def test_with_redis_down_pages_and_the_api_answer(client, redis_down):
    ProductFactory(name="Seeded rye")
    assert b"Seeded rye" in client.get("/").content
    response = client.get("/api/v1/products/")  # the anonymous throttle reads the cache
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_with_redis_down_a_customer_signs_in_with_the_form_and_the_app(client, redis_down):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200

    app = Client()
    response = app.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    assert app.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 200


def test_with_redis_down_checkout_through_the_api_places_the_order(
    client, redis_down, cart, django_capture_on_commit_callbacks
):
    client.force_login(cart)
    slot = SlotFactory(kind="delivery")
    address = AddressFactory(user=cart)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/orders/",
            {"slot": slot.pk, "address": address.pk},
            content_type="application/json",
            headers={"Idempotency-Key": "redis-down-1"},
        )
    assert response.status_code == 201, response.content
    assert Order.objects.filter(user=cart).count() == 1


def test_with_redis_down_checkout_through_the_page_places_the_order(
    client, redis_down, cart, django_capture_on_commit_callbacks
):
    client.force_login(cart)
    slot = SlotFactory(kind="pickup")
    page = client.get("/checkout/")
    token = re.search(rb'name="token" value="([0-9a-f]+)"', page.content).group(1).decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/", {"token": token, "slot": slot.pk, "address": "pickup"})
    assert response.status_code == 302
    assert Order.objects.filter(user=cart).count() == 1


def test_with_redis_down_failed_sign_ins_are_still_answered_not_refused_forever(client, redis_down):
    user = UserFactory()
    for _ in range(8):
        response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def database_down():
    """The default connection pointed at a PostgreSQL port where nothing answers (SQLite's
    in-memory test database would be lost by closing its connection)."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture
def signed_in():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/cart/", "/accounts/login/", "/orders/"])
def test_with_the_database_down_a_page_is_the_shops_503_with_retry_after(
    signed_in, database_down, path
):
    response = signed_in.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Back in a moment" in response.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/products/"),
        ("post", "/api/v1/cart/items/"),
        ("get", "/_allauth/app/v1/auth/session"),
    ],
)
def test_with_the_database_down_the_api_is_a_json_503_with_retry_after(database_down, method, path):
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(
        path, headers={"X-Session-Token": "some-token"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"


def test_readyz_names_a_dead_cache_without_echoing_the_error(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error: ConnectionError"
    assert "127.0.0.1" not in response.content.decode()
