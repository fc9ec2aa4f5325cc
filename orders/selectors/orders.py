"""Reads of orders with their slot, lines and timeline in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from orders import permissions
from orders.models import Order, OrderEvent


def order_list(*, user: User) -> QuerySet[Order]:
    """The orders `user` may see: their own, or every order for staff who may view orders."""
    orders = Order.objects.select_related("slot").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
    )
    if any(user.has_perm(perm) for perm in permissions.SEE_ALL_ORDERS):
        return orders
    return orders.filter(user=user)


def order_get(*, user: User, number: str) -> Order | None:
    """The order with this number if `user` may see it; None otherwise (the caller 404s)."""
    return order_list(user=user).filter(number=number).first()
