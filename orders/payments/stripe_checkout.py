"""The Stripe provider: Stripe Checkout through the official `stripe` library.

STRIPE_SECRET_KEY calls the API; STRIPE_WEBHOOK_SECRET verifies webhooks (with the
library, which also refuses a signature older than five minutes). Amounts go to Stripe
in minor units (pence, cents): Orderly's shop currencies have two decimals.
"""

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings

from orders.errors import PaymentProviderUnavailable, WebhookInvalid
from orders.models import Payment
from orders.payments.base import ProviderEvent

SIGNATURE_HEADER = "Stripe-Signature"
EVENT_KINDS = {
    "checkout.session.async_payment_succeeded": ProviderEvent.SUCCEEDED,
    "checkout.session.async_payment_failed": ProviderEvent.FAILED,
    "checkout.session.expired": ProviderEvent.FAILED,
}
MINOR_UNITS = Decimal(100)


class StripeProvider:
    name = "stripe"
    # Tests put a fake here so that no call leaves the machine.
    http_client: stripe.HTTPClient | None = None

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, http_client=self.http_client, max_network_retries=2
        )

    def start(self, *, payment: Payment, return_url: str) -> tuple[str, str]:
        order = payment.order
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": int(payment.amount * MINOR_UNITS),
                        "product_data": {"name": f"{settings.SHOP_NAME} order {order.number}"},
                    },
                }
            ],
            "client_reference_id": order.number,
            "metadata": {"order": order.number, "payment_id": str(payment.pk)},
            "success_url": return_url,
            "cancel_url": return_url,
        }
        if order.contact_email:
            params["customer_email"] = order.contact_email
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": f"orderly-payment-{payment.pk}"}
            )
        except stripe.StripeError as error:
            raise PaymentProviderUnavailable(
                f"The payment service could not be reached: {error.user_message or error}"
            ) from error
        return session.id, session.url

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        try:
            self._client().construct_event(
                body, headers.get(SIGNATURE_HEADER, ""), settings.STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as error:
            raise WebhookInvalid("The webhook's signature does not match.") from error
        except ValueError as error:
            raise WebhookInvalid("The webhook body is not JSON.", field="body") from error
        try:
            event = json.loads(body)
            return [self._parse(event)]
        except (ValueError, TypeError, KeyError, InvalidOperation, AttributeError) as error:
            raise WebhookInvalid(f"The event body is malformed: {error}", field="body") from error

    def _parse(self, event: dict) -> ProviderEvent:
        kind = EVENT_KINDS.get(event["type"], ProviderEvent.IGNORED)
        session = event["data"]["object"]
        if event["type"] == "checkout.session.completed" and session["payment_status"] == "paid":
            kind = ProviderEvent.SUCCEEDED
        if kind == ProviderEvent.IGNORED:
            return ProviderEvent(id=str(event["id"]), type=event["type"], kind=kind, raw=event)
        payment_id = (session.get("metadata") or {}).get("payment_id")
        return ProviderEvent(
            id=str(event["id"]),
            type=event["type"],
            kind=kind,
            reference=str(session["id"]),
            payment_id=int(payment_id) if payment_id else None,
            amount=Decimal(session["amount_total"]) / MINOR_UNITS,
            currency=str(session["currency"]).upper(),
            raw=event,
        )

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> str:
        session = payment.raw_event.get("data", {}).get("object", {})
        try:
            refund = self._client().v1.refunds.create(
                params={
                    "payment_intent": session["payment_intent"],
                    "amount": int(amount * MINOR_UNITS),
                },
                options={"idempotency_key": key},
            )
        except KeyError as error:
            raise PaymentProviderUnavailable(
                "The payment has no Stripe payment intent to refund."
            ) from error
        except stripe.StripeError as error:
            raise PaymentProviderUnavailable(f"Stripe refused the refund: {error}") from error
        return refund.id
