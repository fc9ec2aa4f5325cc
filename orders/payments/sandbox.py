"""The sandbox provider: a payment page Orderly serves itself, for development and demos.

The buyer presses Pay or Decline on /payments/sandbox/<reference>/?link=<signed>; the
signed, short-lived link (ORDER_PAYMENT_TIMEOUT) needs no sign-in, as a real provider's
hosted page does, so an app holding only a token can send its buyer there. A task then sends a
webhook signed like a real provider's to the same service the webhook endpoint calls, so
exactly the code path of a real payment runs.

Signature header: `Orderly-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`
with SANDBOX_WEBHOOK_SECRET. An event signed more than TOLERANCE seconds ago (or ahead) is
refused, so a captured webhook cannot be replayed later.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from uuid import uuid4

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from orders.errors import WebhookInvalid
from orders.models import Payment
from orders.payments.base import ProviderEvent

SIGNATURE_HEADER = "Orderly-Signature"
TOLERANCE = 300
EVENT_KINDS = {"payment.succeeded": ProviderEvent.SUCCEEDED, "payment.failed": ProviderEvent.FAILED}
LINK_SALT = "orderly.sandbox.payment-link"


def sandbox_link(reference: str) -> str:
    """The payment page's address, signed: it opens the page without a session."""
    signed = signing.TimestampSigner(salt=LINK_SALT).sign(reference)
    path = reverse("sandbox_pay", kwargs={"reference": reference})
    return f"{path}?{urlencode({'link': signed})}"


def sandbox_link_valid(*, reference: str, link: str) -> bool:
    """Whether `link` was signed for this payment within ORDER_PAYMENT_TIMEOUT."""
    try:
        signed_for = signing.TimestampSigner(salt=LINK_SALT).unsign(
            link, max_age=settings.ORDER_PAYMENT_TIMEOUT
        )
    except signing.BadSignature:
        return False
    return signed_for == reference


def sandbox_sign(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
    """The signature header value for `body`, as the sandbox sends it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.SANDBOX_WEBHOOK_SECRET if secret is None else secret
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def sandbox_event_body(*, event_id: str, payment: Payment, succeeded: bool) -> bytes:
    """The webhook body the sandbox sends when the buyer presses Pay or Decline."""
    return json.dumps(
        {
            "id": event_id,
            "type": "payment.succeeded" if succeeded else "payment.failed",
            "created": int(time.time()),
            "data": {
                "reference": payment.reference,
                "payment_id": payment.pk,
                "amount": str(payment.amount),
                "currency": payment.currency,
            },
        }
    ).encode()


class SandboxProvider:
    name = "sandbox"

    def start(self, *, payment: Payment, return_url: str) -> tuple[str, str]:
        reference = f"sbx_{uuid4().hex}"
        return reference, sandbox_link(reference)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        self._verify(body=body, header=headers.get(SIGNATURE_HEADER, ""))
        try:
            event = json.loads(body)
            data = event["data"]
            amount = Decimal(str(data["amount"]))
            parsed = ProviderEvent(
                id=str(event["id"]),
                type=str(event["type"]),
                kind=EVENT_KINDS.get(event["type"], ProviderEvent.IGNORED),
                reference=str(data["reference"]),
                payment_id=int(data["payment_id"]),
                amount=amount,
                currency=str(data["currency"]).upper(),
                raw=event,
            )
        except (ValueError, TypeError, KeyError, InvalidOperation, RecursionError) as error:
            raise WebhookInvalid(f"The event body is malformed: {error}", field="body") from error
        return [parsed]

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> str:
        return f"sbx_re_{key}"

    def _verify(self, *, body: bytes, header: str) -> None:
        parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        stamp = parts.get("t", "")
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            raise WebhookInvalid(f"The {SIGNATURE_HEADER} header is missing or malformed.")
        timestamp = int(stamp)
        if abs(time.time() - timestamp) > TOLERANCE:
            raise WebhookInvalid("The webhook's timestamp is too old: a replay is refused.")
        expected = sandbox_sign(body, timestamp=timestamp).split("v1=", 1)[1]
        given = parts.get("v1", "").encode("utf-8", "replace")
        if not hmac.compare_digest(expected.encode(), given):
            raise WebhookInvalid("The webhook's signature does not match.")
