"""The drill of a Redis that hangs (accepts, never answers; issue 35): after the first call
times out, the process remembers for CACHE_BREAKER_SECONDS that Redis is down, and pages,
the API and checkout answer at their usual speed instead of waiting a socket timeout per
cache call. No real Redis is paused: a local socket plays the hung server."""

import time

import pytest
from django.test import Client

from config import cache as breaker_module
from orders.models import Order
from tests.config.redis_helpers import hanging_server, redis_cache_at
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TIMEOUT = 2.0  # seconds each cache call would wait without the breaker


@pytest.fixture
def redis_hangs(settings):
    def hang(port: int, *, breaker_seconds: float = 30):
        settings.CACHES = redis_cache_at(
            f"redis://127.0.0.1:{port}/0",
            SOCKET_TIMEOUT=TIMEOUT,
            CONNECTION_POOL_KWARGS={"breaker_seconds": breaker_seconds},
        )

    with hanging_server() as port:
        yield port, hang
        breaker_module._breakers.pop(("127.0.0.1", port), None)


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def test_after_one_timeout_every_request_answers_without_waiting_for_redis(
    redis_hangs, caplog, django_capture_on_commit_callbacks
):
    port, hang = redis_hangs
    customer = UserFactory()
    CartLineFactory(cart=CartFactory(user=customer), product=ProductFactory(stock=5), quantity=1)
    slot, address = SlotFactory(kind="delivery"), AddressFactory(user=customer)
    hang(port)
    visitor = Client()

    first, seconds = _timed(visitor.get, "/api/v1/products/")
    assert first.status_code == 200
    assert seconds < 2 * TIMEOUT  # one call waited; the rest of the request did not

    for path in ["/api/v1/products/", "/", "/api/v1/categories/", "/cart/"]:
        response, seconds = _timed(visitor.get, path)
        assert response.status_code == 200, path
        assert seconds < TIMEOUT / 2, path

    shopper = Client()
    shopper.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        placed, seconds = _timed(
            shopper.post,
            "/api/v1/orders/",
            {"slot": slot.pk, "address": address.pk},
            content_type="application/json",
            headers={"Idempotency-Key": "breaker-drill-1"},
        )
    assert placed.status_code == 201, placed.content
    assert seconds < TIMEOUT / 2
    assert Order.objects.filter(user=customer).count() == 1

    told = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(told) == 1  # said once at ERROR, not once per call
    assert told[0].levelname == "ERROR"


def test_once_the_breaker_time_is_over_one_call_tries_redis_again(redis_hangs):
    port, hang = redis_hangs
    hang(port, breaker_seconds=0.5)
    visitor = Client()
    _, first = _timed(visitor.get, "/api/v1/categories/")
    _, meanwhile = _timed(visitor.get, "/api/v1/categories/")
    time.sleep(0.6)
    _, retried = _timed(visitor.get, "/api/v1/categories/")
    assert first >= TIMEOUT
    assert meanwhile < TIMEOUT / 2
    assert TIMEOUT <= retried < 2 * TIMEOUT
