"""Drill: the shop scaled out. Two gunicorn instances (2 sync workers each), two Celery
workers and, by mistake, two beats, on one database and one Redis. Twenty buyers race for
five loaves; then the minute jobs run on both workers, fired by both beats."""

import io
import json
import socket
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta
from email import message_from_string

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications.models import Delivery, Kind, Notification
from orders.models import Order, Product, Slot
from orders.services.transitions import order_transition
from tests.concurrency import run_concurrently
from tests.drills.workers import celery, processes, service_env, wait_for, worker_args
from tests.factories import CartFactory, CartLineFactory, ProductFactory, SlotFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BUYERS, STOCK = 20, 5
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2"]
BEAT = celery(
    "beat",
    "--loglevel",
    "INFO",
    "--pidfile=",
    "--scheduler",
    "django_celery_beat.schedulers:DatabaseScheduler",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
            return True
    except OSError:
        return False


def place(port: int, token: str, slot: int, key: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/orders/",
        data=json.dumps({"slot": slot}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Session-Token": token,
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def sign_in(user) -> str:
    """An app session token is the key of a Django session holding the user (allauth's
    session-token strategy): force_login writes one, with no password hashing."""
    client = Client()
    client.force_login(user)
    return client.session.session_key


def mailbox(folder) -> Counter:
    """(recipient, subject) of every email in a file-mail folder, counted."""
    sent = Counter()
    for path in folder.iterdir():
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = message_from_string(raw.strip())
                sent[(message["To"], message["Subject"])] += 1
    return sent


def test_two_webs_two_workers_and_two_beats_sell_the_stock_once_and_run_each_job_once(
    real_worker_mode, empty_queue, tmp_path
):
    product = ProductFactory(stock=STOCK)
    slot = SlotFactory(kind=Slot.Kind.PICKUP, capacity=BUYERS, hours_ahead=3)
    buyers = [UserFactory() for _ in range(BUYERS)]
    for buyer in buyers:
        CartLineFactory(cart=CartFactory(user=buyer), product=product, quantity=1)
    tokens = [sign_in(buyer) for buyer in buyers]
    call_command("setup_schedules", stdout=io.StringIO())
    mail = tmp_path / "mail"
    mail.mkdir()
    env = service_env(EMAIL_URL=f"filemail://{mail}")
    beat_env = service_env(LOG_LEVEL="INFO")
    ports = [free_port(), free_port()]

    with processes() as start:
        for i, port in enumerate(ports):
            start(
                [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
                env=env,
                log=tmp_path / f"web{i}.log",
            )
        for i in range(2):
            start(worker_args(f"worker{i}"), env=env, log=tmp_path / f"worker{i}.log")
        wait_for(lambda: all(up(port) for port in ports), timeout=60)

        statuses = run_concurrently(
            lambda i: place(ports[i % 2], tokens[i], slot.pk, f"scale-{i}"), times=BUYERS
        )

        assert sorted(statuses) == [201] * STOCK + [409] * (BUYERS - STOCK), statuses
        assert Product.objects.get().stock == 0
        orders = list(Order.objects.order_by("pk"))
        assert len(orders) == STOCK
        # Two customers pay; the slot moves within the hour, so they are due a reminder. The
        # other three never pay and are past their payment timeout.
        paid, unpaid = orders[:2], orders[2:]
        for order in paid:
            order_transition(order=order, to=Order.Status.PAID, by=None)
        Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
        Order.objects.filter(pk__in=[o.pk for o in unpaid]).update(
            placed_at=timezone.now() - timedelta(hours=1)
        )
        PeriodicTask.objects.update(last_run_at=timezone.now() - timedelta(minutes=10))
        beats = [tmp_path / "beat0.log", tmp_path / "beat1.log"]
        for log in beats:
            start(
                BEAT,
                env=beat_env,
                log=log,
            )

        def fired(log, task):
            return log.exists() and f"Sending due task {task}" in log.read_text()

        def done():
            return (
                all(fired(log, "expire unpaid orders") for log in beats)
                and all(fired(log, "slot reminders") for log in beats)
                and Order.objects.filter(status=Order.Status.EXPIRED).count() == len(unpaid)
                and Notification.objects.filter(kind=Kind.SLOT_REMINDER).count() == len(paid)
                and not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
            )

        wait_for(done, timeout=90, interval=0.5)

    for order in unpaid:
        assert order.events.filter(to_status=Order.Status.EXPIRED).count() == 1
    expected = Counter()
    for order in orders:
        expected[(order.user.email, f"[Orderly] Order {order.number} is placed")] += 1
    for order in paid:
        expected[(order.user.email, f"[Orderly] Payment received for order {order.number}")] += 1
        expected[(order.user.email, "[Orderly] Your pickup slot starts soon")] += 1
    for order in unpaid:
        expected[(order.user.email, f"[Orderly] Order {order.number} has expired")] += 1
    assert mailbox(mail) == expected
