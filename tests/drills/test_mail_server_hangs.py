"""Drill (issue 24): the mail server accepts connections and never answers. With a real
worker at its usual concurrency of two, two hung sends used to hold both processes for
ever, so expiry (and refunds) stopped. Every task now has a time limit and every send a
timeout: the sends end as failed attempts, to retry, and expiry runs meanwhile."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from config.celery import task_queue
from notifications.models import Delivery
from notifications.services import SEND_TASK
from orders.models import Order
from tests.config.redis_helpers import hanging_server
from tests.config.settings_probe import settings_values
from tests.drills.workers import processes, service_env, wait_for, worker_args
from tests.factories import place_order

S = Order.Status


def test_every_task_carries_the_time_limits_of_the_settings(settings):
    # Each queued task's message carries them, so the process that queues it decides.
    for task in [SEND_TASK, "orders.tasks.expire_unpaid_orders", "orders.tasks.refund_execute"]:
        assert celery_app.tasks[task].soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert celery_app.tasks[task].time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_every_send_and_every_task_has_a_time_limit_by_default():
    values = settings_values(
        {},
        "EMAIL_TIMEOUT",
        "CELERY_TASK_SOFT_TIME_LIMIT",
        "CELERY_TASK_TIME_LIMIT",
        "CACHE_SOCKET_TIMEOUT",
    )
    assert values == {
        "EMAIL_TIMEOUT": 10,
        "CELERY_TASK_SOFT_TIME_LIMIT": 60,
        "CELERY_TASK_TIME_LIMIT": 90,
        "CACHE_SOCKET_TIMEOUT": 0.5,
    }


@pytest.mark.django_db
def test_a_send_to_a_mail_server_that_never_answers_fails_within_email_timeout(
    settings, django_capture_on_commit_callbacks
):
    with hanging_server() as port, django_capture_on_commit_callbacks(execute=True):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 0.5
        place_order()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "timed out" in delivery.last_error


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_expiry_runs_while_two_sends_hang_on_the_mail_server(
    monkeypatch, real_worker_mode, empty_queue, tmp_path
):
    from notifications import services

    monkeypatch.setattr(services, "task_queue", lambda *args: None)  # queued below, by hand
    stale = place_order()
    place_order()
    monkeypatch.undo()
    Order.objects.filter(pk=stale.pk).update(placed_at=timezone.now() - timedelta(hours=1))
    emails = list(
        Delivery.objects.filter(notification__kind="order_placed").values_list("pk", flat=True)
    )
    log = tmp_path / "worker.log"

    with hanging_server() as smtp_port, processes() as start:
        start(
            worker_args("hung-mail", pool="prefork", concurrency=2),
            env=service_env(
                EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
                EMAIL_TIMEOUT="600",  # longer than the drill: the task's time limit ends it
            ),
            log=log,
        )
        for pk in emails:  # with short limits: this drill's own CELERY_TASK_*_TIME_LIMIT
            celery_app.tasks[SEND_TASK].apply_async((pk,), soft_time_limit=3, time_limit=6)
        wait_for(
            lambda: Delivery.objects.filter(pk__in=emails, status="sending").count() == 2,
            timeout=60,
        )
        task_queue("orders.tasks.expire_unpaid_orders")

        wait_for(lambda: Order.objects.get(pk=stale.pk).status == S.EXPIRED, timeout=30)
        wait_for(
            lambda: Delivery.objects.filter(pk__in=emails, status="failed").count() == 2,
            timeout=30,
        )
    for delivery in Delivery.objects.filter(pk__in=emails):
        assert delivery.attempts == 1
        assert "SoftTimeLimitExceeded" in delivery.last_error, log.read_text()
