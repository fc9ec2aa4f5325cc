"""Payment providers behind one small interface (base.PaymentProvider), one module each.

PAYMENT_PROVIDER picks the one new payments use; its webhooks are the only ones accepted.
"""

from django.conf import settings

from orders.errors import PaymentProviderUnknown
from orders.payments.base import PaymentProvider, ProviderEvent
from orders.payments.sandbox import SandboxProvider
from orders.payments.stripe_checkout import StripeProvider

PROVIDERS: dict[str, type] = {"sandbox": SandboxProvider, "stripe": StripeProvider}

__all__ = ["PROVIDERS", "PaymentProvider", "ProviderEvent", "provider_get", "provider_of"]


def provider_get(name: str | None = None) -> PaymentProvider:
    """The provider called `name` (by default PAYMENT_PROVIDER), if it is the one in use."""
    name = name or settings.PAYMENT_PROVIDER
    if name != settings.PAYMENT_PROVIDER or name not in PROVIDERS:
        raise PaymentProviderUnknown(f"There is no payment provider called {name!r} here.")
    return PROVIDERS[name]()


def provider_of(provider: str) -> PaymentProvider:
    """The provider a payment was made with, to refund it even after PAYMENT_PROVIDER changed."""
    return PROVIDERS[provider]()
