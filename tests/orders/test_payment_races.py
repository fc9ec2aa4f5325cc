"""Webhooks delivered many times at once, and a payment racing a cancel, on PostgreSQL."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from config.celery import app as celery_app
from orders.models import Order, OrderEvent, Payment, PaymentEvent, Refund
from orders.services.transitions import order_cancel
from tests.concurrency import run_concurrently
from tests.factories import ProductFactory, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_webhook_delivered_five_times_at_once_is_applied_once():
    order = place_order()
    payment = start_payment(order)
    body = sandbox_body(payment, event_id="evt_five_times")

    replies = run_concurrently(
        lambda i: post_sandbox_webhook(Client(), body).json()["received"], times=5
    )

    assert sorted(replies) == [["applied"]] + [["duplicate"]] * 4
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert PaymentEvent.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=Order.Status.PAID).count() == 1
    assert not Refund.objects.exists()


@pytest.mark.parametrize("run", range(4))
def test_a_payment_racing_a_cancel_is_never_left_paid_and_cancelled_without_a_refund(run):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=2)
    payment = start_payment(order)
    body = sandbox_body(payment)

    def act(i):
        if i == 0:
            return post_sandbox_webhook(Client(), body).json()["received"]
        return order_cancel(order=Order.objects.get(pk=order.pk), by=order.user).status

    results = run_concurrently(act, times=2)

    assert not any(isinstance(r, Exception) for r in results), results
    order.refresh_from_db()
    payment.refresh_from_db()
    # Either paid then cancelled and refunded, or cancelled with the late payment refunded.
    assert order.status == Order.Status.CANCELLED
    assert results[0] in (["applied"], ["refunded"])
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment.status == Payment.Status.REFUNDED
    product.refresh_from_db()
    assert product.stock == 10


@pytest.mark.redis
def test_with_a_worker_the_sandbox_webhook_is_sent_by_a_task_and_the_page_confirms_it(
    real_worker_mode,
):
    order = place_order()
    payment = start_payment(order)
    client = Client()
    client.force_login(order.user)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(f"/payments/sandbox/{payment.reference}/", {"outcome": "pay"})
        waiting = client.get(response["Location"]).content.decode()
        for _ in range(200):
            if Order.objects.get(pk=order.pk).status == Order.Status.PAID:
                break
            time.sleep(0.05)

    assert response["Location"] == f"/orders/{order.number}/?payment=returned"
    assert "We are confirming your payment" in waiting or "Paid" in waiting
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert "We are confirming" not in client.get(response["Location"]).content.decode()
