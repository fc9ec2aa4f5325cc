"""Celery tasks of the orders app: thin wrappers around services."""

from celery import shared_task

from orders.services.cart import carts_delete_stale_guest
from orders.services.transitions import orders_expire_unpaid


@shared_task(name="orders.tasks.expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    """Expire the orders left unpaid too long; safe when two workers run it at once."""
    return orders_expire_unpaid()


@shared_task(name="orders.tasks.delete_stale_guest_carts")
def delete_stale_guest_carts() -> int:
    """Delete the carts guests left behind."""
    return carts_delete_stale_guest()
