"""Notifications (the inbox), their email deliveries (the outbox), and who wants which email.

A Notification is written in the same transaction as the change that caused it; its
Delivery rows are sent after commit by a task that claims them first, and a sweep sends
any that are left. notifications.services is the only writer.
"""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.validators import single_line


class Kind(models.TextChoices):
    ORDER_PLACED = "order_placed", _("Order placed")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    ORDER_READY = "order_ready", _("Order ready for pickup")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Order out for delivery")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    ORDER_EXPIRED = "order_expired", _("Order expired")
    ORDER_REFUNDED = "order_refunded", _("Order refunded")
    SLOT_REMINDER = "slot_reminder", _("Slot reminder")
    NEW_PAID_ORDER = "new_paid_order", _("New paid order (staff)")
    LOW_STOCK = "low_stock", _("Low stock (managers)")
    DAILY_REPORT = "daily_report", _("Daily sales report (managers)")
    PAYMENT_PROBLEM = "payment_problem", _("Payment problem (managers)")
    WEBHOOK_PAUSED = "webhook_paused", _("Webhook endpoint paused (managers)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text="Empty for a guest's order: its one delivery goes to the guest's email.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, validators=[single_line])
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="A path on this site.")
    # Makes "once per order" (reminders) or "once per day" (reports) a database rule.
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(recipient__isnull=True) & ~Q(dedupe_key=""),
                name="notification_once_per_key_for_guests",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One email of a notification: claimed by a task with a conditional update, so a task
    that runs twice sends once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: will be retried")
        GAVE_UP = "gave_up", _("Failed too often: given up")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    to = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.notification.kind} to {self.to} ({self.status})"


class Preference(models.Model):
    """A user's choice of email for one kind; no row means email on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: email {'on' if self.email else 'off'}"


class LowStockAlert(models.Model):
    """A product that went below its low-stock threshold and was reported; deleted when
    it is back above, so managers hear once per crossing."""

    product = models.OneToOneField("orders.Product", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Low stock: {self.product_id}"


class WebhookEvent(models.TextChoices):
    ORDER_PLACED = "order.placed", "An order is placed"
    ORDER_PAID = "order.paid", "An order is paid"
    ORDER_STATUS_CHANGED = "order.status_changed", "An order's status changes (every change)"
    ORDER_CANCELLED = "order.cancelled", "An order is cancelled"
    ORDER_EXPIRED = "order.expired", "An order expires unpaid"
    ORDER_REFUNDED = "order.refunded", "A refund is made"
    PRODUCT_LOW_STOCK = "product.low_stock", "A product runs low"


# Sent by "send a test event" to one endpoint, whatever it subscribes to.
WEBHOOK_TEST_EVENT = "webhook.test"


class WebhookEndpoint(models.Model):
    """A partner's URL that hears the events it subscribes to, signed with its secret.
    Paused (active off, paused_at set) after too many failures in a row."""

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="The event types it hears.")
    secret = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(default=True)
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was paused for failing too often."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the change, claimed with a
    conditional update before each attempt (two workers send once), retried until
    give_up_at. The last attempt's answer is kept here, every attempt's in WebhookAttempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed: will be retried")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed for 24 hours: given up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    give_up_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True, help_text="The first 1 KB of the reply.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: the answer (or the error) and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    response_excerpt = models.TextField(blank=True, help_text="The first 1 KB of the reply.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"Attempt at {self.attempted_at} of delivery {self.delivery_id}"
