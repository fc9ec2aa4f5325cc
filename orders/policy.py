"""Who may do what to an order: the one place every door (pages, API, admin, the board,
the services themselves) asks.

`order_allows(order=..., user=..., action=...)` returns nothing or raises the one error of
that action. Someone who may not see the order is a stranger and gets OrderNotFound
(404) whatever they asked, so they learn nothing; anyone else refused gets the action's
409 (PaymentNotAllowed, CancelNotAllowed, TransitionNotAllowed, RefundNotAllowed), the
same from a page, the API, the admin or a service. `user=None` is the shop's own systems;
a `GuestAccess` is the guest who opened their order's signed link, the customer of that one
order and nothing else.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import ApplicationError
from orders import permissions
from orders.errors import (
    CancelNotAllowed,
    OrderNotFound,
    PaymentNotAllowed,
    RefundNotAllowed,
    TransitionNotAllowed,
)
from orders.models import Order
from orders.states import TRANSITIONS

Status = Order.Status


@dataclass(frozen=True)
class GuestAccess:
    """The holder of a guest order's signed link (orders/guests.py): they may see, pay for
    and cancel that order as its customer would, and nothing else."""

    order_id: int


Actor = User | GuestAccess | None


def order_customer_is(*, order: Order, by: Actor) -> bool:
    """Whether `by` is the order's own customer: its user, or the guest holding its link."""
    if isinstance(by, GuestAccess):
        return by.order_id == order.pk and bool(order.guest_email)
    return by is not None and order.user_id is not None and order.user_id == by.pk


class Action(StrEnum):
    SEE = "see"
    PAY = "pay"
    CANCEL = "cancel"
    FULFIL = "fulfil"
    REFUND = "refund"


def orders_visible(orders: QuerySet[Order], *, user: User) -> QuerySet[Order]:
    """The orders of `orders` that `user` may see: their own, or every one for staff who
    may view or fulfil orders."""
    if any(user.has_perm(perm) for perm in permissions.SEE_ALL_ORDERS):
        return orders
    return orders.filter(user=user)


def order_allows(*, order: Order, user: Actor, action: Action, now: datetime | None = None) -> None:
    """Raise the one error of `action` when `user` may not do it to `order` now."""
    if user is None:
        if action == Action.CANCEL:
            _ensure_cancellable(order=order)
        return
    if isinstance(user, GuestAccess):
        _guest_allows(order=order, guest=user, action=action, now=now)
        return
    if user.pk is None:  # an anonymous visitor is nobody's customer, not even a guest's
        raise OrderNotFound()
    if order.user_id != user.pk and not any(
        user.has_perm(perm) for perm in permissions.SEE_ALL_ORDERS
    ):
        raise OrderNotFound()
    if action == Action.PAY:
        _ensure_may_pay(order=order, user=user)
    elif action == Action.CANCEL:
        _ensure_may_cancel(order=order, user=user, now=now)
    elif action == Action.FULFIL and not user.has_perm(permissions.FULFIL):
        raise TransitionNotAllowed(_("Only shop staff move orders through fulfilment."))
    elif action == Action.REFUND and not user.has_perm(permissions.REFUND):
        raise RefundNotAllowed(_("Only managers can refund payments."))


def _guest_allows(
    *, order: Order, guest: GuestAccess, action: Action, now: datetime | None
) -> None:
    """A guest's link opens its one order; they pay and cancel under the customer's rules."""
    if not order_customer_is(order=order, by=guest):
        raise OrderNotFound()
    if action == Action.PAY:
        _ensure_payable(order=order)
    elif action == Action.CANCEL:
        _ensure_cancellable(order=order)
        refusal = _customer_cancel_refusal(order=order, user=guest, now=now)
        if refusal:
            raise CancelNotAllowed(refusal)
    elif action == Action.FULFIL:
        raise TransitionNotAllowed(_("Only shop staff move orders through fulfilment."))
    elif action == Action.REFUND:
        raise RefundNotAllowed(_("Only managers can refund payments."))


def order_may(*, order: Order, user: Actor, action: Action) -> bool:
    """Whether order_allows would let `user` do `action` (to show or hide a button)."""
    try:
        order_allows(order=order, user=user, action=action)
    except ApplicationError:
        return False
    return True


def _ensure_may_pay(*, order: Order, user: User) -> None:
    if order.user_id != user.pk:
        raise PaymentNotAllowed(_("Only the customer who placed the order can pay for it."))
    _ensure_payable(order=order)


def _ensure_payable(*, order: Order) -> None:
    if order.status != Status.PENDING_PAYMENT:
        raise PaymentNotAllowed(
            _("Order %(number)s is %(status)s: only an order waiting for payment can be paid.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )


def _ensure_cancellable(*, order: Order) -> None:
    if Status.CANCELLED not in TRANSITIONS[order.status]:
        raise CancelNotAllowed(
            _("An order that is %(status)s cannot be cancelled.")
            % {"status": order.get_status_display().lower()}
        )


def _ensure_may_cancel(*, order: Order, user: User, now: datetime | None) -> None:
    """The SPEC's cancel rules. Staff with orders.fulfil_order cancel any order not yet
    completed. Customers cancel their own order while it waits for payment, or while it
    is paid or being prepared, within ORDER_CANCEL_WINDOW of placing it and before its
    slot starts."""
    _ensure_cancellable(order=order)
    refusal = _customer_cancel_refusal(order=order, user=user, now=now)
    # Staff permissions are looked up only when the customer's rules refuse (two queries).
    if refusal and not user.has_perm(permissions.FULFIL):
        raise CancelNotAllowed(refusal)


def _customer_cancel_refusal(
    *, order: Order, user: User | GuestAccess, now: datetime | None
) -> str:
    if not order_customer_is(order=order, by=user):
        return _("Only the customer who placed the order can cancel it.")
    if order.status == Status.PENDING_PAYMENT:
        return ""
    if order.status not in {Status.PAID, Status.PREPARING}:
        return _("This order is on its way: please contact the shop.")
    now = now or timezone.now()
    if now > order.placed_at + settings.ORDER_CANCEL_WINDOW:
        hours = settings.ORDER_CANCEL_WINDOW.total_seconds() / 3600
        return _("Orders can be cancelled within %(hours)s hours of placing them.") % {
            "hours": f"{hours:g}"
        }
    if now >= order.slot.starts_at:
        return _("The order's slot has already started.")
    return ""
