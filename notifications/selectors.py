"""Reads of notifications: the user's inbox, one notification, the unread count."""

from datetime import datetime

from django.db.models import Count, Min, QuerySet

from accounts.models import User
from notifications.errors import NotificationNotFound
from notifications.models import Delivery, Notification, WebhookDelivery, WebhookEndpoint


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_get(*, user: User, notification_id: object) -> Notification:
    if isinstance(notification_id, bool) or not isinstance(notification_id, int):
        raise NotificationNotFound()
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound()
    return notification


def notification_unread_count(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("pk")


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, each with its attempts (one query more)."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-pk")
    )


def outbox_state() -> tuple[int, datetime | None]:
    """How many emails wait to be sent (new, being sent, failed and to retry) and when the
    oldest of them was written; one query."""
    waiting = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED]
    ).aggregate(backlog=Count("pk"), oldest=Min("created_at"))
    return waiting["backlog"], waiting["oldest"]
