"""What every payment provider offers, in provider-neutral terms."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from orders.models import Payment


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
