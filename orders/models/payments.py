"""Payments: what a provider was asked to take, each webhook event it sent, and refunds.

orders.services.payments is the only writer. A provider event is applied once: its
(provider, event id) is unique. A payment's refunds (whole, or partial: chosen lines or an
amount) never add up to more than the payment: the services check it with the order and the
payment locked.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.validators import single_line
from orders.models.orders import Order


class Payment(models.Model):
    """One attempt to pay an order through a provider (a sandbox page, a Stripe Checkout)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")
        MISMATCH = "mismatch", _("Amount or currency mismatch")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    reference = models.CharField(
        max_length=255, blank=True, help_text="The provider's id of this payment."
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    raw_event = models.JSONField(
        default=dict, blank=True, help_text="The provider event that last changed it."
    )
    redirect_url = models.CharField(
        max_length=2000,
        blank=True,
        help_text="Where the buyer pays; a replayed Pay is sent here instead of a new payment.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_unique_per_provider",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["order", "status"], name="payment_order_status")]

    def __str__(self):
        return f"{self.provider} {self.reference or self.pk} ({self.status})"


class PaymentEvent(models.Model):
    """A webhook event a provider sent, recorded once however often it is delivered."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Payment failed")
        MISMATCH = "mismatch", _("Amount or currency mismatch: not applied")
        REFUNDED = "refunded", _("Paid for an order that cannot take it: refunded")
        IGNORED = "ignored", _("Ignored")
        UNKNOWN_PAYMENT = "unknown_payment", _("No such payment: ignored")

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payment_event_once_per_provider"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id} ({self.outcome})"


class Refund(models.Model):
    """Money given back for a payment, whole or in part. Made through the provider with `key`
    as its idempotency key, so a retry after a timeout cannot refund twice. A refund made
    in the provider's own dashboard is recorded as succeeded when its webhook arrives."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed: will be retried")
        GAVE_UP = "gave_up", _("Gave up: managers were told")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=200, validators=[single_line])
    lines = models.JSONField(
        default=list,
        blank=True,
        help_text="The order lines refunded, when chosen: [{line, name, quantity, amount}].",
    )
    of_sale = models.BooleanField(
        default=True,
        help_text="Gives back money the order was paid with (counted in the order's refunded); "
        "off for a payment that never paid it (late, twice, or of the wrong amount).",
    )
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reference = models.CharField(max_length=255, blank=True, help_text="The provider's refund id.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="refund_due")]

    def __str__(self):
        return f"Refund of {self.payment} ({self.status})"
