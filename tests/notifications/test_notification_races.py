"""Notifications when workers overlap, on PostgreSQL; and a real worker and beat on Redis."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Delivery, Kind, Notification
from notifications.services import delivery_send, slot_reminders_send
from orders.models import Order, Slot
from orders.services.transitions import order_transition, orders_expire_unpaid
from tests.concurrency import run_concurrently
from tests.factories import SlotFactory, place_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_delivery_sent_by_two_workers_at_once_goes_once(mailoutbox, monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "task_queue", lambda *args: None)  # no worker: the test is it
    place_order()
    delivery = Delivery.objects.get()

    results = run_concurrently(lambda i: delivery_send(delivery_id=delivery.pk), times=2)

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)


def test_two_workers_sending_reminders_at_once_remind_each_order_once(monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "task_queue", lambda *args: None)
    soon = SlotFactory(kind="pickup", starts_at=timezone.now() + timedelta(hours=2))
    for _ in range(3):
        order_transition(order=place_order(slot=soon), to=Order.Status.PAID, by=None)
    Slot.objects.filter(pk=soon.pk).update(starts_at=timezone.now() + timedelta(minutes=40))

    results = run_concurrently(lambda i: slot_reminders_send(), times=2)

    assert sum(results) == 3, results
    assert Notification.objects.filter(kind=Kind.SLOT_REMINDER).count() == 3


def test_two_workers_expiring_at_once_tell_each_customer_once(monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "task_queue", lambda *args: None)
    orders = [place_order() for _ in range(3)]
    Order.objects.update(placed_at=timezone.now() - timedelta(hours=1))

    results = run_concurrently(lambda i: orders_expire_unpaid(), times=2)

    assert sum(results) == 3, results
    for order in orders:
        kinds = Notification.objects.filter(recipient=order.user).values_list("kind", flat=True)
        assert list(kinds).count(Kind.ORDER_EXPIRED) == 1


@pytest.mark.redis
def test_a_real_worker_and_beat_on_redis_send_the_order_placed_email_to_a_mail_folder(
    real_worker_mode, settings, tmp_path
):
    from celery.beat import Service
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    every_minute, _ = CrontabSchedule.objects.get_or_create(minute="*", hour="*")
    PeriodicTask.objects.create(
        name="queue unsent notifications",
        task="notifications.tasks.queue_due_deliveries",
        crontab=every_minute,
        last_run_at=timezone.now() - timedelta(minutes=5),
    )
    from notifications import services

    real_queue = services.task_queue
    # The broker "was down" when the order was placed: only beat's sweep can send it.
    services.task_queue = lambda *args: None
    try:
        order = place_order()
    finally:
        services.task_queue = real_queue
    assert Delivery.objects.get().status == Delivery.Status.PENDING

    beat = Service(app=celery_app, scheduler_cls="django_celery_beat.schedulers:DatabaseScheduler")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        scheduler = beat.get_scheduler()
        for _ in range(300):
            scheduler.tick()
            if any(tmp_path.iterdir()):
                break
            time.sleep(0.1)

    (sent,) = list(tmp_path.iterdir())
    text = sent.read_text()
    assert f"Subject: [Orderly] Order {order.number} is placed" in text
    assert Delivery.objects.get().status == Delivery.Status.SENT
