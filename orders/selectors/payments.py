"""Reads of payments."""

from accounts.models import User
from orders.models import Payment, Refund


def payment_latest(*, order_id: int) -> Payment | None:
    """The order's most recent payment attempt, for the order page's payment state."""
    return Payment.objects.filter(order_id=order_id).order_by("-created_at", "-pk").first()


def refund_list(*, order_id: int) -> list[Refund]:
    """The money given back for the order, for its page."""
    return list(Refund.objects.filter(payment__order_id=order_id).order_by("created_at", "pk"))


def sandbox_payment_get(*, user: User | None, reference: str) -> Payment | None:
    """The user's own sandbox payment with this reference, with its order and lines; any
    user's when `user` is None (the caller checked the payment's signed link)."""
    payments = Payment.objects.filter(provider="sandbox", reference=reference)
    if user is not None:
        payments = payments.filter(order__user=user)
    return payments.select_related("order", "order__slot").prefetch_related("order__lines").first()
