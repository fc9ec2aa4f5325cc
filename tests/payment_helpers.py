"""Start payments and deliver provider webhooks as the sandbox or Stripe would sign them."""

import hashlib
import hmac
import json
import time
from decimal import Decimal
from uuid import uuid4

from orders.models import Payment
from orders.payments.sandbox import SIGNATURE_HEADER, sandbox_sign
from orders.services.payments import payment_start

WEBHOOK = "/api/v1/payments/webhook/{}/"
STRIPE_WEBHOOK_SECRET = "whsec_orderly_tests"


def start_payment(order) -> Payment:
    """Open a sandbox payment for the order, as its customer pressing Pay would."""
    payment_start(order=order, by=order.user, return_url="http://testserver/back/")
    return Payment.objects.filter(order=order).order_by("-pk").first()


def sandbox_body(payment, *, succeeded=True, event_id=None, amount=None, currency=None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid4().hex}",
            "type": "payment.succeeded" if succeeded else "payment.failed",
            "created": int(time.time()),
            "data": {
                "reference": payment.reference,
                "payment_id": payment.pk,
                "amount": str(payment.amount if amount is None else amount),
                "currency": currency or payment.currency,
            },
        }
    ).encode()


def post_sandbox_webhook(client, body: bytes, *, signature: str | None = None):
    """POST a sandbox webhook; signed now with the real secret unless `signature` is given."""
    return client.generic(
        "POST",
        WEBHOOK.format("sandbox"),
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sandbox_sign(body) if signature is None else signature},
    )


def stripe_signature(body: bytes, *, secret=STRIPE_WEBHOOK_SECRET, timestamp=None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def stripe_session_completed(payment, *, amount: Decimal | None = None, event_id=None) -> bytes:
    amount = payment.amount if amount is None else amount
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid4().hex}",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": payment.reference,
                    "object": "checkout.session",
                    "payment_status": "paid",
                    "payment_intent": "pi_test_123",
                    "amount_total": int(amount * 100),
                    "currency": payment.currency.lower(),
                    "metadata": {"order": payment.order.number, "payment_id": str(payment.pk)},
                }
            },
        }
    ).encode()
