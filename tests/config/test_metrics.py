"""/metrics: who may read it, and that each series of SPEC §8 is there and counts once."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from notifications.models import Delivery, Notification
from orders.models import Order, Payment, Refund
from orders.services.transitions import order_cancel, order_transition, orders_expire_unpaid
from tests.factories import UserFactory, fulfilment_staff, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-7f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
S = Order.Status


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client) -> dict[str, list]:
    """The samples of /metrics by series name, as Prometheus would parse them."""
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        samples.setdefault(family.name, []).extend(family.samples)
    return samples


# --- Who may read it ---------------------------------------------------------------------


def test_metrics_are_not_there_while_the_token_is_unset(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", TOKEN, f"Basic {TOKEN}"])
def test_metrics_need_the_bearer_token(client, metrics_on, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"orderly_" not in response.content


def test_every_series_of_the_spec_is_served(client, metrics_on):
    served = scrape(client)
    for name in [
        "orderly_http_requests",
        "orderly_http_request_duration_seconds",
        "orderly_orders",
        "orderly_checkout_refusals",
        "orderly_notifications",
        "orderly_outbox_backlog",
        "orderly_outbox_oldest_seconds",
        "orderly_webhook_deliveries",
        "orderly_celery_tasks",
        "orderly_job_last_success_timestamp_seconds",
        "orderly_refunds_failing",
    ]:
        assert name in served, name


# --- HTTP ----------------------------------------------------------------------------------


def test_requests_are_counted_by_url_pattern_never_by_path(client, metrics_on):
    order = place_order()
    client.force_login(order.user)
    route = "/orders/<str:number>/"
    before = value("orderly_http_requests_total", method="GET", route=route, status="200")
    timed = value("orderly_http_request_duration_seconds_count", route=route)

    assert client.get(f"/orders/{order.number}/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404

    after = value("orderly_http_requests_total", method="GET", route=route, status="200")
    assert after - before == 1
    assert value("orderly_http_request_duration_seconds_count", route=route) - timed == 1
    text = client.get("/metrics", headers=AUTH).content.decode()
    assert f'route="{route}"' in text
    assert 'route="unmatched",status="404"' in text
    assert order.number not in text
    client.get("/api/v1/orders/")  # a DRF router's pattern is a regular expression
    text = client.get("/metrics", headers=AUTH).content.decode()
    assert 'route="/api/v1/orders/",status="200"' in text
    assert "no-such-page" not in text


def test_requests_are_not_timed_while_metrics_are_off(client, settings):
    settings.METRICS_TOKEN = ""
    before = value("orderly_http_requests_total", method="GET", route="/", status="200")
    client.get("/")
    assert value("orderly_http_requests_total", method="GET", route="/", status="200") == before


# --- Orders ----------------------------------------------------------------------------------


def test_each_order_event_is_counted_once_after_commit(client, after_commit):
    events = ["placed", "paid", "cancelled", "refunded", "expired", "completed"]
    before = {event: value("orderly_orders_total", event=event) for event in events}

    with after_commit():
        paid = place_order()
    first = start_payment(paid)
    second = Payment.objects.create(
        order=paid, provider="sandbox", reference="sbx_second", amount=paid.total, currency="GBP"
    )
    with after_commit():
        post_sandbox_webhook(client, sandbox_body(first))
        post_sandbox_webhook(client, sandbox_body(second))  # paid twice: refunded
    with after_commit():
        order_cancel(order=paid, by=paid.user, note="Changed my mind.")  # refunded
    unpaid = place_order()  # its transaction never commits here: not counted as placed
    with after_commit():
        Order.objects.filter(pk=unpaid.pk).update(placed_at=timezone.now() - timedelta(days=1))
        orders_expire_unpaid()
    staff = fulfilment_staff()
    with after_commit():
        served = place_order()
        order_transition(order=served, to=S.PAID, by=None)
        for status in [S.PREPARING, S.READY, S.COMPLETED]:
            order_transition(order=served, to=status, by=staff)

    counted = {
        event: value("orderly_orders_total", event=event) - before[event] for event in events
    }
    assert counted == {
        "placed": 2,
        "paid": 2,
        "cancelled": 1,
        "refunded": 2,
        "expired": 1,
        "completed": 1,
    }


def test_checkout_refusals_are_counted_by_code(api_client):
    before = value("orderly_checkout_refusals_total", code="cart_empty")
    api_client.force_authenticate(UserFactory())

    response = api_client.post(
        "/api/v1/orders/", {"slot": 1}, format="json", headers={"Idempotency-Key": "k-1"}
    )

    assert response.json()["code"] == "cart_empty"
    assert value("orderly_checkout_refusals_total", code="cart_empty") - before == 1


# --- Notifications and the outbox -------------------------------------------------------------


def test_notifications_and_emails_are_counted(client, after_commit, mailoutbox):
    written = value("orderly_notifications_total", channel="inbox", result="written")
    sent = value("orderly_notifications_total", channel="email", result="sent")

    with after_commit():
        order = place_order()
    with after_commit():
        post_sandbox_webhook(client, sandbox_body(start_payment(order)))

    assert (
        value("orderly_notifications_total", channel="inbox", result="written") - written
        == Notification.objects.count()
        > 0
    )
    emails = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    assert value("orderly_notifications_total", channel="email", result="sent") - sent == emails
    assert len(mailoutbox) == emails > 0


def test_the_outbox_backlog_and_its_age_are_read_at_scrape_time(client, metrics_on):
    user = UserFactory()
    notification = Notification.objects.create(recipient=user, kind="order_placed", title="Hi")
    waiting = Delivery.objects.create(notification=notification, to=user.email)
    Delivery.objects.create(notification=notification, to="x@example.com", status="sent")
    Delivery.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=7))

    served = scrape(client)

    assert served["orderly_outbox_backlog"][0].value == 1
    assert 420 <= served["orderly_outbox_oldest_seconds"][0].value < 480

    Delivery.objects.filter(pk=waiting.pk).update(status="sent")
    served = scrape(client)
    assert served["orderly_outbox_backlog"][0].value == 0
    assert served["orderly_outbox_oldest_seconds"][0].value == 0


def test_failing_refunds_are_read_at_scrape_time(client, metrics_on):
    order = place_order()
    payment = start_payment(order)
    Refund.objects.create(payment=payment, amount=order.total, key="r-1", status="failed")

    assert scrape(client)["orderly_refunds_failing"][0].value == 1


# --- Celery ------------------------------------------------------------------------------------


def test_tasks_are_counted_and_a_scheduled_job_keeps_its_last_success():
    task = "notifications.tasks.queue_due_deliveries"
    before = value("orderly_celery_tasks_total", task=task, result="success")
    started = timezone.now().timestamp()

    celery_app.tasks[task].delay()

    assert value("orderly_celery_tasks_total", task=task, result="success") - before == 1
    assert value("orderly_job_last_success_timestamp_seconds", job=task) >= started


# --- Every process is counted ------------------------------------------------------------------

COUNT_IN_A_PROCESS = """
import django
django.setup()
from config import metrics
metrics.ORDERS.labels("placed").inc()
metrics.HTTP_REQUESTS.labels("GET", "/orders/<str:number>/", "200").inc(2)
"""


def test_the_counts_of_every_process_are_summed(client, metrics_on, tmp_path, settings):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", COUNT_IN_A_PROCESS],
            env=env,
            cwd=Path(settings.BASE_DIR),
            check=True,
            timeout=60,
        )
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)

    served = scrape(client)

    orders = {
        s.labels["event"]: s.value for s in served["orderly_orders"] if s.name.endswith("_total")
    }
    assert orders == {"placed": 2}
    requests = [s for s in served["orderly_http_requests"] if s.name.endswith("_total")]
    assert [(s.labels["route"], s.value) for s in requests] == [("/orders/<str:number>/", 4)]
    assert "orderly_outbox_backlog" in served
