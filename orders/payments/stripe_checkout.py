"""The Stripe provider: Stripe Checkout through the official `stripe` library.

STRIPE_SECRET_KEY calls the API; STRIPE_WEBHOOK_SECRET verifies webhooks (with the
library, which also refuses a signature older than five minutes). Amounts go to Stripe
in the currency's minor units (pence, cents; yen have none), from ISO 4217 through Babel.
Every call waits at most PAYMENT_PROVIDER_TIMEOUT seconds.

`charge.refunded` (a refund made in Stripe's dashboard, or one of ours) reports the charge's
amount refunded in all; the payment is found by the charge's payment intent.
"""

import json
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import stripe
from babel.numbers import get_currency_precision
from django.conf import settings
from django.utils.translation import gettext as _

from orders.errors import PaymentProviderUnavailable, WebhookInvalid
from orders.models import Payment
from orders.payments.base import ProviderEvent

SIGNATURE_HEADER = "Stripe-Signature"
EVENT_KINDS = {
    "checkout.session.async_payment_succeeded": ProviderEvent.SUCCEEDED,
    "checkout.session.async_payment_failed": ProviderEvent.FAILED,
    "checkout.session.expired": ProviderEvent.FAILED,
    "charge.refunded": ProviderEvent.REFUNDED,
}


def minor_units(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit, as Stripe takes it (12.50 GBP -> 1250,
    1250 JPY -> 1250)."""
    exponent = get_currency_precision(currency.upper())
    return int((amount * 10**exponent).to_integral_value(rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-get_currency_precision(currency.upper()))


class StripeProvider:
    name = "stripe"
    # Tests put a fake here so that no call leaves the machine.
    http_client: stripe.HTTPClient | None = None

    def _client(self) -> stripe.StripeClient:
        http_client = self.http_client or stripe.RequestsClient(
            timeout=settings.PAYMENT_PROVIDER_TIMEOUT
        )
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=2
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
                        "unit_amount": minor_units(payment.amount, payment.currency),
                        "product_data": {"name": f"{settings.SHOP_NAME} order {order.number}"},
                    },
                }
            ],
            "client_reference_id": order.number,
            "metadata": {"order": order.number, "payment_id": str(payment.pk)},
            # Its charge carries them too, so a refund made in Stripe's dashboard finds us.
            "payment_intent_data": {
                "metadata": {"order": order.number, "payment_id": str(payment.pk)}
            },
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
                _("The payment service could not be reached: %(reason)s")
                % {"reason": error.user_message or error}
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
        if kind == ProviderEvent.REFUNDED:
            return self._parse_refunded(event=event, charge=session, payment_id=payment_id)
        return ProviderEvent(
            id=str(event["id"]),
            type=event["type"],
            kind=kind,
            reference=str(session["id"]),
            payment_id=int(payment_id) if payment_id else None,
            amount=from_minor_units(int(session["amount_total"]), str(session["currency"])),
            currency=str(session["currency"]).upper(),
            raw=event,
        )

    def _parse_refunded(self, *, event: dict, charge: dict, payment_id) -> ProviderEvent:
        refunds = (charge.get("refunds") or {}).get("data") or []
        return ProviderEvent(
            id=str(event["id"]),
            type=event["type"],
            kind=ProviderEvent.REFUNDED,
            payment_id=int(payment_id) if payment_id else None,
            intent=str(charge.get("payment_intent") or ""),
            refund_reference=str(refunds[0]["id"]) if refunds else str(charge["id"]),
            amount=from_minor_units(int(charge["amount_refunded"]), str(charge["currency"])),
            currency=str(charge["currency"]).upper(),
            raw=event,
        )

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> str:
        session = payment.raw_event.get("data", {}).get("object", {})
        try:
            refund = self._client().v1.refunds.create(
                params={
                    "payment_intent": session["payment_intent"],
                    "amount": minor_units(amount, session.get("currency") or payment.currency),
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
