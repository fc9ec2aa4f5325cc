"""Failure drills on PostgreSQL and Redis: what a customer notices when a service fails in
the middle of their order, and that nothing is lost or doubled once it is back.

Services are never stopped: a dead one is a port where nothing answers.
"""

from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, connection
from django.test import Client

from config.celery import app as celery_app
from notifications.models import Delivery
from notifications.services import deliveries_queue_due
from orders.models import Order, OrderLine, Product, StockMovement
from tests.drills.workers import wait_for
from tests.factories import (
    AddressFactory,
    CartFactory,
    CartLineFactory,
    ProductFactory,
    SlotFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DEAD_REDIS = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url: str):
    """Celery's broker at `url` for the block (tasks queued, not run in-process)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.update(broker_url=url, task_always_eager=False)
    celery_app._pool = celery_app.amqp._producer_pool = None  # made again for this broker
    try:
        yield
    finally:
        conf.update(broker_url=saved[0], task_always_eager=saved[1])
        celery_app._pool = celery_app.amqp._producer_pool = None


@pytest.fixture
def customer():
    user = UserFactory()
    CartLineFactory(cart=CartFactory(user=user), product=ProductFactory(stock=5), quantity=2)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


def checkout(client, user, key):
    return client.post(
        "/api/v1/orders/",
        {"slot": SlotFactory(kind="delivery").pk, "address": AddressFactory(user=user).pk},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.redis
def test_redis_stopped_during_checkout_the_order_is_placed_and_emailed_once_when_it_is_back(
    customer, settings, tmp_path, empty_queue
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    client, user = customer

    with broker_at(DEAD_REDIS):
        response = checkout(client, user, "redis-stopped-1")

    assert response.status_code == 201, response.content
    order = Order.objects.get(user=user)
    assert Delivery.objects.get().status == Delivery.Status.PENDING

    with (
        broker_at(settings.CELERY_BROKER_URL),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        assert deliveries_queue_due() == 1
        wait_for(lambda: Delivery.objects.get().status == Delivery.Status.SENT)
        assert deliveries_queue_due() == 0  # the next minute's sweep finds nothing to send

    (sent,) = list(tmp_path.iterdir())
    assert f"Subject: [Orderly] Order {order.number} is placed" in sent.read_text()


def test_the_database_dropping_mid_checkout_is_a_503_and_leaves_no_half_order(customer):
    client, user = customer
    product = Product.objects.get()

    def drop_at_the_order_lines(execute, sql, params, many, context):
        # The order row is written by now; the connection dies before its lines are.
        if sql.startswith('INSERT INTO "orders_orderline"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_at_the_order_lines):
        response = checkout(client, user, "db-dropped-1")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not StockMovement.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5
    assert user.cart.lines.count() == 1

    response = checkout(client, user, "db-dropped-1")  # the customer tries again: it goes
    assert response.status_code == 201, response.content
