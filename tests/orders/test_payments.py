"""Paying for an order: starting a payment, the provider's webhook, refunds (sandbox)."""

import json
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from orders.errors import CancelNotAllowed, PaymentProviderUnavailable, RefundNotAllowed
from orders.models import Order, OrderEvent, Payment, PaymentEvent, Product, Refund, Slot
from orders.payments.sandbox import SandboxProvider, sandbox_sign
from orders.services.payments import refunds_retry_due
from orders.services.refunds import order_refund
from orders.services.transitions import order_cancel, order_transition
from orders.signals import payment_refunded
from tests.factories import ProductFactory, UserFactory, fulfilment_staff, place_order
from tests.payment_helpers import post_sandbox_webhook, sandbox_body, start_payment

pytestmark = pytest.mark.django_db

S = Order.Status


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what the code queues after commit (the refund task), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _manager():
    manager = UserFactory(is_staff=True)
    manager.groups.add(Group.objects.get(name="manager"))
    return type(manager).objects.get(pk=manager.pk)


def _paid_order(client):
    order = place_order()
    payment = start_payment(order)
    assert post_sandbox_webhook(client, sandbox_body(payment)).status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    return order, payment


# --- Starting a payment ---------------------------------------------------------------


def test_paying_through_the_api_opens_a_sandbox_payment_for_the_order_total(api_client):
    order = place_order()
    response = _as(api_client, order.user).post(f"/api/v1/orders/{order.number}/pay/")

    assert response.status_code == 200
    payment = Payment.objects.get(order=order)
    assert list(response.json()) == ["redirect_url"]
    assert response.json()["redirect_url"].startswith(
        f"http://testserver/payments/sandbox/{payment.reference}/?link="
    )
    assert (payment.provider, payment.status) == ("sandbox", Payment.Status.PENDING)
    assert (payment.amount, payment.currency) == (order.total, order.currency)


def test_another_customers_order_cannot_be_paid(api_client):
    order = place_order()
    response = _as(api_client, UserFactory()).post(f"/api/v1/orders/{order.number}/pay/")
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_staff_cannot_pay_a_customers_order_either(api_client):
    """Staff may see the order, so the refusal is the pay rule's 409 (a stranger gets 404)."""
    order = place_order()
    response = _as(api_client, fulfilment_staff()).post(f"/api/v1/orders/{order.number}/pay/")
    assert response.status_code == 409
    assert response.json()["code"] == "payment_not_allowed"
    assert not Payment.objects.exists()


def test_an_order_that_is_not_waiting_for_payment_is_a_409_naming_its_state(api_client, client):
    order, _ = _paid_order(client)
    response = _as(api_client, order.user).post(f"/api/v1/orders/{order.number}/pay/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "payment_not_allowed"
    assert body["field"] == "status"
    assert "is paid" in body["detail"]
    assert Payment.objects.filter(order=order).count() == 1


def test_an_overdue_unpaid_order_cannot_start_a_payment_and_expires(api_client, settings):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=3)
    Order.objects.filter(pk=order.pk).update(
        placed_at=timezone.now() - settings.ORDER_PAYMENT_TIMEOUT - timedelta(seconds=1)
    )
    response = _as(api_client, order.user).post(f"/api/v1/orders/{order.number}/pay/")

    assert response.status_code == 409
    assert "not paid in time" in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == S.EXPIRED
    assert Product.objects.get(pk=product.pk).stock == 10
    assert not Payment.objects.exists()


def test_checkout_expires_the_customers_overdue_orders_before_counting_open_ones(settings):
    settings.MAX_OPEN_ORDERS = 1
    user = UserFactory()
    stale = place_order(user=user)
    Order.objects.filter(pk=stale.pk).update(
        placed_at=timezone.now() - settings.ORDER_PAYMENT_TIMEOUT - timedelta(minutes=1)
    )

    fresh = place_order(user=user)

    assert fresh.status == S.PENDING_PAYMENT
    stale.refresh_from_db()
    assert stale.status == S.EXPIRED


# --- The webhook ------------------------------------------------------------------------


def test_a_signed_payment_webhook_marks_the_order_paid_once(client):
    order = place_order()
    payment = start_payment(order)

    response = post_sandbox_webhook(client, sandbox_body(payment))

    assert response.status_code == 200
    assert response.json() == {"received": ["applied"]}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.PAID
    assert order.paid_at is not None
    assert payment.status == Payment.Status.SUCCEEDED
    event = OrderEvent.objects.get(order=order, to_status=S.PAID)
    assert event.actor is None
    assert payment.reference in event.note


def test_the_same_event_delivered_five_times_is_applied_once(client):
    order = place_order()
    payment = start_payment(order)
    body = sandbox_body(payment, event_id="evt_same")

    replies = [post_sandbox_webhook(client, body).json()["received"] for _ in range(5)]

    assert replies == [["applied"]] + [["duplicate"]] * 4
    assert PaymentEvent.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=S.PAID).count() == 1


def test_a_second_success_event_for_the_same_payment_changes_nothing(client):
    order, payment = _paid_order(client)
    response = post_sandbox_webhook(client, sandbox_body(payment))
    assert response.json() == {"received": ["ignored"]}
    assert OrderEvent.objects.filter(order=order, to_status=S.PAID).count() == 1
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("t=1,v1=00", "too old"),
        ("t=NOW,v1=" + "0" * 64, "does not match"),
        ("", "missing or malformed"),
        ("v1=abc", "missing or malformed"),
        ("t=99999999999999999999999,v1=00", "missing or malformed"),
        ("t=١٢٣,v1=00", "missing or malformed"),
    ],
)
def test_a_forged_or_stale_signature_is_a_400_and_changes_nothing(client, signature, message):
    order = place_order()
    payment = start_payment(order)

    signature = signature.replace("NOW", str(int(time.time())))
    response = post_sandbox_webhook(client, sandbox_body(payment), signature=signature)

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_invalid"
    assert message in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert not PaymentEvent.objects.exists()


def test_a_replay_signed_six_minutes_ago_is_refused(client):
    order = place_order()
    payment = start_payment(order)
    body = sandbox_body(payment)
    old = sandbox_sign(body, timestamp=int(time.time()) - 360)

    assert post_sandbox_webhook(client, body, signature=old).status_code == 400
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT


def test_a_body_signed_with_another_secret_is_refused(client):
    order = place_order()
    payment = start_payment(order)
    body = sandbox_body(payment)
    response = post_sandbox_webhook(client, body, signature=sandbox_sign(body, secret="guess"))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("change", "value"),
    [("amount", "0.01"), ("currency", "EUR")],
)
def test_a_wrong_amount_or_currency_is_recorded_and_not_applied(client, change, value):
    order = place_order()
    payment = start_payment(order)

    response = post_sandbox_webhook(client, sandbox_body(payment, **{change: value}))

    assert response.status_code == 200
    assert response.json() == {"received": ["mismatch"]}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert payment.status == Payment.Status.MISMATCH
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.MISMATCH


def test_an_event_for_an_unknown_payment_is_recorded_and_ignored(client):
    order = place_order()
    payment = start_payment(order)
    body = json.loads(sandbox_body(payment))
    body["data"].update(reference="sbx_nobody", payment_id=999999)
    raw = json.dumps(body).encode()

    response = post_sandbox_webhook(client, raw)

    assert response.json() == {"received": ["unknown_payment"]}
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"id": "evt_1", "type": "payment.succeeded"}',
        b'{"id": "evt_1", "type": "payment.succeeded", "data": {"reference": "x", '
        b'"payment_id": null, "amount": "1", "currency": "GBP"}}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_a_malformed_body_with_a_good_signature_is_a_400(client, body):
    order = place_order()
    start_payment(order)
    response = post_sandbox_webhook(client, body)
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    assert not PaymentEvent.objects.exists()


def test_an_unknown_event_type_is_recorded_and_ignored(client):
    order = place_order()
    payment = start_payment(order)
    body = json.loads(sandbox_body(payment))
    body["type"] = "payment.disputed"
    response = post_sandbox_webhook(client, json.dumps(body).encode())

    assert response.json() == {"received": ["ignored"]}
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert PaymentEvent.objects.get().type == "payment.disputed"


@pytest.mark.parametrize("provider", ["paypal", "stripe"])
def test_a_provider_not_in_use_is_a_404(client, provider):
    response = client.post(
        f"/api/v1/payments/webhook/{provider}/", b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "payment_provider_unknown"


def test_a_declined_payment_leaves_the_order_waiting_and_it_can_be_paid_afterwards(client):
    order = place_order()
    declined = start_payment(order)

    reply = post_sandbox_webhook(client, sandbox_body(declined, succeeded=False))

    assert reply.json() == {"received": ["failed"]}
    declined.refresh_from_db()
    order.refresh_from_db()
    assert declined.status == Payment.Status.FAILED
    assert order.status == S.PENDING_PAYMENT

    second = start_payment(order)
    post_sandbox_webhook(client, sandbox_body(second))
    order.refresh_from_db()
    assert order.status == S.PAID


# --- Late payments and refunds ------------------------------------------------------------


def test_a_payment_after_expiry_is_refunded_and_the_order_stays_expired(client, after_commit):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=4)
    payment = start_payment(order)
    order_transition(order=order, to=S.EXPIRED, by=None, note="Not paid in time.")
    assert Product.objects.get(pk=product.pk).stock == 10

    with after_commit():
        response = post_sandbox_webhook(client, sandbox_body(payment))

    assert response.json() == {"received": ["refunded"]}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.EXPIRED
    assert Product.objects.get(pk=product.pk).stock == 10
    assert Slot.objects.get(pk=order.slot_id).reserved == 0
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.amount == order.total
    assert refund.reference == f"sbx_re_{refund.key}"
    assert payment.status == Payment.Status.REFUNDED


def test_a_second_payment_of_a_paid_order_is_refunded(client, after_commit):
    order = place_order()
    first = start_payment(order)
    second = Payment.objects.create(
        order=order, provider="sandbox", reference="sbx_second", amount=order.total, currency="GBP"
    )
    post_sandbox_webhook(client, sandbox_body(first))

    with after_commit():
        response = post_sandbox_webhook(client, sandbox_body(second))

    assert response.json() == {"received": ["refunded"]}
    refund = Refund.objects.get()
    assert (refund.payment, refund.status) == (second, Refund.Status.SUCCEEDED)
    first.refresh_from_db()
    assert first.status == Payment.Status.SUCCEEDED


def test_cancelling_a_paid_order_refunds_it_once_and_says_so(client, after_commit):
    order, payment = _paid_order(client)
    heard = []

    def listener(sender, order, payment, amount, **kwargs):
        heard.append((order.number, payment.pk, amount))

    payment_refunded.connect(listener)
    try:
        with after_commit():
            order_cancel(order=order, by=order.user, note="Changed my mind.")
    finally:
        payment_refunded.disconnect(listener)

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.SUCCEEDED
    assert "by the customer" in refund.reason
    assert heard == [(order.number, payment.pk, order.total)]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_staff_cancelling_a_paid_order_refunds_it(client, after_commit):
    order, payment = _paid_order(client)
    with after_commit():
        order_cancel(order=order, by=fulfilment_staff(), note="Out of flour.")
    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.SUCCEEDED
    assert "by the shop" in refund.reason


def test_cancelling_an_unpaid_order_refunds_nothing():
    order = place_order()
    start_payment(order)
    order_cancel(order=order, by=order.user)
    assert not Refund.objects.exists()


def test_a_refund_the_provider_fails_once_is_retried_later_and_recorded_once(
    client, monkeypatch, after_commit
):
    order, _ = _paid_order(client)
    calls = []
    real_refund = SandboxProvider.refund

    def flaky(self, *, payment, amount, key):
        calls.append(key)
        if len(calls) == 1:
            raise PaymentProviderUnavailable("The payment service timed out.")
        return real_refund(self, payment=payment, amount=amount, key=key)

    monkeypatch.setattr(SandboxProvider, "refund", flaky)
    with after_commit():
        order_cancel(order=order, by=order.user)

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.FAILED
    assert (refund.attempts, refund.last_error) == (1, "The payment service timed out.")
    assert refunds_retry_due() == 0  # not due yet: it waits a minute first

    # The customer presses cancel again: refused, and still one refund.
    with pytest.raises(CancelNotAllowed):
        order_cancel(order=order, by=order.user)

    assert refunds_retry_due(now=timezone.now() + timedelta(minutes=2)) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.attempts == 2
    assert refund.last_error == ""
    assert calls == [refund.key, refund.key]
    assert Refund.objects.count() == 1
    assert refunds_retry_due(now=timezone.now() + timedelta(hours=1)) == 0


def test_a_manager_refunds_a_paid_order_and_staff_cannot(client, after_commit):
    order, _ = _paid_order(client)
    staff = fulfilment_staff()
    with pytest.raises(RefundNotAllowed, match="Only managers"):
        order_refund(order=order, by=staff)
    assert not Refund.objects.exists()

    manager = _manager()
    with after_commit():
        [refund] = order_refund(order=order, by=manager)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    assert (order.status, order.refunded) == (S.CANCELLED, order.total)
    with pytest.raises(RefundNotAllowed, match="no payment to refund"):
        order_refund(order=order, by=manager)
