"""Reads of orders with their slot, lines and timeline in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from orders.guests import guest_link_number
from orders.models import Order, OrderEvent
from orders.policy import orders_visible


def _with_details() -> QuerySet[Order]:
    return Order.objects.select_related("slot").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
    )


def order_list(*, user: User) -> QuerySet[Order]:
    """The orders `user` may see: their own, or every order for staff who may view orders."""
    return orders_visible(_with_details(), user=user)


def order_reloaded(*, order: Order) -> Order:
    """The order as it is now, with its slot, lines and timeline, for a caller who was just
    allowed to act on it (placed it, cancelled it, moved it): no permission lookup again."""
    return _with_details().get(pk=order.pk)


def order_get(*, user: User, number: str) -> Order | None:
    """The order with this number if `user` may see it; None otherwise (the caller 404s)."""
    return order_list(user=user).filter(number=number).first()


def order_of_guest_link(*, token: str) -> Order | None:
    """The guest order a signed link opens; None for a tampered or expired link, or one
    that names an order not placed by a guest (the caller 404s)."""
    number = guest_link_number(token=token)
    if number is None:
        return None
    return _with_details().filter(number=number).exclude(guest_email="").first()
