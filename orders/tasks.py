"""Celery tasks of the orders app: thin wrappers around services."""

from celery import shared_task

from orders.services.cart import carts_delete_stale_guest
from orders.services.hours import slots_generate
from orders.services.images import (
    RENDITIONS_MAX_ATTEMPTS,
    image_renditions_make,
    image_renditions_sweep,
)
from orders.services.payments import refund_run, refunds_retry_due, sandbox_webhook_send
from orders.services.transitions import orders_expire_unpaid


@shared_task(name="orders.tasks.expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    """Expire the orders left unpaid too long; safe when two workers run it at once."""
    return orders_expire_unpaid()


@shared_task(name="orders.tasks.delete_stale_guest_carts")
def delete_stale_guest_carts() -> int:
    """Delete the carts guests left behind."""
    return carts_delete_stale_guest()


@shared_task(name="orders.tasks.refund_execute")
def refund_execute(refund_id: int) -> str | None:
    """Make one refund through its provider; a failure is recorded and retried later."""
    refund = refund_run(refund_id=refund_id)
    return refund.status if refund else None


@shared_task(name="orders.tasks.retry_due_refunds")
def retry_due_refunds() -> int:
    """Make the refunds that are due: failed ones past their backoff, and missed ones."""
    return refunds_retry_due()


@shared_task(name="orders.tasks.send_sandbox_webhook")
def send_sandbox_webhook(payment_id: int, event_id: str, succeeded: bool) -> list[str]:
    """What the sandbox's payment page does when the buyer presses Pay or Decline."""
    return sandbox_webhook_send(payment_id=payment_id, event_id=event_id, succeeded=succeeded)


@shared_task(name="orders.tasks.generate_slots")
def generate_slots() -> int:
    """Create the coming days' slots from the opening hours; safe when two workers run it."""
    return slots_generate()


@shared_task(
    name="orders.tasks.make_image_renditions",
    autoretry_for=(Exception,),
    max_retries=RENDITIONS_MAX_ATTEMPTS - 1,
    retry_backoff=5,
)
def make_image_renditions(image_id: int) -> bool:
    """Make one picture's renditions; a second delivery finds them made (or being made)."""
    return image_renditions_make(image_id=image_id) is not None


@shared_task(name="orders.tasks.sweep_image_renditions")
def sweep_image_renditions() -> int:
    """Queue the renditions that a lost task left unmade."""
    return image_renditions_sweep()
