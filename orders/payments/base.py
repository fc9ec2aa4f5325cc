"""What every payment provider offers, in provider-neutral terms."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from orders.errors import WebhookInvalid
from orders.models import Payment, PaymentEvent

# Larger than any order, small enough for every column and comparison it meets.
MAX_AMOUNT = Decimal("1e12")


@dataclass(frozen=True)
class ProviderEvent:
    """One webhook event, as every provider's parser hands it over.

    `kind` is SUCCEEDED or FAILED for events about a payment, REFUNDED when the provider
    reports `amount` of it refunded in all (a refund made in its dashboard, or ours), IGNORED
    for any other type (recorded, never applied). `reference` is the provider's id of the
    payment and `payment_id` ours, when the provider echoes it back; `intent` names the
    payment by the provider's payment intent, `refund_reference` its latest refund.
    """

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"
    IGNORED = "ignored"

    id: str
    type: str
    kind: str
    reference: str = ""
    payment_id: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    intent: str = ""
    refund_reference: str = ""
    raw: dict = field(default_factory=dict)

    def __post_init__(self):
        """Refuse, with a 400 naming the field, an event that cannot be stored or weighed:
        every provider's parser builds one, so this is the one place a signed body is checked."""
        max_id = PaymentEvent._meta.get_field("event_id").max_length
        if not 0 < len(self.id) <= max_id:
            raise WebhookInvalid(f"The event id must be 1 to {max_id} characters.", field="id")
        if self.amount is not None and not (
            self.amount.is_finite() and abs(self.amount) < MAX_AMOUNT
        ):
            raise WebhookInvalid("The amount must be a finite number of money.", field="amount")
        try:
            json.dumps(self.raw, allow_nan=False)
        except ValueError as error:
            # PostgreSQL's JSON has no NaN or Infinity.
            raise WebhookInvalid(
                f"The event body cannot be stored: {error}.", field="body"
            ) from error


class PaymentProvider(Protocol):
    name: str

    def start(self, *, payment: Payment, return_url: str) -> tuple[str, str]:
        """Open the payment with the provider; return (its reference, where to send the buyer).

        Raises PaymentProviderUnavailable when the provider cannot be reached.
        """

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        """Verify the signature and parse the body; raises WebhookInvalid when it cannot be
        trusted."""

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> str:
        """Give `amount` back; return the provider's refund id. `key` makes a retry safe.

        Raises PaymentProviderUnavailable when the provider cannot be reached or refuses.
        """
