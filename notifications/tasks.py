"""Celery tasks of the notifications app: thin wrappers around services."""

from celery import shared_task

from notifications.services import (
    daily_report_send,
    deliveries_queue_due,
    delivery_send,
    slot_reminders_send,
)
from notifications.webhooks import webhook_deliveries_queue_due, webhook_delivery_send


@shared_task(name="notifications.tasks.send_delivery")
def send_delivery(delivery_id: int) -> bool:
    """Send one email; claimed first, so running twice sends once. A failure is recorded
    with the time of its next attempt (doubling each time), when the sweep queues it."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.queue_due_deliveries", expires=50)
def queue_due_deliveries() -> int:
    """Queue the emails and webhooks still to send: lost by a broker or worker, or due for
    a retry."""
    return deliveries_queue_due() + webhook_deliveries_queue_due()


@shared_task(name="notifications.tasks.send_webhook")
def send_webhook(delivery_id: int) -> bool:
    """One attempt at a webhook delivery; claimed first, so running twice sends once. A
    failure is recorded with the time of its next attempt, when the sweep queues it."""
    return webhook_delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.send_slot_reminders", expires=240)
def send_slot_reminders() -> int:
    return slot_reminders_send()


@shared_task(name="notifications.tasks.send_daily_report")
def send_daily_report() -> int:
    return daily_report_send()
