"""Stripe Checkout: sessions opened and refunds made through the `stripe` library (its HTTP
calls answered here, no network), webhooks signed locally with a test secret."""

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import stripe

from orders.models import Order, Payment, PaymentEvent, Refund
from orders.payments.stripe_checkout import StripeProvider, minor_units
from orders.services.payments import payment_start
from orders.services.transitions import order_cancel
from tests.factories import ProductFactory, place_order
from tests.payment_helpers import (
    STRIPE_WEBHOOK_SECRET,
    WEBHOOK,
    stripe_session_completed,
    stripe_signature,
)

pytestmark = pytest.mark.django_db


class FakeStripe(stripe.HTTPClient):
    """Answers Stripe's API calls with canned replies and keeps what was asked."""

    name = "fake"

    def __init__(self, replies):
        super().__init__()
        self.replies = list(replies)
        self.calls = []

    def request(self, method, url, headers, post_data=None):
        self.calls.append((method, url, dict(headers), parse_qs(post_data or "")))
        status, body = self.replies.pop(0)
        return json.dumps(body), status, {}

    def close(self):
        pass


@pytest.fixture
def stripe_in_use(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_orderly"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET


def _fake(monkeypatch, *replies) -> FakeStripe:
    fake = FakeStripe(replies)
    monkeypatch.setattr(StripeProvider, "http_client", fake)
    return fake


def _session(session_id="cs_test_1"):
    return {
        "id": session_id,
        "object": "checkout.session",
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
    }


def _start(order, monkeypatch):
    fake = _fake(monkeypatch, (200, _session()))
    url = payment_start(order=order, by=order.user, return_url="https://shop.test/orders/x/")
    return url, fake, Payment.objects.get(order=order)


def test_paying_opens_a_stripe_checkout_session_for_the_order_total(stripe_in_use, monkeypatch):
    order = place_order()
    url, fake, payment = _start(order, monkeypatch)

    assert url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert (payment.provider, payment.reference) == ("stripe", "cs_test_1")
    method, endpoint, headers, form = fake.calls[0]
    assert (method, endpoint) == ("post", "https://api.stripe.com/v1/checkout/sessions")
    assert headers["Idempotency-Key"] == f"orderly-payment-{payment.pk}"
    assert form["line_items[0][price_data][unit_amount]"] == [str(int(order.total * 100))]
    assert form["line_items[0][price_data][currency]"] == ["gbp"]
    assert form["metadata[payment_id]"] == [str(payment.pk)]
    assert form["success_url"] == ["https://shop.test/orders/x/"]


def test_stripe_refusing_to_open_a_session_is_a_503_and_the_order_still_waits(
    stripe_in_use, monkeypatch, api_client
):
    order = place_order()
    _fake(monkeypatch, (400, {"error": {"message": "Invalid currency", "type": "invalid"}}))
    api_client.force_authenticate(order.user)

    response = api_client.post(f"/api/v1/orders/{order.number}/pay/")

    assert response.status_code == 503
    assert response.json()["code"] == "payment_provider_unavailable"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_a_locally_signed_checkout_session_completed_marks_the_order_paid(
    stripe_in_use, monkeypatch, client
):
    order = place_order()
    _, _, payment = _start(order, monkeypatch)
    body = stripe_session_completed(payment)

    response = client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )

    assert response.status_code == 200
    assert response.json() == {"received": ["applied"]}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


@pytest.mark.parametrize("tamper", ["body", "secret", "none"])
def test_a_tampered_stripe_webhook_is_a_400_and_changes_nothing(
    stripe_in_use, monkeypatch, client, tamper
):
    order = place_order()
    _, _, payment = _start(order, monkeypatch)
    body = stripe_session_completed(payment)
    signature = {
        "body": stripe_signature(body),
        "secret": stripe_signature(body, secret="whsec_guess"),
        "none": "",
    }[tamper]
    if tamper == "body":
        body = body.replace(b'"paid"', b'"PAID"')

    response = client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": signature},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_invalid"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not PaymentEvent.objects.exists()


def test_a_stripe_event_of_another_type_is_recorded_and_ignored(stripe_in_use, monkeypatch, client):
    order = place_order()
    _start(order, monkeypatch)
    body = json.dumps(
        {"id": "evt_x", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    ).encode()
    response = client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )
    assert response.json() == {"received": ["ignored"]}
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_cancelling_a_stripe_paid_order_refunds_with_an_idempotency_key(
    stripe_in_use, monkeypatch, client, django_capture_on_commit_callbacks
):
    order = place_order()
    _, _, payment = _start(order, monkeypatch)
    body = stripe_session_completed(payment)
    client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )
    fake = _fake(monkeypatch, (200, {"id": "re_test_1", "object": "refund"}))

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=Order.objects.get(pk=order.pk), by=order.user)

    refund = Refund.objects.get()
    assert (refund.status, refund.reference) == (Refund.Status.SUCCEEDED, "re_test_1")
    _, endpoint, headers, form = fake.calls[0]
    assert endpoint == "https://api.stripe.com/v1/refunds"
    assert headers["Idempotency-Key"] == refund.key
    assert form == {"payment_intent": ["pi_test_123"], "amount": [str(int(order.total * 100))]}


def _post(client, event: dict):
    body = json.dumps(event).encode()
    return client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )


def _charge_refunded(payment, *, refunded_minor: int, currency="gbp", event_id="evt_refund_1"):
    """What Stripe sends when the charge of the payment is refunded (here: in its dashboard)."""
    return {
        "id": event_id,
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_test_1",
                "object": "charge",
                "payment_intent": "pi_test_123",
                "amount": int(payment.amount * 100),
                "amount_refunded": refunded_minor,
                "currency": currency,
                "metadata": {},
                "refunds": {"object": "list", "data": [{"id": f"re_dash_{refunded_minor}"}]},
            }
        },
    }


def _stripe_paid(client, monkeypatch, **kwargs):
    order = place_order(**kwargs)
    _, _, payment = _start(order, monkeypatch)
    body = stripe_session_completed(payment)
    client.post(
        WEBHOOK.format("stripe"),
        body,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(body)},
    )
    payment.refresh_from_db()
    return Order.objects.get(pk=order.pk), payment


def test_a_refund_made_in_stripes_dashboard_reaches_the_order_once(
    stripe_in_use, monkeypatch, client, mailoutbox, django_capture_on_commit_callbacks
):
    order, payment = _stripe_paid(client, monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        part = _post(client, _charge_refunded(payment, refunded_minor=100))
    again = _post(client, _charge_refunded(payment, refunded_minor=100, event_id="evt_other"))

    assert part.json() == {"received": ["refunded"]}
    assert again.json() == {"received": ["ignored"]}  # 1.00 is already recorded
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.reference) == (
        Decimal("1.00"),
        Refund.Status.SUCCEEDED,
        "re_dash_100",
    )
    order.refresh_from_db()
    assert (order.status, order.refunded) == (Order.Status.PAID, Decimal("1.00"))
    assert any("We refunded £1.00" in mail.body for mail in mailoutbox)

    whole = int(order.total * 100)
    assert _post(
        client, _charge_refunded(payment, refunded_minor=whole, event_id="evt_all")
    ).json() == {"received": ["refunded"]}
    order.refresh_from_db()
    assert (order.status, order.refunded) == (Order.Status.CANCELLED, order.total)
    assert sum(r.amount for r in Refund.objects.all()) == order.total
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_a_yen_payment_goes_to_stripe_in_whole_yen(stripe_in_use, settings, monkeypatch):
    settings.SHOP_CURRENCY = "JPY"
    order = place_order(products=[ProductFactory(price=Decimal("1250"))])
    assert order.currency == "JPY"

    _, fake, _ = _start(order, monkeypatch)

    form = fake.calls[0][3]
    assert form["line_items[0][price_data][unit_amount]"] == ["1250"]
    assert form["line_items[0][price_data][currency]"] == ["jpy"]
    assert minor_units(Decimal("1250"), "JPY") == 1250
    assert minor_units(Decimal("12.50"), "GBP") == 1250
    assert minor_units(Decimal("1.250"), "KWD") == 1250


def test_stripe_calls_wait_at_most_the_providers_timeout(stripe_in_use, settings, monkeypatch):
    settings.PAYMENT_PROVIDER_TIMEOUT = 4.5
    made, real = [], stripe.RequestsClient
    monkeypatch.setattr(stripe, "RequestsClient", lambda **kw: made.append(kw) or real(**kw))

    StripeProvider()._client()

    assert made == [{"timeout": 4.5}]


def test_a_replayed_pay_opens_one_checkout_session_and_sends_the_buyer_back_to_it(
    stripe_in_use, monkeypatch, api_client
):
    order = place_order()
    fake = _fake(monkeypatch, (200, _session()))
    api_client.force_authenticate(order.user)

    replies = [api_client.post(f"/api/v1/orders/{order.number}/pay/") for _ in range(3)]

    assert {reply.json()["redirect_url"] for reply in replies} == {
        "https://checkout.stripe.com/c/pay/cs_test_1"
    }
    assert len(fake.calls) == 1
    assert Payment.objects.filter(order=order).count() == 1


def test_after_a_declined_payment_pay_starts_a_new_one(stripe_in_use, monkeypatch, client):
    order = place_order()
    _, _, payment = _start(order, monkeypatch)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)

    fake = _fake(monkeypatch, (200, _session("cs_test_2")))
    url = payment_start(order=order, by=order.user, return_url="https://shop.test/orders/x/")

    assert url == "https://checkout.stripe.com/c/pay/cs_test_2"
    assert len(fake.calls) == 1
    assert Payment.objects.filter(order=order).count() == 2
