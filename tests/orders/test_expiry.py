"""Unpaid orders expire after ORDER_PAYMENT_TIMEOUT and give their stock and slot place back."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone

from config.celery import app as celery_app
from orders.models import Order, Product, Slot
from orders.services.transitions import order_transition, orders_expire_unpaid
from orders.tasks import expire_unpaid_orders
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, SlotFactory, place_order

S = Order.Status


def _age(order, minutes):
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_orders_unpaid_past_the_timeout_expire_and_give_everything_back():
    product = ProductFactory(stock=10)
    slot = SlotFactory(kind="pickup")
    old = place_order(products=[product], slot=slot, quantity=2)
    fresh = place_order(products=[product], slot=slot, quantity=1)
    paid = order_transition(order=place_order(products=[product], slot=slot), to=S.PAID, by=None)
    _age(old, 16)
    _age(paid, 60)

    assert orders_expire_unpaid() == 1

    assert Order.objects.get(pk=old.pk).status == S.EXPIRED
    assert Order.objects.get(pk=fresh.pk).status == S.PENDING_PAYMENT
    assert Order.objects.get(pk=paid.pk).status == S.PAID
    assert Product.objects.get(pk=product.pk).stock == 10 - 1 - 1
    assert Slot.objects.get(pk=slot.pk).reserved == 2
    event = Order.objects.get(pk=old.pk).events.last()
    assert (event.actor, event.to_status) == (None, S.EXPIRED)
    assert orders_expire_unpaid() == 0


@pytest.mark.django_db
def test_the_command_and_the_task_expire_through_the_same_service(capsys):
    _age(place_order(), 20)
    call_command("expire_orders")
    assert "Expired 1 unpaid order." in capsys.readouterr().out
    _age(place_order(), 20)
    assert expire_unpaid_orders.delay().get() == 1


@pytest.mark.django_db
def test_the_timeout_comes_from_the_settings(settings):
    settings.ORDER_PAYMENT_TIMEOUT = timedelta(hours=1)
    order = place_order()
    _age(order, 30)
    assert orders_expire_unpaid() == 0
    assert orders_expire_unpaid(now=timezone.now() + timedelta(minutes=31)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_expiring_at_once_expire_each_order_once():
    product = ProductFactory(stock=20)
    slot = SlotFactory(kind="pickup", capacity=20)
    orders = [place_order(products=[product], slot=slot) for _ in range(6)]
    for order in orders:
        _age(order, 30)

    results = run_concurrently(lambda i: orders_expire_unpaid(), times=4)

    assert sum(results) == 6, results
    assert Product.objects.get(pk=product.pk).stock == 20
    assert Slot.objects.get(pk=slot.pk).reserved == 0
    for order in orders:
        assert order.events.filter(to_status=S.EXPIRED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cancel_racing_an_expiry_gives_stock_back_once():
    product = ProductFactory(stock=5)
    order = place_order(products=[product], quantity=2)
    _age(order, 30)

    def act(i):
        if i == 0:
            return orders_expire_unpaid()
        from orders.services.transitions import order_cancel

        return order_cancel(order=order, by=order.user)

    results = run_concurrently(act, times=2)

    assert Order.objects.get(pk=order.pk).status in {S.EXPIRED, S.CANCELLED}, results
    assert Product.objects.get(pk=product.pk).stock == 5
    assert Slot.objects.get(pk=order.slot_id).reserved == 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_expiry_job_from_redis_and_expires_the_order(real_worker_mode):
    product = ProductFactory(stock=5)
    order = place_order(products=[product], quantity=2)
    _age(order, 30)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        expire_unpaid_orders.delay()
        for _ in range(200):
            if Order.objects.get(pk=order.pk).status == S.EXPIRED:
                break
            time.sleep(0.05)

    assert Order.objects.get(pk=order.pk).status == S.EXPIRED
    assert Product.objects.get(pk=product.pk).stock == 5
